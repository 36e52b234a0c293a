//===- ASTDecl.h - declarations and the module -------------------*- C++
//-*-===//
#ifndef TDL_LANG_ASTDECL_H
#define TDL_LANG_ASTDECL_H

#include "lang/ASTStmt.h"

#include "llvm/ADT/STLExtras.h"

namespace tdl::ast {

class Module;

class Decl : public Node {
public:
  const Ident &getName() const { return name; }
  static bool classof(const Node *n) {
    return n->getKind() >= FirstDecl && n->getKind() <= LastDecl;
  }

protected:
  Decl(NodeKind k, llvm::SMRange r, Ident name) : Node(k, r), name(name) {}

private:
  Ident name;
};

/// `import std.nn;`: getName() is the last segment (`nn`), the name the
/// module is visible under.
class ImportDecl : public Decl {
public:
  ImportDecl(llvm::SMRange r, llvm::ArrayRef<Ident> path)
      : Decl(NodeKind::ImportDecl, r, path.back()), path(path) {}
  llvm::ArrayRef<Ident> getPath() const { return path; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::ImportDecl;
  }
  /// Filled in by sema: the imported module.
  mutable const Module *module = nullptr;

private:
  llvm::ArrayRef<Ident> path;
};

/// `const LR: f32 = 0.05;` (the type may be omitted).
class ConstDecl : public Decl {
public:
  ConstDecl(llvm::SMRange r, Ident name, TypeExpr *declaredType, Expr *init,
            bool isExport)
      : Decl(NodeKind::ConstDecl, r, name), declaredType(declaredType),
        init(init), exported(isExport) {}
  TypeExpr *getDeclaredType() const { return declaredType; }
  Expr *getInit() const { return init; }
  bool isExport() const { return exported; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::ConstDecl;
  }
  mutable const sema::Type *type = nullptr; // filled in by sema

private:
  TypeExpr *declaredType;
  Expr *init;
  bool exported;
};

/// `N` (a dim, or an unconstrained dtype: sema decides from its uses),
/// `..S` (a shape pack), `T: float` / `T: int` / `T: num` (a dtype).
class GenericParamDecl : public Decl {
public:
  enum class Kind : uint8_t { Plain, Pack, DType };
  enum class Constraint : uint8_t { None, Float, Int, Num };
  GenericParamDecl(llvm::SMRange r, Ident name, Kind kind,
                   Constraint constraint)
      : Decl(NodeKind::GenericParamDecl, r, name), kind(kind),
        constraint(constraint) {}
  Kind getParamKind() const { return kind; }
  bool isPack() const { return kind == Kind::Pack; }
  /// None unless getParamKind() == DType.
  Constraint getConstraint() const { return constraint; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::GenericParamDecl;
  }

private:
  Kind kind;
  Constraint constraint;
};

/// One `name: T` of a struct.
class FieldDecl : public Decl {
public:
  FieldDecl(llvm::SMRange r, Ident name, TypeExpr *fieldType)
      : Decl(NodeKind::FieldDecl, r, name), fieldType(fieldType) {}
  TypeExpr *getFieldType() const { return fieldType; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::FieldDecl;
  }

private:
  TypeExpr *fieldType;
};

class StructDecl : public Decl {
public:
  StructDecl(llvm::SMRange r, Ident name,
             llvm::ArrayRef<GenericParamDecl *> genericParams,
             llvm::ArrayRef<FieldDecl *> fields, bool isExport)
      : Decl(NodeKind::StructDecl, r, name), genericParams(genericParams),
        fields(fields), exported(isExport) {}
  llvm::ArrayRef<GenericParamDecl *> getGenericParams() const {
    return genericParams;
  }
  llvm::ArrayRef<FieldDecl *> getFields() const { return fields; }
  bool isExport() const { return exported; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::StructDecl;
  }

private:
  llvm::ArrayRef<GenericParamDecl *> genericParams;
  llvm::ArrayRef<FieldDecl *> fields;
  bool exported;
};

/// `[const] name: T [= default]`.
class ParamDecl : public Decl {
public:
  ParamDecl(llvm::SMRange r, Ident name, TypeExpr *paramType,
            Expr *defaultValue, bool isConst)
      : Decl(NodeKind::ParamDecl, r, name), paramType(paramType),
        defaultValue(defaultValue), constFlag(isConst) {}
  TypeExpr *getParamType() const { return paramType; }
  /// Null when there is no default.
  Expr *getDefault() const { return defaultValue; }
  bool isConst() const { return constFlag; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::ParamDecl;
  }
  mutable const sema::Type *type = nullptr; // filled in by sema

private:
  TypeExpr *paramType;
  Expr *defaultValue;
  bool constFlag;
};

/// `@name(args)` before a function, e.g. `@derivative(of: softplus)`.
struct Attribute {
  Ident name; // without the '@'
  llvm::SMRange range;
  llvm::ArrayRef<Argument> args;
};

class FuncDecl : public Decl {
public:
  FuncDecl(llvm::SMRange r, Ident name,
           llvm::ArrayRef<GenericParamDecl *> genericParams,
           llvm::ArrayRef<ParamDecl *> params, TypeExpr *resultType,
           BlockStmt *body, bool isExport, llvm::ArrayRef<Attribute> attrs)
      : Decl(NodeKind::FuncDecl, r, name), genericParams(genericParams),
        params(params), attrs(attrs), resultType(resultType), body(body),
        exported(isExport) {}
  llvm::ArrayRef<GenericParamDecl *> getGenericParams() const {
    return genericParams;
  }
  bool isGeneric() const { return !genericParams.empty(); }
  llvm::ArrayRef<ParamDecl *> getParams() const { return params; }
  /// Null when no `-> R` was written (the function returns `()`).
  TypeExpr *getResultType() const { return resultType; }
  BlockStmt *getBody() const { return body; }
  bool isExport() const { return exported; }
  llvm::ArrayRef<Attribute> getAttributes() const { return attrs; }
  /// The `@derivative(...)` attribute, if present.
  const Attribute *getDerivativeAttr() const {
    for (const Attribute &a : attrs)
      if (a.name.name == "derivative")
        return &a;
    return nullptr;
  }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::FuncDecl;
  }

private:
  llvm::ArrayRef<GenericParamDecl *> genericParams;
  llvm::ArrayRef<ParamDecl *> params;
  llvm::ArrayRef<Attribute> attrs;
  TypeExpr *resultType;
  BlockStmt *body;
  bool exported;
};

/// `fn g = grad(f, wrt: (a, b));` (a CallExpr of a transform),
/// `export fn d32 = dense<32, 784, 128>;` (an InstantiateExpr), or
/// `fn h = nn.relu;` (a name): sema decides what the definition means.
class DerivedFuncDecl : public Decl {
public:
  DerivedFuncDecl(llvm::SMRange r, Ident name, Expr *definition, bool isExport,
                  llvm::ArrayRef<Attribute> attrs)
      : Decl(NodeKind::DerivedFuncDecl, r, name), definition(definition),
        attrs(attrs), exported(isExport) {}
  Expr *getDefinition() const { return definition; }
  bool isExport() const { return exported; }
  llvm::ArrayRef<Attribute> getAttributes() const { return attrs; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::DerivedFuncDecl;
  }

private:
  Expr *definition;
  llvm::ArrayRef<Attribute> attrs;
  bool exported;
};

/// A local name: `let` (immutable), `var` (mutable) or a `for` index.
class VarDecl : public Decl {
public:
  enum class Kind : uint8_t { Let, Var, ForIndex };
  VarDecl(llvm::SMRange r, Ident name, Kind kind,
          llvm::SMLoc keywordLoc = llvm::SMLoc())
      : Decl(NodeKind::VarDecl, r, name), keywordLoc(keywordLoc), kind(kind) {}
  Kind getVarKind() const { return kind; }
  bool isMutable() const { return kind == Kind::Var; }
  /// The `let` or `var` of the statement that binds it (invalid for a `for`
  /// index): where "change 'let' to 'var'" applies.
  llvm::SMLoc getKeywordLoc() const { return keywordLoc; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::VarDecl;
  }
  mutable const sema::Type *type = nullptr; // filled in by sema

private:
  llvm::SMLoc keywordLoc;
  Kind kind;
};

/// One source file: its top-level declarations in source order.
class Module : public Node {
public:
  Module(llvm::SMRange r, llvm::StringRef name, unsigned bufferId,
         llvm::ArrayRef<Decl *> decls)
      : Node(NodeKind::Module, r), name(name), bufferId(bufferId),
        decls(decls) {}
  /// The buffer's display name (the file path).
  llvm::StringRef getName() const { return name; }
  unsigned getBufferId() const { return bufferId; }
  llvm::ArrayRef<Decl *> getDecls() const { return decls; }
  /// The declarations of one class, in source order:
  /// `for (auto *f : m->declsOf<FuncDecl>())`.
  template <typename T> auto declsOf() const {
    return llvm::map_range(
        llvm::make_filter_range(decls,
                                [](const Decl *d) { return llvm::isa<T>(d); }),
        [](Decl *d) { return llvm::cast<T>(d); });
  }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::Module;
  }

private:
  llvm::StringRef name;
  unsigned bufferId;
  llvm::ArrayRef<Decl *> decls;
};

} // namespace tdl::ast

#endif

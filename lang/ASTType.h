//===- ASTType.h - type syntax: dtypes, shapes, dims, tuples -----*- C++
//-*-===//
//
// Type expressions as written. Dimension expressions (`N`, `N + 1`,
// `prod(S)`, `..S`) are TypeExprs too, because generic argument lists
// (`dense<32, 784, 128>`, `Dense<I, O>`, `f<f32>`) mix dims and types freely;
// sema decides what each one means. A bare name (`N`, `T`, `Dense`) is a
// NamedTypeExpr whichever it is.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_LANG_ASTTYPE_H
#define TDL_LANG_ASTTYPE_H

#include "lang/ASTBase.h"

namespace tdl::ast {

class Decl;

class TypeExpr : public Node {
public:
  static bool classof(const Node *n) {
    return n->getKind() >= FirstTypeExpr && n->getKind() <= LastTypeExpr;
  }
  /// Filled in by sema.
  mutable const sema::Type *type = nullptr;

protected:
  using Node::Node;
};

/// `f32`, `bool`, ...: one of the dtype names.
class DTypeTypeExpr : public TypeExpr {
public:
  DTypeTypeExpr(llvm::SMRange r, DType dtype)
      : TypeExpr(NodeKind::DTypeTypeExpr, r), dtype(dtype) {}
  DType getDType() const { return dtype; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::DTypeTypeExpr;
  }

private:
  DType dtype;
};

/// `T`, `N`, `Dense<I, O>`, `nn.Dense<4, 3>`: a (possibly qualified) name with
/// optional generic arguments.
class NamedTypeExpr : public TypeExpr {
public:
  NamedTypeExpr(llvm::SMRange r, llvm::ArrayRef<Ident> path,
                llvm::ArrayRef<TypeExpr *> genericArgs, bool hasGenericArgs)
      : TypeExpr(NodeKind::NamedTypeExpr, r), path(path),
        genericArgs(genericArgs), hasArgList(hasGenericArgs) {}
  /// Qualifiers then the name: `nn.Dense` is {nn, Dense}. Never empty.
  llvm::ArrayRef<Ident> getPath() const { return path; }
  const Ident &getName() const { return path.back(); }
  bool isQualified() const { return path.size() > 1; }
  llvm::ArrayRef<TypeExpr *> getGenericArgs() const { return genericArgs; }
  /// True when written with `<...>` (even an empty one).
  bool hasGenericArgList() const { return hasArgList; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::NamedTypeExpr;
  }
  /// Filled in by sema: the struct, generic parameter, ... it names.
  mutable const Decl *resolved = nullptr;

private:
  llvm::ArrayRef<Ident> path;
  llvm::ArrayRef<TypeExpr *> genericArgs;
  bool hasArgList;
};

/// `f32[32, 784]`, `T[..S]`, `f32[]`: an element type with a dims list.
/// A rank-0 `f32` without brackets is a plain DTypeTypeExpr.
class TensorTypeExpr : public TypeExpr {
public:
  TensorTypeExpr(llvm::SMRange r, TypeExpr *element,
                 llvm::ArrayRef<TypeExpr *> dims)
      : TypeExpr(NodeKind::TensorTypeExpr, r), element(element), dims(dims) {}
  /// A DTypeTypeExpr or a NamedTypeExpr naming a dtype parameter.
  TypeExpr *getElement() const { return element; }
  /// Dimension expressions (DimIntExpr, NamedTypeExpr, DimBinaryExpr,
  /// DimCallExpr, DimPackExpr).
  llvm::ArrayRef<TypeExpr *> getDims() const { return dims; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::TensorTypeExpr;
  }

private:
  TypeExpr *element;
  llvm::ArrayRef<TypeExpr *> dims;
};

/// `(f32[3], i32)`, `(f32,)`, `()`.
class TupleTypeExpr : public TypeExpr {
public:
  TupleTypeExpr(llvm::SMRange r, llvm::ArrayRef<TypeExpr *> elements)
      : TypeExpr(NodeKind::TupleTypeExpr, r), elements(elements) {}
  llvm::ArrayRef<TypeExpr *> getElements() const { return elements; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::TupleTypeExpr;
  }

private:
  llvm::ArrayRef<TypeExpr *> elements;
};

/// An integer literal in a dims list or generic argument list.
class DimIntExpr : public TypeExpr {
public:
  DimIntExpr(llvm::SMRange r, llvm::StringRef text, uint64_t value)
      : TypeExpr(NodeKind::DimIntExpr, r), text(text), value(value) {}
  llvm::StringRef getText() const { return text; }
  uint64_t getValue() const { return value; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::DimIntExpr;
  }

private:
  llvm::StringRef text;
  uint64_t value;
};

/// `N + 1`, `N - M`, `N * M`, `N / 2` (only Add, Sub, Mul, Div occur).
class DimBinaryExpr : public TypeExpr {
public:
  DimBinaryExpr(llvm::SMRange r, BinaryOp op, llvm::SMLoc opLoc, TypeExpr *lhs,
                TypeExpr *rhs)
      : TypeExpr(NodeKind::DimBinaryExpr, r), lhs(lhs), rhs(rhs), opLoc(opLoc),
        op(op) {}
  BinaryOp getOp() const { return op; }
  llvm::SMLoc getOpLoc() const { return opLoc; }
  TypeExpr *getLHS() const { return lhs; }
  TypeExpr *getRHS() const { return rhs; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::DimBinaryExpr;
  }

private:
  TypeExpr *lhs, *rhs;
  llvm::SMLoc opLoc;
  BinaryOp op;
};

/// `prod(S)` / `rank(S)`: `callee` is the function name as written; the
/// parser accepts exactly these two.
class DimCallExpr : public TypeExpr {
public:
  DimCallExpr(llvm::SMRange r, Ident callee, Ident pack)
      : TypeExpr(NodeKind::DimCallExpr, r), callee(callee), pack(pack) {}
  const Ident &getCallee() const { return callee; }
  bool isProd() const { return callee.name == "prod"; }
  bool isRank() const { return callee.name == "rank"; }
  /// The shape pack argument (`S`).
  const Ident &getPack() const { return pack; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::DimCallExpr;
  }
  mutable const Decl *resolved = nullptr; // the pack's GenericParamDecl

private:
  Ident callee, pack;
};

/// `..S`: a shape pack spliced into a dims list.
class DimPackExpr : public TypeExpr {
public:
  DimPackExpr(llvm::SMRange r, Ident pack)
      : TypeExpr(NodeKind::DimPackExpr, r), pack(pack) {}
  const Ident &getPack() const { return pack; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::DimPackExpr;
  }
  mutable const Decl *resolved = nullptr; // the pack's GenericParamDecl

private:
  Ident pack;
};

/// `[3, 4]`, `[B, ..S]`: a list of dims (packs spliced in) given as the
/// explicit argument of a shape-pack parameter: `flatten<2, [3, 4]>`.
class DimListExpr : public TypeExpr {
public:
  DimListExpr(llvm::SMRange r, llvm::ArrayRef<TypeExpr *> dims)
      : TypeExpr(NodeKind::DimListExpr, r), dims(dims) {}
  llvm::ArrayRef<TypeExpr *> getDims() const { return dims; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::DimListExpr;
  }

private:
  llvm::ArrayRef<TypeExpr *> dims;
};

/// Stands in for a type that failed to parse (already diagnosed).
class ErrorTypeExpr : public TypeExpr {
public:
  explicit ErrorTypeExpr(llvm::SMRange r)
      : TypeExpr(NodeKind::ErrorTypeExpr, r) {}
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::ErrorTypeExpr;
  }
};

} // namespace tdl::ast

#endif

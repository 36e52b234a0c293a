//===- ASTExpr.h - value expressions -----------------------------*- C++
//-*-===//
//
// Every Expr carries `type`, a slot sema fills in (the AST never includes
// sema). Names carry `resolved`, the declaration sema bound them to.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_LANG_ASTEXPR_H
#define TDL_LANG_ASTEXPR_H

#include "lang/ASTType.h"

namespace tdl::ast {

class BlockStmt;
class Decl;

class Expr : public Node {
public:
  static bool classof(const Node *n) {
    return n->getKind() >= FirstExpr && n->getKind() <= LastExpr;
  }
  /// Filled in by sema.
  mutable const sema::Type *type = nullptr;

protected:
  using Node::Node;
};

/// `42`, `0x2A`, `1_000`. Untyped until sema gives it a dtype. The value is
/// the literal's magnitude (a leading `-` is a UnaryExpr), so it fits u64;
/// larger literals are diagnosed by the lexer and then hold 0.
class IntLiteralExpr : public Expr {
public:
  IntLiteralExpr(llvm::SMRange r, llvm::StringRef text, uint64_t value)
      : Expr(NodeKind::IntLiteralExpr, r), text(text), value(value) {}
  llvm::StringRef getText() const { return text; }
  uint64_t getValue() const { return value; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::IntLiteralExpr;
  }

private:
  llvm::StringRef text;
  uint64_t value;
};

/// `1.0`, `.5`, `2.`, `1e-3`: the value parsed as a double (correctly
/// rounded); sema rounds again to f32 where that is the dtype.
class FloatLiteralExpr : public Expr {
public:
  FloatLiteralExpr(llvm::SMRange r, llvm::StringRef text, double value)
      : Expr(NodeKind::FloatLiteralExpr, r), text(text), value(value) {}
  llvm::StringRef getText() const { return text; }
  double getValue() const { return value; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::FloatLiteralExpr;
  }

private:
  llvm::StringRef text;
  double value;
};

class BoolLiteralExpr : public Expr {
public:
  BoolLiteralExpr(llvm::SMRange r, bool value)
      : Expr(NodeKind::BoolLiteralExpr, r), value(value) {}
  bool getValue() const { return value; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::BoolLiteralExpr;
  }

private:
  bool value;
};

/// `[a, b, c]`; nested lists are nested TensorLiteralExprs. Also used for
/// shape lists such as `reshape(x, [B, -1])`.
class TensorLiteralExpr : public Expr {
public:
  TensorLiteralExpr(llvm::SMRange r, llvm::ArrayRef<Expr *> elements)
      : Expr(NodeKind::TensorLiteralExpr, r), elements(elements) {}
  llvm::ArrayRef<Expr *> getElements() const { return elements; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::TensorLiteralExpr;
  }

private:
  llvm::ArrayRef<Expr *> elements;
};

/// A reference to a name: a variable, parameter, constant, function, generic
/// dim parameter, struct or imported module (`nn` in `nn.softmax`).
class NameExpr : public Expr {
public:
  NameExpr(llvm::SMRange r, Ident name)
      : Expr(NodeKind::NameExpr, r), name(name) {}
  const Ident &getIdent() const { return name; }
  llvm::StringRef getName() const { return name.name; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::NameExpr;
  }
  /// Filled in by sema.
  mutable const Decl *resolved = nullptr;

private:
  Ident name;
};

/// A dtype name used as a value: the `f32` of `zeros([2], f32)`.
class DTypeExpr : public Expr {
public:
  DTypeExpr(llvm::SMRange r, DType dtype)
      : Expr(NodeKind::DTypeExpr, r), dtype(dtype) {}
  DType getDType() const { return dtype; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::DTypeExpr;
  }

private:
  DType dtype;
};

/// `f(a, b, k: v)`. Named arguments follow positional ones (checked by the
/// parser).
class CallExpr : public Expr {
public:
  CallExpr(llvm::SMRange r, Expr *callee, llvm::ArrayRef<Argument> args)
      : Expr(NodeKind::CallExpr, r), callee(callee), args(args) {}
  Expr *getCallee() const { return callee; }
  llvm::ArrayRef<Argument> getArgs() const { return args; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::CallExpr;
  }

private:
  Expr *callee;
  llvm::ArrayRef<Argument> args;
};

/// `dense<32, 784, 128>`, `nn.relu<f32, 3>`: explicit generic arguments.
class InstantiateExpr : public Expr {
public:
  InstantiateExpr(llvm::SMRange r, Expr *base,
                  llvm::ArrayRef<TypeExpr *> genericArgs)
      : Expr(NodeKind::InstantiateExpr, r), base(base), args(genericArgs) {}
  /// A NameExpr, or a FieldExpr for a qualified name.
  Expr *getBase() const { return base; }
  llvm::ArrayRef<TypeExpr *> getGenericArgs() const { return args; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::InstantiateExpr;
  }

private:
  Expr *base;
  llvm::ArrayRef<TypeExpr *> args;
};

/// `x[i, a:b, :, -1]`: each index is an Expr or a SliceExpr.
class IndexExpr : public Expr {
public:
  IndexExpr(llvm::SMRange r, Expr *base, llvm::ArrayRef<Expr *> indices)
      : Expr(NodeKind::IndexExpr, r), base(base), indices(indices) {}
  Expr *getBase() const { return base; }
  llvm::ArrayRef<Expr *> getIndices() const { return indices; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::IndexExpr;
  }

private:
  Expr *base;
  llvm::ArrayRef<Expr *> indices;
};

/// `a:b`, `a:`, `:b`, `:` (only inside an IndexExpr); null = omitted bound.
class SliceExpr : public Expr {
public:
  SliceExpr(llvm::SMRange r, Expr *lo, Expr *hi)
      : Expr(NodeKind::SliceExpr, r), lo(lo), hi(hi) {}
  Expr *getLo() const { return lo; }
  Expr *getHi() const { return hi; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::SliceExpr;
  }

private:
  Expr *lo, *hi;
};

/// `t.0` (tuple element), `l.w` (struct field), `x.T` (transpose),
/// `nn.softmax` (module-qualified name: sema tells these apart).
class FieldExpr : public Expr {
public:
  FieldExpr(llvm::SMRange r, Expr *base, Ident field,
            std::optional<uint64_t> tupleIndex)
      : Expr(NodeKind::FieldExpr, r), base(base), field(field),
        tupleIndex(tupleIndex) {}
  Expr *getBase() const { return base; }
  const Ident &getField() const { return field; }
  /// Set for a numeric field (`t.0`).
  std::optional<uint64_t> getTupleIndex() const { return tupleIndex; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::FieldExpr;
  }
  /// Filled in by sema when the FieldExpr is a qualified name.
  mutable const Decl *resolved = nullptr;

private:
  Expr *base;
  Ident field;
  std::optional<uint64_t> tupleIndex;
};

class UnaryExpr : public Expr {
public:
  UnaryExpr(llvm::SMRange r, UnaryOp op, Expr *operand)
      : Expr(NodeKind::UnaryExpr, r), operand(operand), op(op) {}
  UnaryOp getOp() const { return op; }
  Expr *getOperand() const { return operand; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::UnaryExpr;
  }

private:
  Expr *operand;
  UnaryOp op;
};

class BinaryExpr : public Expr {
public:
  BinaryExpr(llvm::SMRange r, BinaryOp op, llvm::SMLoc opLoc, Expr *lhs,
             Expr *rhs)
      : Expr(NodeKind::BinaryExpr, r), lhs(lhs), rhs(rhs), opLoc(opLoc),
        op(op) {}
  BinaryOp getOp() const { return op; }
  /// Where the operator is: shape errors point here.
  llvm::SMLoc getOpLoc() const { return opLoc; }
  Expr *getLHS() const { return lhs; }
  Expr *getRHS() const { return rhs; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::BinaryExpr;
  }

private:
  Expr *lhs, *rhs;
  llvm::SMLoc opLoc;
  BinaryOp op;
};

/// `x as f32`, `x as T`.
class CastExpr : public Expr {
public:
  CastExpr(llvm::SMRange r, Expr *operand, TypeExpr *target)
      : Expr(NodeKind::CastExpr, r), operand(operand), target(target) {}
  Expr *getOperand() const { return operand; }
  TypeExpr *getTarget() const { return target; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::CastExpr;
  }

private:
  Expr *operand;
  TypeExpr *target;
};

/// `if c { a } else { b }` as a value. Both blocks end in a value
/// (BlockStmt::getValue() is non-null). `else if` is stored as an else block
/// whose only content is the nested IfExpr as its value.
class IfExpr : public Expr {
public:
  IfExpr(llvm::SMRange r, Expr *cond, BlockStmt *thenBlock,
         BlockStmt *elseBlock)
      : Expr(NodeKind::IfExpr, r), cond(cond), thenBlock(thenBlock),
        elseBlock(elseBlock) {}
  Expr *getCond() const { return cond; }
  BlockStmt *getThen() const { return thenBlock; }
  BlockStmt *getElse() const { return elseBlock; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::IfExpr;
  }

private:
  Expr *cond;
  BlockStmt *thenBlock, *elseBlock;
};

/// `(a, b)`, `(a,)`, `()`. A parenthesized `(a)` is just `a`.
class TupleExpr : public Expr {
public:
  TupleExpr(llvm::SMRange r, llvm::ArrayRef<Expr *> elements)
      : Expr(NodeKind::TupleExpr, r), elements(elements) {}
  llvm::ArrayRef<Expr *> getElements() const { return elements; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::TupleExpr;
  }

private:
  llvm::ArrayRef<Expr *> elements;
};

/// `..S` as an element of a tensor literal: the dims of the shape pack S
/// (an i64 per dim), spliced into the list: `reshape(x, [B, ..S])`.
class PackSpliceExpr : public Expr {
public:
  PackSpliceExpr(llvm::SMRange r, Ident pack)
      : Expr(NodeKind::PackSpliceExpr, r), pack(pack) {}
  const Ident &getPack() const { return pack; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::PackSpliceExpr;
  }

private:
  Ident pack;
};

/// One `name: value` of a struct literal.
struct FieldInit {
  Ident name;
  Expr *value = nullptr;
};

/// `Dense { w: ..., b: ... }`, `Dense<4, 3> { ... }`, `nn.Dense { ... }`.
class StructLiteralExpr : public Expr {
public:
  StructLiteralExpr(llvm::SMRange r, NamedTypeExpr *structType,
                    llvm::ArrayRef<FieldInit> fields)
      : Expr(NodeKind::StructLiteralExpr, r), structType(structType),
        fields(fields) {}
  NamedTypeExpr *getStructType() const { return structType; }
  llvm::ArrayRef<FieldInit> getFields() const { return fields; }
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::StructLiteralExpr;
  }

private:
  NamedTypeExpr *structType;
  llvm::ArrayRef<FieldInit> fields;
};

/// Stands in for an expression that failed to parse (already diagnosed), so
/// later phases need no null checks and report nothing more about it.
class ErrorExpr : public Expr {
public:
  explicit ErrorExpr(llvm::SMRange r) : Expr(NodeKind::ErrorExpr, r) {}
  static bool classof(const Node *n) {
    return n->getKind() == NodeKind::ErrorExpr;
  }
};

} // namespace tdl::ast

#endif

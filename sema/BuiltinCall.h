//===- BuiltinCall.h - argument access for builtin shape rules ----*- C++
//-*-===//
//
// Each Builtins.def entry's rule gets a BuiltinCall: the call's positional and
// named arguments, helpers that check and fold them (tensors, compile-time
// ints, int lists, axes, dtype names) with located diagnostics, and the
// ResolvedCall to fill (operands and normalized attributes).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SEMA_BUILTINCALL_H
#define TDL_SEMA_BUILTINCALL_H

#include "sema/FunctionChecker.h"

#include <initializer_list>

namespace tdl::sema {

class BuiltinCall {
public:
  BuiltinCall(FunctionChecker &c, BuiltinId id, const ast::CallExpr *call,
              llvm::ArrayRef<ast::Argument> args, ResolvedCall &out);

  /// Checks the argument counts and names; reports and returns false if bad.
  bool accept(unsigned minPositional, unsigned maxPositional,
              std::initializer_list<llvm::StringRef> names);
  const ast::Expr *pos(unsigned i) const {
    return i < positional.size() ? positional[i] : nullptr;
  }
  const ast::Expr *named(llvm::StringRef n) const {
    for (auto &[k, v] : namedArgs)
      if (k.name == n)
        return v;
    return nullptr;
  }
  unsigned numPositional() const { return positional.size(); }

  /// A tensor operand (appended to the call's operands). Untyped literals
  /// stay untyped: use commonElem / materialize to fix them.
  const Type *tensor(const ast::Expr *e, llvm::StringRef what);
  /// Fixes the dtype of an operand (untyped literals adapt).
  const Type *toElem(const ast::Expr *e, const Type *t, Elem el);
  /// Set by the elementwise rules whose result has their operands' dtype:
  /// operands that are all untyped literal expressions stay untyped (and
  /// so does the result), instead of taking the defaults below.
  bool keepUntyped = false;
  /// A float operand: untyped literals become f32, integers are an error.
  const Type *floatTensor(const ast::Expr *e, llvm::StringRef what);
  /// A numeric (non-bool) operand, untyped literals defaulted.
  const Type *numTensor(const ast::Expr *e, llvm::StringRef what);
  /// Gives operands one dtype (literals adapt) and broadcasts their shapes.
  std::optional<std::pair<Elem, Shape>>
  elementwise(llvm::ArrayRef<const ast::Expr *> es,
              llvm::SmallVectorImpl<const Type *> &ts);

  std::optional<int64_t> constInt(const ast::Expr *e, llvm::StringRef what);
  std::optional<bool> constBool(const ast::Expr *e, llvm::StringRef what);
  std::optional<double> constFloat(const ast::Expr *e, llvm::StringRef what);
  /// `3`, `(1, 2)` or `[1, 2]`: a list of ints.
  std::optional<llvm::SmallVector<int64_t, 4>> intList(const ast::Expr *e,
                                                       llvm::StringRef what);
  /// `axis:` (int or tuple) normalized against `rank`; `all` if absent.
  bool axes(const ast::Expr *e, unsigned rank, bool allowMany,
            llvm::SmallVectorImpl<unsigned> &out);
  /// A dtype name argument (`f32`, or a dtype generic parameter).
  std::optional<Elem> dtype(const ast::Expr *e);

  DiagnosticBuilder invalid(llvm::SMRange r, const std::string &why);
  void argType(const ast::Expr *e, llvm::StringRef what, llvm::StringRef need,
               const Type *found);
  llvm::SMRange range() const { return call->getRange(); }

  FunctionChecker &c;
  TypeContext &types;
  BuiltinId id;
  llvm::StringRef name;
  const ast::CallExpr *call;
  ResolvedCall &out;
  BuiltinAttrs &attrs;

private:
  llvm::SmallVector<const ast::Expr *, 4> positional;
  llvm::SmallVector<std::pair<ast::Ident, const ast::Expr *>, 4> namedArgs;
};

// One rule per distinct RULE of Builtins.def.
#define BUILTIN(ID, NAME, RULE)
#define RULE_DECL(RULE) const Type *rule##RULE(BuiltinCall &b);
// clang-format off
RULE_DECL(UnaryFloat)
RULE_DECL(UnaryNum)
RULE_DECL(IsNan)
RULE_DECL(BinaryNum)
RULE_DECL(MaxMin)
RULE_DECL(Clamp)
RULE_DECL(Select)
RULE_DECL(Reduce)
RULE_DECL(ReduceFloat)
RULE_DECL(ArgReduce)
RULE_DECL(Reshape)
RULE_DECL(Transpose)
RULE_DECL(BroadcastTo)
RULE_DECL(ExpandDims)
RULE_DECL(Squeeze)
RULE_DECL(Concat)
RULE_DECL(Stack)
RULE_DECL(Pad)
RULE_DECL(Flip)
RULE_DECL(MatMul)
RULE_DECL(Dot)
RULE_DECL(Outer)
RULE_DECL(Conv2D)
RULE_DECL(Pool2D)
RULE_DECL(Fill)
RULE_DECL(Full)
RULE_DECL(Iota)
RULE_DECL(Eye)
RULE_DECL(Random)
RULE_DECL(OneHot)
RULE_DECL(Identity)
// clang-format on
#undef RULE_DECL
#undef BUILTIN

} // namespace tdl::sema

#endif

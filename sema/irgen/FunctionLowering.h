//===- FunctionLowering.h - lowering one function instance -------*- C++
//-*-===//
//
// One FunctionLowering turns the body of one FuncInstance into the body of
// its IR function. The state is an environment from bindings to their
// current SSA values (ValueTrees): a `let` adds an entry, an assignment
// replaces one, and structured ops merge them (docs/ir.md, "From TDL to IR"):
//
//  * `if`: the bindings assigned in either branch that exist before the
//    `if` become its results; each branch yields their values.
//  * loops: the bindings assigned in the body that exist before the loop
//    are carried (`for` / `while` region arguments and results).
//  * break / continue / return inside structured code are flags: synthetic
//    bindings (`broke`, `continued`, `returned` + the return value) that the
//    same merging carries; statements after one that may exit are guarded
//    by an `if` on the flags, and a loop that may break or return becomes a
//    `while` whose condition also tests the flags.
//
// Files: FunctionLowering.cpp (driver, coercions, constants), LowerStmt.cpp
// (statements, `if`, exit guards), LowerLoop.cpp (`for`, `while`),
// LowerExpr.cpp (expressions), LowerBuiltin.cpp (builtin calls),
// LowerIndex.cpp (indexing, updates).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SEMA_IRGEN_FUNCTIONLOWERING_H
#define TDL_SEMA_IRGEN_FUNCTIONLOWERING_H

#include "sema/irgen/ValueTree.h"

#include "lang/AST.h"
#include "sema/Program.h"
#include "ssa_ir/Builder.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

#include <string>

namespace tdl::irgen {

/// What every function lowering shares: the program, the module being built
/// and the IR function of every instance.
struct ModuleContext {
  ModuleContext(const sema::Program &program, ir::Module &module)
      : program(program), module(module) {}
  const sema::Program &program;
  ir::Module &module;
  llvm::DenseMap<const sema::FuncInstance *, ir::Function *> functions;
  llvm::DenseMap<const sema::DerivedInstance *, ir::Function *> derived;
  /// The first internal error (a construct irgen cannot lower).
  std::string error;
};

class FunctionLowering {
public:
  FunctionLowering(ModuleContext &ctx, const sema::FuncInstance &inst,
                   ir::Function &fn);
  /// Lowers the whole body. Internal errors go to ctx.error.
  void run();

  // Expressions (LowerExpr.cpp).
  ValueTree lowerExpr(const ast::Expr *e);
  /// A tensor-valued expression.
  ir::Value *lowerTensor(const ast::Expr *e);
  /// A tensor-valued expression broadcast to `shape` (NumPy rules; sema
  /// has validated them).
  ir::Value *lowerBroadcast(const ast::Expr *e, llvm::ArrayRef<int64_t> shape);

  // Builtins (LowerBuiltin.cpp) and indexing (LowerIndex.cpp).
  ValueTree lowerBuiltinCall(const ast::CallExpr *call,
                             const sema::ResolvedCall &rc);
  ir::Value *lowerIndex(const ast::IndexExpr *e);
  /// `x[...] = value` for the var `x` whose current value is `base`.
  ir::Value *lowerIndexUpdate(const ast::IndexExpr *target, ir::Value *base,
                              const ast::Expr *value);

private:
  using Key = const void *;
  using Env = llvm::DenseMap<Key, ValueTree>;
  using KeySet = llvm::SetVector<Key>;

  /// The flags of the innermost loop being lowered.
  struct LoopContext {
    char brokeKey = 0, continuedKey = 0; // addresses are the binding keys
    bool mayBreak = false, mayContinue = false;
  };

  // Statements (LowerStmt.cpp).
  void lowerStmts(llvm::ArrayRef<ast::Stmt *> stmts);
  void lowerStmt(const ast::Stmt *s);
  void lowerLet(const ast::LetStmt *s);
  void bindPattern(const ast::Pattern *p, const ValueTree &v);
  void lowerAssign(const ast::AssignStmt *s);
  void lowerIf(const ast::IfStmt *s);
  void lowerReturn(const ast::ReturnStmt *s);
  void lowerFor(const ast::ForStmt *s);
  void lowerWhile(const ast::WhileStmt *s);
  /// A loop's body as its lowering needs it (LowerLoop.cpp).
  struct LoopBody {
    LoopContext *outer; // the enclosing loop, innermost again on leaving
    bool mayReturn;
    llvm::SmallVector<Key, 8> keys; // assigned in the body, live before
  };
  /// Makes `here` the innermost loop; whether `body` may break, continue
  /// (in `here`) or return, and the bindings it carries.
  LoopBody enterLoop(LoopContext &here, const ast::Stmt *body);
  /// When the loop may break: its flag, false on entry, carried too.
  void carryBrokeFlag(LoopContext &here, LoopBody &body);
  /// After a `while` op: its results from `first` on bound to the carried
  /// keys, kept (but the broke flag) in `saved`, the environment before the
  /// loop; `saved` becomes the environment, the enclosing loop innermost.
  void leaveWhile(ir::Operation *op, unsigned first, const LoopContext &here,
                  const LoopBody &body, Env entry, Env saved);
  void lowerPrint(const ast::PrintStmt *s);
  /// Runs the remaining statements only while no exit flag set by `s` is on.
  void guardRest(const ast::Stmt *s, llvm::ArrayRef<ast::Stmt *> rest);
  /// Rebinds `keys` to the region's arguments, starting at `firstArg`
  /// (each key takes as many arguments as its value has leaves).
  void bindKeysFromArgs(ir::Region &region, unsigned firstArg,
                        llvm::ArrayRef<Key> keys);
  /// Yields `extra` followed by the current leaves of `keys`.
  void yieldKeys(llvm::ArrayRef<ir::Value *> extra, llvm::ArrayRef<Key> keys);
  /// The leaf types of the current values of `keys`.
  void resultTypesOf(llvm::ArrayRef<Key> keys,
                     llvm::SmallVectorImpl<ir::Type> &out);
  /// Rebinds `keys` to the op's results, starting at `firstResult`.
  void bindKeysFromResults(ir::Operation *op, unsigned firstResult,
                           llvm::ArrayRef<Key> keys);

  // Which bindings a statement assigns (LowerStmt.cpp).
  void collectAssigned(const ast::Stmt *s, KeySet &out, unsigned loopNest);
  void collectAssignedExpr(const ast::Expr *e, KeySet &out, unsigned loopNest);
  /// Keeps the keys bound in the current environment, in order.
  llvm::SmallVector<Key, 8> liveKeys(const KeySet &keys) const;
  bool mayExit(const ast::Stmt *s);

  // Expressions (LowerExpr.cpp).
  ValueTree lowerName(const ast::NameExpr *e);
  ValueTree lowerConstant(const sema::ConstValue &v, const sema::Type *t);
  ValueTree lowerBinary(const ast::BinaryExpr *e);
  ir::Value *lowerTensorBinary(ast::BinaryOp op, ir::Value *a, ir::Value *b,
                               const sema::Type *resultType);
  ValueTree lowerCall(const ast::CallExpr *e);
  ValueTree lowerIfExpr(const ast::IfExpr *e);
  ValueTree lowerTensorLiteral(const ast::TensorLiteralExpr *e);
  ValueTree lowerStructLiteral(const ast::StructLiteralExpr *e);
  ValueTree lowerField(const ast::FieldExpr *e);

public:
  // Helpers shared by the files (FunctionLowering.cpp).
  const sema::Type *typeOf(const ast::Expr *e);
  /// `v` converted to `t`: tensor leaves broadcast to t's shapes. A dtype
  /// difference is an internal error (sema inserts every conversion).
  ValueTree coerce(const ValueTree &v, const sema::Type *t);
  ir::Value *coerceTensor(ir::Value *v, const ir::Type &t);
  ValueTree zerosOf(const sema::Type *t);
  ir::Value *scalarConst(ir::DType dt, double v);
  ir::Value *i64Const(int64_t v);
  ir::Value *boolConst(bool v);
  /// Matrix product with TDL's vector rules (`[K] @ [K, N]` ...).
  ir::Value *matmul(ir::Value *a, ir::Value *b);
  void internalError(llvm::SMLoc loc, const std::string &message);
  ir::Builder &getBuilder() { return b; }
  const sema::FuncInstance &getInstance() const { return inst; }

  /// Sets the builder's location for the ops created while it lives.
  class LocScope {
  public:
    LocScope(FunctionLowering &l, llvm::SMLoc loc)
        : b(l.b), saved(l.b.getLoc()) {
      if (loc.isValid())
        b.setLoc(ir::Location(loc));
    }
    ~LocScope() { b.setLoc(saved); }

  private:
    ir::Builder &b;
    ir::Location saved;
  };

private:
  ModuleContext &ctx;
  const sema::FuncInstance &inst;
  ir::Function &fn;
  ir::Builder b;
  Env env;
  /// Structured ops around the current insertion point (0: function body).
  unsigned nesting = 0;
  /// A `return` op ended the function body.
  bool terminated = false;
  /// Early returns inside structured code: the flag and value bindings.
  bool usesReturnFlag = false;
  char returnedKey = 0, retvalKey = 0;
  LoopContext *loop = nullptr;
};

} // namespace tdl::irgen

#endif

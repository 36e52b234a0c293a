//===- ADContext.h - state shared by the AD transforms --------------*- C++
//-*-===//
//
// One ADContext lives for one run of the autodiff pass. It owns the cache of
// derived functions made for calls (one per callee, mode and wrt pattern, so
// a callee is differentiated once however often it is called), the stack of
// functions being differentiated (for "while differentiating" notes) and the
// error reporting.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_AUTODIFF_ADCONTEXT_H
#define TDL_AUTODIFF_ADCONTEXT_H

#include "lang/Diagnostic.h"
#include "ssa_ir/IR.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace tdl::ad {

class ADContext {
public:
  ADContext(ir::Module &m, DiagnosticEngine &diags) : module(m), diags(diags) {}

  ir::Module &getModule() { return module; }

  /// Fills the body of a derived declaration (its base first, if the base is
  /// itself derived). Returns false after reporting diagnostics.
  bool fill(ir::Function &decl);

  /// A function computing `kind @callee wrt [wrt]` (vjp or jvp), made and
  /// filled on first request and cached. Null after a reported error.
  ir::Function *getDerived(ir::Function &callee, ir::DerivedKind kind,
                           llvm::ArrayRef<int64_t> wrt);

  /// The user rule of `f` (custom_vjp), checked against f's signature:
  /// (f's params, one cotangent per result) -> one cotangent per
  /// differentiable param. Null after reporting a mismatch.
  ir::Function *getCustomVjp(const ir::Function &f);

  /// Reports `op` as not differentiable, with notes naming every function
  /// being differentiated.
  void reportNotDifferentiable(const ir::Operation &op);
  void reportUnsupported(const ir::Operation &op, llvm::StringRef why);
  void reportBadCustomRule(const ir::Function &f, llvm::StringRef rule,
                           llvm::StringRef why);
  bool hasFailed() const { return failed; }

  /// The functions being differentiated, outermost first.
  std::vector<const ir::Function *> stack;

private:
  void addNotes(DiagnosticBuilder &b);
  bool fillBody(ir::Function &decl, ir::Function &base);

  ir::Module &module;
  DiagnosticEngine &diags;
  std::map<std::string, ir::Function *> cache;
  std::set<const ir::Function *> inProgress;
  bool failed = false;
};

/// Fills `decl` (kind grad / value_and_grad / vjp) from `base`: the forward
/// pass computes the primal once, the pullback runs after it.
bool generateReverse(ADContext &ctx, ir::Function &decl, ir::Function &base);
/// Fills `decl` (kind jvp) from `base` by tangent propagation.
bool generateForward(ADContext &ctx, ir::Function &decl, ir::Function &base);

/// Leaf-wise: which wrt parameters are differentiable (float tensor, or tuple
/// with float leaves).
bool isDiffParam(const ir::Type &t);

} // namespace tdl::ad

#endif

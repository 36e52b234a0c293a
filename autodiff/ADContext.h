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

#include "basic/Diagnostic.h"
#include "ssa_ir/Builder.h"
#include "ssa_ir/IR.h"

#include "llvm/ADT/DenseMap.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace tdl::ad {

/// A callee cut in two for reverse mode (SplitCallee.cpp), once per callee
/// and wrt pattern: `fwd` takes the callee's arguments and returns its
/// results followed by the residuals its pullback reads; `bwd` takes the
/// residuals and one cotangent per result and returns the cotangents of the
/// wrt arguments.
struct SplitCallee {
  ir::Function *fwd = nullptr, *bwd = nullptr;
  llvm::SmallVector<int64_t, 4> wrt;
  unsigned numResults = 0; // primal results of fwd; the rest are residuals
  /// Per residual parameter of bwd: the index of the callee argument it is
  /// (the caller passes its own operand), or -1 for the next residual result
  /// of fwd.
  llvm::SmallVector<int, 8> residualSource;
};

/// Where generateReverse cuts its output for a split (ReverseMode.cpp).
struct ReverseParts {
  ir::Operation *lastForward = nullptr; // last op of the forward clone
  llvm::SmallVector<ir::Value *, 4> primalResults;
};

/// What autodiff did with one `for` loop under a memory budget
/// (LoopCheckpoint.cpp); `tdlc --stats` prints one line per loop.
struct LoopCheckpointReport {
  std::string function; // the function being differentiated
  ir::Location loc;     // the loop
  int64_t budget = -1;  // bytes
  int64_t trips = -1;   // -1: known at run time only
  /// Segment lengths, outermost level first (the last one is the length
  /// of the segments whose tape is recorded); empty: not checkpointed.
  llvm::SmallVector<int64_t, 4> segments;
  bool dynamicSegments = false; // one level, its length computed at run time
  int64_t snapshotBytes = 0;    // one snapshot of the carried state
  int64_t iterationBytes = 0;   // what one iteration stores on the tape
  int64_t snapshots = 0;        // at most live at once
  int64_t uncheckedBytes = -1;  // the tape without checkpointing
  int64_t peakBytes = -1;       // snapshots and the tape of one segment
  double recompute = 1.0;       // forward iterations run / trips
  std::string note;             // why not checkpointed, or over budget
  /// > 0: reversed by the binomial (Revolve) schedule whose snapshot stack
  /// is this deep, instead of segments (`segments` is then empty).
  int64_t binomialSlots = 0;
};

/// Options of the autodiff pass (tdlc's --ad-loop-memory, --stats).
struct AutodiffOptions {
  /// The tape budget of every `for` loop reversed (bytes; -1: none). A
  /// loop's `ad_memory` attribute overrides it.
  int64_t loopMemory = -1;
  /// Receives one report per loop reversed under a budget, if set.
  std::vector<LoopCheckpointReport> *reports = nullptr;
};

class ADContext {
public:
  ADContext(ir::Module &m, DiagnosticEngine &diags,
            AutodiffOptions options = {})
      : module(m), diags(diags), options(options) {}
  const AutodiffOptions &getOptions() const { return options; }
  /// Bytes a reversed loop op (its forward loop, or its checkpointing
  /// sweep) leaves on tapes per execution, for the enclosing loop's
  /// budget; -1 when only known at run time.
  llvm::DenseMap<const ir::Operation *, int64_t> loopTapeBytes;
  void report(LoopCheckpointReport r) {
    if (options.reports)
      options.reports->push_back(std::move(r));
  }

  ir::Module &getModule() { return module; }

  /// Fills the body of a derived declaration (its base first, if the base is
  /// itself derived). Returns false after reporting diagnostics.
  bool fill(ir::Function &decl);

  /// A function computing `kind @callee wrt [wrt]` (vjp or jvp), made and
  /// filled on first request and cached. Null after a reported error.
  ir::Function *getDerived(ir::Function &callee, ir::DerivedKind kind,
                           llvm::ArrayRef<int64_t> wrt);

  /// The split of `callee` for `wrt`, made on first request and cached.
  /// Null (without an error) where no split is made: callees with a user
  /// rule, recursive calls, and callees whose residuals would include a tape
  /// (a loop): their calls keep the vjp path. Null after a reported error
  /// too (hasFailed()).
  const SplitCallee *getSplit(ir::Function &callee,
                              llvm::ArrayRef<int64_t> wrt);
  /// A copy of `base` in which every call whose results get an adjoint (for
  /// `wrt`) calls its split forward function instead. Null after an error.
  /// Pass it to releaseSplitView when done.
  std::unique_ptr<ir::Function> makeSplitView(ir::Function &base,
                                              llvm::ArrayRef<int64_t> wrt);
  void releaseSplitView(ir::Function &view);
  /// The split a call of a split view calls, or null.
  const SplitCallee *splitOf(const ir::Operation &call) const {
    return splitCalls.lookup(&call);
  }

  /// The user vjp rule of `f` (custom_vjp), checked against f's signature:
  /// (f's params, one cotangent per result) -> one cotangent per
  /// differentiable param, and for linearity in the cotangents
  /// (Linearity.h). Null after reporting an error.
  ir::Function *getCustomVjp(const ir::Function &f);
  /// The user forward rule of `f` (custom_jvp), checked the same way:
  /// (f's params, one tangent per differentiable param) -> (f's results,
  /// one tangent per result), the tangents linear in the parameter tangents
  /// and the results independent of them. Null after reporting an error.
  ir::Function *getCustomJvp(const ir::Function &f);

  /// Reverse mode through f's user rule (CustomRules.cpp): the cotangents
  /// of f's differentiable parameters, in order, for the materialized result
  /// cotangents `dys`. Calls the vjp rule, or else the transpose of the
  /// forward rule (`vjp` of it w.r.t. its tangents). False after an error.
  bool emitRuleReverse(ir::Builder &b, const ir::Function &f,
                       llvm::ArrayRef<ir::Value *> args,
                       llvm::ArrayRef<ir::Value *> dys,
                       llvm::SmallVectorImpl<ir::Value *> &cots);
  /// Forward mode through f's user rule: f's results and their tangents for
  /// the tangents `ts` of f's differentiable parameters, in order (null
  /// means zero). Calls the forward rule, or else f and the transpose of the
  /// vjp rule (`vjp` of it w.r.t. its cotangents). False after an error.
  bool emitRuleForward(ir::Builder &b, ir::Function &f,
                       llvm::ArrayRef<ir::Value *> args,
                       llvm::ArrayRef<ir::Value *> ts,
                       llvm::SmallVectorImpl<ir::Value *> &results,
                       llvm::SmallVectorImpl<ir::Value *> &tangents);

  /// Reports `op` as not differentiable, with notes naming every function
  /// being differentiated.
  void reportNotDifferentiable(const ir::Operation &op);
  void reportUnsupported(const ir::Operation &op, llvm::StringRef why);
  void reportBadCustomRule(const ir::Function &f, llvm::StringRef rule,
                           llvm::StringRef why);
  bool hasFailed() const { return failed; }

  /// The functions being differentiated, outermost first.
  std::vector<const ir::Function *> stack;
  /// Per stack entry: the derived declaration the user wrote for it (its
  /// location is where the transform was applied), or null for functions
  /// the transforms made themselves (callees' vjps and splits).
  struct Request {
    const ir::Function *decl = nullptr;
    std::string kind;
  };
  std::vector<Request> requests;

private:
  void addNotes(DiagnosticBuilder &b);
  /// The rule `name` of `f` with the expected signature and linear in its
  /// arguments from `firstLinear` on; `mode` is "vjp" or "jvp".
  ir::Function *getCheckedRule(const ir::Function &f, llvm::StringRef name,
                               llvm::StringRef mode,
                               llvm::ArrayRef<ir::Type> args,
                               llvm::ArrayRef<ir::Type> results);
  bool fillBody(ir::Function &decl, ir::Function &base);

  ir::Module &module;
  DiagnosticEngine &diags;
  AutodiffOptions options;
  std::map<std::string, ir::Function *> cache;
  std::set<const ir::Function *> inProgress;
  std::set<const ir::Function *> madeHere; // by getDerived, not the user
  std::map<std::string, std::unique_ptr<SplitCallee>> splits;
  std::set<std::string> splitting;
  llvm::DenseMap<const ir::Operation *, const SplitCallee *> splitCalls;
  std::map<std::string, bool> checkedRules; // rule name -> linear
  bool failed = false;
};

/// Fills `decl` (kind grad / value_and_grad / vjp) from `base`: the forward
/// pass computes the primal once, the pullback runs after it.
bool generateReverse(ADContext &ctx, ir::Function &decl, ir::Function &base);
/// The reverse-mode layout of `base` (kind grad / value_and_grad / vjp)
/// emitted into `body`, an empty region; `parts`, if given, receives where
/// the forward clone ends.
bool emitReverse(ADContext &ctx, ir::Region &body, ir::Function &base,
                 ir::DerivedKind kind, llvm::ArrayRef<int64_t> wrt,
                 ReverseParts *parts);
/// Fills `decl` (kind jvp) from `base` by tangent propagation.
bool generateForward(ADContext &ctx, ir::Function &decl, ir::Function &base);

/// Leaf-wise: which wrt parameters are differentiable (float tensor, or tuple
/// with float leaves).
bool isDiffParam(const ir::Type &t);

} // namespace tdl::ad

#endif

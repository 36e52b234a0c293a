//===- Linearity.h - is a user rule linear in its (co)tangents? -----*- C++
//-*-===//
//
// A vjp rule g(x, dy) is used by forward mode through its transpose, and a
// forward rule h(x, t) -> (y, dy) by reverse mode through its transpose
// (docs/autodiff.md, "Custom rules"). Transposing by reverse mode over the
// rule is exact only for a rule linear in dy (resp. t): this file checks
// that, on the IR, before a rule is used.
//
// The check walks the rule body (and its callees) in order, tracking which
// values depend on the linear arguments, and reports the first op that
// contributes to the results and is not linear there: a nonlinear op on a
// dependent value (exp(dy), dy * dy, 1 / dy), a dependent condition, loop
// bound or index, stop_gradient of a dependent value, or an affine offset
// (dy + 1, a branch yielding a nonzero independent value, a loop starting a
// dependent value from a nonzero constant, a nonzero independent result).
// Values known to be zero (zero constants and what is built from them) may
// mix with dependent ones. A forward rule's primal results must not depend
// on the tangents at all.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_AUTODIFF_LINEARITY_H
#define TDL_AUTODIFF_LINEARITY_H

#include "ssa_ir/IR.h"

#include <functional>
#include <optional>
#include <string>

namespace tdl::ad {

/// Where a rule stops being linear.
struct NonLinearity {
  llvm::SMLoc loc; // of the offending op (in the rule or one of its callees)
  std::string why; // "'exp' is applied to a value that depends on it"
  /// The calls through which the dependent values reached the offending op,
  /// outermost first: (location, callee name).
  std::vector<std::pair<llvm::SMLoc, std::string>> calls;
};

struct LinearityQuery {
  /// The arguments the rule must be linear in.
  llvm::SmallVector<unsigned, 4> linearArgs;
  /// The first `numPrimalResults` results must not depend on them (a
  /// forward rule's primal results); the others must be linear in them.
  unsigned numPrimalResults = 0;
  /// "it" (the cotangent) or "them" (the tangents), for the messages.
  std::string pronoun = "it";
};

/// Checks `rule` (a definition) against `q`. `fill` gives a derived
/// declaration called in the rule its body (false after an error, which
/// stops the check without a finding). Returns the first violation.
std::optional<NonLinearity>
findNonLinearity(ir::Module &m, ir::Function &rule, const LinearityQuery &q,
                 const std::function<bool(ir::Function &)> &fill);

} // namespace tdl::ad

#endif

//===- ScheduleSearch.h - time candidate schedules, keep the best -*- C++
//-*-===//
//
// GEMM and convolution planning search the same way (gemm/GemmPlan.cpp,
// conv/ConvPlan.cpp): start from a baseline plan, then build candidate
// schedules in order of their analytic estimate, time each on the
// simulator and keep the fastest. A candidate that does not build (its
// micro-ops overflow the UOP buffer, say) does not count as timed; the
// first such error is what a failed search reports. The search stops after
// `maxTimed` timed or `maxBuilds` built candidates, or once eight are timed
// and the programs built so far exceed the instruction budget (building
// and timing cost grows with program size).
//
// The operator families differ only in their candidates and in how a plan
// is built; this is the one loop both run:
//
//   ScheduleSearch<GemmPlan> search(buildPlan(config, op, base, timer));
//   for (const ScoredSchedule &c : candidates) {
//     if (search.exhausted(limits) || search.cannotBeat(c.lowerBound))
//       break;
//     if (!search.isBest(c.schedule))
//       search.offer(buildPlan(config, op, c.schedule, timer));
//   }
//   return search.finish(op.describe());
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_SCHEDULESEARCH_H
#define TDL_BACKENDS_ACCEL_MAPPING_SCHEDULESEARCH_H

#include "llvm/Support/Error.h"

#include <fmt/format.h>

#include <cstdint>
#include <string>

namespace tdl::accel {

struct SearchLimits {
  unsigned maxTimed;
  unsigned maxBuilds;
  uint64_t instructionBudget;
};

/// `Plan` has `schedule`, `insns`, `estimate.cycles` and `candidatesTimed`.
template <typename Plan> class ScheduleSearch {
public:
  /// Starts from the baseline plan (or the error building it).
  explicit ScheduleSearch(llvm::Expected<Plan> baseline)
      : best(std::move(baseline)) {
    if (best) {
      timed = 1;
      instructions = best->insns.size();
    } else {
      firstError = llvm::toString(best.takeError());
    }
  }

  /// True when no further candidate may be built.
  bool exhausted(const SearchLimits &limits) const {
    return timed >= limits.maxTimed || builds >= limits.maxBuilds ||
           (timed >= 8 && instructions > limits.instructionBudget);
  }

  /// True when a candidate whose cycles are at least `lowerBound` cannot
  /// be faster than the best plan (candidates come sorted by bound, so no
  /// later one can either).
  bool cannotBeat(uint64_t lowerBound) const {
    return best && lowerBound >= best->estimate.cycles;
  }

  template <typename Schedule> bool isBest(const Schedule &s) const {
    return best && s == best->schedule;
  }

  /// A built (or failed) candidate.
  void offer(llvm::Expected<Plan> plan) {
    ++builds;
    if (!plan) {
      if (firstError.empty())
        firstError = llvm::toString(plan.takeError());
      else
        llvm::consumeError(plan.takeError());
      return;
    }
    ++timed;
    instructions += plan->insns.size();
    if (!best || plan->estimate.cycles < best->estimate.cycles)
      best = std::move(plan);
  }

  /// The fastest plan, or why `what` (the op) cannot be mapped.
  llvm::Expected<Plan> finish(const std::string &what) {
    if (!best)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          fmt::format("cannot map {} onto the accelerator: {}", what,
                      firstError.empty() ? "no schedule fits the SRAMs"
                                         : firstError));
    best->candidatesTimed = timed;
    return std::move(best);
  }

private:
  // mutable: llvm::Expected tests as bool through a non-const operator.
  mutable llvm::Expected<Plan> best;
  std::string firstError;
  unsigned timed = 0, builds = 0;
  uint64_t instructions = 0;
};

} // namespace tdl::accel

#endif

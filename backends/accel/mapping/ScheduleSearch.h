//===- ScheduleSearch.h - time candidate schedules, keep the best -*- C++
//-*-===//
//
// GEMM and convolution planning search the same way (gemm/GemmPlan.cpp,
// conv/ConvPlan.cpp): start from a baseline plan, then build candidate
// schedules in order of their analytic cycles, time each on the simulator
// and keep the fastest. A candidate that does not build (its micro-ops
// overflow the UOP buffer, say) does not count as timed; the first such
// error is what a failed search reports. The search stops after
// `maxTimed` timed or `maxBuilds` built candidates, or once eight are timed
// and the programs built so far exceed the instruction budget (building
// and timing cost grows with program size). When the analytic cycles are
// lower bounds (GEMM's), it also stops at the first candidate that cannot
// beat the best time (branch and bound).
//
// The operator families differ only in their candidates and in how a plan
// is built (PlanProgram.h, buildTimedPlan); searchSchedules is the one loop
// both run:
//
//   return searchSchedules(std::move(baseline), std::move(candidates),
//                          order, limits, build, op.describe());
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_SCHEDULESEARCH_H
#define TDL_BACKENDS_ACCEL_MAPPING_SCHEDULESEARCH_H

#include "llvm/Support/Error.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace tdl::accel {

/// How planning searches (planGemm, planConv).
struct PlanOptions {
  /// false: the family's fixed schedule (for GEMM TiledGemm's, 64×16×16
  /// block tiles, M outer, double buffered), the baseline.
  bool search = true;
  /// At most this many candidates (those with the smallest analytic
  /// cycles) are timed on the simulator (and at most about 4× as many
  /// built: some need more micro-ops than the UOP buffer holds).
  unsigned maxCandidates = 48;
  /// ... and at most about this many instructions in all: big operators
  /// have long programs, this keeps their planning time bounded (a
  /// candidate that would cross it is still timed if fewer than 8 were).
  uint64_t instructionBudget = 1000000;
};

/// A candidate schedule and the analytic cycles the search ranks it by.
template <typename Schedule> struct ScoredCandidate {
  Schedule schedule;
  uint64_t cycles;
};

/// The search order of a family's candidates.
template <typename Schedule> struct CandidateOrder {
  /// Strict: fewer cycles first, ties broken deterministically.
  bool (*before)(const ScoredCandidate<Schedule> &,
                 const ScoredCandidate<Schedule> &);
  /// The cycles are lower bounds of what the timing model reports, so no
  /// candidate after one that cannot beat the best plan can either.
  bool cyclesAreLowerBounds;
};

/// Moves the `count` first (in `order`) of candidates[from..] to positions
/// from, from + 1, ... (the rest stays unsorted after them).
template <typename Schedule>
void sortCandidates(std::vector<ScoredCandidate<Schedule>> &candidates,
                    size_t from, size_t count,
                    const CandidateOrder<Schedule> &order) {
  size_t end = std::min(candidates.size(), from + count);
  std::partial_sort(candidates.begin() + ptrdiff_t(from),
                    candidates.begin() + ptrdiff_t(end), candidates.end(),
                    order.before);
}

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

/// The search: from `baseline` (or the error building it), builds (`build`,
/// schedule -> llvm::Expected<Plan>) and times the candidates in `order`
/// and returns the fastest plan, or why `what` (the op) cannot be mapped.
/// The first `limits.maxTimed` candidates come sorted; the next ones get
/// sorted as the search reaches them (candidates that do not build make
/// it go further).
template <typename Plan, typename Schedule, typename Build>
llvm::Expected<Plan>
searchSchedules(llvm::Expected<Plan> baseline,
                std::vector<ScoredCandidate<Schedule>> candidates,
                const CandidateOrder<Schedule> &order,
                const SearchLimits &limits, Build build,
                const std::string &what) {
  ScheduleSearch<Plan> search(std::move(baseline));
  size_t sorted = std::min(candidates.size(), size_t(limits.maxTimed));
  for (size_t i = 0; i < candidates.size() && !search.exhausted(limits); ++i) {
    if (i == sorted) {
      sortCandidates(candidates, sorted, limits.maxTimed, order);
      sorted = std::min(candidates.size(), sorted + limits.maxTimed);
    }
    const ScoredCandidate<Schedule> &c = candidates[i];
    if (order.cyclesAreLowerBounds && search.cannotBeat(c.cycles))
      break; // sorted by bound: no later candidate can be faster
    if (!search.isBest(c.schedule))
      search.offer(build(c.schedule));
  }
  return search.finish(what);
}

} // namespace tdl::accel

#endif

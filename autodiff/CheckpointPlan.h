//===- CheckpointPlan.h - how a budgeted loop reversal is scheduled -*- C++
//-*-===//
//
// The arithmetic of checkpointing a loop under a tape budget, apart from
// the IR it rewrites (LoopCheckpoint.cpp): uniform multi-level segment
// plans and Griewank and Walther's binomial (Revolve) schedule, with their
// peak bytes and recomputation (docs/autodiff.md "Checkpointing").
//
//===----------------------------------------------------------------------===//
#ifndef TDL_AUTODIFF_CHECKPOINTPLAN_H
#define TDL_AUTODIFF_CHECKPOINTPLAN_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <vector>

namespace tdl::ad {

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Saturating arithmetic for byte counts.
inline int64_t satMul(int64_t a, int64_t b) {
  if (a != 0 && b > INT64_MAX / a)
    return INT64_MAX;
  return a * b;
}
inline int64_t satAdd(int64_t a, int64_t b) {
  return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/// The plan for a loop of `trips` iterations (> 0) whose snapshot takes
/// `snapshotBytes` and whose iteration stores `iterationBytes` on the
/// tape: segment lengths, outermost first, with the least recomputation
/// (levels) whose peak fits `budget`, and the least peak for it; if no
/// plan fits, the least peak of all. Empty when the plain tape fits.
/// Exposed for tests.
llvm::SmallVector<int64_t, 4> planSegments(int64_t trips, int64_t snapshotBytes,
                                           int64_t iterationBytes,
                                           int64_t budget);
/// The peak bytes of a plan: the snapshots live at once times
/// snapshotBytes, plus the tape of one innermost segment.
int64_t planPeakBytes(int64_t trips, llvm::ArrayRef<int64_t> segments,
                      int64_t snapshotBytes, int64_t iterationBytes,
                      int64_t *snapshots = nullptr);
/// Forward iterations a plan runs (the primal sweep included) per trip.
double planRecompute(int64_t trips, llvm::ArrayRef<int64_t> segments);

/// One action of a binomial (Revolve) reversal; positions are iteration
/// offsets from the loop's lower bound, the state's position is the
/// iteration about to run.
enum class RevolveAction : int64_t {
  Advance = 0, // run iterations [a, b) without tape from the state at a
  Step = 1,    // run iteration a with its tape, then its pullback
  Push = 2,    // push the state (at a) as a snapshot
  Pop = 3,     // drop the newest snapshot (at a)
  Restore = 4, // the state becomes the newest snapshot (at a); it stays
};
struct RevolveStep {
  RevolveAction kind;
  int64_t a = 0, b = 0;
};
/// The binomial schedule reversing `trips` iterations with at most
/// `slots` snapshots (the one of iteration 0 included) and the tape of one
/// iteration: Griewank and Walther's recursion, splitting a range of l
/// iterations with c snapshots and r = min{r : C(c + r, c) >= l}
/// repetitions so that the right part has at most C(c - 1 + r, c - 1)
/// iterations, which attains the minimal number of advances.
struct BinomialSchedule {
  /// Pushed by the primal sweep (it runs every iteration anyway): 0 and
  /// the splits down the rightmost path, ascending; empty when the reverse
  /// pass starts from the loop's initial state (the first action pushes
  /// it).
  std::vector<int64_t> sweepSnapshots;
  std::vector<RevolveStep> actions; // the reverse pass, after the sweep
  int64_t advances = 0;      // iterations the actions advance without tape
  int64_t totalAdvances = 0; // the same with the sweep's part (Revolve's count)
  /// Allocated at once: the sweep's stay until the reverse pass ends, the
  /// others until popped.
  int64_t maxSnapshots = 0;
  int64_t slots = 0; // the schedule's snapshots (stack depth)
};
/// `sweepPath`: the sweep pushes the snapshots down the rightmost path
/// (else none: the actions start from the loop's initial state).
BinomialSchedule binomialSchedule(int64_t trips, int64_t slots,
                                  bool sweepPath = true);
/// The schedule with the fewest advances whose snapshots allocated at once
/// are at most `slots` (empty if trips < 1).
BinomialSchedule planBinomial(int64_t trips, int64_t slots);
/// Griewank's minimal number of advances for `trips` iterations and
/// `slots` snapshots: r l - C(c + r, c + 1) with c = slots, l = trips.
int64_t binomialMinAdvances(int64_t trips, int64_t slots);

} // namespace tdl::ad

#endif

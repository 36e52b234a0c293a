//===- LoopCheckpoint.h - reversing a `for` loop under a memory budget -*- C++
//-*-===//
//
// The reversal of a `for` loop (ReverseLoops.cpp) stores every iteration on
// its tape. Under a memory budget (tdlc --ad-loop-memory, or the loop's
// `ad_memory` attribute) this replaces that tape by snapshots of the
// carried state, taken every k iterations by a primal sweep, and reverses
// the loop one segment at a time: restore the segment's snapshot, run its
// iterations again recording the ordinary tape, reverse them. With more
// than one level, a segment is itself swept with snapshots every k' < k
// iterations and reversed the same way (docs/autodiff.md,
// "Checkpointing").
//
//===----------------------------------------------------------------------===//
#ifndef TDL_AUTODIFF_LOOPCHECKPOINT_H
#define TDL_AUTODIFF_LOOPCHECKPOINT_H

#include "autodiff/ReverseEmitter.h"

namespace tdl::ad {

/// What the reversal of one `for` loop built.
struct ForReversal {
  ir::Operation *primal = nullptr; // the loop of the primal
  /// A copy of the forward loop made before it got its tape, placed just
  /// before it: the primal sweep, if the loop may be checkpointed.
  ir::Operation *sweep = nullptr;
  ir::Operation *fwd = nullptr; // the forward loop, with its tape(s)
  ir::Operation *rev = nullptr; // the reverse loop
  /// `ub - 1` in rev's body (its operand 0 is ub); null when the pullback
  /// does not read the index.
  ir::Value *last = nullptr;
  unsigned numCarried = 0; // the primal loop's carried values
  /// rev's carried values after its tape that leave it (the adjoints of
  /// the carried and of the captured values).
  unsigned numAdjoints = 0;
};

/// The tape budget of `loop` in bytes: its `ad_memory` attribute, else the
/// pass option; -1 when there is none.
int64_t loopBudget(const ADContext &ctx, const ir::Operation &loop);

/// True if `loop` may be checkpointed: a `for` or `while` whose carried
/// values hold no tape and whose regions have no tape op (a primal loop,
/// not the loop of a derivative being differentiated again).
bool isCheckpointable(ir::Operation &loop);

/// Records the bytes the reversal of `r` leaves on tapes per execution of
/// the loop (ADContext::loopTapeBytes), and under `budget` (>= 0) decides
/// whether to checkpoint and rewrites: r.sweep computes the loop's primal
/// results and pushes the snapshots, and r.rev becomes the loop over the
/// segments, whose first results are like the old reverse loop's (the
/// snapshot tape, then the adjoints). Without a rewrite r.sweep is erased.
/// Adds a report when there is a budget. Returns true if it rewrote.
bool checkpointLoop(ReverseEmitter &e, ForReversal &r, int64_t budget);

/// The same for a `while` (r.sweep: its copy before the tape; r.fwd: the
/// forward `while`, whose carried value `countIndex` counts the
/// iterations): under `budget` the sweep pushes (i, state) at i = 0 and
/// then every max(1, floor(sqrt(2 (i + 1) snapshot / iteration)))
/// iterations, and the reverse pass pops them, last first, running the
/// body from each as a `for` over its segment with its tape and reversing
/// it. On return r.rev is the loop over the segments and r.sweep the
/// forward `while`.
bool checkpointWhile(ReverseEmitter &e, ForReversal &r, unsigned countIndex,
                     int64_t budget);

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

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

#include "autodiff/CheckpointPlan.h"
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

} // namespace tdl::ad

#endif

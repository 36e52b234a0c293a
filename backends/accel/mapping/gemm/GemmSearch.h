//===- GemmSearch.h - candidate schedules, cost bound -----------*- C++ -*-===//
//
// The search space of planGemm: C or C^T = B^T·A^T (which of M and N goes
// on the batch rows), tile sizes (per dimension, the sizes that split it
// into c near-equal tiles, c = 1, 2, ...), which tile loop is outer, a
// resident outer panel or not, and 1 or 2 slots per buffer kind.
// Every candidate that fits the SRAMs gets an analytic lower bound on its
// cycles under the timing model:
//   max(Σ DMA time            — one DRAM channel serializes every transfer,
//       first DMAs + compute + last store
//                              — COMPUTE cannot start its first GEMM before
//                                the micro-ops and the first tiles arrived,
//                                runs its instructions one after another, and
//                                the last STORE follows the last of them)
// (plus the loads and stores that single slots serialize with COMPUTE).
// planGemm times only the candidates with the smallest bounds, and stops
// when the next bound is no better than the best time found.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_GEMM_GEMMSEARCH_H
#define TDL_BACKENDS_ACCEL_MAPPING_GEMM_GEMMSEARCH_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/mapping/ScheduleSearch.h"
#include "backends/accel/mapping/gemm/GemmCodegen.h"
#include "backends/accel/mapping/gemm/GemmOp.h"
#include "backends/accel/mapping/gemm/GemmPlan.h"

#include <cstdint>
#include <vector>

namespace tdl::accel {

/// The tile sizes worth trying for a dimension of `blocks` blocks:
/// ceil(blocks / c) for every tile count c (other sizes only make the
/// edge tile smaller without saving a tile). Ascending.
std::vector<uint32_t> balancedTileSizes(uint32_t blocks);

/// A lower bound of the timing model's cycles for `tiling` (never above
/// what the simulator reports for the program buildGemmProgram emits).
uint64_t scheduleLowerBound(const Config &config, const GemmOp &op,
                            const EpilogueUse &epilogue,
                            const GemmTiling &tiling,
                            const GemmSchedule &schedule);

/// A candidate with its lower bound.
using ScoredSchedule = ScoredCandidate<GemmSchedule>;

/// The search order: smaller lower bound first; ties deterministic.
bool candidateBefore(const ScoredSchedule &a, const ScoredSchedule &b);
inline constexpr CandidateOrder<GemmSchedule> gemmCandidateOrder{
    candidateBefore, /*cyclesAreLowerBounds=*/true};

/// Every candidate schedule that fits the SRAMs, the `keep` ones with the
/// smallest lower bounds first (ties broken deterministically); the rest
/// follow unsorted.
std::vector<ScoredSchedule> enumerateSchedules(const Config &config,
                                               const GemmOp &op, size_t keep);

} // namespace tdl::accel

#endif

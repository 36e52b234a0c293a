//===- ConvCodegen.h - one conv schedule as a program -----------*- C++ -*-===//
//
// Given a ConvSchedule, lays the SRAMs out (ConvTiling) and emits the
// instructions and micro-ops. For each output tile (image block, output
// rows × columns, o blocks), in the schedule's order:
//   compute: reset the tile's ACC slot (or LOAD ACC of a Full operand the
//            epilogue adds first)
//   per reduction step (c blocks):
//     load:    the input window, one LOAD INP per c block: y = input rows
//              of the window, x = its columns, the conv's zero padding as
//              LOAD padding; the WGT tile (o blocks × c blocks × KH × KW,
//              one LOAD); both skipped while a slot still holds that tile
//     compute: one GEMM, iter = (rows, cols), dst factors (cols·tO, tO), src
//              factors (strideH · window width, strideW), micro-ops over
//              (o block, c block, kh, kw)
//   compute: the epilogue, one ALU per step over the whole tile
//   compute: with a fused pool (ConvPool.h), the pooled area set to -128
//            (max: MIN then MAX with -128) or 0 (average: MUL 0), one ALU
//            MAX (ADD) per window offset from the tile's shifted view into
//            it; for an average, ADD area/2 and SHR log2(area)
//   store:   the tile's (pooled) OUT elements (one STORE when the tile has
//            whole output rows or every o block, else one per output row)
// With a pool, schedule tiles count pooled outputs and a tile's conv
// pixels are those its windows read (ConvTiling::convRows/convCols at
// most).
// ACC holds a tile as (row, col, o block) — the DRAM order of y, NHWC
// blocked — an INP slot as (c block, window row, window col). Tokens come
// from TokenSync.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_CONV_CONVCODEGEN_H
#define TDL_BACKENDS_ACCEL_MAPPING_CONV_CONVCODEGEN_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/ISA.h"
#include "backends/accel/mapping/ScheduleSearch.h"
#include "backends/accel/mapping/TokenSync.h"
#include "backends/accel/mapping/conv/ConvOp.h"
#include "backends/accel/mapping/conv/ConvPlan.h"
#include "backends/accel/mapping/gemm/GemmEpilogue.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace tdl::accel {

/// The epilogue analysis of GemmEpilogue.h for a conv (same steps).
EpilogueUse analyzeConvEpilogue(const ConvOp &op);

/// The input window of an output range [start, start + count) along one
/// axis: `rows` real input positions from `first`, `pad0` zeros before and
/// `pad1` after (pad0 + rows + pad1 = the window's span).
struct ConvWindow {
  uint32_t first = 0, rows = 0, pad0 = 0, pad1 = 0;
  uint32_t span() const { return pad0 + rows + pad1; }
};
ConvWindow convWindow(uint32_t outStart, uint32_t outCount, uint32_t inSize,
                      uint32_t pad, uint32_t kernel, uint32_t stride,
                      uint32_t dilation);

struct ConvTiling {
  uint32_t nBlocks, cBlocks, oBlocks, outH, outW;
  uint32_t yH, yW; // the result's: pooled with a pool, else outH, outW
  uint32_t tileRows, tileCols, tileO, tileC; // clamped; of y
  uint32_t convRows, convCols;               // conv pixels of a full tile
  uint32_t poolAreaOffset; // in an ACC slot: the pooled values
  uint32_t rowTiles, colTiles, oTiles, cTiles;
  uint32_t spanH, spanW; // input window of a full tile
  bool rowSkip; // 1-row kernel, stride > 1: LOADs skip unread input rows
  uint32_t inpSlots, inpSlotSize, wgtSlots, wgtSlotSize;
  uint32_t accSlots, accSlotSize;
  uint32_t fullAreaBase, rowAreaBase, rowAreaSize; // ACC entries
  bool rowWhole; // Row operands for every o block (loaded once)
  uint64_t inpEntries, wgtEntries, accEntries;
  uint64_t pixelTiles() const {
    return uint64_t(nBlocks) * rowTiles * colTiles;
  }
};

/// Sizes and SRAM layout of a schedule with positive sizes and slots,
/// whether it fits or not.
ConvTiling computeConvTiling(const Config &config, const ConvOp &op,
                             const EpilogueUse &epilogue,
                             const ConvSchedule &schedule);
bool convTilingFits(const ConvTiling &tiling, const Config &config);

using ConvProgram = AccelProgram;

/// The program of `schedule`. Fails when it does not fit the SRAMs or the
/// UOP buffer, or when a window's padding exceeds the 4-bit LOAD fields.
llvm::Expected<ConvProgram> buildConvProgram(const Config &config,
                                             const ConvOp &op,
                                             const ConvLayout &layout,
                                             const ConvSchedule &schedule);

/// DMA transfers of one output tile (STOREs, LOAD ACCs of Full operands):
/// 1 when it has whole output rows or every o block, else one per row.
uint32_t convTileTransfers(uint32_t rows, uint32_t cols, uint32_t tO,
                           uint32_t outW, uint32_t oBlocks);

/// A candidate with an analytic estimate of its cycles (max of DMA and
/// compute time when double buffered, their sum otherwise).
using ScoredConvSchedule = ScoredCandidate<ConvSchedule>;
/// The search order: smaller estimate first; ties: fewer slots (less
/// SRAM), larger tiles (fewer instructions), then a fixed order. An
/// estimate is no bound: the search does not stop at one.
bool convCandidateBefore(const ScoredConvSchedule &a,
                         const ScoredConvSchedule &b);
inline constexpr CandidateOrder<ConvSchedule> convCandidateOrder{
    convCandidateBefore, /*cyclesAreLowerBounds=*/false};

/// The `keep` best candidate schedules that fit the SRAMs, best first.
std::vector<ScoredConvSchedule> enumerateConvSchedules(const Config &config,
                                                       const ConvOp &op,
                                                       size_t keep = SIZE_MAX);

} // namespace tdl::accel

#endif

//===- GemmPlan.h - mapping a GemmOp onto the accelerator -------*- C++ -*-===//
//
// planGemm turns a GemmOp into an accelerator program: it enumerates
// candidate schedules (C or C^T, tile sizes that fit the SRAMs, which tile
// loop is outer, whether the outer operand's whole-K panel stays resident,
// how many buffer slots overlap DMA with compute), builds the program of each
// promising one and keeps the fastest by the simulator's timing model
// (ACCEL.md §6: search, not one template). runGemm packs host matrices into
// DRAM with the plan's layout, runs it and unpacks C. printGemmPlanAsm
// writes the plan as a .tasm program for `tdlc sim`.
//
// The algorithm is described in docs/accel.md, "Mapping GEMMs onto the ISA".
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_GEMM_GEMMPLAN_H
#define TDL_BACKENDS_ACCEL_MAPPING_GEMM_GEMMPLAN_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/ISA.h"
#include "backends/accel/mapping/PlanProgram.h"
#include "backends/accel/mapping/RunChecks.h"
#include "backends/accel/mapping/ScheduleSearch.h"
#include "backends/accel/mapping/gemm/GemmOp.h"
#include "backends/accel/sim/Simulator.h"
#include "backends/accel/sim/Stats.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tdl::accel {

class TraceWriter;

/// Which tile loop is outer. The outer operand's tile stays the same while
/// the inner loop runs, so only it can stay resident (be reused).
enum class TileOrder : uint8_t {
  MOuter, // for M tiles: for N tiles — A (input) reuse
  NOuter, // for N tiles: for M tiles — B (weight) reuse
};

/// One way to run the GEMM. Sizes count blocks: M in `batch` rows, N in
/// `block_out` columns, K in `block_in`. Edge tiles are smaller (ragged).
struct GemmSchedule {
  /// Compute C^T = B^T · A^T instead: N goes on `batch` rows and M on
  /// `block_out` columns (less padding when N is small or not a multiple
  /// of block_out, or M is not a multiple of batch). Tile sizes and the
  /// loop order then refer to that transposed problem.
  bool transposed = false;
  uint32_t tileM = 1, tileN = 1, tileK = 1;
  TileOrder order = TileOrder::MOuter;
  /// The outer operand's [tile × whole K] panel is loaded once per outer
  /// tile and stays while the inner loop streams the other operand in
  /// tileK steps (with tileK = K: the whole reduction resident).
  bool outerResident = false;
  /// Buffer slots (1 = serialized, 2 = double buffering): for streamed
  /// INP/WGT tiles, for resident panels, and for output tiles in ACC.
  uint32_t loadSlots = 2, panelSlots = 2, accSlots = 2;
  /// Skip a load when a slot still holds that very tile (e.g. the A tile
  /// of a single K step meets every B tile). The VTA template reloads.
  bool reuseLoaded = true;

  bool doubleBuffered() const { return loadSlots > 1 && accSlots > 1; }
  /// "tiles 64x16x16 blocks, M outer, streamed, slots load 2 acc 2".
  std::string describe() const;
  bool operator==(const GemmSchedule &) const = default;
};

/// Where the plan expects each matrix in DRAM (byte addresses, laid out
/// like the .tasm assembler lays buffers: in this order from 0, each
/// aligned to Config::maxElemBytes()). The accelerator computes
/// C' = A'·B' with C' = C, A' = A, B' = B, or, transposed, C' = C^T,
/// A' = B^T, B' = A^T; blocks count the rows (mb), columns (nb) of C' and
/// the reduction (kb):
///   A': INP elements, block (mb, kb) at (mb·kBlocks + kb)·inpElemBytes
///   B': WGT elements (B' transposed: block_out rows of block_in), block
///       (nb, kb) at (nb·kBlocks + kb)·wgtElemBytes — so A itself when
///       transposed
///   Row operand (a bias along N): ACC elements, one per block of N, the
///       value repeated along the other axis of the element
///   Full operand: ACC elements of C', block (mb, nb) at mb·nBlocks + nb
///   C': OUT elements, block (mb, nb) at (mb·nBlocks + nb)·outElemBytes
/// Padding (to batch, block_in, block_out multiples) holds zeros.
struct GemmLayout {
  bool transposed = false;
  uint32_t mBlocks = 0, nBlocks = 0, kBlocks = 0; // of C' = A'·B'
  uint64_t aAddr = 0, bAddr = 0;
  std::vector<uint64_t> operandAddrs; // parallel to GemmOp::operands
  uint64_t cAddr = 0, uopAddr = 0;
  uint64_t totalBytes = 0; // DRAM the plan needs, from address 0
};

struct GemmPlan : MappedPlan<GemmOp, GemmSchedule, GemmLayout> {
  /// The schedule as it runs on this op: tile sizes clamped to the
  /// problem's blocks (a 64-block tile of a 5-block M is 5 blocks).
  std::string describeSchedule() const;
};

/// Plans `op` for `config`. Fails (naming the sizes) when even the smallest
/// tiles do not fit the SRAMs or a DRAM offset does not fit the encoding.
llvm::Expected<GemmPlan> planGemm(const Config &config, const GemmOp &op,
                                  const PlanOptions &options = {});
/// Builds and times the plan of one given schedule (tests, experiments).
llvm::Expected<GemmPlan> planGemmWithSchedule(const Config &config,
                                              const GemmOp &op,
                                              const GemmSchedule &schedule);
/// The fixed VTA-style schedule for `op` (shrunk until it fits `config`).
GemmSchedule baselineSchedule(const Config &config, const GemmOp &op);

/// Packs A, B and the operands into a fresh Dram with the plan's layout
/// (padding with zeros), runs the program (functional + timing) on `sim`,
/// and unpacks C (row-major [M, N]) (RunChecks.h, runPlanned). `weights`
/// keeps B's packed bytes across runs (weights packed once).
llvm::Expected<PlanRun>
runGemm(Simulator &sim, const GemmPlan &plan, llvm::ArrayRef<int8_t> a,
        llvm::ArrayRef<int8_t> b, llvm::ArrayRef<std::vector<int32_t>> operands,
        TraceWriter *trace = nullptr, const PackedWeightsIo &weights = {});

/// The plan as a .tasm program `tdlc sim` assembles and runs: a header
/// comment (the op, the schedule, the estimate), buffers for A, B and the
/// operands (seeded random fills standing for the actual data), C, the
/// micro-op table, the instructions and `print C`. Assembling it gives
/// exactly plan.insns and plan.uops.
void printGemmPlanAsm(llvm::raw_ostream &os, const GemmPlan &plan,
                      llvm::StringRef name);

} // namespace tdl::accel

#endif

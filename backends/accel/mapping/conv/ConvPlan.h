//===- ConvPlan.h - mapping a ConvOp onto the accelerator -------*- C++ -*-===//
//
// planConv maps a conv2d directly onto the ISA as an implicit GEMM, without
// a host im2col (ACCEL.md §6). The mapping (docs/accel.md, "Mapping
// conv2d"):
//   - `batch` rows are images (or, when N < batch, row strips of the
//     images: ConvSchedule::strips), `block_in` input channels,
//     `block_out` output channels; the host packs x as INP elements
//     (n-block, c-block, h, w), w as WGT elements (o-block, c-block, kh,
//     kw), y comes back as OUT elements (n-block, oh, ow, o-block);
//   - a LOAD brings one channel block of a tile's input window (output rows
//     and columns of the tile plus the kernel's halo) with the conv's zero
//     padding as LOAD padding: no padded copy exists in DRAM;
//   - one GEMM per reduction step runs its loops over the tile's output
//     rows (outer) and columns (inner), the strides in the source factors,
//     its micro-ops over (o-block, c-block, kh, kw), dilation in their
//     source offsets;
//   - tiles over output rows, output columns, output channels (blocks) and
//     input channels (blocks) fit the SRAMs; slots rotate to overlap DMA
//     with compute (TokenSync sets the flags).
// The search enumerates tile sizes, the loop order, slot counts and row
// strips, ranks them by an analytic estimate, and times the best ones on
// the simulator's timing-only mode. The compiler compares the result with
// planGemm on im2colGemmOp(op) and keeps the faster (the direct mapping
// moves less data; the im2col GEMM packs a reduction with few channels,
// like a first layer's C = 3, more densely).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_CONV_CONVPLAN_H
#define TDL_BACKENDS_ACCEL_MAPPING_CONV_CONVPLAN_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/ISA.h"
#include "backends/accel/mapping/PlanProgram.h"
#include "backends/accel/mapping/RunChecks.h"
#include "backends/accel/mapping/ScheduleSearch.h"
#include "backends/accel/mapping/conv/ConvOp.h"
#include "backends/accel/mapping/gemm/GemmPlan.h"
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

/// Which loop is outer over the output tiles.
enum class ConvOrder : uint8_t {
  PixelsOuter,   // for (image block, row tile, col tile): for o tiles —
                 // input tile reuse
  ChannelsOuter, // for o tiles: for pixel tiles — weight tile reuse
};

/// One way to run the conv. Rows and columns count output pixels, o and c
/// count blocks (block_out, block_in). Edge tiles are smaller.
struct ConvSchedule {
  uint32_t tileRows = 1, tileCols = 1, tileO = 1, tileC = 1;
  ConvOrder order = ConvOrder::PixelsOuter;
  /// Slots INP/WGT tiles rotate through (a tile still in a slot is not
  /// loaded again: with as many slots as reduction steps, a pixel tile's
  /// input stays while every o tile uses it), and output tiles in ACC.
  uint32_t inpSlots = 2, wgtSlots = 2, accSlots = 2;
  /// The mapping of the `batch` rows: images (1), or images × `strips`
  /// horizontal strips of the output rows, each a virtual image the host
  /// packs with its input halo rows (and the top/bottom zero rows of the
  /// edge strips) — fills the batch rows when N < batch. Tile sizes then
  /// refer to stripConvOp(op, strips).
  uint32_t strips = 1;

  /// "tiles 4x56 px, o 4 c 4 blocks, pixels outer, slots inp 2 wgt 2 acc 2".
  std::string describe() const;
  bool operator==(const ConvSchedule &) const = default;
};

/// DRAM placement (byte addresses, in this order from 0, each aligned to
/// Config::maxElemBytes(), like the .tasm assembler places buffers):
///   x: INP elements (nb, cb, h, w) — batch images × block_in channels
///   w: WGT elements (ob, cb, kh, kw) — block_out rows of block_in
///   Row operand: ACC elements ob (the value repeated over batch rows)
///   Full operand: ACC elements (nb, oh, ow, ob)
///   y: OUT elements (nb, oh, ow, ob) — pixel-major, so a tile of whole
///      output rows (or of every o block) is one STORE; with
///      ConvOp::yChannelMajor (nb, ob, oh, ow), x's layout
///   micro-op table
/// Padding to batch / block multiples holds zeros.
struct ConvLayout {
  uint32_t nBlocks = 0, cBlocks = 0, oBlocks = 0;
  uint64_t xAddr = 0, wAddr = 0;
  std::vector<uint64_t> operandAddrs; // parallel to ConvOp::operands
  uint64_t yAddr = 0, uopAddr = 0;
  uint64_t totalBytes = 0;
};
ConvLayout computeConvLayout(const Config &config, const ConvOp &op,
                             uint64_t numUops);

/// The conv the program computes with `strips` row strips per image:
/// N·strips images of the input rows one strip of ceil(OH / strips) output
/// rows reads, no top/bottom padding (the host packs those rows). The
/// identity for strips == 1. The layout is that op's.
ConvOp stripConvOp(const ConvOp &op, uint32_t strips);

struct ConvPlan : MappedPlan<ConvOp, ConvSchedule, ConvLayout> {
  /// The op, the schedule and the estimate on one line.
  std::string describe() const;
};

/// Plans `op` for `config` (PlanOptions as for planGemm; search = false
/// gives the fixed default schedule). Fails naming the reason when no
/// schedule fits (e.g. a padding above 15, the 4-bit LOAD pad fields).
llvm::Expected<ConvPlan> planConv(const Config &config, const ConvOp &op,
                                  const PlanOptions &options = {});
/// Builds and times the plan of one given schedule (tests, experiments).
llvm::Expected<ConvPlan> planConvWithSchedule(const Config &config,
                                              const ConvOp &op,
                                              const ConvSchedule &schedule);
/// The fixed schedule: whole output, shrunk until it fits.
ConvSchedule defaultConvSchedule(const Config &config, const ConvOp &op);

/// DRAM images a conv exchanges with the programs before and after it
/// instead of host tensors (docs/accel-backend.md, "Layouts across
/// regions"): the bytes are the blocked layout itself, copied as they are.
struct ConvBlockedIo {
  /// x as the plan's layout has it in DRAM (INP elements (nb, cb, h, w),
  /// convXBlockedBytes): packed as is; x (NCHW) is then not read.
  const uint8_t *xBlocked = nullptr;
  /// Receives y's DRAM bytes (convYBlockedBytes; with yChannelMajor OUT
  /// elements (nb, ob, oh, ow)); PlanRun::out then stays empty.
  std::vector<uint8_t> *yBlocked = nullptr;
  PackedWeightsIo weights; // w's packed bytes kept across runs
};
uint64_t convXBlockedBytes(const ConvPlan &plan);
uint64_t convYBlockedBytes(const ConvPlan &plan);

/// Packs x (NCHW), w (OIHW) and the operands with the plan's layout into a
/// fresh Dram, runs the program (functional + timing) and unpacks y (NCHW
/// [N, O, OH, OW]) (RunChecks.h, runPlanned). `io` replaces the packing of
/// x and the unpacking of y by their blocked DRAM bytes (no row strips).
llvm::Expected<PlanRun>
runConv(Simulator &sim, const ConvPlan &plan, llvm::ArrayRef<int8_t> x,
        llvm::ArrayRef<int8_t> w, llvm::ArrayRef<std::vector<int32_t>> operands,
        TraceWriter *trace = nullptr, const ConvBlockedIo &io = {});

/// The plan as a .tasm program for `tdlc sim` (seeded random data in the
/// packed buffers, `print Y`); assembling it gives plan.insns and plan.uops.
void printConvPlanAsm(llvm::raw_ostream &os, const ConvPlan &plan,
                      llvm::StringRef name);

} // namespace tdl::accel

#endif

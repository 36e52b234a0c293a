//===- RegionProgram.h - what the accelerator runs for one region -*- C++
//-*-===//
//
// An offloaded region of the IR (ACCEL.md §6) -- an int8 `matmul` or
// `conv2d` followed by i32 epilogue steps and a narrowing cast -- as the
// accelerator runs it: one or more GEMMs (or direct convolutions) of one
// shape, their plans, and how the host lays its tensors out for them. This
// layer knows nothing of the IR, so the same code serves the interpreter's
// executor (`tdlc run --backend=accel`) and the host runtime that compiled
// objects and the JIT call (HostRuntime.h).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_HOST_REGIONPROGRAM_H
#define TDL_BACKENDS_ACCEL_HOST_REGIONPROGRAM_H

#include "backends/accel/mapping/conv/ConvPlan.h"
#include "backends/accel/mapping/gemm/GemmOp.h"
#include "backends/accel/mapping/gemm/GemmPlan.h"

#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tdl::accel {

class TraceWriter;

enum class RegionKind : uint8_t { Matmul, Conv2D };

/// A conv2d's window (the IR's Conv2DParams, copied: this layer is below
/// the IR).
struct ConvWindow {
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 4> padding{0, 0, 0, 0}; // top, bottom, left, right
  std::array<int64_t, 2> dilation{1, 1};
  int64_t groups = 1;
};

/// Where the region's GEMMs come from and how the host lays the operands
/// out for them (RegionLayout.cpp).
struct RegionShape {
  RegionKind kind = RegionKind::Matmul;
  std::vector<int64_t> lhs, rhs, result; // the IR shapes
  ConvWindow conv;                       // for Conv2D
  /// For Conv2D: a max_pool2d of the i8 result fused into the program
  /// (ConvPool.h); the region's result is then the pooled tensor and
  /// `result` stays the conv's (the epilogue operands' shape).
  ConvPool pool;
  /// Matmul: GEMMs = batch slices of a batched rhs (1 when the rhs is a
  /// matrix or vector: the lhs batch dims are flattened into M).
  /// Conv2D: GEMMs = groups.
  uint32_t numGemms = 1;
  /// Per GEMM: rows, columns, reduction.
  uint32_t m = 0, n = 0, k = 0;
  /// Layouts across regions (docs/accel-backend.md), direct convs only:
  /// the input is the producing region's result left in DRAM in the
  /// blocked layout (BlockedTensors), not a host tensor; the result is
  /// left there, channel-major (ConvOp::yChannelMajor), for
  /// `blockedReaders` region calls, and the host tensor is not written.
  bool inputBlocked = false, resultBlocked = false;
  uint32_t blockedReaders = 0;
};

/// The dims of the region's result: `result`, pooled when a pool is fused.
std::vector<int64_t> regionOutput(const RegionShape &shape);

struct RegionProgram {
  RegionShape shape;
  GemmOp gemm; // one GEMM with its epilogue
  /// Per epilogue operand: negated by the host (the region subtracts it).
  std::vector<bool> operandNegated;
  /// Per epilogue operand: the caller passes an i8 tensor, which the host
  /// widens to i32 (ACC loads i32 only): a residual joined to the region.
  std::vector<bool> operandI8;
  GemmPlan plan; // the GEMM mapping (the im2col GEMM for a conv2d)
  /// For a conv2d, when the direct mapping (planConv, one program per
  /// group, no im2col) is estimated faster than the im2col GEMM: it runs
  /// instead of `plan`.
  std::optional<ConvPlan> convPlan;
  /// "im2col GEMM 2048x32x144, tiles ..." / "direct conv, tiles ...".
  std::string describeMapping() const;
  const Config &config() const {
    return convPlan ? convPlan->config : plan.config;
  }
};

/// The host tensors of one call, dense row-major: the matmul lhs / conv
/// input and the rhs / weights (i8), one i32 tensor per epilogue operand
/// (widened already when the region takes it as i8), and the i8 result.
struct RegionBuffers {
  const int8_t *lhs = nullptr, *rhs = nullptr;
  std::vector<const int32_t *> operands;
  int8_t *result = nullptr;
};

/// What running regions added up to.
struct RegionTotals {
  RunStats stats;
  uint64_t programs = 0;
  /// Host thread CPU time converting layouts: gathering, packing,
  /// unpacking, scattering (im2col included); copying blocked bytes
  /// included.
  double hostSeconds = 0;
  /// Region inputs taken from / results left in DRAM blocked.
  uint64_t blockedInputs = 0, blockedResults = 0;
  /// Calls whose weights were packed already (PackedRegionWeights).
  uint64_t weightsReused = 0;
};

/// Activations left in DRAM between regions in the blocked layout, by the
/// host address of the region result they stand for. The simulator's DRAM
/// image is per program, so the runtime keeps the bytes in between (on a
/// device, one buffer both programs address).
struct BlockedTensor {
  std::vector<uint8_t> bytes; // INP / OUT elements (nb, cb, h, w)
  uint32_t readersLeft = 0;
};
using BlockedTensors = std::unordered_map<const void *, BlockedTensor>;

/// A region's weights packed once: the packed DRAM bytes of each GEMM's
/// (group's) weights, kept while the calls pass the same weight bytes
/// (compared with `raw`: a GRU's 16 steps pack their weights once).
struct PackedRegionWeights {
  std::vector<int8_t> raw;
  std::vector<std::vector<uint8_t>> packed; // per GEMM
  uint64_t reused = 0;                      // calls that found them
};

/// Lays the buffers out for each GEMM (or group), runs its program on `sim`
/// (whose configuration must be the plan's) and writes the result. Returns
/// what the call's programs added up to; a fault is an error naming it.
/// With a trace, the programs are recorded from cycle `traceStart` on.
/// `blocked` holds the activations of regions with inputBlocked /
/// resultBlocked (an error when such a region has none, or its input is
/// missing).
llvm::Expected<RegionTotals>
runRegion(Simulator &sim, const RegionProgram &region,
          const RegionBuffers &buffers, TraceWriter *trace = nullptr,
          uint64_t traceStart = 0, BlockedTensors *blocked = nullptr,
          PackedRegionWeights *weights = nullptr);

/// The i32 operands of a call whose caller passed `inputs` (the region
/// function's arguments after lhs and rhs): i8 operands are widened into
/// `widened`, which must outlive the result.
std::vector<const int32_t *>
regionOperands(const RegionProgram &region, const void *const *inputs,
               std::vector<std::vector<int32_t>> &widened);

/// `into += run`, field by field.
void accumulateStats(RunStats &into, const RunStats &run);

} // namespace tdl::accel

#endif

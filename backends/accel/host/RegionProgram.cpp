//===- RegionProgram.cpp - running one region's programs ------------------===//
#include "backends/accel/host/RegionProgram.h"
#include "backends/accel/host/RegionLayout.h"
#include "backends/accel/sim/Trace.h"

#include "llvm/Support/MathExtras.h"

#include <fmt/format.h>

#include <algorithm>

namespace tdl::accel {

std::string RegionProgram::describeMapping() const {
  std::string text =
      convPlan ? fmt::format("direct conv x{}, {}", shape.numGemms,
                             convPlan->schedule.describe())
               : fmt::format("{} x{} {}x{}x{}, {}",
                             shape.kind == RegionKind::Conv2D ? "im2col GEMM"
                                                              : "GEMM",
                             shape.numGemms, shape.m, shape.n, shape.k,
                             plan.describeSchedule());
  // What the program does beyond the epilogue, so --stats shows it.
  unsigned residuals =
      unsigned(std::count(operandI8.begin(), operandI8.end(), true));
  if (residuals)
    text += fmt::format(", {} i8 residual(s) added", residuals);
  if (const ConvPool &p = shape.pool; p.present())
    text += fmt::format(", {} {}x{} stride {}x{} fused",
                        p.average ? "avg_pool2d" : "max_pool2d", p.kh, p.kw,
                        p.strideH, p.strideW);
  if (shape.inputBlocked)
    text += ", input blocked in DRAM";
  if (shape.resultBlocked)
    text += fmt::format(", result left blocked in DRAM for {} region(s)",
                        shape.blockedReaders);
  return text;
}

std::vector<int64_t> regionOutput(const RegionShape &shape) {
  std::vector<int64_t> out = shape.result;
  const ConvPool &p = shape.pool;
  if (p.present() && out.size() == 4) {
    out[2] =
        pooledSize(uint32_t(out[2]), p.kh, p.strideH, p.padTop, p.padBottom);
    out[3] =
        pooledSize(uint32_t(out[3]), p.kw, p.strideW, p.padLeft, p.padRight);
  }
  return out;
}

void accumulateStats(RunStats &into, const RunStats &run) {
  into.cycles += run.cycles;
  for (unsigned i = 0; i < NumModules; ++i) {
    into.modules[i].instructions += run.modules[i].instructions;
    into.modules[i].busyCycles += run.modules[i].busyCycles;
    into.modules[i].stallTokenCycles += run.modules[i].stallTokenCycles;
    into.modules[i].stallDramCycles += run.modules[i].stallDramCycles;
  }
  for (unsigned i = 0; i < NumTraffic; ++i)
    into.bytes[i] += run.bytes[i];
  into.macs += run.macs;
}

std::vector<const int32_t *>
regionOperands(const RegionProgram &region, const void *const *inputs,
               std::vector<std::vector<int32_t>> &widened) {
  std::vector<const int32_t *> out;
  widened.assign(region.gemm.operands.size(), {});
  for (size_t i = 0; i < region.gemm.operands.size(); ++i) {
    if (i >= region.operandI8.size() || !region.operandI8[i]) {
      out.push_back(static_cast<const int32_t *>(inputs[i]));
      continue;
    }
    // An i8 operand is a residual of the result's shape (Full).
    const int8_t *p = static_cast<const int8_t *>(inputs[i]);
    uint64_t n = 1;
    for (int64_t d : region.shape.result)
      n *= uint64_t(d);
    widened[i].assign(p, p + n);
    out.push_back(widened[i].data());
  }
  return out;
}

namespace {

llvm::Error error(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s",
                                 message.c_str());
}

/// How a region's groups cut a blocked activation: image blocks, channel
/// blocks in all, per group, elements per block plane.
struct BlockedCut {
  uint64_t imageBlocks, blocks, groupBlocks, plane, elemBytes;
  uint64_t bytes() const { return imageBlocks * blocks * plane * elemBytes; }
};

/// `dims` NCHW of `channelsPerGroup` channels per group, with blocks of
/// `block` channels and `elemBytes`-byte elements.
BlockedCut blockedCut(const Config &c, llvm::ArrayRef<int64_t> dims,
                      int64_t channelsPerGroup, uint32_t block,
                      uint64_t elemBytes) {
  return {uint64_t(llvm::divideCeil(dims[0], c.batch)),
          uint64_t(llvm::divideCeil(dims[1], block)),
          uint64_t(llvm::divideCeil(channelsPerGroup, block)),
          uint64_t(dims[2] * dims[3]), elemBytes};
}

} // namespace

llvm::Expected<RegionTotals>
runRegion(Simulator &sim, const RegionProgram &region,
          const RegionBuffers &buffers, TraceWriter *trace, uint64_t traceStart,
          BlockedTensors *blocked, PackedRegionWeights *weights) {
  auto since = [](double t) { return threadCpuSeconds() - t; };
  const RegionShape &shape = region.shape;
  RegionTotals totals;
  const bool blockedIn = shape.inputBlocked, blockedOut = shape.resultBlocked;
  if ((blockedIn || blockedOut) && (!region.convPlan || !blocked))
    return error("a region passing blocked activations needs a direct conv "
                 "and the runtime's blocked tensors");
  const Config &config = region.config();
  // The input left in DRAM by the producing region, and the result this
  // one leaves there.
  BlockedTensor *input = nullptr;
  BlockedCut inCut{}, outCut{};
  if (blockedIn) {
    auto it = blocked->find(buffers.lhs);
    inCut = blockedCut(config, shape.lhs, shape.rhs[1], config.blockIn,
                       config.inpElemBytes());
    if (it == blocked->end() || it->second.bytes.size() != inCut.bytes())
      return error("the region's input was not left in DRAM by the region "
                   "producing it");
    input = &it->second;
  }
  BlockedTensor output;
  if (blockedOut) {
    outCut = blockedCut(config, regionOutput(shape),
                        shape.rhs[0] / shape.conv.groups, config.blockOut,
                        config.outElemBytes());
    output.bytes.assign(outCut.bytes(), 0);
    output.readersLeft = shape.blockedReaders;
  }
  // Weights packed on an earlier call with the same bytes are reused.
  uint64_t rhsSize = 1;
  for (int64_t d : shape.rhs)
    rhsSize *= uint64_t(d);
  double tw = threadCpuSeconds();
  const bool reuse =
      weights && weights->raw.size() == rhsSize &&
      weights->packed.size() == shape.numGemms &&
      std::equal(weights->raw.begin(), weights->raw.end(), buffers.rhs);
  if (weights && !reuse) {
    weights->raw.assign(buffers.rhs, buffers.rhs + rhsSize);
    weights->packed.assign(shape.numGemms, {});
  }
  totals.hostSeconds += since(tw);
  std::vector<int8_t> a, b;
  std::vector<uint8_t> xBlocked, yBlocked;
  for (unsigned g = 0; g < shape.numGemms; ++g) {
    PackedWeightsIo packed;
    if (reuse)
      packed.packed = &weights->packed[g];
    else if (weights)
      packed.keep = &weights->packed[g];
    double t0 = threadCpuSeconds();
    std::vector<std::vector<int32_t>> operands;
    for (size_t i = 0; i < region.gemm.operands.size(); ++i) {
      OperandShape kind = region.gemm.operands[i];
      const int32_t *value = buffers.operands[i];
      operands.push_back(region.convPlan
                             ? gatherConvOperand(shape, g, kind, value)
                             : gatherGemmOperand(shape, g, kind, value));
      if (region.operandNegated[i])
        for (int32_t &v : operands.back()) // wrapping, as i32 `sub` is
          v = int32_t(0u - uint32_t(v));
    }
    ConvBlockedIo io;
    io.weights = packed;
    if (blockedIn) {
      a.clear();
      if (reuse)
        b.clear();
      else
        gatherConvWeights(shape, g, buffers.rhs, b);
      copyBlockedSlab(input->bytes, xBlocked, inCut.imageBlocks, inCut.blocks,
                      inCut.groupBlocks, g, inCut.plane, inCut.elemBytes,
                      /*toGroup=*/true);
      io.xBlocked = xBlocked.data();
    } else if (region.convPlan) {
      gatherConvInputs(shape, g, buffers.lhs, reuse ? nullptr : buffers.rhs, a,
                       b);
    } else {
      gatherGemmInputs(shape, g, buffers.lhs, reuse ? nullptr : buffers.rhs, a,
                       b);
    }
    if (blockedOut)
      io.yBlocked = &yBlocked;
    totals.hostSeconds += since(t0);
    if (trace)
      trace->setCycleOffset(traceStart + totals.stats.cycles);
    llvm::Expected<PlanRun> run =
        region.convPlan
            ? runConv(sim, *region.convPlan, a, b, operands, trace, io)
            : runGemm(sim, region.plan, a, b, operands, trace, packed);
    if (!run)
      return run.takeError();
    accumulateStats(totals.stats, run->stats);
    ++totals.programs;
    totals.hostSeconds += run->hostSeconds;
    double t1 = threadCpuSeconds();
    if (blockedOut)
      copyBlockedSlab(output.bytes, yBlocked, outCut.imageBlocks, outCut.blocks,
                      outCut.groupBlocks, g, outCut.plane, outCut.elemBytes,
                      /*toGroup=*/false);
    else if (region.convPlan)
      scatterConvResult(shape, g, run->out, buffers.result);
    else
      scatterGemmResult(shape, g, run->out, buffers.result);
    totals.hostSeconds += since(t1);
  }
  if (reuse) {
    ++weights->reused;
    ++totals.weightsReused;
  }
  if (blockedIn) {
    ++totals.blockedInputs;
    if (input->readersLeft <= 1)
      blocked->erase(buffers.lhs);
    else
      --input->readersLeft;
  }
  if (blockedOut) {
    ++totals.blockedResults;
    (*blocked)[buffers.result] = std::move(output);
  }
  return totals;
}

} // namespace tdl::accel

//===- ConvRun.cpp - packing, running a planned conv, unpacking ----------===//
#include "backends/accel/isa/Dram.h"
#include "backends/accel/mapping/RunChecks.h"
#include "backends/accel/mapping/conv/ConvCodegen.h"
#include "backends/accel/mapping/conv/ConvPlan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace tdl::accel {

namespace {

/// Byte offset of value (n, o, i, j) among OUT elements (nb, oh, ow, ob);
/// times 4 for ACC elements of the same layout.
uint64_t outValue(const Config &config, const ConvLayout &l, uint32_t oh,
                  uint32_t ow, uint32_t n, uint32_t o, uint32_t i, uint32_t j) {
  uint64_t elem = ((uint64_t(n / config.batch) * oh + i) * ow + j) * l.oBlocks +
                  o / config.blockOut;
  return elem * config.outElemBytes() +
         uint64_t(n % config.batch) * config.blockOut + o % config.blockOut;
}

/// Packs the tensors of `op` (the plan's op after stripConvOp); x from
/// `xBlocked` as it is when set.
void packConv(Dram &dram, const ConvPlan &plan, const ConvOp &op,
              llvm::ArrayRef<int8_t> x, llvm::ArrayRef<int8_t> w,
              llvm::ArrayRef<std::vector<int32_t>> operands,
              const uint8_t *xBlocked, const PackedWeightsIo &weights) {
  const Config &config = plan.config;
  const ConvLayout &l = plan.layout;
  uint64_t base = dram.allocate(l.totalBytes, config.maxElemBytes());
  (void)base;
  assert(base == 0 && "the layout starts at address 0");
  const uint32_t bi = config.blockIn, bo = config.blockOut,
                 batch = config.batch;
  uint8_t *xm = dram.data(l.xAddr);
  if (xBlocked)
    std::memcpy(xm, xBlocked, convXBlockedBytes(plan));
  for (uint32_t n = 0; n < op.n && !xBlocked; ++n)
    for (uint32_t c = 0; c < op.c; ++c)
      for (uint32_t i = 0; i < op.h; ++i)
        for (uint32_t j = 0; j < op.w; ++j) {
          uint64_t elem =
              ((uint64_t(n / batch) * l.cBlocks + c / bi) * op.h + i) * op.w +
              j;
          xm[elem * config.inpElemBytes() + (n % batch) * bi + c % bi] =
              uint8_t(x[((size_t(n) * op.c + c) * op.h + i) * op.w + j]);
        }
  uint8_t *wm = dram.data(l.wAddr);
  const uint64_t wBytes =
      uint64_t(l.oBlocks) * l.cBlocks * op.kh * op.kw * config.wgtElemBytes();
  if (weights.packed)
    std::memcpy(wm, weights.packed->data(), wBytes);
  // In DRAM order: writes in sequence, the reads of one element within a
  // few cache lines (in w's order every byte written touched another
  // line; MobileNet's conversions took 28 ms instead of 15-17).
  const size_t khw = size_t(op.kh) * op.kw;
  uint8_t *dst = wm;
  for (uint32_t ob = 0; ob < l.oBlocks && !weights.packed; ++ob)
    for (uint32_t cb = 0; cb < l.cBlocks; ++cb)
      for (size_t ab = 0; ab < khw; ++ab, dst += config.wgtElemBytes()) {
        uint32_t oEnd = std::min(bo, op.o - ob * bo);
        uint32_t cEnd = std::min(bi, op.c - cb * bi);
        for (uint32_t oo = 0; oo < oEnd; ++oo) {
          const int8_t *src =
              &w[((size_t(ob) * bo + oo) * op.c + size_t(cb) * bi) * khw + ab];
          for (uint32_t cc = 0; cc < cEnd; ++cc)
            dst[oo * bi + cc] = uint8_t(src[cc * khw]);
        }
      }
  if (weights.keep)
    weights.keep->assign(wm, wm + wBytes);
  EpilogueUse epi = analyzeConvEpilogue(op);
  const uint32_t oh = op.outH(), ow = op.outW();
  for (size_t k = 0; k < op.operands.size(); ++k) {
    const std::vector<int32_t> &v = operands[k];
    auto value = [&](size_t i) {
      return int32_t(uint32_t(v[i]) + uint32_t(epi.packAdd[k]));
    };
    uint8_t *dst = dram.data(l.operandAddrs[k]);
    if (op.operands[k] == OperandShape::Row) {
      // One ACC element per o block, every batch row holding the values.
      for (uint32_t o = 0; o < op.o; ++o)
        for (uint32_t b = 0; b < batch; ++b)
          writeAccI32(dst +
                          (uint64_t(o / bo) * batch * bo + b * bo + o % bo) * 4,
                      value(o));
      continue;
    }
    for (uint32_t n = 0; n < op.n; ++n)
      for (uint32_t o = 0; o < op.o; ++o)
        for (uint32_t i = 0; i < oh; ++i)
          for (uint32_t j = 0; j < ow; ++j)
            writeAccI32(dst + 4 * outValue(config, l, oh, ow, n, o, i, j),
                        value(((size_t(n) * op.o + o) * oh + i) * ow + j));
  }
  writeUops(dram, l.uopAddr, plan.uops);
}

} // namespace

uint64_t convXBlockedBytes(const ConvPlan &plan) {
  const ConvLayout &l = plan.layout;
  return uint64_t(l.nBlocks) * l.cBlocks * plan.op.h * plan.op.w *
         plan.config.inpElemBytes();
}

uint64_t convYBlockedBytes(const ConvPlan &plan) {
  const ConvLayout &l = plan.layout;
  return uint64_t(l.nBlocks) * l.oBlocks * plan.op.yH() * plan.op.yW() *
         plan.config.outElemBytes();
}

llvm::Expected<PlanRun> runConv(Simulator &sim, const ConvPlan &plan,
                                llvm::ArrayRef<int8_t> x,
                                llvm::ArrayRef<int8_t> w,
                                llvm::ArrayRef<std::vector<int32_t>> operands,
                                TraceWriter *trace, const ConvBlockedIo &io) {
  const ConvOp &op = plan.op;
  if ((io.xBlocked || io.yBlocked) && plan.schedule.strips > 1)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "blocked conv inputs and results do not combine with row strips");
  size_t xSize = io.xBlocked ? x.size() : size_t(op.n) * op.c * op.h * op.w;
  size_t wSize =
      io.weights.packed ? w.size() : size_t(op.o) * op.c * op.kh * op.kw;
  auto checkInputs = [&]() -> llvm::Error {
    if (x.size() != xSize || w.size() != wSize)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          fmt::format("conv inputs must have {} and {} elements (got "
                      "{} and {})",
                      xSize, wSize, x.size(), w.size()));
    return llvm::Error::success();
  };
  // Row strips: each image becomes `strips` virtual images of the input
  // rows a strip of output rows reads (zeros outside the image).
  const uint32_t strips = plan.schedule.strips;
  const ConvOp mapped = stripConvOp(op, strips);
  const uint32_t oh = op.outH(), ow = op.outW(), stripRows = mapped.outH();
  auto pack = [&](Dram &dram) {
    if (strips <= 1) {
      packConv(dram, plan, op, x, w, operands, io.xBlocked, io.weights);
      return;
    }
    std::vector<int8_t> xs(size_t(mapped.n) * op.c * mapped.h * op.w, 0);
    for (uint32_t n = 0; n < op.n; ++n)
      for (uint32_t k = 0; k < strips; ++k)
        for (uint32_t c = 0; c < op.c; ++c)
          for (uint32_t r = 0; r < mapped.h; ++r) {
            int64_t src =
                int64_t(k) * stripRows * op.strideH - op.padTop + int64_t(r);
            if (src < 0 || src >= op.h)
              continue;
            std::memcpy(
                &xs[((size_t(n * strips + k) * op.c + c) * mapped.h + r) *
                    op.w],
                &x[((size_t(n) * op.c + c) * op.h + size_t(src)) * op.w], op.w);
          }
    std::vector<std::vector<int32_t>> opsStripped;
    for (size_t f = 0; f < operands.size(); ++f) {
      if (op.operands[f] == OperandShape::Row) {
        opsStripped.push_back(operands[f]);
        continue;
      }
      std::vector<int32_t> v(mapped.operandSize(unsigned(f)), 0);
      for (uint32_t n = 0; n < op.n; ++n)
        for (uint32_t k = 0; k < strips; ++k)
          for (uint32_t o = 0; o < op.o; ++o)
            for (uint32_t i = 0; i < stripRows && k * stripRows + i < oh; ++i)
              std::memcpy(
                  &v[((size_t(n * strips + k) * op.o + o) * stripRows + i) *
                     ow],
                  &operands[f]
                           [((size_t(n) * op.o + o) * oh + k * stripRows + i) *
                            ow],
                  ow * sizeof(int32_t));
      opsStripped.push_back(std::move(v));
    }
    packConv(dram, plan, mapped, xs, w, opsStripped, nullptr, io.weights);
  };
  // y's pixels: pooled with a pool (never with strips: buildPlan).
  auto unpack = [&](const Dram &dram) {
    const uint32_t yh = op.yH(), yw = op.yW(),
                   yStripRows = strips > 1 ? stripRows : yh;
    const uint8_t *ym = dram.data(plan.layout.yAddr);
    if (io.yBlocked) {
      io.yBlocked->assign(ym, ym + convYBlockedBytes(plan));
      return std::vector<int8_t>();
    }
    std::vector<int8_t> y(size_t(op.n) * op.o * yh * yw);
    if (op.yChannelMajor) {
      // OUT elements (nb, ob, i, j); no strips.
      const Config &c = plan.config;
      for (uint32_t n = 0; n < op.n; ++n)
        for (uint32_t o = 0; o < op.o; ++o)
          for (uint32_t i = 0; i < yh; ++i)
            for (uint32_t j = 0; j < yw; ++j) {
              uint64_t elem = ((uint64_t(n / c.batch) * plan.layout.oBlocks +
                                o / c.blockOut) *
                                   yh +
                               i) *
                                  yw +
                              j;
              y[((size_t(n) * op.o + o) * yh + i) * yw + j] =
                  int8_t(ym[elem * c.outElemBytes() +
                            (n % c.batch) * c.blockOut + o % c.blockOut]);
            }
      return y;
    }
    for (uint32_t n = 0; n < op.n; ++n)
      for (uint32_t o = 0; o < op.o; ++o)
        for (uint32_t i = 0; i < yh; ++i)
          for (uint32_t j = 0; j < yw; ++j)
            y[((size_t(n) * op.o + o) * yh + i) * yw + j] = int8_t(ym[outValue(
                plan.config, plan.layout, yStripRows, yw,
                n * strips + i / yStripRows, o, i % yStripRows, j)]);
    return y;
  };
  return runPlanned(sim, plan, "conv", operands, checkInputs, pack, unpack,
                    trace);
}

} // namespace tdl::accel

//===- FunctionalSim.cpp - LOAD, STORE, GEMM and ALU semantics -----------===//
#include "backends/accel/sim/FunctionalSim.h"

#include "backends/accel/isa/Encoding.h"
#include "backends/accel/sim/GemmKernel.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace tdl::accel {

namespace {

Fault fault(FaultKind kind, uint64_t index, std::string message) {
  return Fault{kind, index, std::move(message)};
}

/// The largest index `base + (out-1)*fo + (in-1)*fi` of a loop nest (both
/// trip counts > 0), in 64 bits so it cannot wrap.
uint64_t lastIndex(uint32_t base, const LoopNest &l, uint32_t fo, uint32_t fi) {
  return uint64_t(base) + uint64_t(l.iterOut - 1) * fo +
         uint64_t(l.iterIn - 1) * fi;
}

/// ALU semantics on i32 with wrapping (done in uint32 where it is defined).
/// SHR: arithmetic right shift; a negative amount shifts left; amounts of 32
/// or more saturate (right: sign fill, left: 0).
inline int32_t applyAlu(AluOp op, int32_t a, int32_t b) {
  switch (op) {
  case AluOp::Min:
    return std::min(a, b);
  case AluOp::Max:
    return std::max(a, b);
  case AluOp::Add:
    return int32_t(uint32_t(a) + uint32_t(b));
  case AluOp::Mul:
    return int32_t(uint32_t(a) * uint32_t(b));
  case AluOp::Shr:
    if (b >= 0)
      return a >> std::min(b, 31);
    if (b <= -32)
      return 0;
    return int32_t(uint32_t(a) << -b);
  }
  return a;
}

} // namespace

FunctionalSim::FunctionalSim(const Config &config)
    : config(config), accLen(size_t(config.batch) * config.blockOut) {
  reset();
}

void FunctionalSim::reset() {
  inp.assign(size_t(config.inpDepth) * config.inpElemBytes(), 0);
  wgt.assign(size_t(config.wgtDepth) * config.wgtElemBytes(), 0);
  acc.assign(size_t(config.accDepth) * accLen, 0);
  uop.assign(config.uopDepth, MicroOp());
}

std::optional<Fault> FunctionalSim::execute(const Instruction &insn,
                                            uint64_t index, Dram &dram) {
  switch (insn.opcode) {
  case Opcode::Load:
    return load(insn, index, dram);
  case Opcode::Store:
    return store(insn, index, dram);
  case Opcode::Gemm:
    return gemm(insn.gemm, index);
  case Opcode::Alu:
    return alu(insn.alu, index);
  case Opcode::Finish:
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Fault> FunctionalSim::load(const Instruction &insn,
                                         uint64_t index, Dram &dram) {
  const MemInsn &m = insn.mem;
  bool padded = m.yPad0 || m.yPad1 || m.xPad0 || m.xPad1;
  if (m.memType == MemType::Wgt && padded)
    return fault(FaultKind::PaddingNotAllowed, index,
                 "LOAD WGT cannot pad (weights are never padded)");
  if (m.xSize == 0)
    return std::nullopt; // only moves tokens
  uint64_t elem = 0, depth = 0;
  uint8_t *sram = nullptr;
  switch (m.memType) {
  case MemType::Inp:
    elem = config.inpElemBytes(), depth = config.inpDepth;
    sram = reinterpret_cast<uint8_t *>(inp.data());
    break;
  case MemType::Wgt:
    elem = config.wgtElemBytes(), depth = config.wgtDepth;
    sram = reinterpret_cast<uint8_t *>(wgt.data());
    break;
  case MemType::Acc:
    elem = config.accElemBytes(), depth = config.accDepth;
    sram = reinterpret_cast<uint8_t *>(acc.data());
    break;
  case MemType::Uop:
    elem = Config::uopElemBytes(), depth = config.uopDepth;
    break;
  }
  uint64_t rows = uint64_t(m.yPad0) + m.ySize + m.yPad1;
  uint64_t cols = uint64_t(m.xPad0) + m.xSize + m.xPad1;
  if (m.sramBase + rows * cols > depth)
    return fault(FaultKind::SramOutOfRange, index,
                 fmt::format("LOAD {} writes entries [{}, {}) but the {} "
                             "buffer has {} entries",
                             memTypeName(m.memType).str(), m.sramBase,
                             m.sramBase + rows * cols,
                             memTypeName(m.memType).str(), depth));
  if (m.ySize > 0) {
    uint64_t lastEnd =
        (uint64_t(m.dramBase) + uint64_t(m.ySize - 1) * m.xStride + m.xSize) *
        elem;
    if (lastEnd > dram.size())
      return fault(FaultKind::DramOutOfRange, index,
                   fmt::format("LOAD {} reads DRAM bytes up to {} but DRAM has "
                               "{} bytes",
                               memTypeName(m.memType).str(), lastEnd,
                               dram.size()));
  }
  // Row by row: leading pad, the copied elements, trailing pad.
  for (uint64_t r = 0; r < rows; ++r) {
    uint64_t entry = m.sramBase + r * cols;
    bool padRow = r < m.yPad0 || r >= m.yPad0 + m.ySize;
    const uint8_t *src =
        padRow ? nullptr
               : dram.data((m.dramBase + (r - m.yPad0) * m.xStride) * elem);
    if (m.memType == MemType::Uop) {
      for (uint64_t c = 0; c < cols; ++c) {
        bool padCol = c < m.xPad0 || c >= m.xPad0 + m.xSize;
        uint32_t word = 0;
        if (!padRow && !padCol)
          std::memcpy(&word, src + (c - m.xPad0) * 4, 4);
        uop[entry + c] = decodeUop(word);
      }
      continue;
    }
    uint8_t *dst = sram + entry * elem;
    if (padRow) {
      std::memset(dst, 0, cols * elem);
      continue;
    }
    std::memset(dst, 0, m.xPad0 * elem);
    std::memcpy(dst + m.xPad0 * elem, src, m.xSize * elem);
    std::memset(dst + (m.xPad0 + m.xSize) * elem, 0, m.xPad1 * elem);
  }
  return std::nullopt;
}

std::optional<Fault> FunctionalSim::store(const Instruction &insn,
                                          uint64_t index, Dram &dram) {
  const MemInsn &m = insn.mem;
  if (m.yPad0 || m.yPad1 || m.xPad0 || m.xPad1)
    return fault(FaultKind::PaddingNotAllowed, index, "STORE cannot pad");
  if (m.xSize == 0 || m.ySize == 0)
    return std::nullopt;
  uint64_t count = uint64_t(m.ySize) * m.xSize;
  if (m.sramBase + count > config.accDepth)
    return fault(FaultKind::SramOutOfRange, index,
                 fmt::format("STORE reads entries [{}, {}) but the ACC buffer "
                             "has {} entries",
                             m.sramBase, m.sramBase + count, config.accDepth));
  uint64_t elem = config.outElemBytes();
  uint64_t lastEnd =
      (uint64_t(m.dramBase) + uint64_t(m.ySize - 1) * m.xStride + m.xSize) *
      elem;
  if (lastEnd > dram.size())
    return fault(FaultKind::DramOutOfRange, index,
                 fmt::format("STORE writes DRAM bytes up to {} but DRAM has {} "
                             "bytes",
                             lastEnd, dram.size()));
  for (uint64_t r = 0; r < m.ySize; ++r) {
    const int32_t *src = acc.data() + (m.sramBase + r * m.xSize) * accLen;
    uint8_t *dst = dram.data((m.dramBase + r * m.xStride) * elem);
    for (uint64_t i = 0; i < m.xSize * accLen; ++i)
      dst[i] = uint8_t(uint32_t(src[i])); // keep the low 8 bits
  }
  return std::nullopt;
}

std::optional<Fault> FunctionalSim::checkLoop(const LoopNest &l, uint64_t index,
                                              bool srcIsInp, bool checkSrc,
                                              const GemmInsn *g) {
  if (l.uopBgn > l.uopEnd || l.uopEnd > config.uopDepth)
    return fault(FaultKind::UopOutOfRange, index,
                 fmt::format("micro-op range [{}, {}) is outside the micro-op "
                             "buffer ({} entries)",
                             l.uopBgn, l.uopEnd, config.uopDepth));
  if (l.iterOut == 0 || l.iterIn == 0)
    return std::nullopt;
  uint32_t srcDepth = srcIsInp ? config.inpDepth : config.accDepth;
  for (uint32_t u = l.uopBgn; u < l.uopEnd; ++u) {
    const MicroOp &op = uop[u];
    auto outOfRange = [&](const char *what, uint64_t last, uint32_t depth) {
      return fault(FaultKind::SramOutOfRange, index,
                   fmt::format("micro-op {} reaches {} index {} but the buffer "
                               "has {} entries",
                               u, what, last, depth));
    };
    uint64_t dst = lastIndex(op.dst, l, l.dstFactorOut, l.dstFactorIn);
    if (dst >= config.accDepth)
      return outOfRange("ACC (dst)", dst, config.accDepth);
    if (checkSrc) {
      uint64_t src = lastIndex(op.src, l, l.srcFactorOut, l.srcFactorIn);
      if (src >= srcDepth)
        return outOfRange(srcIsInp ? "INP (src)" : "ACC (src)", src, srcDepth);
    }
    if (g) {
      uint64_t w = lastIndex(op.wgt, l, g->wgtFactorOut, g->wgtFactorIn);
      if (w >= config.wgtDepth)
        return outOfRange("WGT", w, config.wgtDepth);
    }
  }
  return std::nullopt;
}

std::optional<Fault> FunctionalSim::gemm(const GemmInsn &g, uint64_t index) {
  const LoopNest &l = g.loop;
  if (auto f = checkLoop(l, index, /*srcIsInp=*/true, /*checkSrc=*/!g.reset,
                         g.reset ? nullptr : &g))
    return f;
  size_t inpElem = config.inpElemBytes(), wgtElem = config.wgtElemBytes();
  for (uint32_t y = 0; y < l.iterOut; ++y) {
    for (uint32_t x = 0; x < l.iterIn; ++x) {
      uint32_t dstOff = y * l.dstFactorOut + x * l.dstFactorIn;
      uint32_t srcOff = y * l.srcFactorOut + x * l.srcFactorIn;
      uint32_t wgtOff = y * g.wgtFactorOut + x * g.wgtFactorIn;
      for (uint32_t u = l.uopBgn; u < l.uopEnd; ++u) {
        const MicroOp &op = uop[u];
        int32_t *a = acc.data() + size_t(op.dst + dstOff) * accLen;
        if (g.reset) {
          std::fill(a, a + accLen, 0);
          continue;
        }
        gemmBlock(a, inp.data() + size_t(op.src + srcOff) * inpElem,
                  wgt.data() + size_t(op.wgt + wgtOff) * wgtElem, config.batch,
                  config.blockIn, config.blockOut);
      }
    }
  }
  return std::nullopt;
}

std::optional<Fault> FunctionalSim::alu(const AluInsn &a, uint64_t index) {
  const LoopNest &l = a.loop;
  if (auto f = checkLoop(l, index, /*srcIsInp=*/false,
                         /*checkSrc=*/!a.reset && !a.useImm, nullptr))
    return f;
  int32_t imm = a.imm; // sign-extended from 16 bits
  for (uint32_t y = 0; y < l.iterOut; ++y) {
    for (uint32_t x = 0; x < l.iterIn; ++x) {
      uint32_t dstOff = y * l.dstFactorOut + x * l.dstFactorIn;
      uint32_t srcOff = y * l.srcFactorOut + x * l.srcFactorIn;
      for (uint32_t u = l.uopBgn; u < l.uopEnd; ++u) {
        const MicroOp &op = uop[u];
        int32_t *d = acc.data() + size_t(op.dst + dstOff) * accLen;
        if (a.reset) {
          std::fill(d, d + accLen, 0);
          continue;
        }
        if (a.useImm) {
          for (size_t i = 0; i < accLen; ++i)
            d[i] = applyAlu(a.op, d[i], imm);
          continue;
        }
        const int32_t *s = acc.data() + size_t(op.src + srcOff) * accLen;
        for (size_t i = 0; i < accLen; ++i)
          d[i] = applyAlu(a.op, d[i], s[i]);
      }
    }
  }
  return std::nullopt;
}

} // namespace tdl::accel

//===- Encoding.cpp - instruction and micro-op bit layouts ---------------===//
//
// Each layout is written once as a list of (field, offset, width) so encode
// and decode cannot drift apart.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/isa/Encoding.h"

#include <fmt/format.h>

namespace tdl::accel {

using U128 = unsigned __int128;

namespace {

/// Reads and writes bit fields of one 128-bit word.
class Bits {
public:
  explicit Bits(U128 v = 0) : value(v) {}
  void put(unsigned offset, unsigned w, uint64_t v) {
    value |= (U128(v) & U128(maxValue(w))) << offset;
  }
  uint64_t get(unsigned offset, unsigned w) const {
    return uint64_t((value >> offset) & U128(maxValue(w)));
  }
  U128 value;
};

struct FieldError {
  std::string message;
};

/// Checks that every field fits before anything is written.
class Checker {
public:
  void check(const char *name, uint64_t v, unsigned w) {
    if (!error && v > maxValue(w))
      error =
          fmt::format("field '{}' value {} does not fit in {} bits (max {})",
                      name, v, w, maxValue(w));
  }
  std::optional<std::string> error;
};

// Offsets shared by several layouts.
constexpr unsigned OffPopPrev = 3, OffPopNext = 4, OffPushPrev = 5,
                   OffPushNext = 6;
// Loop-nest layout of GEMM and ALU.
constexpr unsigned OffReset = 7, OffUopBgn = 8, OffUopEnd = 21, OffIterOut = 35,
                   OffIterIn = 49, OffBit63 = 63, OffDstFo = 64, OffDstFi = 75,
                   OffSrcFo = 86, OffSrcFi = 97, OffWgtFo = 108, OffWgtFi = 118,
                   OffAluOp = 108, OffImm = 111, OffAluReserved = 127;
// LOAD/STORE layout.
constexpr unsigned OffMemType = 7, OffSram = 9, OffDram = 25, OffMemRsv = 57,
                   OffY = 64, OffX = 80, OffStride = 96, OffYPad0 = 112,
                   OffYPad1 = 116, OffXPad0 = 120, OffXPad1 = 124;

InsnWord toBytes(U128 v) {
  InsnWord w;
  for (unsigned i = 0; i < 16; ++i)
    w[i] = uint8_t(v >> (8 * i));
  return w;
}

U128 fromBytes(const InsnWord &w) {
  U128 v = 0;
  for (unsigned i = 0; i < 16; ++i)
    v |= U128(w[i]) << (8 * i);
  return v;
}

void checkLoop(Checker &c, const LoopNest &l) {
  c.check("uop_bgn", l.uopBgn, width::UopBgn);
  c.check("uop_end", l.uopEnd, width::UopEnd);
  c.check("iter_out", l.iterOut, width::Iter);
  c.check("iter_in", l.iterIn, width::Iter);
  c.check("dst_factor_out", l.dstFactorOut, width::AccFactor);
  c.check("dst_factor_in", l.dstFactorIn, width::AccFactor);
  c.check("src_factor_out", l.srcFactorOut, width::InpFactor);
  c.check("src_factor_in", l.srcFactorIn, width::InpFactor);
}

void putLoop(Bits &b, const LoopNest &l) {
  b.put(OffUopBgn, width::UopBgn, l.uopBgn);
  b.put(OffUopEnd, width::UopEnd, l.uopEnd);
  b.put(OffIterOut, width::Iter, l.iterOut);
  b.put(OffIterIn, width::Iter, l.iterIn);
  b.put(OffDstFo, width::AccFactor, l.dstFactorOut);
  b.put(OffDstFi, width::AccFactor, l.dstFactorIn);
  b.put(OffSrcFo, width::InpFactor, l.srcFactorOut);
  b.put(OffSrcFi, width::InpFactor, l.srcFactorIn);
}

LoopNest getLoop(const Bits &b) {
  LoopNest l;
  l.uopBgn = b.get(OffUopBgn, width::UopBgn);
  l.uopEnd = b.get(OffUopEnd, width::UopEnd);
  l.iterOut = b.get(OffIterOut, width::Iter);
  l.iterIn = b.get(OffIterIn, width::Iter);
  l.dstFactorOut = b.get(OffDstFo, width::AccFactor);
  l.dstFactorIn = b.get(OffDstFi, width::AccFactor);
  l.srcFactorOut = b.get(OffSrcFo, width::InpFactor);
  l.srcFactorIn = b.get(OffSrcFi, width::InpFactor);
  return l;
}

llvm::Error encodingError(std::string message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace

llvm::Expected<InsnWord> encode(const Instruction &insn) {
  if (!flagsAllowed(insn))
    return encodingError(fmt::format(
        "{} on the {} module cannot use this dependency flag",
        opcodeName(insn.opcode).str(), moduleName(moduleOf(insn)).str()));
  Checker c;
  Bits b;
  b.put(0, width::Opcode, uint64_t(insn.opcode));
  b.put(OffPopPrev, 1, insn.deps.popPrev);
  b.put(OffPopNext, 1, insn.deps.popNext);
  b.put(OffPushPrev, 1, insn.deps.pushPrev);
  b.put(OffPushNext, 1, insn.deps.pushNext);
  switch (insn.opcode) {
  case Opcode::Load:
  case Opcode::Store: {
    const MemInsn &m = insn.mem;
    c.check("sram_base", m.sramBase, width::SramBase);
    c.check("dram_base", m.dramBase, width::DramBase);
    c.check("y_size", m.ySize, width::YSize);
    c.check("x_size", m.xSize, width::XSize);
    c.check("x_stride", m.xStride, width::XStride);
    c.check("y_pad0", m.yPad0, width::Pad);
    c.check("y_pad1", m.yPad1, width::Pad);
    c.check("x_pad0", m.xPad0, width::Pad);
    c.check("x_pad1", m.xPad1, width::Pad);
    b.put(OffMemType, width::MemType,
          insn.opcode == Opcode::Store ? 0 : uint64_t(m.memType));
    b.put(OffSram, width::SramBase, m.sramBase);
    b.put(OffDram, width::DramBase, m.dramBase);
    b.put(OffY, width::YSize, m.ySize);
    b.put(OffX, width::XSize, m.xSize);
    b.put(OffStride, width::XStride, m.xStride);
    b.put(OffYPad0, width::Pad, m.yPad0);
    b.put(OffYPad1, width::Pad, m.yPad1);
    b.put(OffXPad0, width::Pad, m.xPad0);
    b.put(OffXPad1, width::Pad, m.xPad1);
    break;
  }
  case Opcode::Gemm: {
    const GemmInsn &g = insn.gemm;
    checkLoop(c, g.loop);
    c.check("wgt_factor_out", g.wgtFactorOut, width::WgtFactor);
    c.check("wgt_factor_in", g.wgtFactorIn, width::WgtFactor);
    b.put(OffReset, 1, g.reset);
    putLoop(b, g.loop);
    b.put(OffWgtFo, width::WgtFactor, g.wgtFactorOut);
    b.put(OffWgtFi, width::WgtFactor, g.wgtFactorIn);
    break;
  }
  case Opcode::Alu: {
    const AluInsn &a = insn.alu;
    checkLoop(c, a.loop);
    if (!a.useImm && a.imm != 0 && !c.error)
      c.error = "field 'imm' must be 0 when use_imm is 0";
    b.put(OffReset, 1, a.reset);
    putLoop(b, a.loop);
    b.put(OffBit63, 1, a.useImm);
    b.put(OffAluOp, width::AluOp, uint64_t(a.op));
    b.put(OffImm, width::Imm, uint16_t(a.imm));
    break;
  }
  case Opcode::Finish:
    break;
  }
  if (c.error)
    return encodingError(*c.error);
  return toBytes(b.value);
}

llvm::Expected<Instruction> decode(const InsnWord &word) {
  Bits b(fromBytes(word));
  auto reservedSet = [&](unsigned offset, unsigned w) {
    return b.get(offset, w) != 0;
  };
  uint64_t op = b.get(0, width::Opcode);
  if (op > uint64_t(Opcode::Alu))
    return encodingError(fmt::format("bad opcode {}", op));
  Instruction insn;
  insn.opcode = Opcode(op);
  insn.deps.popPrev = b.get(OffPopPrev, 1);
  insn.deps.popNext = b.get(OffPopNext, 1);
  insn.deps.pushPrev = b.get(OffPushPrev, 1);
  insn.deps.pushNext = b.get(OffPushNext, 1);
  switch (insn.opcode) {
  case Opcode::Load:
  case Opcode::Store: {
    MemInsn &m = insn.mem;
    m.memType = MemType(b.get(OffMemType, width::MemType));
    if (insn.opcode == Opcode::Store && m.memType != MemType::Uop)
      return encodingError("bad memory type for STORE (must be 0)");
    if (reservedSet(OffMemRsv, 64 - OffMemRsv))
      return encodingError("reserved bits 57..63 are set");
    m.sramBase = b.get(OffSram, width::SramBase);
    m.dramBase = b.get(OffDram, width::DramBase);
    m.ySize = b.get(OffY, width::YSize);
    m.xSize = b.get(OffX, width::XSize);
    m.xStride = b.get(OffStride, width::XStride);
    m.yPad0 = b.get(OffYPad0, width::Pad);
    m.yPad1 = b.get(OffYPad1, width::Pad);
    m.xPad0 = b.get(OffXPad0, width::Pad);
    m.xPad1 = b.get(OffXPad1, width::Pad);
    break;
  }
  case Opcode::Gemm:
    if (reservedSet(OffBit63, 1))
      return encodingError("reserved bit 63 is set");
    insn.gemm.reset = b.get(OffReset, 1);
    insn.gemm.loop = getLoop(b);
    insn.gemm.wgtFactorOut = b.get(OffWgtFo, width::WgtFactor);
    insn.gemm.wgtFactorIn = b.get(OffWgtFi, width::WgtFactor);
    break;
  case Opcode::Alu: {
    uint64_t aluOp = b.get(OffAluOp, width::AluOp);
    if (aluOp > uint64_t(AluOp::Mul))
      return encodingError(fmt::format("bad alu op {}", aluOp));
    if (reservedSet(OffAluReserved, 1))
      return encodingError("reserved bit 127 is set");
    insn.alu.op = AluOp(aluOp);
    insn.alu.reset = b.get(OffReset, 1);
    insn.alu.loop = getLoop(b);
    insn.alu.useImm = b.get(OffBit63, 1);
    insn.alu.imm = int16_t(uint16_t(b.get(OffImm, width::Imm)));
    if (!insn.alu.useImm && insn.alu.imm != 0)
      return encodingError("alu imm bits are set but use_imm is 0");
    break;
  }
  case Opcode::Finish:
    if (reservedSet(7, 64 - 7) || reservedSet(64, 64))
      return encodingError("reserved bits of FINISH are set");
    break;
  }
  if (!flagsAllowed(insn))
    return encodingError(fmt::format(
        "{} on the {} module cannot use this dependency flag",
        opcodeName(insn.opcode).str(), moduleName(moduleOf(insn)).str()));
  return insn;
}

llvm::Expected<uint32_t> encodeUop(const MicroOp &uop) {
  Checker c;
  c.check("dst", uop.dst, width::UopDst);
  c.check("src", uop.src, width::UopSrc);
  c.check("wgt", uop.wgt, width::UopWgt);
  if (c.error)
    return encodingError(*c.error);
  return uop.dst | (uop.src << width::UopDst) |
         (uop.wgt << (width::UopDst + width::UopSrc));
}

MicroOp decodeUop(uint32_t word) {
  MicroOp u;
  u.dst = word & maxValue(width::UopDst);
  u.src = (word >> width::UopDst) & maxValue(width::UopSrc);
  u.wgt = (word >> (width::UopDst + width::UopSrc)) & maxValue(width::UopWgt);
  return u;
}

} // namespace tdl::accel

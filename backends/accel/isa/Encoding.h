//===- Encoding.h - 128-bit instructions, 32-bit micro-ops --------*- C++
//-*-===//
//
// The binary form (little-endian bit numbering, bit 0 = LSB of byte 0), in the
// style of VTA's hw_spec. Tables in docs/accel.md; every field is unsigned
// except ALU's imm (two's complement). Reserved bits must be zero: a word
// with a reserved bit set, an unknown opcode / ALU op, a STORE with a nonzero
// memory type or a dependency flag its module cannot use does not decode
// (so that disassembly followed by assembly reproduces the bytes exactly).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_ISA_ENCODING_H
#define TDL_BACKENDS_ACCEL_ISA_ENCODING_H

#include "backends/accel/isa/ISA.h"

#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>

namespace tdl::accel {

/// Field widths in bits; the largest value of a field is 2^width - 1.
namespace width {
inline constexpr unsigned Opcode = 3, MemType = 2, SramBase = 16, DramBase = 32,
                          YSize = 16, XSize = 16, XStride = 16, Pad = 4,
                          UopBgn = 13, UopEnd = 14, Iter = 14, AccFactor = 11,
                          InpFactor = 11, WgtFactor = 10, AluOp = 3, Imm = 16,
                          UopDst = 11, UopSrc = 11, UopWgt = 10;
} // namespace width

inline constexpr uint64_t maxValue(unsigned bits) {
  return bits >= 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
}

/// One instruction as 16 little-endian bytes.
using InsnWord = std::array<uint8_t, 16>;

/// Fails (naming the field) when a field does not fit its width, or when the
/// instruction uses dependency flags its module does not have.
llvm::Expected<InsnWord> encode(const Instruction &insn);
/// Fails on a bad opcode, ALU op, memory type or a nonzero reserved bit.
llvm::Expected<Instruction> decode(const InsnWord &word);

/// Micro-op: dst [0,11), src [11,22), wgt [22,32).
llvm::Expected<uint32_t> encodeUop(const MicroOp &uop);
MicroOp decodeUop(uint32_t word);

} // namespace tdl::accel

#endif

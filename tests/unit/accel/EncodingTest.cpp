//===- EncodingTest.cpp - 128-bit instructions, 32-bit micro-ops ---------===//
#include "backends/accel/isa/Encoding.h"
#include "backends/accel/isa/Printer.h"

#include "gtest/gtest.h"

using namespace tdl::accel;

namespace {

uint32_t maxOf(unsigned bits) { return uint32_t(maxValue(bits)); }

void expectRoundTrip(const Instruction &insn) {
  llvm::Expected<InsnWord> word = encode(insn);
  ASSERT_TRUE(bool(word)) << llvm::toString(word.takeError());
  llvm::Expected<Instruction> back = decode(*word);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(*back, insn);
}

/// Every kind of instruction with every field at its maximum, at zero, and
/// with alternating flags.
std::vector<Instruction> extremeInstructions() {
  std::vector<Instruction> out;
  for (MemType t : {MemType::Uop, MemType::Wgt, MemType::Inp, MemType::Acc}) {
    Instruction maxLoad = Instruction::load(
        t, maxOf(width::SramBase), maxOf(width::DramBase), maxOf(width::YSize),
        maxOf(width::XSize), maxOf(width::XStride));
    maxLoad.mem.yPad0 = maxLoad.mem.yPad1 = maxLoad.mem.xPad0 =
        maxLoad.mem.xPad1 = uint8_t(maxOf(width::Pad));
    maxLoad.deps.popNext = maxLoad.deps.pushNext = true;
    if (moduleOf(maxLoad) == Module::Compute)
      maxLoad.deps.popPrev = maxLoad.deps.pushPrev = true;
    out.push_back(maxLoad);
    out.push_back(Instruction::load(t, 0, 0, 0, 0, 0));
  }
  Instruction maxStore = Instruction::store(
      maxOf(width::SramBase), maxOf(width::DramBase), maxOf(width::YSize),
      maxOf(width::XSize), maxOf(width::XStride));
  maxStore.mem.xPad1 = 15; // encodable; the simulator faults on it
  maxStore.deps.popPrev = maxStore.deps.pushPrev = true;
  out.push_back(maxStore);
  out.push_back(Instruction::store(0, 0, 0, 0, 0));

  LoopNest maxLoop;
  maxLoop.uopBgn = maxOf(width::UopBgn);
  maxLoop.uopEnd = maxOf(width::UopEnd);
  maxLoop.iterOut = maxLoop.iterIn = maxOf(width::Iter);
  maxLoop.dstFactorOut = maxLoop.dstFactorIn = maxOf(width::AccFactor);
  maxLoop.srcFactorOut = maxLoop.srcFactorIn = maxOf(width::InpFactor);
  GemmInsn g;
  g.reset = true;
  g.loop = maxLoop;
  g.wgtFactorOut = g.wgtFactorIn = maxOf(width::WgtFactor);
  Instruction gemm = Instruction::gemmOp(g);
  gemm.deps = DepFlags{true, true, true, true};
  out.push_back(gemm);
  out.push_back(Instruction::gemmOp(GemmInsn()));
  GemmInsn odd; // distinct values catch swapped fields
  odd.loop = LoopNest{1, 2, 3, 4, 5, 6, 7, 8};
  odd.wgtFactorOut = 9, odd.wgtFactorIn = 10;
  out.push_back(Instruction::gemmOp(odd));

  for (AluOp op : {AluOp::Min, AluOp::Max, AluOp::Add, AluOp::Shr, AluOp::Mul})
    for (int16_t imm : {int16_t(-32768), int16_t(32767), int16_t(-1)}) {
      AluInsn a;
      a.op = op;
      a.reset = imm == -1;
      a.loop = maxLoop;
      a.useImm = true;
      a.imm = imm;
      Instruction alu = Instruction::aluOp(a);
      alu.deps.popPrev = alu.deps.pushNext = true;
      out.push_back(alu);
      a.useImm = false; // a tensor ALU op carries imm = 0
      a.imm = 0;
      out.push_back(Instruction::aluOp(a));
    }
  Instruction finish = Instruction::finish();
  out.push_back(finish);
  finish.deps.pushPrev = finish.deps.pushNext = true;
  out.push_back(finish);
  return out;
}

TEST(EncodingTest, EveryKindRoundTripsWithExtremeValues) {
  for (const Instruction &insn : extremeInstructions()) {
    SCOPED_TRACE(std::string(opcodeName(insn.opcode)));
    expectRoundTrip(insn);
  }
}

TEST(EncodingTest, KnownBitLayout) {
  // LOAD INP sram=1 dram=2 y=3 x=4 stride=5 pad=(1,2,3,4) push_next, as in
  // the table of docs/accel.md, computed by hand.
  Instruction i = Instruction::load(MemType::Inp, 1, 2, 3, 4, 5);
  i.mem.yPad0 = 1, i.mem.yPad1 = 2, i.mem.xPad0 = 3, i.mem.xPad1 = 4;
  i.deps.pushNext = true;
  InsnWord w = cantFail(encode(i));
  unsigned __int128 v = 0;
  for (int b = 15; b >= 0; --b)
    v = (v << 8) | w[b];
  unsigned __int128 expected = 0;
  expected |= (unsigned __int128)0;        // opcode LOAD = 0 at [0,3)
  expected |= (unsigned __int128)1 << 6;   // push_next
  expected |= (unsigned __int128)2 << 7;   // mem type INP = 2
  expected |= (unsigned __int128)1 << 9;   // sram_base
  expected |= (unsigned __int128)2 << 25;  // dram_base
  expected |= (unsigned __int128)3 << 64;  // y_size
  expected |= (unsigned __int128)4 << 80;  // x_size
  expected |= (unsigned __int128)5 << 96;  // x_stride
  expected |= (unsigned __int128)1 << 112; // y_pad0
  expected |= (unsigned __int128)2 << 116; // y_pad1
  expected |= (unsigned __int128)3 << 120; // x_pad0
  expected |= (unsigned __int128)4 << 124; // x_pad1
  EXPECT_TRUE(v == expected);
  // Micro-op: dst [0,11), src [11,22), wgt [22,32).
  EXPECT_EQ(cantFail(encodeUop(MicroOp{3, 5, 7})),
            3u | (5u << 11) | (7u << 22));
}

TEST(EncodingTest, UopRoundTripAndLimits) {
  for (MicroOp u : {MicroOp{0, 0, 0}, MicroOp{2047, 2047, 1023},
                    MicroOp{1, 2047, 0}, MicroOp{2047, 0, 1023}}) {
    uint32_t w = cantFail(encodeUop(u));
    EXPECT_EQ(decodeUop(w), u);
  }
  llvm::Expected<uint32_t> bad = encodeUop(MicroOp{2048, 0, 0});
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "field 'dst' value 2048 does not fit in 11 bits (max 2047)");
}

TEST(EncodingTest, FieldsThatDoNotFitAreErrors) {
  GemmInsn g;
  g.loop.uopEnd = 1 << 14;
  llvm::Expected<InsnWord> w = encode(Instruction::gemmOp(g));
  ASSERT_FALSE(bool(w));
  EXPECT_EQ(llvm::toString(w.takeError()),
            "field 'uop_end' value 16384 does not fit in 14 bits (max 16383)");
  Instruction load = Instruction::load(MemType::Inp, 0, 0, 1, 1, 1);
  load.deps.popPrev = true; // the LOAD module has no "prev"
  EXPECT_FALSE(bool(encode(load)));
  llvm::consumeError(encode(load).takeError());
}

TEST(EncodingTest, BadWordsDoNotDecode) {
  InsnWord w{};
  w[0] = 5; // opcode 5 does not exist
  llvm::Expected<Instruction> bad = decode(w);
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()), "bad opcode 5");
  w = InsnWord{};
  w[0] = 3; // FINISH
  w[9] = 1; // a reserved bit
  EXPECT_FALSE(bool(decode(w)));
  llvm::consumeError(decode(w).takeError());
  w = InsnWord{};
  w[0] = 1 | (1 << 4); // STORE with pop_next
  EXPECT_FALSE(bool(decode(w)));
  llvm::consumeError(decode(w).takeError());
  InsnWord alu = cantFail(encode(Instruction::aluOp(AluInsn())));
  alu[13] |= 0x70; // alu op bits [108,111) = 7
  EXPECT_FALSE(bool(decode(alu)));
  llvm::consumeError(decode(alu).takeError());
}

TEST(EncodingTest, DisassemblyPrintsEveryField) {
  Instruction i = Instruction::load(MemType::Acc, 7, 8, 2, 3, 4);
  i.mem.xPad1 = 1;
  i.deps.popPrev = true;
  std::string text;
  llvm::raw_string_ostream os(text);
  printInstruction(os, i);
  EXPECT_EQ(text, "LOAD ACC sram=7 dram=8 y=2 x=3 stride=4 pad=(0,0,0,1) "
                  "pop_prev");
}

} // namespace

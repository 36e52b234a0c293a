//===- AssemblerTest.cpp - .tasm syntax, diagnostics, disassembly --------===//
#include "AsmTestHelpers.h"

#include "backends/accel/isa/Encoding.h"
#include "backends/accel/isa/Printer.h"

#include "gtest/gtest.h"

using namespace tdl::accel;
using namespace tdl::accel::test;

namespace {

std::vector<InsnWord> encodeAll(llvm::ArrayRef<Instruction> insns) {
  std::vector<InsnWord> words;
  for (const Instruction &i : insns)
    words.push_back(cantFail(encode(i)));
  return words;
}

TEST(AssemblerTest, BuffersAndAddresses) {
  auto r = assembleText(R"(
    buffer A : i8[2, 16] = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
                            [-1, -2, -3, -4, -5, -6, -7, -8, 0, 0, 0, 0, 0, 0, 0, 127]]
    buffer B : i32[4]
    uops U = [(1, 2, 3), (2047, 0, 1023)]
    LOAD INP sram=0 dram=A+1 x=1     # element 1 of A = its second row
    LOAD UOP sram=0 dram=U x=2
    STORE sram=0 dram=B x=1 pop_prev
    FINISH
    print A as [32]
  )");
  ASSERT_TRUE(r->program) << r->diagnostics.front();
  const AsmProgram &p = *r->program;
  ASSERT_EQ(p.buffers.size(), 3u);
  // Buffers are 256-byte aligned (the WGT element size) in order.
  EXPECT_EQ(p.buffers[0].address, 0u);
  EXPECT_EQ(p.buffers[1].address, 256u);
  EXPECT_EQ(p.buffers[2].address, 512u);
  EXPECT_EQ(int8_t(p.buffers[0].data[16]), -1);
  EXPECT_EQ(p.buffers[0].data[31], 127);
  ASSERT_EQ(p.insns.size(), 4u);
  EXPECT_EQ(p.insns[0].mem.dramBase, 1u);        // INP elements are 16 bytes
  EXPECT_EQ(p.insns[0].mem.xStride, 1u);         // stride defaults to x
  EXPECT_EQ(p.insns[1].mem.dramBase, 512u / 4);  // UOP elements are 4 bytes
  EXPECT_EQ(p.insns[2].mem.dramBase, 256u / 16); // OUT elements are 16 bytes
  EXPECT_TRUE(p.insns[2].deps.popPrev);
  uint32_t w0 = uint32_t(p.buffers[2].data[0]) |
                (uint32_t(p.buffers[2].data[1]) << 8) |
                (uint32_t(p.buffers[2].data[2]) << 16) |
                (uint32_t(p.buffers[2].data[3]) << 24);
  EXPECT_EQ(decodeUop(w0), (MicroOp{1, 2, 3}));
  ASSERT_EQ(p.prints.size(), 1u);
  EXPECT_EQ(p.prints[0].shape, std::vector<uint64_t>{32});
}

TEST(AssemblerTest, RandomFillIsTheDocumentedSplitMix64) {
  auto r = assembleText("buffer R : i8[4] = random(7, -3, 3)\n"
                        "buffer S : u8[2] = random(1)\nFINISH\n");
  ASSERT_TRUE(r->program);
  // SplitMix64 from seed 7, written out independently of DataType.h.
  uint64_t state = 7;
  auto next = [&] {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(int8_t(r->program->buffers[0].data[i]), int(next() % 7) - 3);
  state = 1;
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(r->program->buffers[1].data[i], next() % 256);
}

/// Disassembly of any encodable program assembles back to the same bytes.
TEST(AssemblerTest, DisassembleAssembleIdentity) {
  std::vector<Instruction> program;
  Instruction load =
      Instruction::load(MemType::Inp, 65535, 4294967295u, 3, 65535, 7);
  load.mem.yPad0 = 15, load.mem.xPad1 = 2;
  load.deps.popNext = load.deps.pushNext = true;
  program.push_back(load);
  Instruction acc = Instruction::load(MemType::Acc, 1, 2, 0, 0, 0);
  acc.deps = DepFlags{true, true, true, true};
  program.push_back(acc);
  Instruction store = Instruction::store(9, 10, 11, 12, 13);
  store.mem.yPad1 = 1; // a fault at run time, but encodable and printable
  store.deps.pushPrev = true;
  program.push_back(store);
  GemmInsn g;
  g.reset = true;
  g.loop = LoopNest{8191, 16383, 16383, 1, 2047, 3, 2047, 5};
  g.wgtFactorOut = 1023, g.wgtFactorIn = 6;
  program.push_back(Instruction::gemmOp(g));
  AluInsn a;
  a.op = AluOp::Shr;
  a.loop = LoopNest{0, 1, 2, 3, 4, 5, 6, 7};
  a.useImm = true;
  a.imm = -32768;
  program.push_back(Instruction::aluOp(a));
  a.op = AluOp::Mul, a.useImm = false, a.imm = 0, a.reset = true;
  program.push_back(Instruction::aluOp(a));
  Instruction finish = Instruction::finish();
  finish.deps.pushNext = true;
  program.push_back(finish);

  std::vector<InsnWord> words = encodeAll(program);
  std::string text = cantFail(disassemble(words));
  auto r = assembleText(text);
  ASSERT_TRUE(r->program) << r->diagnostics.front() << "\n" << text;
  EXPECT_EQ(encodeAll(r->program->insns), words) << text;
}

TEST(AssemblerTest, ErrorsAreLocated) {
  struct Case {
    std::string text;
    const char *diagnostic;
  };
  const Case cases[] = {
      {"LOAD INP sram=0 dram=0 x=70000\n",
       "1:26: x_size = 70000 is out of range [0, 65535]"},
      {"FINISH\nFROB 1\n", "2:1: unknown instruction or directive 'FROB'"},
      {"LOAD XYZ sram=0\n",
       "1:6: unknown memory type 'XYZ' (use INP, WGT, UOP or ACC)"},
      {"LOAD INP sram=0 x=1\n", "1:1: LOAD needs field 'dram'"},
      {"LOAD INP sram=0 dram=Q x=1\n", "1:22: unknown buffer 'Q'"},
      {"LOAD INP sram=0 dram=0 x=1 pop_prev\n",
       "1:28: LOAD on the load module cannot use 'pop_prev'"},
      {"STORE sram=0 dram=0 x=1 push_next\n",
       "1:25: STORE on the store module cannot use 'push_next'"},
      {"GEMM uop=0:1 wgt=(1,2) bogus=3\n",
       "1:24: unknown field 'bogus' for GEMM"},
      {"GEMM uop=0:1 uop=0:2\n", "1:14: field 'uop' given twice"},
      {"ALU ADD uop=0:1 imm=40000\n",
       "1:21: imm = 40000 is out of range [-32768, 32767]"},
      {"ALU POW uop=0:1\n",
       "1:5: unknown alu operation 'POW' (use MIN, MAX, ADD, SHR or MUL)"},
      {"GEMM uop=0:1 iter=(1,2,3)\n", "1:19: expected a tuple of 2 integers"},
      {"buffer A : i8[2] = [1, 2, 3]\n",
       "1:20: initial data has 3 elements but 'A' has 2"},
      {"buffer A : i8[2] = [1, 200]\n",
       "1:24: i8 = 200 is out of range [-128, 127]"},
      {"buffer A : f32[2]\n",
       "1:12: unknown element type 'f32' (use i8, u8, i16, u16, i32 or u32)"},
      {"buffer A : i8[2]\nbuffer A : i8[2]\n",
       "2:8: redefinition of buffer 'A'"},
      {"buffer A : i8[2, 0]\n",
       "1:14: a buffer shape needs at least one dimension, all positive"},
      {"buffer A : i8[4]\nprint A as [3]\n",
       "2:7: cannot print 'A' with 3 elements: the buffer has 4"},
      {"buffer A : i8[4] = file \"no-such-file.bin\"\n",
       "1:25: cannot read data from 'no-such-file.bin': No such file or "
       "directory"},
      {"uops U = [(2048, 0, 0)]\n",
       "1:12: dst = 2048 is out of range [0, 2047]"},
      {"FINISH pop_prev\n",
       "1:8: FINISH on the compute module cannot use 'pop_prev'"},
      {"LOAD INP sram=0 $\n", "1:17: unexpected character '$'"},
      {"buffer Big : i32[65536, 65536]\n",
       "1:8: buffer 'Big' is too large (at most 1073741824 bytes per buffer, "
       "2147483648 in all)"},
      {"buffer L : i8[1] = " + std::string(40, '[') + "\n",
       "1:52: expected at most 32 nested lists"},
  };
  for (const Case &c : cases) {
    auto r = assembleText(c.text);
    EXPECT_FALSE(r->program) << c.text;
    ASSERT_FALSE(r->diagnostics.empty()) << c.text;
    EXPECT_EQ(r->diagnostics.front(), c.diagnostic) << c.text;
  }
}

TEST(AssemblerTest, RecoversAndReportsEveryBrokenStatement) {
  auto r = assembleText("LOAD INP sram=0 dram=0 x=-1\n"
                        "FINISH\n"
                        "GEMM uop=0:1 iter=(1,2) dst=5\n");
  EXPECT_FALSE(r->program);
  ASSERT_EQ(r->diagnostics.size(), 2u);
  EXPECT_EQ(r->diagnostics[0], "1:26: x_size = -1 is out of range [0, 65535]");
  EXPECT_EQ(r->diagnostics[1], "3:29: expected a tuple of 2 integers");
}

} // namespace

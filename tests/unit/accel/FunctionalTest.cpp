//===- FunctionalTest.cpp - exact results, checked against plain loops ---===//
//
// Every expected value here comes from a scalar reference written in the
// test from the semantics of ACCEL.md §3, never from the simulator.
//
//===----------------------------------------------------------------------===//
#include "SimTestHelpers.h"

#include "backends/accel/mapping/TiledGemm.h"

#include "gtest/gtest.h"

using namespace tdl::accel;
using namespace tdl::accel::test;

namespace {

constexpr int B = 16; // block_in = block_out of the default config

/// The reference semantics of ALU ops on i32 (wrapping, SHR as documented).
int32_t refAlu(AluOp op, int32_t a, int32_t b) {
  int64_t x = a, y = b;
  switch (op) {
  case AluOp::Min:
    return int32_t(x < y ? x : y);
  case AluOp::Max:
    return int32_t(x > y ? x : y);
  case AluOp::Add:
    return int32_t(uint32_t(uint64_t(x + y)));
  case AluOp::Mul:
    return int32_t(uint32_t(uint64_t(x * y)));
  case AluOp::Shr:
    if (y >= 32)
      return a < 0 ? -1 : 0;
    if (y >= 0)
      return int32_t(x / (int64_t(1) << y) - ((x % (int64_t(1) << y)) < 0));
    if (y <= -32)
      return 0;
    return int32_t(uint32_t(uint64_t(x) << -y));
  }
  return 0;
}

int8_t low8(int64_t v) { return int8_t(uint8_t(uint64_t(v))); }

TEST(FunctionalTest, AccLoadStoreRoundTripNarrows) {
  Machine m;
  // 3 rows × 2 ACC elements, DRAM row pitch 5 elements.
  std::vector<int32_t> acc = randomI32(5 * 16 * 3, 1, -100000, 100000);
  acc[0] = 300, acc[1] = -129, acc[2] = 127, acc[3] = -128;
  uint64_t src = m.put(acc);
  uint64_t dst = m.zeros(7 * 16 * 3);
  uint64_t accElem = m.config.accElemBytes(), outElem = m.config.outElemBytes();
  RunResult r = m.run({
      withFlags(Instruction::load(MemType::Acc, 10, src / accElem, 3, 2, 5),
                {false, false, false, true}),
      withFlags(Instruction::store(10, dst / outElem, 3, 2, 7),
                {true, false, false, false}),
      Instruction::finish(),
  });
  ASSERT_TRUE(r.ok()) << formatFault(*r.fault);
  std::vector<int8_t> out = m.get<int8_t>(dst, 7 * 16 * 3);
  for (int row = 0; row < 3; ++row)
    for (int e = 0; e < 7; ++e)
      for (int i = 0; i < 16; ++i) {
        int8_t expected = e < 2 ? low8(acc[(row * 5 + e) * 16 + i]) : 0;
        ASSERT_EQ(out[(row * 7 + e) * 16 + i], expected)
            << row << " " << e << " " << i;
      }
  EXPECT_EQ(out[0], 44);  // 300 mod 256
  EXPECT_EQ(out[1], 127); // -129 keeps its low 8 bits
  EXPECT_EQ(out[3], -128);
}

/// LOAD INP with padding: the SRAM image is (y0+y+y1) × (x0+x+x1) entries,
/// zero outside the copied window.
void checkPaddedLoad(uint8_t y0, uint8_t y1, uint8_t x0, uint8_t x1) {
  SCOPED_TRACE(testing::Message()
               << "pad " << int(y0) << int(y1) << int(x0) << int(x1));
  Machine m;
  const uint32_t ySize = 3, xSize = 2, stride = 4, base = 5;
  std::vector<int8_t> data = randomI8(16 * stride * ySize, 7);
  uint64_t src = m.put(data);
  // Fill the SRAM with garbage first: padding must overwrite it with zeros.
  std::vector<int8_t> garbage(16 * 64, 99);
  uint64_t g = m.put(garbage);
  Instruction fill = Instruction::load(MemType::Inp, 0, g / 16, 1, 64, 64);
  Instruction load =
      Instruction::load(MemType::Inp, base, src / 16, ySize, xSize, stride);
  load.mem.yPad0 = y0, load.mem.yPad1 = y1, load.mem.xPad0 = x0,
  load.mem.xPad1 = x1;
  RunResult r = m.run({fill, load, Instruction::finish()});
  ASSERT_TRUE(r.ok()) << formatFault(*r.fault);
  uint32_t rows = y0 + ySize + y1, cols = x0 + xSize + x1;
  for (uint32_t e = 0; e < 64; ++e) {
    const int8_t *entry = m.sim.state().inpEntry(e);
    for (int k = 0; k < 16; ++k) {
      int expected = 99; // untouched
      if (e >= base && e < base + rows * cols) {
        uint32_t r = (e - base) / cols, c = (e - base) % cols;
        bool inside = r >= y0 && r < y0 + ySize && c >= x0 && c < x0 + xSize;
        expected = inside ? data[((r - y0) * stride + (c - x0)) * 16 + k] : 0;
      }
      ASSERT_EQ(entry[k], expected) << "entry " << e << " lane " << k;
    }
  }
}

TEST(FunctionalTest, PaddedLoads) {
  checkPaddedLoad(0, 0, 0, 0);
  checkPaddedLoad(2, 0, 0, 0);
  checkPaddedLoad(0, 3, 0, 0);
  checkPaddedLoad(0, 0, 1, 0);
  checkPaddedLoad(0, 0, 0, 2);
  checkPaddedLoad(1, 2, 3, 1);
}

TEST(FunctionalTest, GemmTwoLoopLevelsFactorsAndReset) {
  Machine m;
  std::vector<int8_t> inp = randomI8(16 * 32, 11);
  std::vector<int8_t> wgt = randomI8(256 * 8, 12);
  std::vector<int32_t> acc0 = randomI32(16 * 40, 13, -1000, 1000);
  std::vector<MicroOp> uops = {{1, 0, 2}, {4, 3, 0}, {0, 1, 1}};
  uint64_t inpAddr = m.put(inp), wgtAddr = m.put(wgt), accAddr = m.put(acc0);
  uint64_t uopAddr = m.putUops(uops);
  uint64_t outAddr = m.zeros(16 * 40);

  GemmInsn g;
  g.loop = LoopNest{0,         3, /*iterOut=*/2, /*iterIn=*/3, /*dst*/ 9, 2,
                    /*src*/ 8, 3};
  g.wgtFactorOut = 1, g.wgtFactorIn = 2;
  GemmInsn reset;
  reset.reset = true;
  reset.loop = LoopNest{2, 3, 1, 2, 0, 7, 0, 0}; // zeroes ACC[0] and ACC[7]
  RunResult r = m.run({
      Instruction::load(MemType::Uop, 0, uopAddr / 4, 1, 3, 3),
      Instruction::load(MemType::Inp, 0, inpAddr / 16, 1, 32, 32),
      withFlags(Instruction::load(MemType::Wgt, 0, wgtAddr / 256, 1, 8, 8),
                {false, false, false, true}),
      Instruction::load(MemType::Acc, 0, accAddr / 64, 1, 40, 40),
      withFlags(Instruction::gemmOp(g), {true, false, false, false}),
      withFlags(Instruction::gemmOp(reset), {false, false, false, true}),
      withFlags(Instruction::store(0, outAddr / 16, 1, 40, 40),
                {true, false, false, false}),
      Instruction::finish(),
  });
  ASSERT_TRUE(r.ok()) << formatFault(*r.fault);

  // Reference: the loop nest of ACCEL.md §3, element by element.
  std::vector<int64_t> acc(acc0.begin(), acc0.end());
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 3; ++x)
      for (const MicroOp &u : uops) {
        int a = u.dst + y * 9 + x * 2, i = u.src + y * 8 + x * 3,
            w = u.wgt + y * 1 + x * 2;
        for (int o = 0; o < B; ++o)
          for (int k = 0; k < B; ++k)
            acc[a * B + o] += inp[i * B + k] * wgt[w * 256 + o * B + k];
      }
  for (int o = 0; o < B; ++o)
    acc[0 * B + o] = acc[7 * B + o] = 0;
  for (int e = 0; e < 40; ++e)
    for (int o = 0; o < B; ++o)
      ASSERT_EQ(m.sim.state().accEntry(e)[o], int32_t(acc[e * B + o]))
          << "entry " << e;
  std::vector<int8_t> out = m.get<int8_t>(outAddr, 16 * 40);
  for (int i = 0; i < 16 * 40; ++i)
    ASSERT_EQ(out[i], low8(acc[i]));
  EXPECT_EQ(r.stats.macs, 2u * 3 * 3 * 256);
}

TEST(FunctionalTest, AccumulationWrapsAround) {
  Machine m;
  std::vector<int8_t> inp(16, -128), wgt(256, -128);
  std::vector<int32_t> acc(16, INT32_MAX - 100);
  uint64_t i = m.put(inp), w = m.put(wgt), a = m.put(acc);
  uint64_t u = m.putUops({{0, 0, 0}});
  GemmInsn g;
  g.loop.uopEnd = 1;
  RunResult r =
      m.run({Instruction::load(MemType::Uop, 0, u / 4, 1, 1, 1),
             Instruction::load(MemType::Inp, 0, i / 16, 1, 1, 1),
             withFlags(Instruction::load(MemType::Wgt, 0, w / 256, 1, 1, 1),
                       {false, false, false, true}),
             Instruction::load(MemType::Acc, 0, a / 64, 1, 1, 1),
             withFlags(Instruction::gemmOp(g), {true, false, false, false}),
             Instruction::finish()});
  ASSERT_TRUE(r.ok());
  int64_t exact = int64_t(INT32_MAX) - 100 + 16 * 128 * 128;
  EXPECT_EQ(m.sim.state().accEntry(0)[3], int32_t(uint32_t(exact)));
}

/// Runs one ALU instruction over ACC entries 0..3 (dst) with src entries
/// 4..7, and compares with refAlu.
void checkAlu(AluOp op, std::optional<int16_t> imm) {
  SCOPED_TRACE(testing::Message()
               << aluOpName(op).str() << (imm ? " imm " : " tensor")
               << (imm ? *imm : 0));
  Machine m;
  std::vector<int32_t> acc = randomI32(16 * 8, 21, -70000, 70000);
  acc[0] = INT32_MAX, acc[1] = INT32_MIN, acc[2] = -1, acc[3] = 5;
  // Shift amounts in the src half: negative, large and ordinary ones.
  const int32_t specials[] = {-3, 31, 40, -40, 0, 1, -31, 7};
  for (int k = 0; k < 8; ++k)
    acc[64 + k] = op == AluOp::Shr ? specials[k] : acc[64 + k];
  for (int k = 8; k < 64; ++k)
    if (op == AluOp::Shr)
      acc[64 + k] = acc[64 + k] % 33;
  uint64_t a = m.put(acc);
  uint64_t u = m.putUops({{0, 4, 0}});
  AluInsn alu;
  alu.op = op;
  alu.loop = LoopNest{0, 1, 2, 2, 2, 1, 2, 1};
  if (imm) {
    alu.useImm = true;
    alu.imm = *imm;
  }
  RunResult r = m.run({Instruction::load(MemType::Uop, 0, u / 4, 1, 1, 1),
                       Instruction::load(MemType::Acc, 0, a / 64, 1, 8, 8),
                       Instruction::aluOp(alu), Instruction::finish()});
  ASSERT_TRUE(r.ok()) << formatFault(*r.fault);
  for (int e = 0; e < 4; ++e)
    for (int o = 0; o < 16; ++o) {
      int32_t d = acc[e * 16 + o];
      int32_t s = imm ? int32_t(*imm) : acc[(4 + e) * 16 + o];
      ASSERT_EQ(m.sim.state().accEntry(e)[o], refAlu(op, d, s))
          << "entry " << e << " lane " << o << " d=" << d << " s=" << s;
    }
  for (int e = 4; e < 8; ++e) // sources are untouched
    for (int o = 0; o < 16; ++o)
      ASSERT_EQ(m.sim.state().accEntry(e)[o], acc[e * 16 + o]);
}

TEST(FunctionalTest, EveryAluOpWithAndWithoutImmediate) {
  for (AluOp op :
       {AluOp::Min, AluOp::Max, AluOp::Add, AluOp::Mul, AluOp::Shr}) {
    checkAlu(op, std::nullopt);
    checkAlu(op, int16_t(3));
    checkAlu(op, int16_t(-1)); // sign-extended: 0xFFFF is -1, not 65535
    checkAlu(op, int16_t(-32768));
  }
  checkAlu(AluOp::Shr, int16_t(-4)); // negative amount: shift left by 4
}

TEST(FunctionalTest, AluResetZeroes) {
  Machine m;
  uint64_t a = m.put(randomI32(16 * 2, 3, 1, 100));
  uint64_t u = m.putUops({{1, 0, 0}});
  AluInsn alu;
  alu.reset = true;
  alu.loop.uopEnd = 1;
  RunResult r = m.run({Instruction::load(MemType::Uop, 0, u / 4, 1, 1, 1),
                       Instruction::load(MemType::Acc, 0, a / 64, 1, 2, 2),
                       Instruction::aluOp(alu), Instruction::finish()});
  ASSERT_TRUE(r.ok());
  for (int o = 0; o < 16; ++o) {
    EXPECT_EQ(m.sim.state().accEntry(1)[o], 0);
    EXPECT_NE(m.sim.state().accEntry(0)[o], 0);
  }
}

/// GEMM, then the requantization epilogue SHR 8, MAX 0, MIN 127 and a
/// narrowing STORE (a ReLU'd, rescaled int8 layer), and a shift-and-scale
/// (MUL by 3 then SHR 2) on a second output.
TEST(FunctionalTest, GemmThenShiftClipAndNarrowingStore) {
  Machine m;
  const int rows = 4, kBlocks = 2;
  std::vector<int8_t> inp = randomI8(rows * kBlocks * 16, 31);
  std::vector<int8_t> wgt = randomI8(kBlocks * 256, 32);
  uint64_t i = m.put(inp), w = m.put(wgt);
  uint64_t u = m.putUops({{0, 0, 0}, {0, 1, 1}});
  uint64_t out = m.zeros(rows * 16), scaled = m.zeros(rows * 16);
  GemmInsn reset;
  reset.reset = true;
  reset.loop = LoopNest{0, 1, rows, 1, 1, 0, 0, 0};
  GemmInsn g;
  g.loop = LoopNest{0, 2, rows, 1, 1, 0, kBlocks, 0};
  AluInsn alu;
  alu.loop = LoopNest{0, 1, rows, 1, 1, 0, 0, 0};
  alu.useImm = true;
  std::vector<Instruction> program = {
      Instruction::load(MemType::Uop, 0, u / 4, 1, 2, 2),
      Instruction::load(MemType::Inp, 0, i / 16, 1, rows * kBlocks,
                        rows * kBlocks),
      withFlags(
          Instruction::load(MemType::Wgt, 0, w / 256, 1, kBlocks, kBlocks),
          {false, false, false, true}),
      Instruction::gemmOp(reset),
      withFlags(Instruction::gemmOp(g), {true, false, false, false})};
  // Copy the raw result to entries 4.. with an ALU ADD of a zeroed range.
  AluInsn copy;
  copy.op = AluOp::Add;
  copy.loop = LoopNest{0, 1, rows, 1, 1, 0, 1, 0};
  // uop 0 has dst 0: offset the copy destination through a second table.
  uint64_t u2 = m.putUops({{4, 0, 0}});
  program.push_back(Instruction::load(MemType::Uop, 2, u2 / 4, 1, 1, 1));
  GemmInsn zero4 = reset;
  zero4.loop.uopBgn = 2, zero4.loop.uopEnd = 3;
  program.push_back(Instruction::gemmOp(zero4));
  copy.loop.uopBgn = 2, copy.loop.uopEnd = 3;
  program.push_back(Instruction::aluOp(copy));
  for (auto [op, imm] :
       {std::pair{AluOp::Shr, 8}, {AluOp::Max, 0}, {AluOp::Min, 127}}) {
    alu.op = op, alu.imm = int16_t(imm);
    program.push_back(Instruction::aluOp(alu));
  }
  AluInsn scale = alu;
  scale.loop.uopBgn = 2, scale.loop.uopEnd = 3;
  scale.op = AluOp::Mul, scale.imm = 3;
  program.push_back(Instruction::aluOp(scale));
  scale.op = AluOp::Shr, scale.imm = 2;
  program.push_back(Instruction::aluOp(scale));
  program.back().deps.pushNext = true; // results ready for STORE
  program.push_back(withFlags(Instruction::store(0, out / 16, rows, 1, 1),
                              {true, false, false, false}));
  program.push_back(Instruction::store(4, scaled / 16, rows, 1, 1));
  program.push_back(Instruction::finish());
  RunResult r = m.run(program);
  ASSERT_TRUE(r.ok()) << formatFault(*r.fault);

  std::vector<int8_t> got = m.get<int8_t>(out, rows * 16);
  std::vector<int8_t> gotScaled = m.get<int8_t>(scaled, rows * 16);
  for (int row = 0; row < rows; ++row)
    for (int o = 0; o < 16; ++o) {
      int64_t sum = 0;
      for (int kb = 0; kb < kBlocks; ++kb)
        for (int k = 0; k < 16; ++k)
          sum +=
              inp[(row * kBlocks + kb) * 16 + k] * wgt[kb * 256 + o * 16 + k];
      int64_t q = sum >= 0 ? sum / 256 : -((-sum + 255) / 256); // floor
      q = std::min<int64_t>(std::max<int64_t>(q, 0), 127);
      ASSERT_EQ(got[row * 16 + o], q) << row << " " << o;
      int64_t s = sum * 3;
      int64_t sq = s >= 0 ? s / 4 : -((-s + 3) / 4);
      ASSERT_EQ(gotScaled[row * 16 + o], low8(sq)) << row << " " << o;
    }
}

/// The reference schedule (tiles of 1×... blocks, double buffered) on a
/// 64×64×64 GEMM, against a plain triple loop.
void checkTiledGemm(bool doubleBuffer, int shift) {
  Machine m;
  const int M = 64, N = 64, K = 64;
  std::vector<int8_t> a = randomI8(M * K, 41), wRowMajor = randomI8(N * K, 42);
  // Pack W [N, K] into WGT elements: block (nb, kb) = 16×16 [o][k].
  std::vector<int8_t> wPacked(N * K);
  for (int nb = 0; nb < N / 16; ++nb)
    for (int kb = 0; kb < K / 16; ++kb)
      for (int o = 0; o < 16; ++o)
        for (int k = 0; k < 16; ++k)
          wPacked[((nb * (K / 16) + kb) * 16 + o) * 16 + k] =
              wRowMajor[(nb * 16 + o) * K + kb * 16 + k];
  uint64_t aAddr = m.put(a), wAddr = m.put(wPacked), cAddr = m.zeros(M * N);
  TiledGemmSpec spec{M, N / 16, K / 16, 16, 2, 2};
  spec.doubleBuffer = doubleBuffer;
  spec.shift = shift;
  spec.inpBase = uint32_t(aAddr / 16), spec.wgtBase = uint32_t(wAddr / 256),
  spec.outBase = uint32_t(cAddr / 16);
  TiledGemmProgram p = cantFail(buildTiledGemm(m.config, spec));
  uint64_t uAddr = m.putUops(p.uops);
  p.insns.front().mem.dramBase = uint32_t(uAddr / 4);
  RunResult r = m.run(p.insns);
  ASSERT_TRUE(r.ok()) << formatFault(*r.fault);
  std::vector<int8_t> c = m.get<int8_t>(cAddr, M * N);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      int64_t sum = 0;
      for (int k = 0; k < K; ++k)
        sum += a[i * K + k] * wRowMajor[j * K + k];
      int64_t expected = low8(sum);
      if (shift >= 0) {
        int64_t q =
            sum >= 0 ? sum >> shift : -((-sum + (1 << shift) - 1) >> shift);
        expected = std::min<int64_t>(std::max<int64_t>(q, -128), 127);
      }
      ASSERT_EQ(c[i * N + j], expected) << i << " " << j;
    }
  EXPECT_EQ(r.stats.macs, uint64_t(M) * N * K);
}

TEST(FunctionalTest, TiledGemm64DoubleBuffered) { checkTiledGemm(true, -1); }
TEST(FunctionalTest, TiledGemm64Serialized) { checkTiledGemm(false, -1); }
TEST(FunctionalTest, TiledGemm64WithRequantization) { checkTiledGemm(true, 6); }

} // namespace

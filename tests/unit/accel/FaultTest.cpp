//===- FaultTest.cpp - every fault, one by one ---------------------------===//
#include "SimTestHelpers.h"

#include "gtest/gtest.h"

using namespace tdl::accel;
using namespace tdl::accel::test;

namespace {

/// Runs `program` and expects a fault of `kind` at `index` whose message
/// contains `text`.
void expectFault(Machine &m, std::vector<Instruction> program, FaultKind kind,
                 uint64_t index, const std::string &text) {
  RunResult r = m.run(std::move(program));
  ASSERT_TRUE(r.fault) << "expected " << faultKindName(kind).str();
  EXPECT_EQ(r.fault->kind, kind) << r.fault->message;
  EXPECT_EQ(r.fault->insnIndex, index) << r.fault->message;
  EXPECT_NE(r.fault->message.find(text), std::string::npos) << r.fault->message;
}

TEST(FaultTest, SramOutOfRange) {
  Machine m;
  uint64_t a = m.zeros(16 * 16);
  // 2040 + 16 entries > 2048.
  expectFault(m,
              {Instruction::load(MemType::Inp, 2040, a / 16, 1, 16, 16),
               Instruction::finish()},
              FaultKind::SramOutOfRange, 0,
              "LOAD INP writes entries [2040, 2056) but the INP buffer has "
              "2048 entries");
  // Padding counts: 1 row + 2 pad rows of 1 entry at 2046.
  Instruction padded = Instruction::load(MemType::Acc, 2046, 0, 1, 1, 1);
  padded.mem.yPad0 = 1, padded.mem.yPad1 = 1;
  expectFault(m, {padded, Instruction::finish()}, FaultKind::SramOutOfRange, 0,
              "[2046, 2049)");
  // A micro-op whose loop nest reaches past ACC.
  uint64_t u = m.putUops({{2000, 0, 0}});
  GemmInsn g;
  g.loop = LoopNest{0, 1, 4, 5, 10, 3, 0, 0}; // 2000 + 30 + 12 = 2042: fine
  AluInsn alu;
  alu.loop = LoopNest{0, 1, 4, 5, 10, 5, 0, 0}; // 2000 + 30 + 20 = 2050
  expectFault(
      m,
      {Instruction::load(MemType::Uop, 0, u / 4, 1, 1, 1),
       Instruction::gemmOp(g), Instruction::aluOp(alu), Instruction::finish()},
      FaultKind::SramOutOfRange, 2, "micro-op 0 reaches ACC (dst) index 2050");
  // STORE reading past ACC.
  expectFault(m, {Instruction::store(2047, 0, 1, 2, 2), Instruction::finish()},
              FaultKind::SramOutOfRange, 0, "STORE reads entries [2047, 2049)");
}

TEST(FaultTest, DramOutOfRangeChangesNothing) {
  Machine m;
  std::vector<int8_t> data(64, 5);
  uint64_t a = m.put(data);
  uint64_t end = m.dram.size();
  // Rows 0 and 1 of stride 4 elements: the last row ends past DRAM.
  expectFault(m,
              {Instruction::load(MemType::Inp, 0, a / 16, 2, 1, 4),
               Instruction::finish()},
              FaultKind::DramOutOfRange, 0,
              "reads DRAM bytes up to 80 but DRAM has 64 bytes");
  EXPECT_EQ(m.sim.state().inpEntry(0)[0], 0); // nothing was loaded
  expectFault(m,
              {Instruction::store(0, uint32_t(end / 16), 1, 1, 1),
               Instruction::finish()},
              FaultKind::DramOutOfRange, 0, "STORE writes DRAM bytes up to 80");
  // A huge DRAM address does not wrap around.
  expectFault(m,
              {Instruction::load(MemType::Wgt, 0, 0xFFFFFFFFu, 1, 1, 1),
               Instruction::finish()},
              FaultKind::DramOutOfRange, 0, "LOAD WGT reads DRAM bytes");
}

TEST(FaultTest, PaddingOnWgtOrStore) {
  Machine m;
  m.zeros(4096);
  Instruction wgt = Instruction::load(MemType::Wgt, 0, 0, 1, 1, 1);
  wgt.mem.xPad0 = 1;
  expectFault(m,
              {Instruction::load(MemType::Inp, 0, 0, 1, 1, 1), wgt,
               Instruction::finish()},
              FaultKind::PaddingNotAllowed, 1, "LOAD WGT cannot pad");
  Instruction store = Instruction::store(0, 0, 1, 1, 1);
  store.mem.yPad1 = 2;
  expectFault(m, {store, Instruction::finish()}, FaultKind::PaddingNotAllowed,
              0, "STORE cannot pad");
}

TEST(FaultTest, UopRangeOutsideTheBuffer) {
  Machine m;
  GemmInsn g;
  g.loop.uopBgn = 8000, g.loop.uopEnd = 8193;
  expectFault(m, {Instruction::gemmOp(g), Instruction::finish()},
              FaultKind::UopOutOfRange, 0,
              "micro-op range [8000, 8193) is outside the micro-op buffer "
              "(8192 entries)");
  AluInsn a;
  a.loop.uopBgn = 5, a.loop.uopEnd = 4;
  expectFault(m, {Instruction::aluOp(a), Instruction::finish()},
              FaultKind::UopOutOfRange, 0, "[5, 4)");
}

TEST(FaultTest, BadEncoding) {
  Machine m;
  InsnWord good = cantFail(encode(Instruction::finish()));
  InsnWord bad{};
  bad[0] = 7; // opcode 7
  RunResult r = m.sim.runBinary({good, bad}, m.dram);
  ASSERT_TRUE(r.fault);
  EXPECT_EQ(r.fault->kind, FaultKind::BadEncoding);
  EXPECT_EQ(r.fault->insnIndex, 1u);
  EXPECT_EQ(r.fault->message, "bad opcode 7");
  // A flag the module does not have, built through the API.
  Instruction load = Instruction::load(MemType::Inp, 0, 0, 1, 1, 1);
  load.deps.pushPrev = true;
  expectFault(m, {load, Instruction::finish()}, FaultKind::BadEncoding, 0,
              "cannot use this dependency flag");
}

TEST(FaultTest, MissingOrMisplacedFinish) {
  Machine m;
  expectFault(m, {Instruction::gemmOp(GemmInsn())}, FaultKind::MissingFinish, 0,
              "does not end with FINISH");
  expectFault(m, {}, FaultKind::MissingFinish, 0, "does not end with FINISH");
  expectFault(m, {Instruction::finish(), Instruction::gemmOp(GemmInsn())},
              FaultKind::AfterFinish, 1, "instruction follows FINISH");
}

TEST(FaultTest, DeadlockNamesModuleQueueAndInstruction) {
  Machine m;
  // COMPUTE pops l2c but LOAD never pushes; STORE waits on c2s that the
  // blocked COMPUTE would push.
  expectFault(
      m,
      {withFlags(Instruction::gemmOp(GemmInsn()), {true, false, false, true}),
       withFlags(Instruction::store(0, 0, 0, 0, 0),
                 {true, false, false, false}),
       Instruction::finish()},
      FaultKind::Deadlock, 0,
      "deadlock: no module can progress (compute waits on l2c at "
      "instruction 0; store waits on c2s at instruction 1)");
  // A LOAD waiting on a c2l token after the compute module has finished.
  expectFault(m,
              {Instruction::gemmOp(GemmInsn()),
               withFlags(Instruction::load(MemType::Inp, 0, 0, 1, 0, 0),
                         {false, true, false, false}),
               Instruction::finish()},
              FaultKind::Deadlock, 1, "load waits on c2l at instruction 1");
}

} // namespace

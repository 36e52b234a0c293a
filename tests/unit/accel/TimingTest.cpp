//===- TimingTest.cpp - cycle counts, stalls, faults and the trace -------===//
//
// Cycle counts are computed by hand from the model in Simulator.h:
// a DMA of n bytes takes 64 + ceil(n / 8) cycles and holds the one channel;
// GEMM/ALU take iterations × ii + 4.
//
//===----------------------------------------------------------------------===//
#include "SimTestHelpers.h"

#include "backends/accel/mapping/TiledGemm.h"
#include "backends/accel/sim/Trace.h"

#include "llvm/Support/JSON.h"

#include "gtest/gtest.h"

using namespace tdl::accel;
using namespace tdl::accel::test;

namespace {

TEST(TimingTest, SingleInstructions) {
  Machine m;
  uint64_t a = m.zeros(4096);
  // 4 INP elements = 64 bytes: 64 + 8.
  RunResult r = m.run({Instruction::load(MemType::Inp, 0, a / 16, 1, 4, 4),
                       Instruction::finish()});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.stats.cycles, 72u);
  EXPECT_EQ(r.stats.bytes[unsigned(Traffic::Inp)], 64u);
  // 3 WGT elements = 768 bytes: 64 + 96; a GEMM of 2×3×2 iterations: 12 + 4;
  // an ALU with a tensor operand, 5 iterations at ii 2: 10 + 4 — all on
  // independent modules, but COMPUTE runs GEMM then ALU: 16 + 14 = 30.
  Machine m2;
  uint64_t b = m2.zeros(4096);
  GemmInsn g;
  g.loop = LoopNest{0, 2, 2, 3, 0, 0, 0, 0};
  AluInsn alu;
  alu.loop = LoopNest{0, 1, 5, 1, 0, 0, 0, 0};
  RunResult r2 = m2.run({Instruction::load(MemType::Wgt, 0, b / 256, 1, 3, 3),
                         Instruction::gemmOp(g), Instruction::aluOp(alu),
                         Instruction::finish()});
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2.stats.cycles, 160u);
  EXPECT_EQ(r2.stats.modules[unsigned(Module::Compute)].busyCycles, 30u);
  EXPECT_EQ(r2.stats.macs, 12u * 256);
  // The ALU with an immediate runs at ii 1.
  alu.useImm = true;
  Machine m3;
  RunResult r3 = m3.run({Instruction::aluOp(alu), Instruction::finish()});
  EXPECT_EQ(r3.stats.cycles, 9u);
}

/// The program of docs/accel.md's walk-through, timed by hand:
///   LOAD INP  (load)    64 B  grant 0            end 0+64+8      = 72
///   LOAD UOP  (compute)  4 B  ready 0, grant 72  end 72+64+1     = 137
///   LOAD WGT  (load)   256 B  ready 72, grant 137 end 137+64+32  = 233
///   GEMM reset 4 iters        137 .. 145
///   GEMM pop l2c (72)   4 it. 145 .. 153
///   GEMM 0 uops pop l2c (233) 233 .. 237, push c2s
///   STORE pop c2s (237) 64 B  237 .. 309
TEST(TimingTest, HandComputedProgram) {
  Machine m;
  uint64_t a = m.zeros(64), w = m.zeros(256), c = m.zeros(64);
  uint64_t u = m.putUops({{0, 0, 0}});
  GemmInsn reset;
  reset.reset = true;
  reset.loop = LoopNest{0, 1, 4, 1, 1, 0, 0, 0};
  GemmInsn g = reset;
  g.reset = false;
  g.loop.srcFactorOut = 1;
  GemmInsn drain;
  RunResult r = m.run({
      Instruction::load(MemType::Uop, 0, u / 4, 1, 1, 1),
      withFlags(Instruction::load(MemType::Inp, 0, a / 16, 1, 4, 4),
                {false, false, false, true}),
      withFlags(Instruction::load(MemType::Wgt, 0, w / 256, 1, 1, 1),
                {false, false, false, true}),
      Instruction::gemmOp(reset),
      withFlags(Instruction::gemmOp(g), {true, false, false, false}),
      withFlags(Instruction::gemmOp(drain), {true, false, false, true}),
      withFlags(Instruction::store(0, c / 16, 1, 4, 4),
                {true, false, false, false}),
      Instruction::finish(),
  });
  ASSERT_TRUE(r.ok()) << formatFault(*r.fault);
  EXPECT_EQ(r.stats.cycles, 309u);
  const ModuleStats &load = r.stats.modules[unsigned(Module::Load)];
  const ModuleStats &compute = r.stats.modules[unsigned(Module::Compute)];
  const ModuleStats &store = r.stats.modules[unsigned(Module::Store)];
  EXPECT_EQ(load.busyCycles, 72u + 96u);
  EXPECT_EQ(load.stallDramCycles, 65u); // 72 .. 137
  EXPECT_EQ(compute.busyCycles, 65u + 8 + 8 + 4);
  EXPECT_EQ(compute.stallDramCycles, 72u);
  EXPECT_EQ(compute.stallTokenCycles, 80u); // 153 .. 233
  EXPECT_EQ(store.stallTokenCycles, 237u);
  EXPECT_EQ(store.busyCycles, 72u);
  EXPECT_EQ(r.stats.macs, 4u * 256);
  EXPECT_DOUBLE_EQ(r.stats.utilization(m.config), 1024.0 / (309.0 * 256.0));
  // 2 ops per MAC over 309 cycles at 100 MHz.
  EXPECT_NEAR(r.stats.gops(m.config), 2.0 * 1024 / (309 / 100e6) / 1e9, 1e-9);
}

TEST(TimingTest, DramContentionInRequestOrder) {
  // A LOAD INP (load module) and a LOAD ACC (compute module) both ready at
  // cycle 0: the load module asks first, the ACC load waits for the channel.
  Machine m;
  uint64_t a = m.zeros(1024);
  RunResult r = m.run({Instruction::load(MemType::Acc, 0, a / 64, 1, 2, 2),
                       Instruction::load(MemType::Inp, 0, a / 16, 1, 8, 8),
                       Instruction::finish()});
  ASSERT_TRUE(r.ok());
  // INP: 128 B → 0..80; ACC: 128 B → 80..160.
  EXPECT_EQ(r.stats.cycles, 160u);
  EXPECT_EQ(r.stats.modules[unsigned(Module::Compute)].stallDramCycles, 80u);
}

/// The same 128×128×128 GEMM, double buffered and serialized: overlap of
/// DMA with compute must show up as fewer cycles (and the same MACs).
TEST(TimingTest, DoubleBufferingBeatsSerialized) {
  uint64_t cycles[2], macs[2];
  for (int doubleBuffer = 0; doubleBuffer < 2; ++doubleBuffer) {
    Machine m;
    uint64_t a = m.zeros(128 * 128), w = m.zeros(128 * 128),
             c = m.zeros(128 * 128);
    TiledGemmSpec spec{128, 8, 8, 32, 4, 4};
    spec.doubleBuffer = doubleBuffer;
    spec.inpBase = uint32_t(a / 16), spec.wgtBase = uint32_t(w / 256),
    spec.outBase = uint32_t(c / 16);
    TiledGemmProgram p = cantFail(buildTiledGemm(m.config, spec));
    p.insns.front().mem.dramBase = uint32_t(m.putUops(p.uops) / 4);
    RunResult r = m.run(p.insns);
    ASSERT_TRUE(r.ok()) << formatFault(*r.fault);
    cycles[doubleBuffer] = r.stats.cycles;
    macs[doubleBuffer] = r.stats.macs;
  }
  EXPECT_EQ(macs[0], macs[1]);
  EXPECT_LT(cycles[1], cycles[0]);
}

TEST(TimingTest, TraceIsValidChromeJson) {
  Machine m;
  uint64_t a = m.zeros(64), c = m.zeros(64);
  TraceWriter trace(m.config);
  std::vector<Instruction> program = {
      withFlags(Instruction::load(MemType::Inp, 0, a / 16, 1, 4, 4),
                {false, false, false, true}),
      withFlags(Instruction::gemmOp(GemmInsn()), {true, false, false, true}),
      withFlags(Instruction::store(0, c / 16, 1, 4, 4),
                {true, false, false, false}),
      Instruction::finish()};
  RunResult r = m.sim.run(program, m.dram, &trace);
  ASSERT_TRUE(r.ok());
  std::string text;
  llvm::raw_string_ostream os(text);
  trace.write(os);
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  const llvm::json::Array *events =
      parsed->getAsObject()->getArray("traceEvents");
  ASSERT_TRUE(events);
  int complete = 0, counters = 0, threads = 0;
  std::vector<std::string> names;
  for (const llvm::json::Value &v : *events) {
    const llvm::json::Object *e = v.getAsObject();
    llvm::StringRef ph = *e->getString("ph");
    if (ph == "X") {
      ++complete;
      names.push_back(e->getString("name")->str());
      EXPECT_TRUE(e->getNumber("ts") && e->getNumber("dur"));
    } else if (ph == "C") {
      ++counters;
      EXPECT_EQ(e->getString("name")->str(), "dram bytes");
    } else if (ph == "M" && *e->getString("name") == "thread_name") {
      ++threads;
    }
  }
  EXPECT_EQ(complete, 4); // one per instruction
  EXPECT_EQ(counters, 2); // one per DMA
  EXPECT_EQ(threads, 3);  // load, compute, store
  // In order of start: FINISH (compute) and STORE both become ready at
  // cycle 76; ties go to the module earlier in the chain.
  EXPECT_EQ(names,
            (std::vector<std::string>{"LOAD INP", "GEMM", "FINISH", "STORE"}));
  // The LOAD takes 72 cycles = 0.72 us at 100 MHz.
  const llvm::json::Object *first = nullptr;
  for (const llvm::json::Value &v : *events)
    if (*v.getAsObject()->getString("ph") == "X") {
      first = v.getAsObject();
      break;
    }
  EXPECT_DOUBLE_EQ(*first->getNumber("dur"), 0.72);
}

} // namespace

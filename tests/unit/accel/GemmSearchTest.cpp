//===- GemmSearchTest.cpp - the cost model, the search and its outputs ---===//
//
// The timing-only simulator mode against full runs, the analytic lower
// bound against the simulator, the search against the template, planning
// errors, the .tasm form of a plan (assembles back to the same program)
// and chained traces.
//
//===----------------------------------------------------------------------===//
#include "AsmTestHelpers.h"
#include "GemmTestHelpers.h"

#include "backends/accel/mapping/TiledGemm.h"
#include "backends/accel/mapping/gemm/GemmCodegen.h"
#include "backends/accel/mapping/gemm/GemmLayout.h"
#include "backends/accel/mapping/gemm/GemmSearch.h"
#include "backends/accel/sim/Trace.h"

#include "llvm/Support/JSON.h"

#include <cstring>

using namespace tdl::accel;
using namespace tdl::accel::test;

namespace {

void expectSameStats(const RunStats &a, const RunStats &b) {
  EXPECT_EQ(a.cycles, b.cycles);
  EXPECT_EQ(a.macs, b.macs);
  EXPECT_EQ(a.bytes, b.bytes);
  for (unsigned m = 0; m < NumModules; ++m) {
    EXPECT_EQ(a.modules[m].instructions, b.modules[m].instructions);
    EXPECT_EQ(a.modules[m].busyCycles, b.modules[m].busyCycles);
    EXPECT_EQ(a.modules[m].stallTokenCycles, b.modules[m].stallTokenCycles);
    EXPECT_EQ(a.modules[m].stallDramCycles, b.modules[m].stallDramCycles);
  }
}

TEST(GemmSearchTest, TimingOnlyEqualsFullRun) {
  const Config configs[] = {Config(), smallConfig(2, 8, 16, 64, 32, 64)};
  for (const Config &config : configs)
    for (bool search : {false, true}) {
      GemmOp op = requantizedGemm(77, 90, 200);
      PlanOptions options;
      options.search = search;
      GemmPlan plan = cantFail(planGemm(config, op, options));
      PlanInputs in = randomGemmInputs(op, 3);
      Dram dram;
      packGemm(dram, config, op, plan.layout, in.lhs, in.rhs, in.operands,
               plan.uops);
      Simulator full(config), timing(config);
      RunResult ran = full.run(plan.insns, dram);
      RunResult timed = timing.runTimingOnly(plan.insns);
      ASSERT_TRUE(ran.ok() && timed.ok());
      expectSameStats(ran.stats, timed.stats);
      expectSameStats(ran.stats, plan.estimate);
    }
}

TEST(GemmSearchTest, TimingOnlyStillFindsDeadlocks) {
  Instruction gemm = Instruction::gemmOp(GemmInsn());
  gemm.deps.popPrev = true; // nobody ever pushes l2c
  Simulator sim{Config()};
  RunResult r = sim.runTimingOnly({gemm, Instruction::finish()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.fault->kind, FaultKind::Deadlock);
}

TEST(GemmSearchTest, BaselineReproducesTiledGemm) {
  // On a shape the template divides, the baseline plan is TiledGemm's
  // schedule: same cycles up to the few extra micro-ops it loads.
  Config config;
  GemmOp op{128, 512, 512, {}, {}};
  PlanOptions options;
  options.search = false;
  GemmPlan plan = cantFail(planGemm(config, op, options));
  EXPECT_EQ(plan.schedule, baselineSchedule(config, op));
  TiledGemmSpec spec{128, 32, 32, 64, 16, 16};
  TiledGemmProgram tiled = cantFail(buildTiledGemm(config, spec));
  Simulator sim(config);
  RunResult r = sim.runTimingOnly(tiled.insns);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(double(plan.estimate.cycles), double(r.stats.cycles),
              0.001 * double(r.stats.cycles));
  EXPECT_EQ(plan.estimate.bytes[unsigned(Traffic::Inp)],
            r.stats.bytes[unsigned(Traffic::Inp)]);
  EXPECT_EQ(plan.estimate.bytes[unsigned(Traffic::Wgt)],
            r.stats.bytes[unsigned(Traffic::Wgt)]);
}

TEST(GemmSearchTest, LowerBoundNeverExceedsTheSimulator) {
  const Config configs[] = {Config(), smallConfig(2, 8, 16, 64, 32, 64),
                            smallConfig(1, 16, 16, 128, 64, 128, 512)};
  GemmOp withFull = requantizedGemm(40, 70, 90);
  withFull.operands.push_back(OperandShape::Full);
  withFull.epilogue.insert(withFull.epilogue.begin(),
                           {AluOp::Add, false, 0, 1});
  const GemmOp ops[] = {requantizedGemm(40, 70, 90), GemmOp{5, 300, 64, {}, {}},
                        withFull};
  for (const Config &config : configs)
    for (const GemmOp &op : ops) {
      std::vector<ScoredSchedule> all = enumerateSchedules(config, op, 0);
      ASSERT_FALSE(all.empty());
      // Every 7th candidate: all structural variants and many tile sizes.
      for (size_t i = 0; i < all.size(); i += 7) {
        llvm::Expected<GemmPlan> p =
            planGemmWithSchedule(config, op, all[i].schedule);
        if (!p) { // e.g. too many micro-ops: not a cost question
          llvm::consumeError(p.takeError());
          continue;
        }
        EXPECT_LE(all[i].cycles, p->estimate.cycles)
            << op.describe() << " [" << all[i].schedule.describe() << "]";
      }
    }
}

TEST(GemmSearchTest, SearchNeverWorseThanTemplate) {
  const Config configs[] = {Config(), smallConfig(4, 16, 16, 256, 128, 256)};
  const GemmOp ops[] = {
      requantizedGemm(1, 1, 1),       requantizedGemm(64, 64, 64),
      requantizedGemm(35, 700, 2048), requantizedGemm(4, 3072, 1024),
      requantizedGemm(300, 40, 20),   requantizedGemm(196, 256, 2304),
      GemmOp{512, 512, 512, {}, {}}};
  for (const Config &config : configs)
    for (const GemmOp &op : ops) {
      PlanOptions fixed;
      fixed.search = false;
      GemmPlan base = cantFail(planGemm(config, op, fixed));
      GemmPlan best = cantFail(planGemm(config, op));
      EXPECT_LE(best.estimate.cycles, base.estimate.cycles) << op.describe();
      EXPECT_GT(best.candidatesTimed, 1u);
    }
}

TEST(GemmSearchTest, SearchBeatsTemplateOnAConvLayer) {
  // ResNet's 3x3 256->256 conv at 14x14 as a GEMM: 196 rows do not split
  // into 64-row tiles well and the template's 16-block K steps are short.
  GemmOp op = requantizedGemm(196, 256, 2304);
  PlanOptions fixed;
  fixed.search = false;
  GemmPlan base = cantFail(planGemm(Config(), op, fixed));
  GemmPlan best = cantFail(planGemm(Config(), op));
  EXPECT_LT(double(best.estimate.cycles), 0.9 * double(base.estimate.cycles));
}

TEST(GemmSearchTest, BalancedTileSizes) {
  EXPECT_EQ(balancedTileSizes(1), (std::vector<uint32_t>{1}));
  EXPECT_EQ(balancedTileSizes(10), (std::vector<uint32_t>{1, 2, 3, 4, 5, 10}));
  EXPECT_EQ(balancedTileSizes(16),
            (std::vector<uint32_t>{1, 2, 3, 4, 6, 8, 16}));
  for (uint32_t n : {7u, 100u, 1000u}) {
    std::vector<uint32_t> sizes = balancedTileSizes(n);
    for (uint32_t c = 1; c <= n; ++c)
      EXPECT_TRUE(std::count(sizes.begin(), sizes.end(), (n + c - 1) / c))
          << n << " / " << c;
  }
}

TEST(GemmSearchTest, TooBigIsAnError) {
  // Two full operands need two ACC areas besides the output tile.
  GemmOp op{4, 4, 4, {OperandShape::Full, OperandShape::Full}, {}};
  op.epilogue = {{AluOp::Mul, false, 0, 0}, {AluOp::Add, false, 0, 1}};
  Config tiny = smallConfig(1, 16, 16, 2, 2, 2);
  for (bool search : {false, true}) {
    PlanOptions options;
    options.search = search;
    llvm::Expected<GemmPlan> p = planGemm(tiny, op, options);
    ASSERT_FALSE(bool(p));
    std::string message = llvm::toString(p.takeError());
    EXPECT_NE(message.find("cannot map"), std::string::npos) << message;
    EXPECT_NE(message.find("ACC"), std::string::npos) << message;
  }
  // A reduction longer than a DMA stride can describe.
  llvm::Expected<GemmPlan> huge =
      planGemm(Config(), GemmOp{1, 1, 16u * 70000u, {}, {}});
  ASSERT_FALSE(bool(huge));
  EXPECT_NE(llvm::toString(huge.takeError()).find("stride"), std::string::npos);
  // A bad operand index.
  llvm::Expected<GemmPlan> bad =
      planGemm(Config(), GemmOp{1, 1, 1, {}, {{AluOp::Add, false, 0, 3}}});
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("operand 3"),
            std::string::npos);
}

TEST(GemmSearchTest, RunGemmReportsBadInputs) {
  GemmPlan plan = cantFail(planGemm(Config(), requantizedGemm(4, 4, 4)));
  Simulator sim{Config()};
  std::vector<int8_t> a(16), b(16);
  llvm::Expected<PlanRun> noBias = runGemm(sim, plan, a, b, {});
  ASSERT_FALSE(bool(noBias));
  EXPECT_NE(llvm::toString(noBias.takeError()).find("operands"),
            std::string::npos);
  Simulator other(smallConfig(2, 16, 16, 2048, 1024, 2048));
  std::vector<std::vector<int32_t>> bias = {std::vector<int32_t>(4)};
  llvm::Expected<PlanRun> wrongMachine = runGemm(other, plan, a, b, bias);
  ASSERT_FALSE(bool(wrongMachine));
  EXPECT_NE(llvm::toString(wrongMachine.takeError()).find("configuration"),
            std::string::npos);
}

TEST(GemmSearchTest, AsmAssemblesToThePlan) {
  const Config configs[] = {Config(), smallConfig(2, 8, 16, 64, 32, 64)};
  GemmOp op = requantizedGemm(30, 40, 50);
  op.operands.push_back(OperandShape::Full);
  op.epilogue.push_back({AluOp::Add, false, 0, 1});
  for (const Config &config : configs)
    for (bool transposed : {false, true}) {
      GemmSchedule schedule = cantFail(planGemm(config, op)).schedule;
      schedule.transposed = transposed;
      GemmPlan plan = cantFail(planGemmWithSchedule(config, op, schedule));
      std::string text;
      llvm::raw_string_ostream os(text);
      printGemmPlanAsm(os, plan, "layer0");
      const GemmLayout &l = plan.layout;
      expectAsmIsPlan(text, plan,
                      {l.aAddr, l.bAddr, l.operandAddrs[0], l.operandAddrs[1],
                       l.cAddr, l.uopAddr});
      EXPECT_NE(text.find("# schedule: "), std::string::npos);
      EXPECT_NE(text.find("print C"), std::string::npos);
    }
}

TEST(GemmSearchTest, TraceCycleOffsetChainsRuns) {
  GemmPlan first = cantFail(planGemm(Config(), GemmOp{16, 16, 16, {}, {}}));
  GemmPlan second = cantFail(planGemm(Config(), GemmOp{32, 16, 16, {}, {}}));
  TraceWriter trace{Config()};
  Simulator sim{Config()};
  std::vector<int8_t> a16(256), a32(512), b(256);
  PlanRun r1 = cantFail(runGemm(sim, first, a16, b, {}, &trace));
  trace.setCycleOffset(r1.stats.cycles);
  EXPECT_EQ(trace.cycleOffset(), r1.stats.cycles);
  PlanRun r2 = cantFail(runGemm(sim, second, a32, b, {}, &trace));
  // Every event of the second run starts at or after the first run's end.
  llvm::json::Value json = trace.toJson();
  const llvm::json::Array *events = json.getAsObject()->getArray("traceEvents");
  size_t firstCount = first.insns.size(), seen = 0, late = 0;
  uint64_t lastEnd = 0;
  for (const llvm::json::Value &e : *events) {
    const llvm::json::Object *o = e.getAsObject();
    if (o->getString("ph") != llvm::StringRef("X"))
      continue;
    uint64_t start = uint64_t(*o->getObject("args")->getInteger("start_cycle"));
    uint64_t cycles = uint64_t(*o->getObject("args")->getInteger("cycles"));
    if (seen++ < firstCount) {
      lastEnd = std::max(lastEnd, start + cycles);
    } else {
      EXPECT_GE(start, r1.stats.cycles);
      late += 1;
    }
  }
  EXPECT_EQ(lastEnd, r1.stats.cycles);
  EXPECT_EQ(late, second.insns.size());
  (void)r2;
}

} // namespace

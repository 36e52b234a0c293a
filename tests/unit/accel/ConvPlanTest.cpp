//===- ConvPlanTest.cpp - planned convs compute what the reference does --===//
//
// referenceConv is checked against a naive loop and against the im2col GEMM
// (referenceGemm); every other case plans a ConvOp (search, default
// schedule, or a forced schedule), runs it on the functional + timing
// simulator through runConv and compares y with referenceConv.
//
//===----------------------------------------------------------------------===//
#include "AsmTestHelpers.h"
#include "ConvTestHelpers.h"
#include "GemmTestHelpers.h"

#include "backends/accel/isa/Encoding.h"
#include "backends/accel/mapping/conv/ConvCodegen.h"

#include "llvm/Support/MathExtras.h"

#include <cstring>

using namespace tdl::accel;
using namespace tdl::accel::test;

namespace {

ConvPlan plan(const Config &config, const ConvOp &op, bool search = true) {
  PlanOptions options;
  options.search = search;
  llvm::Expected<ConvPlan> p = planConv(config, op, options);
  if (!p) {
    ADD_FAILURE() << op.describe() << ": " << llvm::toString(p.takeError());
    return {};
  }
  return std::move(*p);
}

void checkBoth(const Config &config, const ConvOp &op, unsigned seed) {
  for (bool search : {false, true}) {
    ConvPlan p = plan(config, op, search);
    if (!p.insns.empty())
      expectConvMatchesReference(p, seed);
  }
}

/// The textbook loop over a zero-padded copy (independent of referenceConv).
std::vector<int32_t> naiveConv(const ConvOp &op, const std::vector<int8_t> &x,
                               const std::vector<int8_t> &w) {
  uint32_t ph = op.h + op.padTop + op.padBottom;
  uint32_t pw = op.w + op.padLeft + op.padRight;
  std::vector<int32_t> padded(size_t(op.n) * op.c * ph * pw, 0);
  for (uint32_t n = 0; n < op.n; ++n)
    for (uint32_t c = 0; c < op.c; ++c)
      for (uint32_t i = 0; i < op.h; ++i)
        for (uint32_t j = 0; j < op.w; ++j)
          padded[((size_t(n) * op.c + c) * ph + i + op.padTop) * pw + j +
                 op.padLeft] =
              x[((size_t(n) * op.c + c) * op.h + i) * op.w + j];
  uint32_t oh = op.outH(), ow = op.outW();
  std::vector<int32_t> y(size_t(op.n) * op.o * oh * ow, 0);
  for (uint32_t n = 0; n < op.n; ++n)
    for (uint32_t o = 0; o < op.o; ++o)
      for (uint32_t i = 0; i < oh; ++i)
        for (uint32_t j = 0; j < ow; ++j) {
          int64_t sum = 0;
          for (uint32_t c = 0; c < op.c; ++c)
            for (uint32_t a = 0; a < op.kh; ++a)
              for (uint32_t b = 0; b < op.kw; ++b)
                sum += int64_t(padded[((size_t(n) * op.c + c) * ph +
                                       i * op.strideH + a * op.dilationH) *
                                          pw +
                                      j * op.strideW + b * op.dilationW]) *
                       w[((size_t(o) * op.c + c) * op.kh + a) * op.kw + b];
          y[((size_t(n) * op.o + o) * oh + i) * ow + j] = int32_t(sum);
        }
  return y;
}

TEST(ConvPlanTest, OutputSizes) {
  EXPECT_EQ(convOp(1, 3, 224, 224, 64, 7, 7, 2, 3).outH(), 112u);
  EXPECT_EQ(convOp(1, 64, 56, 56, 64, 3, 3, 1, 1).outW(), 56u);
  EXPECT_EQ(convOp(1, 64, 56, 56, 128, 3, 3, 2, 1).outW(), 28u);
  EXPECT_EQ(convOp(1, 4, 9, 9, 4, 5, 5, 1, 0, 2).outH(), 1u);
  EXPECT_TRUE(!!verifyConvOp(convOp(1, 4, 3, 3, 4, 5, 5)));
  llvm::consumeError(verifyConvOp(convOp(1, 4, 3, 3, 4, 5, 5)));
  EXPECT_FALSE(!!verifyConvOp(convOp(1, 4, 3, 3, 4, 5, 5, 1, 1)));
}

TEST(ConvPlanTest, ReferenceMatchesNaiveLoopAndIm2col) {
  std::vector<ConvOp> ops = {
      convOp(2, 3, 7, 6, 5, 3, 3, 1, 1), convOp(1, 4, 9, 9, 3, 5, 5, 2, 2, 2),
      convOp(1, 2, 2, 3, 2, 5, 5, 1, 2), convOp(3, 5, 6, 6, 4, 1, 1)};
  ConvOp rect = convOp(1, 3, 8, 10, 4, 2, 5, 1, 0);
  rect.strideW = 3, rect.dilationH = 2;
  rect.padTop = 1, rect.padBottom = 0, rect.padLeft = 3, rect.padRight = 2;
  ops.push_back(rect);
  unsigned seed = 100;
  for (const ConvOp &op : ops) {
    PlanInputs in = randomConvInputs(op, seed++);
    std::vector<int32_t> wide = naiveConv(op, in.lhs, in.rhs);
    std::vector<int8_t> y = referenceConv(op, in.lhs, in.rhs, {});
    ASSERT_EQ(y.size(), wide.size());
    for (size_t i = 0; i < y.size(); ++i)
      ASSERT_EQ(y[i], int8_t(uint8_t(uint32_t(wide[i])))) << op.describe();
    // The im2col GEMM (referenceGemm), with a requantizing epilogue.
    ConvOp rq = requantized(op);
    PlanInputs rin = randomConvInputs(rq, seed++);
    GemmOp g = im2colGemmOp(rq);
    std::vector<std::vector<int32_t>> gops = {
        im2colOperand(rq, 0, rin.operands[0])};
    std::vector<int8_t> viaGemm =
        im2colResultToNchw(rq, referenceGemm(g, im2colInput(rq, rin.lhs),
                                             im2colWeights(rq, rin.rhs), gops));
    EXPECT_EQ(viaGemm, referenceConv(rq, rin.lhs, rin.rhs, rin.operands))
        << rq.describe();
  }
}

TEST(ConvPlanTest, ReferenceByHand) {
  // 1 image, 1 channel 3x3, one 2x2 kernel of ones, pad 1 left/top only:
  // y[i][j] = sum of the 2x2 window ending at (i, j).
  ConvOp op = convOp(1, 1, 3, 3, 1, 2, 2);
  op.padTop = op.padLeft = 1;
  std::vector<int8_t> x = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w = {1, 1, 1, 1};
  EXPECT_EQ(referenceConv(op, x, w, {}),
            (std::vector<int8_t>{1, 3, 5, 5, 12, 16, 11, 24, 28}));
}

TEST(ConvPlanTest, SmallShapes) {
  unsigned seed = 1;
  for (const ConvOp &op :
       {convOp(1, 1, 1, 1, 1, 1, 1), convOp(2, 3, 5, 5, 5, 3, 3, 1, 1),
        convOp(1, 16, 8, 8, 16, 1, 1), convOp(3, 20, 7, 9, 33, 1, 1),
        convOp(1, 17, 9, 9, 20, 3, 3, 2, 1),
        convOp(1, 8, 11, 11, 8, 5, 5, 1, 2, 2),
        convOp(2, 5, 13, 12, 7, 3, 3, 2, 0),
        convOp(1, 20, 11, 10, 18, 1, 1, 2, 0),
        convOp(2, 7, 9, 12, 5, 1, 1, 3, 0), convOp(1, 7, 9, 12, 5, 1, 1, 3, 1)})
    checkBoth(Config(), requantized(op), seed++);
}

TEST(ConvPlanTest, RectangularKernelsAndAsymmetricPadding) {
  ConvOp op = convOp(2, 6, 10, 9, 7, 1, 5);
  op.padLeft = 3, op.padRight = 1;
  checkBoth(Config(), requantized(op), 11);
  ConvOp tall = convOp(1, 19, 12, 7, 18, 5, 2);
  tall.strideH = 2, tall.strideW = 1;
  tall.dilationW = 3;
  tall.padTop = 0, tall.padBottom = 4, tall.padLeft = 2, tall.padRight = 0;
  checkBoth(Config(), requantized(tall), 12);
}

TEST(ConvPlanTest, InputSmallerThanKernelSpan) {
  // H, W below the kernel span: windows mostly padding, some rows of the
  // output reading only padding (LOAD with y_size 0 writes zero rows).
  checkBoth(Config(), requantized(convOp(1, 3, 2, 2, 4, 5, 5, 1, 2)), 21);
  checkBoth(Config(), requantized(convOp(2, 4, 1, 3, 3, 3, 3, 1, 3)), 22);
  ConvOp dil = convOp(1, 2, 3, 3, 2, 3, 3, 1, 2, 2);
  checkBoth(Config(), requantized(dil), 23);
}

TEST(ConvPlanTest, Epilogues) {
  ConvOp base = convOp(2, 10, 9, 8, 20, 3, 3, 1, 1);
  checkBoth(Config(), base, 31); // no epilogue: wraps
  ConvOp full = base;
  full.operands = {OperandShape::Full};
  full.epilogue = {{AluOp::Add, false, 0, 0}, {AluOp::Shr, true, 4, 0}};
  checkBoth(Config(), full, 32); // fused init (LOAD ACC)
  ConvOp both = base;
  both.operands = {OperandShape::Row, OperandShape::Full};
  both.epilogue = {{AluOp::Mul, true, 3, 0},
                   {AluOp::Add, false, 0, 0},
                   {AluOp::Max, false, 0, 1},
                   {AluOp::Shr, true, 2, 0},
                   {AluOp::Min, true, 100, 0}};
  checkBoth(Config(), both, 33);
}

TEST(ConvPlanTest, OtherConfigs) {
  ConvOp op = requantized(convOp(3, 13, 9, 7, 19, 3, 3, 1, 1));
  ConvOp s2 = requantized(convOp(5, 9, 11, 10, 6, 3, 3, 2, 1));
  unsigned seed = 40;
  for (const Config &config :
       {smallConfig(2, 16, 16, 2048, 1024, 2048),
        smallConfig(4, 8, 8, 2048, 1024, 2048),
        smallConfig(1, 32, 32, 2048, 1024, 2048),
        smallConfig(1, 8, 32, 2048, 1024, 2048),
        // Small SRAMs: tiling over rows, columns, o and c is forced.
        smallConfig(1, 4, 4, 64, 32, 64), smallConfig(2, 4, 8, 128, 64, 128),
        smallConfig(1, 4, 4, 256, 64, 64, 512)}) {
    checkBoth(config, op, seed++);
    checkBoth(config, s2, seed++);
  }
}

TEST(ConvPlanTest, ForcedSchedulesTileEveryDimension) {
  ConvOp op = requantized(convOp(2, 40, 12, 11, 36, 3, 3, 1, 1));
  op.operands.push_back(OperandShape::Full);
  op.epilogue.insert(op.epilogue.begin() + 2, {AluOp::Add, false, 0, 1});
  unsigned seed = 60;
  for (ConvOrder order : {ConvOrder::PixelsOuter, ConvOrder::ChannelsOuter})
    for (uint32_t slots : {1u, 2u, 3u}) {
      ConvSchedule s;
      s.tileRows = 5, s.tileCols = 4, s.tileO = 2, s.tileC = 2;
      s.order = order;
      s.inpSlots = s.wgtSlots = s.accSlots = slots;
      s.accSlots = std::min(slots, 2u);
      llvm::Expected<ConvPlan> p = planConvWithSchedule(Config(), op, s);
      ASSERT_TRUE(!!p) << llvm::toString(p.takeError());
      expectConvMatchesReference(*p, seed++);
    }
}

TEST(ConvPlanTest, ResNetLayersPlanAndRun) {
  // Smaller images than ResNet's keep the functional run quick; the bench
  // has the real sizes.
  ConvOp first = requantized(convOp(1, 3, 40, 40, 64, 7, 7, 2, 3));
  ConvOp mid = requantized(convOp(1, 64, 14, 14, 64, 3, 3, 1, 1));
  ConvOp down = requantized(convOp(1, 64, 14, 14, 128, 3, 3, 2, 1));
  ConvOp proj = requantized(convOp(1, 64, 14, 14, 256, 1, 1));
  unsigned seed = 70;
  for (const ConvOp &op : {first, mid, down, proj}) {
    ConvPlan p = plan(Config(), op);
    ASSERT_FALSE(p.insns.empty());
    RunStats stats = expectConvMatchesReference(p, seed++);
    EXPECT_GT(p.candidatesTimed, 1u);
    // The search never loses to the default schedule.
    ConvPlan d = plan(Config(), op, false);
    EXPECT_LE(p.estimate.cycles, d.estimate.cycles) << p.describe();
    (void)stats;
  }
}

TEST(ConvPlanTest, ErrorsNameTheProblem) {
  ConvOp big = convOp(1, 4, 8, 8, 4, 3, 3, 1, 20); // pad beyond 4-bit fields
  llvm::Expected<ConvPlan> p = planConv(Config(), big);
  ASSERT_FALSE(!!p);
  std::string text = llvm::toString(p.takeError());
  EXPECT_NE(text.find("padding"), std::string::npos) << text;
  ConvOp bad = convOp(1, 4, 8, 8, 4, 3, 3);
  bad.strideH = 0;
  llvm::Expected<ConvPlan> q = planConv(Config(), bad);
  ASSERT_FALSE(!!q);
  EXPECT_NE(llvm::toString(q.takeError()).find("stride"), std::string::npos);
  ConvPlan ok = plan(Config(), convOp(1, 4, 8, 8, 4, 3, 3));
  Simulator sim{Config()};
  std::vector<int8_t> x(10), w(144);
  llvm::Expected<PlanRun> r = runConv(sim, ok, x, w, {});
  ASSERT_FALSE(!!r);
  EXPECT_NE(llvm::toString(r.takeError()).find("elements"), std::string::npos);
}

TEST(ConvPlanTest, AsmAssemblesToThePlan) {
  const Config configs[] = {Config(), smallConfig(2, 8, 16, 128, 64, 128)};
  ConvOp op = requantized(convOp(3, 12, 9, 8, 20, 3, 3, 2, 1));
  op.operands.push_back(OperandShape::Full);
  op.epilogue.push_back({AluOp::Max, false, 0, 1});
  for (const Config &config : configs) {
    ConvPlan p = plan(config, op);
    std::string text;
    llvm::raw_string_ostream os(text);
    printConvPlanAsm(os, p, "conv0");
    expectAsmIsPlan(text, p,
                    {p.layout.xAddr, p.layout.wAddr, p.layout.operandAddrs[0],
                     p.layout.operandAddrs[1], p.layout.yAddr,
                     p.layout.uopAddr});
    EXPECT_NE(text.find("print Y"), std::string::npos);
  }
}

TEST(ConvPlanTest, TimingOnlyEqualsFullRun) {
  ConvOp op = requantized(convOp(2, 24, 10, 10, 40, 3, 3, 1, 1));
  ConvPlan p = plan(Config(), op);
  PlanInputs in = randomConvInputs(op, 90);
  Simulator sim(p.config);
  PlanRun run = cantFail(runConv(sim, p, in.lhs, in.rhs, in.operands));
  Simulator timer(p.config);
  RunResult timed = timer.runTimingOnly(p.insns);
  ASSERT_TRUE(timed.ok());
  EXPECT_EQ(run.stats.cycles, timed.stats.cycles);
  EXPECT_EQ(run.stats.totalBytes(), timed.stats.totalBytes());
  EXPECT_EQ(run.stats.macs, timed.stats.macs);
  EXPECT_EQ(run.stats.cycles, p.estimate.cycles);
}

TEST(ConvPlanTest, NoPaddedCopyInDram) {
  // The input occupies exactly its packed size: padding is LOAD padding.
  ConvOp op = requantized(convOp(1, 16, 10, 10, 16, 3, 3, 1, 1));
  ConvPlan p = plan(Config(), op);
  EXPECT_EQ(p.layout.wAddr - p.layout.xAddr,
            llvm::alignTo(10u * 10u * 16u, p.config.maxElemBytes()));
  // Input bytes loaded: at most the halo rows over the packed input.
  EXPECT_LE(p.estimate.bytes[size_t(Traffic::Inp)], 3u * 10 * 10 * 16);
}

} // namespace

namespace {

TEST(ConvPlanTest, WideImagesTileColumns) {
  // A window of whole rows does not fit INP: the columns are tiled, with
  // the left/right padding only on the edge tiles.
  ConvOp op = requantized(convOp(1, 3, 4, 1500, 8, 3, 3, 1, 1));
  for (bool search : {false, true}) {
    ConvPlan p = plan(Config(), op, search);
    ASSERT_FALSE(p.insns.empty());
    EXPECT_LT(p.schedule.tileCols, 1500u) << p.describe();
    expectConvMatchesReference(p, 80);
  }
}

TEST(ConvPlanTest, DefaultScheduleIsNeverBetterThanTheSearch) {
  unsigned seed = 85;
  for (const ConvOp &op :
       {requantized(convOp(1, 32, 20, 20, 48, 3, 3, 1, 1)),
        requantized(convOp(2, 48, 9, 9, 40, 1, 1)),
        requantized(convOp(1, 16, 17, 17, 16, 5, 5, 2, 2))}) {
    ConvPlan searched = plan(Config(), op);
    ConvPlan fixed = plan(Config(), op, false);
    EXPECT_LE(searched.estimate.cycles, fixed.estimate.cycles);
    expectConvMatchesReference(searched, seed++);
  }
}

} // namespace

namespace {

TEST(ConvPlanTest, RowStripsFillTheBatchRows) {
  // Fewer images than batch rows: each image becomes `strips` virtual
  // images (strips of output rows with their input halo).
  const Config b4 = smallConfig(4, 16, 16, 2048, 1024, 2048);
  ConvOp op = requantized(convOp(1, 20, 13, 11, 24, 3, 3, 1, 1));
  op.operands.push_back(OperandShape::Full);
  op.epilogue.insert(op.epilogue.begin() + 1, {AluOp::Add, false, 0, 1});
  ConvOp s2 = requantized(convOp(3, 5, 15, 9, 7, 5, 3, 2, 2));
  s2.padBottom = 0, s2.padLeft = 1;
  unsigned seed = 95;
  for (const ConvOp &c : {op, s2})
    for (uint32_t strips : {2u, 4u, 3u}) {
      ConvSchedule s = defaultConvSchedule(b4, stripConvOp(c, strips));
      s.strips = strips;
      llvm::Expected<ConvPlan> p = planConvWithSchedule(b4, c, s);
      ASSERT_TRUE(!!p) << llvm::toString(p.takeError());
      expectConvMatchesReference(*p, seed++);
    }
  // The search takes them when they pay: one image on a batch-4 machine.
  ConvOp big = requantized(convOp(1, 32, 28, 28, 32, 3, 3, 1, 1));
  ConvPlan searched = plan(b4, big);
  EXPECT_EQ(searched.schedule.strips, 4u) << searched.describe();
  expectConvMatchesReference(searched, seed++);
  // And the .tasm of a striped plan assembles to it.
  std::string text;
  llvm::raw_string_ostream os(text);
  printConvPlanAsm(os, searched, "strips");
  std::unique_ptr<Assembled> as = assembleText(text, b4);
  ASSERT_TRUE(as->program.has_value())
      << (as->diagnostics.empty() ? "" : as->diagnostics[0]);
  EXPECT_EQ(as->program->insns, searched.insns);
  EXPECT_EQ(as->program->buffers[3].address, searched.layout.yAddr);
}

} // namespace

namespace {

TEST(ConvPlanTest, BiasReloadedPerOutputChannelTile) {
  // ACC too small for the whole bias: its part follows the o tile.
  const Config tiny = smallConfig(1, 4, 4, 256, 256, 16);
  ConvOp op = requantized(convOp(1, 6, 5, 4, 40, 3, 3, 1, 1));
  for (ConvOrder order : {ConvOrder::PixelsOuter, ConvOrder::ChannelsOuter}) {
    ConvSchedule s;
    s.tileRows = 1, s.tileCols = 2, s.tileO = 2, s.tileC = 1;
    s.order = order;
    llvm::Expected<ConvPlan> p = planConvWithSchedule(tiny, op, s);
    ASSERT_TRUE(!!p) << llvm::toString(p.takeError());
    EpilogueUse epi = analyzeConvEpilogue(op);
    EXPECT_FALSE(computeConvTiling(tiny, op, epi, s).rowWhole);
    expectConvMatchesReference(*p, 110);
  }
  expectConvMatchesReference(plan(tiny, op), 111);
}

} // namespace

namespace {

TEST(ConvPlanTest, StridedOneByOneSkipsUnreadRows) {
  // 1x1 stride 2 without padding: LOADs read every other input row only.
  ConvOp op = requantized(convOp(1, 32, 20, 20, 32, 1, 1, 2, 0));
  ConvPlan p = plan(Config(), op);
  EpilogueUse epi = analyzeConvEpilogue(op);
  EXPECT_TRUE(computeConvTiling(Config(), op, epi, p.schedule).rowSkip);
  EXPECT_LE(p.estimate.bytes[size_t(Traffic::Inp)], 10u * 20 * 32);
  expectConvMatchesReference(p, 120);
  // With the batch rows split into row strips too.
  const Config b2 = smallConfig(2, 16, 16, 2048, 1024, 2048);
  ConvSchedule s = defaultConvSchedule(b2, stripConvOp(op, 2));
  s.strips = 2;
  expectConvMatchesReference(cantFail(planConvWithSchedule(b2, op, s)), 121);
}

} // namespace

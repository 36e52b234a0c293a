//===- GemmPlanTest.cpp - planned GEMMs compute what the reference does --===//
//
// Every case plans a GemmOp (with the search, with the fixed template, or
// with a forced schedule), runs it on the functional + timing simulator
// through runGemm, and compares C with referenceGemm element by element.
//
//===----------------------------------------------------------------------===//
#include "GemmTestHelpers.h"

#include "backends/accel/mapping/gemm/GemmEpilogue.h"
#include "backends/accel/mapping/gemm/GemmSearch.h"

#include <random>

using namespace tdl::accel;
using namespace tdl::accel::test;

namespace {

GemmPlan plan(const Config &config, const GemmOp &op, bool search) {
  PlanOptions options;
  options.search = search;
  llvm::Expected<GemmPlan> p = planGemm(config, op, options);
  if (!p) {
    ADD_FAILURE() << op.describe() << ": " << llvm::toString(p.takeError());
    return {};
  }
  return std::move(*p);
}

void checkBoth(const Config &config, const GemmOp &op, unsigned seed) {
  for (bool search : {false, true}) {
    GemmPlan p = plan(config, op, search);
    if (!p.insns.empty())
      expectPlanMatchesReference(p, seed);
  }
}

TEST(GemmPlanTest, ReferenceSemantics) {
  // 2x3 · 3x2 by hand, + bias, then wrap to i8.
  GemmOp op{2, 2, 3, {OperandShape::Row}, {{AluOp::Add, false, 0, 0}}};
  std::vector<int8_t> a = {1, 2, 3, -4, 5, 6};
  std::vector<int8_t> b = {1, 2, 3, 4, 5, 100};
  std::vector<std::vector<int32_t>> bias = {{10, -300}};
  // Row 0: [1+6+15, 2+8+300] = [22, 310]; row 1: [-4+15+30, -8+20+600].
  std::vector<int8_t> c = referenceGemm(op, a, b, bias);
  EXPECT_EQ(c, (std::vector<int8_t>{32, int8_t(10), 51, int8_t(312)}));
}

TEST(GemmPlanTest, OneByOneByOne) {
  checkBoth(Config(), GemmOp{1, 1, 1, {}, {}}, 1);
  checkBoth(Config(), requantizedGemm(1, 1, 1), 2);
}

TEST(GemmPlanTest, BlockMultiples) {
  checkBoth(Config(), GemmOp{64, 64, 64, {}, {}}, 3);
  checkBoth(Config(), requantizedGemm(128, 32, 48), 4);
}

TEST(GemmPlanTest, RaggedShapes) {
  for (auto [m, n, k] : {std::tuple{3u, 5u, 7u},
                         {17u, 33u, 15u},
                         {100u, 1u, 300u},
                         {1u, 200u, 40u},
                         {65u, 47u, 129u}})
    checkBoth(Config(), requantizedGemm(m, n, k), m + n + k);
}

TEST(GemmPlanTest, ReductionLongerThanOneTile) {
  // K = 2048 (128 blocks): the template takes 8 K steps.
  checkBoth(Config(), requantizedGemm(20, 40, 2048), 5);
}

TEST(GemmPlanTest, TallAndSkinny) {
  checkBoth(Config(), requantizedGemm(700, 16, 32), 6);
  checkBoth(Config(), requantizedGemm(2, 300, 64), 7);
}

TEST(GemmPlanTest, FullOperandAndMul) {
  // Full operand added first (loaded as the initial accumulator), a MUL
  // by a second full operand, a bias, shift and clamp.
  GemmOp op{37,
            50,
            70,
            {OperandShape::Full, OperandShape::Full, OperandShape::Row},
            {}};
  op.epilogue = {{AluOp::Add, false, 0, 0}, {AluOp::Mul, false, 0, 1},
                 {AluOp::Add, false, 0, 2}, {AluOp::Mul, true, 3, 0},
                 {AluOp::Shr, true, 4, 0},  {AluOp::Max, true, -100, 0},
                 {AluOp::Min, true, 100, 0}};
  checkBoth(Config(), op, 8);
  // A full operand that is not first, and a negative shift (left).
  GemmOp late{9, 18, 20, {OperandShape::Full}, {}};
  late.epilogue = {{AluOp::Shr, true, -2, 0},
                   {AluOp::Add, false, 0, 0},
                   {AluOp::Min, false, 0, 0}};
  checkBoth(Config(), late, 9);
}

TEST(GemmPlanTest, EpilogueLowering) {
  // + bias, + 32, + full, >> 6: the full operand becomes the initial
  // accumulator, 32 rides on the bias (read once), three ALU passes left.
  GemmOp op{19, 21, 40, {OperandShape::Row, OperandShape::Full}, {}};
  op.epilogue = {{AluOp::Add, false, 0, 0},
                 {AluOp::Add, true, 32, 0},
                 {AluOp::Add, false, 0, 1},
                 {AluOp::Shr, true, 6, 0}};
  EpilogueUse use = analyzeEpilogue(op);
  EXPECT_TRUE(use.fusedInit);
  ASSERT_EQ(use.steps.size(), 3u);
  EXPECT_EQ(use.steps[0], op.epilogue[2]);
  EXPECT_EQ(use.steps[1], op.epilogue[0]);
  EXPECT_EQ(use.steps[2], op.epilogue[3]);
  EXPECT_EQ(use.packAdd, (std::vector<int32_t>{32, 0}));
  EXPECT_EQ(use.fullArea, (std::vector<int>{-1, -1})); // loaded as the init
  EXPECT_EQ(use.rowArea, (std::vector<int>{0, -1}));
  checkBoth(Config(), op, 15);

  // A bias read twice cannot carry the immediate; an ADD after a SHR
  // starts a new run (not the initial accumulator).
  GemmOp twice{19, 21, 40, {OperandShape::Row, OperandShape::Full}, {}};
  twice.epilogue = {{AluOp::Add, false, 0, 0}, {AluOp::Add, true, -7, 0},
                    {AluOp::Shr, true, 2, 0},  {AluOp::Add, false, 0, 1},
                    {AluOp::Add, true, 5, 0},  {AluOp::Min, false, 0, 0}};
  EpilogueUse kept = analyzeEpilogue(twice);
  EXPECT_FALSE(kept.fusedInit);
  EXPECT_EQ(kept.steps.size(), 5u); // only +5 folds (into the full operand)
  EXPECT_EQ(kept.packAdd, (std::vector<int32_t>{0, 5}));
  checkBoth(Config(), twice, 16);
}

TEST(GemmPlanTest, NonDefaultConfigs) {
  // batch 2 and 4, blocks 8 and 32, and depths small enough to force
  // tiling in every dimension.
  checkBoth(smallConfig(2, 16, 16, 2048, 1024, 2048),
            requantizedGemm(7, 40, 50), 10);
  checkBoth(smallConfig(4, 8, 8, 64, 32, 64), requantizedGemm(30, 45, 70), 11);
  checkBoth(smallConfig(1, 32, 32, 128, 64, 128), requantizedGemm(50, 100, 90),
            12);
  checkBoth(smallConfig(1, 16, 16, 8, 4, 8, 64), requantizedGemm(33, 65, 100),
            13);
  checkBoth(smallConfig(4, 32, 8, 16, 16, 16), requantizedGemm(21, 17, 200),
            14);
}

TEST(GemmPlanTest, SmallMicroOpBuffer) {
  // 32 micro-ops: the template's 16-block K sets do not fit; it shrinks,
  // and the search skips candidates that need too many.
  Config config = smallConfig(1, 16, 16, 2048, 1024, 2048, 32);
  checkBoth(config, GemmOp{40, 11, 82, {}, {}}, 17);
  checkBoth(config, requantizedGemm(22, 58, 97), 18);
}

TEST(GemmPlanTest, RandomShapesAndEpilogues) {
  std::mt19937 rng(2024);
  auto pick = [&](uint32_t lo, uint32_t hi) {
    return std::uniform_int_distribution<uint32_t>(lo, hi)(rng);
  };
  const Config configs[] = {Config(), smallConfig(2, 8, 16, 64, 32, 64),
                            smallConfig(1, 16, 8, 32, 16, 32, 256),
                            smallConfig(4, 16, 32, 256, 64, 128)};
  for (int trial = 0; trial < 24; ++trial) {
    GemmOp op{pick(1, 90), pick(1, 90), pick(1, 160), {}, {}};
    unsigned numOperands = pick(0, 2);
    for (unsigned i = 0; i < numOperands; ++i)
      op.operands.push_back(pick(0, 1) ? OperandShape::Row
                                       : OperandShape::Full);
    unsigned steps = pick(0, 4);
    for (unsigned s = 0; s < steps; ++s) {
      EpilogueStep step;
      step.op = AluOp(pick(0, 4));
      step.useImm = numOperands == 0 || pick(0, 1);
      step.imm = int16_t(step.op == AluOp::Shr ? pick(0, 9) : pick(0, 400));
      step.imm = step.op == AluOp::Shr ? step.imm : int16_t(step.imm - 200);
      step.operand = numOperands ? pick(0, numOperands - 1) : 0;
      op.epilogue.push_back(step);
    }
    checkBoth(configs[trial % 4], op, 100 + trial);
  }
}

TEST(GemmPlanTest, EveryStructuralVariant) {
  // Force each mapping / loop order / residency / slot variant on ragged
  // cases, with a bias, a full operand and a clamp.
  const Config configs[] = {smallConfig(1, 16, 16, 256, 64, 128),
                            smallConfig(4, 8, 16, 512, 128, 128)};
  GemmOp op = requantizedGemm(45, 70, 150);
  op.operands.push_back(OperandShape::Full);
  op.epilogue.insert(op.epilogue.begin() + 1, {AluOp::Add, false, 0, 1});
  for (const Config &config : configs)
    for (bool transposed : {false, true})
      for (TileOrder order : {TileOrder::MOuter, TileOrder::NOuter})
        for (bool resident : {false, true})
          for (uint32_t slots : {1u, 2u})
            for (bool reuse : {false, true}) {
              GemmSchedule s;
              s.transposed = transposed;
              s.tileM = 7, s.tileN = 2, s.tileK = 3;
              s.order = order;
              s.outerResident = resident;
              s.loadSlots = s.accSlots = s.panelSlots = slots;
              s.reuseLoaded = reuse;
              llvm::Expected<GemmPlan> p = planGemmWithSchedule(config, op, s);
              ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
              expectPlanMatchesReference(*p, 77);
            }
}

TEST(GemmPlanTest, RowOperandsReloadedPerTile) {
  // ACC too small to keep a whole bias: it follows the tiles along its
  // axis (N, or M when transposed), in both loop orders.
  Config config = smallConfig(1, 16, 16, 64, 32, 16);
  GemmOp op = requantizedGemm(20, 200, 40);
  for (bool transposed : {false, true})
    for (TileOrder order : {TileOrder::MOuter, TileOrder::NOuter}) {
      GemmSchedule s;
      s.transposed = transposed;
      s.tileM = transposed ? 3 : 2, s.tileN = transposed ? 1 : 3;
      s.tileK = 2;
      s.order = order;
      llvm::Expected<GemmPlan> p = planGemmWithSchedule(config, op, s);
      ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
      expectPlanMatchesReference(*p, 21);
    }
}

TEST(GemmPlanTest, TransposedMappingForFewColumns) {
  // N = 35 pads to 48 columns of block_out; computing C^T puts N on the
  // batch rows instead (no padding) — the search finds that.
  GemmPlan p = plan(Config(), requantizedGemm(700, 35, 256), true);
  EXPECT_TRUE(p.schedule.transposed) << p.schedule.describe();
  expectPlanMatchesReference(p, 31);
}

TEST(GemmPlanTest, EveryTimedCandidateIsCorrect) {
  // Not only the winner: the first candidates of the search all compute C.
  Config config = smallConfig(2, 16, 16, 128, 64, 128);
  GemmOp op = requantizedGemm(24, 48, 80);
  std::vector<ScoredSchedule> candidates = enumerateSchedules(config, op, 40);
  ASSERT_GE(candidates.size(), 40u);
  for (size_t i = 0; i < 40; ++i) {
    llvm::Expected<GemmPlan> p =
        planGemmWithSchedule(config, op, candidates[i].schedule);
    ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
    expectPlanMatchesReference(*p, 5);
  }
}

} // namespace

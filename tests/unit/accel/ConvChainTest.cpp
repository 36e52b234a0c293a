//===- ConvChainTest.cpp - convs passing blocked activations in DRAM ------===//
//
// A conv planned with a channel-major result (ConvOp::yChannelMajor)
// computes referenceConv's values, and its DRAM bytes are, as they are,
// the next conv's packed input (ConvBlockedIo): the chain equals the two
// reference convs one after the other (docs/accel-backend.md, "Layouts
// across regions").
//
//===----------------------------------------------------------------------===//
#include "ConvTestHelpers.h"
#include "GemmTestHelpers.h"

namespace tdl::accel::test {
namespace {

TEST(ConvChannelMajor, MatchesTheReference) {
  Config small = smallConfig(2, 8, 8, 2048, 1024, 2048);
  struct Case {
    Config config;
    ConvOp op;
  } cases[] = {
      {Config{}, requantized(convOp(1, 32, 12, 12, 48, 3, 3, 1, 1))},
      {Config{}, requantized(convOp(1, 40, 9, 7, 24, 3, 3, 2, 1))},
      {Config{}, requantized(convOp(1, 64, 6, 6, 64, 1, 1))},
      {small, requantized(convOp(3, 20, 8, 8, 20, 3, 3, 1, 1))},
  };
  for (Case c : cases) {
    c.op.yChannelMajor = true;
    llvm::Expected<ConvPlan> plan = planConv(c.config, c.op);
    ASSERT_TRUE(bool(plan)) << llvm::toString(plan.takeError());
    EXPECT_EQ(plan->schedule.tileO, 1u) << plan->describe();
    expectConvMatchesReference(*plan, 7);
  }
}

TEST(ConvChannelMajor, WithAPoolMatchesTheReference) {
  ConvOp op = requantized(convOp(1, 16, 16, 16, 32, 3, 3, 1, 1));
  op.pool.kh = op.pool.kw = op.pool.strideH = op.pool.strideW = 2;
  op.yChannelMajor = true;
  llvm::Expected<ConvPlan> plan = planConv(Config{}, op);
  ASSERT_TRUE(bool(plan)) << llvm::toString(plan.takeError());
  expectConvMatchesReference(*plan, 3);
}

TEST(ConvChannelMajor, RejectsTilesOfSeveralOBlocks) {
  ConvOp op = requantized(convOp(1, 16, 8, 8, 64, 3, 3, 1, 1));
  op.yChannelMajor = true;
  ConvSchedule s = defaultConvSchedule(Config{}, op);
  EXPECT_EQ(s.tileO, 1u);
  s.tileO = 2;
  llvm::Expected<ConvPlan> plan = planConvWithSchedule(Config{}, op, s);
  ASSERT_FALSE(bool(plan));
  EXPECT_NE(llvm::toString(plan.takeError()).find("channel-major"),
            std::string::npos);
}

/// conv a (channel-major y) -> conv b reading a's DRAM bytes as its x.
void expectChainMatches(const Config &config, ConvOp a, ConvOp b,
                        unsigned seed) {
  a.yChannelMajor = true;
  llvm::Expected<ConvPlan> pa = planConv(config, a);
  ASSERT_TRUE(bool(pa)) << llvm::toString(pa.takeError());
  llvm::Expected<ConvPlan> pb = planConv(config, b);
  ASSERT_TRUE(bool(pb)) << llvm::toString(pb.takeError());
  PlanInputs ia = randomConvInputs(a, seed), ib = randomConvInputs(b, seed + 9);
  Simulator sim(config);
  std::vector<uint8_t> blocked;
  llvm::Expected<PlanRun> ra = runConv(sim, *pa, ia.lhs, ia.rhs, ia.operands,
                                       nullptr, {nullptr, &blocked});
  ASSERT_TRUE(bool(ra)) << llvm::toString(ra.takeError());
  EXPECT_TRUE(ra->out.empty());
  ASSERT_EQ(blocked.size(), convXBlockedBytes(*pb));
  llvm::Expected<PlanRun> rb = runConv(sim, *pb, {}, ib.rhs, ib.operands,
                                       nullptr, {blocked.data(), nullptr});
  ASSERT_TRUE(bool(rb)) << llvm::toString(rb.takeError());
  std::vector<int8_t> mid = referenceConv(a, ia.lhs, ia.rhs, ia.operands);
  std::vector<int8_t> want = referenceConv(b, mid, ib.rhs, ib.operands);
  ASSERT_EQ(rb->out.size(), want.size());
  size_t bad = 0;
  for (size_t i = 0; i < want.size(); ++i)
    bad += rb->out[i] != want[i];
  EXPECT_EQ(bad, 0u) << pa->describe() << " -> " << pb->describe();
}

TEST(ConvChain, BlockedActivationsBetweenConvs) {
  // 3x3 -> 3x3 (a ResNet block's two convs), 3x3 stride 2 -> 1x1,
  // channels not a multiple of the block (zero lanes in between).
  expectChainMatches(Config{},
                     requantized(convOp(1, 32, 10, 10, 32, 3, 3, 1, 1)),
                     requantized(convOp(1, 32, 10, 10, 48, 3, 3, 1, 1)), 1);
  expectChainMatches(Config{},
                     requantized(convOp(1, 16, 15, 15, 64, 3, 3, 2, 1)),
                     requantized(convOp(1, 64, 8, 8, 32, 1, 1)), 2);
  expectChainMatches(Config{}, requantized(convOp(1, 24, 7, 7, 40, 3, 3, 1, 1)),
                     requantized(convOp(1, 40, 7, 7, 8, 3, 3, 1, 1)), 3);
  // Several images on a batch-2 machine with 8-lane blocks.
  expectChainMatches(smallConfig(2, 8, 8, 2048, 1024, 2048),
                     requantized(convOp(4, 12, 6, 6, 20, 3, 3, 1, 1)),
                     requantized(convOp(4, 20, 6, 6, 8, 3, 3, 1, 1)), 4);
}

} // namespace
} // namespace tdl::accel::test

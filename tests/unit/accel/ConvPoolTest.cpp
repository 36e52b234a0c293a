//===- ConvPoolTest.cpp - max pools fused into conv programs --------------===//
//
// ConvPool.h's index helpers by hand; referenceConv's pool by hand; then
// fused pools planned (search, default and forced small schedules whose
// pool windows cross tile edges), run on the simulator through runConv and
// compared with referenceConv; and the cases the planner must refuse.
//
//===----------------------------------------------------------------------===//
#include "ConvTestHelpers.h"
#include "GemmTestHelpers.h"

#include "backends/accel/mapping/conv/ConvPool.h"

using namespace tdl::accel;
using namespace tdl::accel::test;

namespace {

ConvPool pool(uint32_t k, uint32_t stride, uint32_t pad = 0) {
  return ConvPool{k, k, stride, stride, pad, pad, pad, pad};
}

ConvPool average(ConvPool p) {
  p.average = true;
  return p;
}

TEST(ConvPoolTest, IndexHelpers) {
  EXPECT_EQ(pooledSize(8, 2, 2, 0, 0), 4u);
  EXPECT_EQ(pooledSize(15, 3, 2, 1, 1), 8u); // ResNet's stem pool
  EXPECT_EQ(pooledSize(7, 3, 1, 0, 0), 5u);
  EXPECT_EQ(pooledSize(2, 3, 1, 0, 0), 0u);
  // Pooled rows 0..2 of a 3x3 / 2 pool with padding 1 read conv rows 0..5.
  PoolSpan s = poolSpan(0, 3, 15, 3, 2, 1);
  EXPECT_EQ(s.first, 0u);
  EXPECT_EQ(s.count, 6u);
  // The last pooled row (7) reads rows 13, 14 (15 is padding).
  s = poolSpan(7, 1, 15, 3, 2, 1);
  EXPECT_EQ(s.first, 13u);
  EXPECT_EQ(s.count, 2u);
  // Window offset 0 of pooled row 0 is the padding row -1: it starts at 1.
  EXPECT_EQ(poolReads(0, 3, 15, 2, 1, 0),
            (std::pair<uint32_t, uint32_t>{1, 3}));
  EXPECT_EQ(poolReads(7, 1, 15, 2, 1, 2),
            (std::pair<uint32_t, uint32_t>{0, 0}));
  EXPECT_EQ(poolReads(7, 1, 15, 2, 1, 1),
            (std::pair<uint32_t, uint32_t>{0, 1}));
}

TEST(ConvPoolTest, ReferenceByHand) {
  // A 1x1 conv with weight 1 copies x; the pool takes maxima of x.
  ConvOp op = convOp(1, 1, 3, 4, 1, 1, 1);
  op.pool = ConvPool{2, 2, 1, 2, 0, 0, 0, 0};
  std::vector<int8_t> x = {1,  -5, 7,  2,  //
                           -8, 3,  -1, -2, //
                           4,  0,  9,  -128};
  EXPECT_EQ(op.yH(), 2u);
  EXPECT_EQ(op.yW(), 2u);
  EXPECT_EQ(referenceConv(op, x, {1}, {}), (std::vector<int8_t>{3, 7, 4, 9}));
  // Padding is ignored, not a zero: a window of negatives stays negative.
  op.pool = ConvPool{2, 2, 2, 2, 1, 0, 1, 0};
  std::vector<int8_t> neg(12, -3);
  neg[0] = -100;
  EXPECT_EQ(referenceConv(op, neg, {1}, {})[0], -100);
  // Average: padding counts as zeros, the quotient rounds half up:
  // (-100 + 2) / 4 = -24.5 -> floor(-24.5) = -25; (1 - 5 - 8 + 3 + 2) / 4.
  op.pool = average(ConvPool{2, 2, 2, 2, 1, 0, 1, 0});
  EXPECT_EQ(referenceConv(op, neg, {1}, {})[0], -25);
  op.pool = average(ConvPool{2, 2, 2, 2, 0, 0, 0, 0});
  EXPECT_EQ(referenceConv(op, x, {1}, {})[0], -2);
}

TEST(ConvPoolTest, FusedPoolsMatchTheReference) {
  struct Case {
    ConvOp op;
    ConvPool pool;
  };
  ConvOp wrapping = convOp(1, 16, 9, 9, 16, 3, 3, 1, 1);
  wrapping.epilogue = {{AluOp::Shr, true, 5, 0}}; // narrowing wraps
  std::vector<Case> cases = {
      {requantized(convOp(1, 16, 12, 12, 16, 3, 3, 1, 1)), pool(2, 2)},
      {requantized(convOp(1, 8, 17, 17, 16, 3, 3)), pool(3, 2, 1)},
      {requantized(convOp(2, 16, 7, 9, 24, 1, 1)), pool(3, 1)},
      {requantized(convOp(1, 16, 9, 10, 16, 3, 3, 1, 1)),
       ConvPool{2, 3, 2, 1, 0, 1, 1, 2}},
      {wrapping, pool(2, 2)},
      {requantized(convOp(1, 16, 12, 12, 16, 3, 3, 1, 1)), average(pool(2, 2))},
      {requantized(convOp(1, 8, 11, 13, 16, 3, 3)),
       average(ConvPool{2, 4, 2, 2, 1, 1, 1, 2})},
      {wrapping, average(pool(4, 4, 1))},
  };
  unsigned seed = 300;
  for (Case &c : cases) {
    c.op.pool = c.pool;
    for (bool search : {false, true}) {
      PlanOptions options;
      options.search = search;
      llvm::Expected<ConvPlan> p = planConv(Config(), c.op, options);
      ASSERT_TRUE(!!p) << c.op.describe() << ": "
                       << llvm::toString(p.takeError());
      expectConvMatchesReference(*p, seed++);
    }
    // Small tiles: windows cross tile edges, rows are recomputed.
    for (uint32_t rows : {1u, 2u, 3u})
      for (uint32_t cols : {1u, 2u}) {
        ConvSchedule s;
        s.tileRows = rows, s.tileCols = cols, s.tileO = 1, s.tileC = 1;
        llvm::Expected<ConvPlan> p = planConvWithSchedule(Config(), c.op, s);
        ASSERT_TRUE(!!p) << llvm::toString(p.takeError());
        expectConvMatchesReference(*p, seed++);
      }
  }
}

TEST(ConvPoolTest, RefusedPoolsNameTheProblem) {
  ConvOp op = requantized(convOp(1, 16, 8, 8, 16, 3, 3, 1, 1));
  op.pool = pool(2, 2, 2); // padding as large as the window
  llvm::Expected<ConvPlan> p = planConv(Config(), op);
  ASSERT_FALSE(!!p);
  EXPECT_NE(llvm::toString(p.takeError()).find("max pool"), std::string::npos);
  op.pool = average(pool(3, 2)); // a window area of 9: no shift divides
  llvm::Expected<ConvPlan> a = planConv(Config(), op);
  ASSERT_FALSE(!!a);
  EXPECT_NE(llvm::toString(a.takeError()).find("power of two"),
            std::string::npos);
  op.pool = pool(2, 2);
  ConvSchedule s;
  s.tileRows = 2, s.tileCols = 2, s.strips = 2;
  llvm::Expected<ConvPlan> q = planConvWithSchedule(Config(), op, s);
  ASSERT_FALSE(!!q);
  EXPECT_NE(llvm::toString(q.takeError()).find("strips"), std::string::npos);
}

} // namespace

//===- ReduceTest.cpp - reductions and arg-reductions ---------------------===//
#include "InterpTestUtil.h"

#include <cmath>
#include <limits>

using namespace tdl::ir;
using namespace tdl::ir::test;

namespace {

TEST(InterpReduce, SumOverSeveralAxesMatchesLoops) {
  // x[i][j][k] = i*12 + j*4 + k - 7, shape [2,3,4]; sum over axes 0 and 2.
  std::vector<int32_t> xs;
  for (int i = 0; i < 24; ++i)
    xs.push_back(i - 7);
  RuntimeValue out =
      runOp(Opcode::ReduceSum, {tensor<int32_t>(DType::I32, {2, 3, 4}, xs)},
            {{"axes", Attribute(IntArray{0, 2})}});
  EXPECT_EQ(out.getType(), T(DType::I32, {3}));
  std::vector<int32_t> expect(3, 0);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k)
        expect[j] += i * 12 + j * 4 + k - 7;
  EXPECT_EQ(out.toVector<int32_t>(), expect);
}

TEST(InterpReduce, AllAxesGivesAScalar) {
  RuntimeValue out = runOp(Opcode::ReduceProd,
                           {tensor<int64_t>(DType::I64, {2, 2}, {1, 2, 3, 4})},
                           {{"axes", Attribute(IntArray{0, 1})}});
  EXPECT_EQ(out.getType(), T(DType::I64));
  EXPECT_EQ(out.toVector<int64_t>()[0], 24);
}

TEST(InterpReduce, SumAccumulatesInF32) {
  // 1 + 2^-24 + 2^-24 in f32 row-major order stays 1 (each add rounds), a
  // double accumulator would give 1 + 2^-23.
  float tiny = std::ldexp(1.0f, -24);
  RuntimeValue out = runOp(Opcode::ReduceSum,
                           {tensor<float>(DType::F32, {3}, {1.0f, tiny, tiny})},
                           {{"axes", Attribute(IntArray{0})}});
  EXPECT_EQ(out.toVector<float>()[0], 1.0f);
}

TEST(InterpReduce, MaxMinWithNaNAndIntegers) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  RuntimeValue x = tensor<float>(DType::F32, {2, 3}, {1, nan, 3, -4, 5, -6});
  auto mx = runOp(Opcode::ReduceMax, {x}, {{"axes", Attribute(IntArray{1})}})
                .toVector<float>();
  EXPECT_TRUE(std::isnan(mx[0]));
  EXPECT_EQ(mx[1], 5.0f);
  auto mn = runOp(Opcode::ReduceMin, {x}, {{"axes", Attribute(IntArray{1})}})
                .toVector<float>();
  EXPECT_TRUE(std::isnan(mn[0]));
  EXPECT_EQ(mn[1], -6.0f);
  auto imax = runOp(Opcode::ReduceMax,
                    {tensor<int8_t>(DType::I8, {2, 2}, {-128, -100, 5, 3})},
                    {{"axes", Attribute(IntArray{0})}})
                  .toVector<int8_t>();
  EXPECT_EQ(imax, (std::vector<int8_t>{5, 3}));
}

TEST(InterpReduce, EmptyReductionGivesTheIdentity) {
  RuntimeValue x = tensor<float>(DType::F32, {2, 0}, {});
  EXPECT_EQ(runOp(Opcode::ReduceSum, {x}, {{"axes", Attribute(IntArray{1})}})
                .toVector<float>(),
            (std::vector<float>{0, 0}));
  EXPECT_EQ(runOp(Opcode::ReduceMax, {x}, {{"axes", Attribute(IntArray{1})}})
                .toVector<float>()[0],
            -std::numeric_limits<float>::infinity());
}

TEST(InterpReduce, ArgMaxArgMinFirstIndexAndNaN) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  // Rows: ties pick the first, a NaN wins like NumPy's argmax.
  RuntimeValue x = tensor<float>(DType::F32, {3, 4},
                                 {1, 5, 5, 0,     //
                                  2, nan, 9, nan, //
                                  -1, -3, -3, -2});
  EXPECT_EQ(runOp(Opcode::ArgMax, {x}, {{"axis", Attribute(int64_t(1))}})
                .toVector<int64_t>(),
            (std::vector<int64_t>{1, 1, 0}));
  EXPECT_EQ(runOp(Opcode::ArgMin, {x}, {{"axis", Attribute(int64_t(1))}})
                .toVector<int64_t>(),
            (std::vector<int64_t>{3, 1, 1}));
  // Along axis 0 of the same data.
  EXPECT_EQ(runOp(Opcode::ArgMax, {x}, {{"axis", Attribute(int64_t(0))}})
                .toVector<int64_t>(),
            (std::vector<int64_t>{1, 1, 1, 1}));
}

} // namespace

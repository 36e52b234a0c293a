//===- CreationTest.cpp - iota, constant, rng, tuples ---------------------===//
#include "InterpTestUtil.h"

#include <cmath>

using namespace tdl::ir;
using namespace tdl::ir::test;

namespace {

TEST(InterpCreation, IotaAlongAnAxis) {
  RuntimeValue out = runOp(Opcode::Iota, {},
                           {{"shape", Attribute(IntArray{2, 3})},
                            {"dtype", Attribute(DType::F32)},
                            {"axis", Attribute(int64_t(1))}});
  EXPECT_EQ(out.toVector<float>(), (std::vector<float>{0, 1, 2, 0, 1, 2}));
  RuntimeValue rows = runOp(Opcode::Iota, {},
                            {{"shape", Attribute(IntArray{2, 3})},
                             {"dtype", Attribute(DType::I64)},
                             {"axis", Attribute(int64_t(0))}});
  EXPECT_EQ(rows.toVector<int64_t>(), (std::vector<int64_t>{0, 0, 0, 1, 1, 1}));
}

TEST(InterpCreation, Constants) {
  EXPECT_EQ(runOp(Opcode::Constant, {}, {{"value", Attribute(0.1)}},
                  {T(DType::F32, {2})})
                .toVector<float>(),
            (std::vector<float>{0.1f, 0.1f}));
  EXPECT_EQ(runOp(Opcode::Constant, {}, {{"value", Attribute(int64_t(-3))}},
                  {T(DType::I8, {3})})
                .toVector<int8_t>(),
            (std::vector<int8_t>{-3, -3, -3}));
  EXPECT_EQ(runOp(Opcode::Constant, {}, {{"value", Attribute(true)}},
                  {T(DType::Bool, {1})})
                .toVector<uint8_t>(),
            (std::vector<uint8_t>{1}));
  std::vector<int64_t> dense{1, -2, 3, 1LL << 40};
  EXPECT_EQ(runOp(Opcode::Constant, {},
                  {{"value", Attribute(DenseElements::from<int64_t>(DType::I64,
                                                                    dense))}},
                  {T(DType::I64, {2, 2})})
                .toVector<int64_t>(),
            dense);
}

RuntimeValue rng(Opcode op, int64_t seed, DType dt, IntArray shape) {
  return runOp(op, {RuntimeValue::scalar<int64_t>(DType::I64, seed)},
               {{"shape", Attribute(shape)}, {"dtype", Attribute(dt)}});
}

TEST(InterpRng, UniformF32FollowsThePhiloxMapping) {
  // Seed 0, block 0 is Philox4x32-10(counter 0, key 0), whose published
  // output is {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}; element i
  // takes word i and keeps its top 24 bits.
  std::vector<float> got =
      rng(Opcode::RngUniform, 0, DType::F32, {4}).toVector<float>();
  uint32_t words[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(got[i], float(words[i] >> 8) / 16777216.0f) << i;
  // f64 element 0 uses words 0 and 1 (53 bits).
  double d = rng(Opcode::RngUniform, 0, DType::F64, {1}).toVector<double>()[0];
  uint64_t bits = (uint64_t(0xe169c58d) << 32) | 0x6627e8d5;
  EXPECT_EQ(d, double(bits >> 11) / 9007199254740992.0);
}

TEST(InterpRng, ReproducibleAndSeedDependent) {
  auto a = rng(Opcode::RngUniform, 42, DType::F32, {3, 5}).toVector<float>();
  auto b = rng(Opcode::RngUniform, 42, DType::F32, {3, 5}).toVector<float>();
  auto c = rng(Opcode::RngUniform, 43, DType::F32, {3, 5}).toVector<float>();
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (float v : a)
    EXPECT_TRUE(v >= 0.0f && v < 1.0f);
}

TEST(InterpRng, NormalHasUnitMoments) {
  auto z = rng(Opcode::RngNormal, 7, DType::F64, {20000}).toVector<double>();
  double mean = 0, var = 0;
  for (double v : z)
    mean += v;
  mean /= z.size();
  for (double v : z)
    var += (v - mean) * (v - mean);
  var /= z.size();
  // Standard errors: 1/sqrt(20000) ~ 0.007 for the mean, ~0.01 for the
  // variance; 5 sigma bounds.
  EXPECT_NEAR(mean, 0.0, 0.035);
  EXPECT_NEAR(var, 1.0, 0.05);
  // The f32 values are the f64 ones rounded.
  auto zf = rng(Opcode::RngNormal, 7, DType::F32, {4}).toVector<float>();
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(zf[i], float(z[i]));
}

TEST(InterpCreation, TupleAndGet) {
  RuntimeValue a = tensor<float>(DType::F32, {2}, {1, 2});
  RuntimeValue b = RuntimeValue::scalar<int32_t>(DType::I32, 7);
  RuntimeValue t = runOp(Opcode::Tuple, {a, b});
  ASSERT_TRUE(t.isTuple());
  EXPECT_EQ(t.getType(), Type::tuple({a.getType(), b.getType()}));
  RuntimeValue e = runOp(Opcode::Get, {t}, {{"index", Attribute(int64_t(1))}});
  EXPECT_EQ(e.toVector<int32_t>()[0], 7);
}

} // namespace

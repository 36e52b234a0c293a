//===- ElementwiseTest.cpp - unary, binary, select, cast in the interpreter
//===//
#include "InterpTestUtil.h"

#include <cmath>
#include <limits>

using namespace tdl::ir;
using namespace tdl::ir::test;

namespace {

const float fnan = std::numeric_limits<float>::quiet_NaN();
const double dnan = std::numeric_limits<double>::quiet_NaN();
const float finf = std::numeric_limits<float>::infinity();

/// Distance in units in the last place of float between `got` and the
/// exact value `ref` (computed in double).
double ulpsOff(float got, double ref) {
  float r = float(ref);
  float ulp = std::nextafter(std::fabs(r), finf) - std::fabs(r);
  return std::fabs(double(got) - ref) / double(ulp);
}

// The interpreter's transcendental functions are the project's own
// (runtime/kernels/Math.h, docs/math.md), not the C library's: checked here
// against double-precision libm at points of each function's range
// (tests/unit/kernels sweeps them densely).
TEST(InterpElementwise, FloatUnaryIsWithinOneUlpOfTheExactValue) {
  std::vector<float> xs{0.25f, 1.5f, 3.0f, 0.1f, 7.75f, 0.7f};
  RuntimeValue x = tensor<float>(DType::F32, {6}, xs);
  struct Case {
    Opcode op;
    double (*ref)(double);
  } cases[] = {
      {Opcode::Exp, [](double v) { return std::exp(v); }},
      {Opcode::Log, [](double v) { return std::log(v); }},
      {Opcode::Sqrt, [](double v) { return std::sqrt(v); }},
      {Opcode::Sin, [](double v) { return std::sin(v); }},
      {Opcode::Cos, [](double v) { return std::cos(v); }},
      {Opcode::Tanh, [](double v) { return std::tanh(v); }},
      {Opcode::Sigmoid, [](double v) { return 1.0 / (1.0 + std::exp(-v)); }},
  };
  for (const Case &c : cases) {
    std::vector<float> got = runOp(c.op, {x}).toVector<float>();
    for (size_t i = 0; i < xs.size(); ++i)
      EXPECT_LE(ulpsOff(got[i], c.ref(xs[i])), 1.0)
          << getOpName(c.op).str() << " " << xs[i];
  }
  // sqrt is correctly rounded; rsqrt is defined as 1 / sqrt(x), two
  // correctly rounded operations.
  std::vector<float> sq = runOp(Opcode::Sqrt, {x}).toVector<float>();
  std::vector<float> rs = runOp(Opcode::Rsqrt, {x}).toVector<float>();
  for (size_t i = 0; i < xs.size(); ++i) {
    EXPECT_EQ(sq[i], std::sqrt(xs[i]));
    EXPECT_EQ(rs[i], 1.0f / std::sqrt(xs[i]));
  }
  // f64 is computed in double.
  RuntimeValue d = tensor<double>(DType::F64, {1}, {0.1});
  double e = runOp(Opcode::Exp, {d}).toVector<double>()[0];
  EXPECT_LE(std::fabs(e - std::exp(0.1)), 1e-16);
}

TEST(InterpElementwise, SigmoidIsStableForLargeInputs) {
  auto got = runOp(Opcode::Sigmoid,
                   {tensor<float>(DType::F32, {3}, {-200.0f, 0.0f, 200.0f})})
                 .toVector<float>();
  EXPECT_EQ(got[0], 0.0f);
  EXPECT_EQ(got[1], 0.5f);
  EXPECT_EQ(got[2], 1.0f);
}

TEST(InterpElementwise, IntegerNegAbsWrapAndSign) {
  auto neg = runOp(Opcode::Neg, {tensor<int8_t>(DType::I8, {3}, {-128, 5, 0})})
                 .toVector<int8_t>();
  EXPECT_EQ(neg, (std::vector<int8_t>{-128, -5, 0}));
  int32_t mn = std::numeric_limits<int32_t>::min();
  auto abs = runOp(Opcode::Abs, {tensor<int32_t>(DType::I32, {3}, {mn, -7, 7})})
                 .toVector<int32_t>();
  EXPECT_EQ(abs, (std::vector<int32_t>{mn, 7, 7}));
  auto sign =
      runOp(Opcode::Sign, {tensor<int64_t>(DType::I64, {3}, {-9, 0, 12})})
          .toVector<int64_t>();
  EXPECT_EQ(sign, (std::vector<int64_t>{-1, 0, 1}));
  auto fsign =
      runOp(Opcode::Sign, {tensor<float>(DType::F32, {3}, {-2.5f, fnan, 3.0f})})
          .toVector<float>();
  EXPECT_EQ(fsign[0], -1.0f);
  EXPECT_TRUE(std::isnan(fsign[1]));
  EXPECT_EQ(fsign[2], 1.0f);
}

TEST(InterpElementwise, RoundingOps) {
  RuntimeValue x =
      tensor<float>(DType::F32, {6}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.7f});
  // Half to even, like NumPy's round.
  auto r = runOp(Opcode::Round, {x}).toVector<float>();
  std::vector<float> expectRound{0.0f, 2.0f, 2.0f, -0.0f, -2.0f, -3.0f};
  for (size_t i = 0; i < r.size(); ++i)
    EXPECT_TRUE(sameBits(r[i], expectRound[i])) << i << ": " << r[i];
  EXPECT_EQ(runOp(Opcode::Floor, {x}).toVector<float>(),
            (std::vector<float>{0, 1, 2, -1, -2, -3}));
  EXPECT_EQ(runOp(Opcode::Ceil, {x}).toVector<float>(),
            (std::vector<float>{1, 2, 3, -0.0f, -1, -2}));
}

TEST(InterpElementwise, NotAndIsNaN) {
  EXPECT_EQ(runOp(Opcode::Not, {tensor<uint8_t>(DType::Bool, {2}, {1, 0})})
                .toVector<uint8_t>(),
            (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(runOp(Opcode::Not, {tensor<int32_t>(DType::I32, {2}, {0, 5})})
                .toVector<int32_t>(),
            (std::vector<int32_t>{-1, -6}));
  EXPECT_EQ(runOp(Opcode::IsNaN,
                  {tensor<double>(DType::F64, {3}, {dnan, 1.0, INFINITY})})
                .toVector<uint8_t>(),
            (std::vector<uint8_t>{1, 0, 0}));
}

TEST(InterpElementwise, StopGradientIsTheIdentity) {
  RuntimeValue x = tensor<double>(DType::F64, {2, 2}, {1.5, -0.0, dnan, 4});
  RuntimeValue y = runOp(Opcode::StopGradient, {x});
  EXPECT_EQ(y.getType(), x.getType());
  std::vector<double> a = x.toVector<double>(), b = y.toVector<double>();
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_TRUE(sameBits(a[i], b[i])) << i;
}

TEST(InterpElementwise, IntegerArithmeticWraps) {
  auto add = runOp(Opcode::Add, {tensor<int8_t>(DType::I8, {2}, {127, -128}),
                                 tensor<int8_t>(DType::I8, {2}, {1, -1})})
                 .toVector<int8_t>();
  EXPECT_EQ(add, (std::vector<int8_t>{-128, 127}));
  auto mul =
      runOp(Opcode::Mul, {tensor<int32_t>(DType::I32, {2}, {65536, 46341}),
                          tensor<int32_t>(DType::I32, {2}, {65536, 46341})})
          .toVector<int32_t>();
  // 2^32 wraps to 0; 46341^2 = 2147488281 wraps to 2147488281 - 2^32.
  EXPECT_EQ(mul,
            (std::vector<int32_t>{0, int32_t(2147488281LL - 4294967296LL)}));
  int64_t mn = std::numeric_limits<int64_t>::min();
  auto sub = runOp(Opcode::Sub, {tensor<int64_t>(DType::I64, {1}, {mn}),
                                 tensor<int64_t>(DType::I64, {1}, {1})})
                 .toVector<int64_t>();
  EXPECT_EQ(sub[0], std::numeric_limits<int64_t>::max());
}

TEST(InterpElementwise, DivisionAndRemainderTruncate) {
  RuntimeValue a = tensor<int32_t>(DType::I32, {5}, {-7, 7, 7, -7, INT32_MIN});
  RuntimeValue b = tensor<int32_t>(DType::I32, {5}, {2, -2, 2, -2, -1});
  EXPECT_EQ(runOp(Opcode::Div, {a, b}).toVector<int32_t>(),
            (std::vector<int32_t>{-3, -3, 3, 3, INT32_MIN}));
  EXPECT_EQ(runOp(Opcode::Rem, {a, b}).toVector<int32_t>(),
            (std::vector<int32_t>{-1, 1, 1, -1, 0}));
  auto frem =
      runOp(Opcode::Rem, {tensor<float>(DType::F32, {2}, {-7.5f, 7.5f}),
                          tensor<float>(DType::F32, {2}, {2.0f, -2.0f})})
          .toVector<float>();
  EXPECT_EQ(frem, (std::vector<float>{-1.5f, 1.5f}));
  auto fdiv = runOp(Opcode::Div, {tensor<float>(DType::F32, {2}, {1.0f, -1.0f}),
                                  tensor<float>(DType::F32, {2}, {0.0f, 0.0f})})
                  .toVector<float>();
  EXPECT_EQ(fdiv, (std::vector<float>{finf, -finf}));
}

TEST(InterpElementwise, IntegerDivisionByZeroIsARuntimeError) {
  RuntimeValue a = tensor<int64_t>(DType::I64, {2}, {1, 2});
  RuntimeValue z = tensor<int64_t>(DType::I64, {2}, {1, 0});
  EXPECT_EQ(runOpError(Opcode::Div, {a, z}),
            "runtime error: integer division by zero");
  EXPECT_EQ(runOpError(Opcode::Rem, {a, z}),
            "runtime error: integer remainder by zero");
}

TEST(InterpElementwise, Pow) {
  auto ip =
      runOp(Opcode::Pow, {tensor<int32_t>(DType::I32, {5}, {3, 2, -1, 5, 2}),
                          tensor<int32_t>(DType::I32, {5}, {4, -1, -3, 0, 31})})
          .toVector<int32_t>();
  EXPECT_EQ(ip, (std::vector<int32_t>{81, 0, -1, 1, INT32_MIN}));
  auto fp = runOp(Opcode::Pow, {tensor<float>(DType::F32, {2}, {2.0f, 9.0f}),
                                tensor<float>(DType::F32, {2}, {0.5f, 0.5f})})
                .toVector<float>();
  EXPECT_EQ(fp[0], std::pow(2.0f, 0.5f));
  EXPECT_EQ(fp[1], 3.0f);
}

TEST(InterpElementwise, MaxMinPropagateNaN) {
  RuntimeValue a = tensor<float>(DType::F32, {3}, {fnan, 1.0f, -2.0f});
  RuntimeValue b = tensor<float>(DType::F32, {3}, {1.0f, fnan, 3.0f});
  auto mx = runOp(Opcode::Max, {a, b}).toVector<float>();
  auto mn = runOp(Opcode::Min, {a, b}).toVector<float>();
  EXPECT_TRUE(std::isnan(mx[0]) && std::isnan(mx[1]));
  EXPECT_TRUE(std::isnan(mn[0]) && std::isnan(mn[1]));
  EXPECT_EQ(mx[2], 3.0f);
  EXPECT_EQ(mn[2], -2.0f);
  auto imx = runOp(Opcode::Max, {tensor<int8_t>(DType::I8, {2}, {-5, 7}),
                                 tensor<int8_t>(DType::I8, {2}, {3, -9})})
                 .toVector<int8_t>();
  EXPECT_EQ(imx, (std::vector<int8_t>{3, 7}));
}

TEST(InterpElementwise, ComparisonsWithNaN) {
  RuntimeValue a = tensor<double>(DType::F64, {3}, {dnan, 1.0, 2.0});
  RuntimeValue b = tensor<double>(DType::F64, {3}, {dnan, 1.0, 1.0});
  auto expect = [&](Opcode op, std::vector<uint8_t> want) {
    EXPECT_EQ(runOp(op, {a, b}).toVector<uint8_t>(), want)
        << getOpName(op).str();
  };
  expect(Opcode::Eq, {0, 1, 0});
  expect(Opcode::Ne, {1, 0, 1});
  expect(Opcode::Lt, {0, 0, 0});
  expect(Opcode::Le, {0, 1, 0});
  expect(Opcode::Gt, {0, 0, 1});
  expect(Opcode::Ge, {0, 1, 1});
  EXPECT_EQ(runOp(Opcode::Eq, {tensor<uint8_t>(DType::Bool, {2}, {1, 0}),
                               tensor<uint8_t>(DType::Bool, {2}, {1, 1})})
                .toVector<uint8_t>(),
            (std::vector<uint8_t>{1, 0}));
}

TEST(InterpElementwise, LogicalAndBitwise) {
  RuntimeValue p = tensor<uint8_t>(DType::Bool, {4}, {0, 0, 1, 1});
  RuntimeValue q = tensor<uint8_t>(DType::Bool, {4}, {0, 1, 0, 1});
  EXPECT_EQ(runOp(Opcode::And, {p, q}).toVector<uint8_t>(),
            (std::vector<uint8_t>{0, 0, 0, 1}));
  EXPECT_EQ(runOp(Opcode::Or, {p, q}).toVector<uint8_t>(),
            (std::vector<uint8_t>{0, 1, 1, 1}));
  EXPECT_EQ(runOp(Opcode::Xor, {p, q}).toVector<uint8_t>(),
            (std::vector<uint8_t>{0, 1, 1, 0}));
  RuntimeValue a = tensor<int32_t>(DType::I32, {1}, {0b1100});
  RuntimeValue b = tensor<int32_t>(DType::I32, {1}, {0b1010});
  EXPECT_EQ(runOp(Opcode::And, {a, b}).toVector<int32_t>()[0], 0b1000);
  EXPECT_EQ(runOp(Opcode::Or, {a, b}).toVector<int32_t>()[0], 0b1110);
  EXPECT_EQ(runOp(Opcode::Xor, {a, b}).toVector<int32_t>()[0], 0b0110);
}

TEST(InterpElementwise, ShiftsIncludingOutOfRangeAmounts) {
  RuntimeValue a = tensor<int32_t>(DType::I32, {6}, {1, 1, 1, -8, -8, 8});
  RuntimeValue n = tensor<int32_t>(DType::I32, {6}, {3, 32, -1, 1, 40, 40});
  EXPECT_EQ(runOp(Opcode::Shl, {a, n}).toVector<int32_t>(),
            (std::vector<int32_t>{8, 0, 0, -16, 0, 0}));
  EXPECT_EQ(runOp(Opcode::Shr, {a, n}).toVector<int32_t>(),
            (std::vector<int32_t>{0, 0, 0, -4, -1, 0}));
  // Shifting into the sign bit wraps.
  EXPECT_EQ(runOp(Opcode::Shl, {tensor<int8_t>(DType::I8, {1}, {64}),
                                tensor<int8_t>(DType::I8, {1}, {1})})
                .toVector<int8_t>()[0],
            -128);
}

TEST(InterpElementwise, Select) {
  auto got =
      runOp(Opcode::Select, {tensor<uint8_t>(DType::Bool, {3}, {1, 0, 1}),
                             tensor<int64_t>(DType::I64, {3}, {1, 2, 3}),
                             tensor<int64_t>(DType::I64, {3}, {10, 20, 30})})
          .toVector<int64_t>();
  EXPECT_EQ(got, (std::vector<int64_t>{1, 20, 3}));
}

RuntimeValue castTo(RuntimeValue x, DType to) {
  return runOp(Opcode::Cast, {x}, {{"dtype", Attribute(to)}});
}

TEST(InterpCast, FloatToIntTruncatesAndSaturates) {
  RuntimeValue x = tensor<float>(
      DType::F32, {7}, {1.9f, -1.9f, 1e10f, -1e10f, fnan, finf, -finf});
  EXPECT_EQ(castTo(x, DType::I32).toVector<int32_t>(),
            (std::vector<int32_t>{1, -1, INT32_MAX, INT32_MIN, 0, INT32_MAX,
                                  INT32_MIN}));
  EXPECT_EQ(castTo(x, DType::I8).toVector<int8_t>(),
            (std::vector<int8_t>{1, -1, 127, -128, 0, 127, -128}));
  // 2^63 is out of range for i64, -2^63 is exactly the minimum.
  RuntimeValue big = tensor<double>(
      DType::F64, {3}, {9223372036854775808.0, -9223372036854775808.0, 1e300});
  EXPECT_EQ(castTo(big, DType::I64).toVector<int64_t>(),
            (std::vector<int64_t>{INT64_MAX, INT64_MIN, INT64_MAX}));
}

TEST(InterpCast, IntNarrowingWrapsAndWideningExtends) {
  RuntimeValue x = tensor<int32_t>(DType::I32, {4}, {300, -129, 127, -1});
  EXPECT_EQ(castTo(x, DType::I8).toVector<int8_t>(),
            (std::vector<int8_t>{44, 127, 127, -1}));
  EXPECT_EQ(castTo(tensor<int8_t>(DType::I8, {2}, {-3, 100}), DType::I64)
                .toVector<int64_t>(),
            (std::vector<int64_t>{-3, 100}));
}

TEST(InterpCast, IntToFloatRoundsToNearest) {
  // 2^24 + 1 is not a float: nearest-even gives 2^24; 2^24 + 3 gives 2^24 + 4.
  RuntimeValue x = tensor<int64_t>(DType::I64, {2}, {16777217, 16777219});
  EXPECT_EQ(castTo(x, DType::F32).toVector<float>(),
            (std::vector<float>{16777216.0f, 16777220.0f}));
}

TEST(InterpCast, BoolCasts) {
  RuntimeValue x = tensor<float>(DType::F32, {4}, {0.0f, -0.0f, fnan, 0.5f});
  EXPECT_EQ(castTo(x, DType::Bool).toVector<uint8_t>(),
            (std::vector<uint8_t>{0, 0, 1, 1}));
  EXPECT_EQ(castTo(tensor<uint8_t>(DType::Bool, {2}, {1, 0}), DType::F64)
                .toVector<double>(),
            (std::vector<double>{1.0, 0.0}));
  EXPECT_EQ(castTo(tensor<int8_t>(DType::I8, {2}, {-2, 0}), DType::Bool)
                .toVector<uint8_t>(),
            (std::vector<uint8_t>{1, 0}));
}

TEST(InterpCast, F64ToF32Rounds) {
  auto got = castTo(tensor<double>(DType::F64, {2}, {0.1, 1e300}), DType::F32)
                 .toVector<float>();
  EXPECT_EQ(got[0], 0.1f);
  EXPECT_EQ(got[1], finf);
}

} // namespace

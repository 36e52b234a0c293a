//===- MathSqrtTest.cpp - sqrt and rsqrt ----------------------------------===//
#include "MathTestHelpers.h"

namespace {

using namespace tdl::mathtest;

TEST(MathF32, Sqrt) {
  Meter<float> m("sqrt", kSqrtBound);
  sweepF32(
      m, [](float x) { return tmath::sqrt(x); },
      [](double x) { return std::sqrt(x); }, {{0.25f, 4.0f}}, {});
}

TEST(MathF32, SqrtIsCorrectlyRounded) {
  for (uint64_t u = 0; u < (1ull << 32); u += 4099) {
    float x = floatOf(uint32_t(u));
    float want = std::sqrt(x), got = tmath::sqrt(x);
    if (std::isnan(want))
      EXPECT_TRUE(std::isnan(got));
    else
      EXPECT_EQ(bitsOf(got), bitsOf(want)) << x;
  }
}

TEST(MathF32, Rsqrt) {
  Meter<float> m("rsqrt", kRsqrtBound);
  sweepF32(
      m, [](float x) { return tmath::rsqrt(x); },
      [](double x) { return 1 / std::sqrt(x); }, {{0.25f, 4.0f}}, {});
  // Exactly the two correctly rounded operations.
  for (uint64_t u = 0; u < (1ull << 32); u += 65537) {
    float x = floatOf(uint32_t(u));
    float want = 1.0f / std::sqrt(x);
    float got = tmath::rsqrt(x);
    if (std::isnan(want))
      EXPECT_TRUE(std::isnan(got));
    else
      EXPECT_EQ(bitsOf(got), bitsOf(want)) << x;
  }
}

TEST(MathF64, Sqrt) {
  Meter<double> m("sqrt", kSqrtBound);
  sweepF64(
      m, [](double x) { return tmath::sqrt(x); },
      [](long double x) { return sqrtl(x); }, {{0.25, 4.0}}, {});
}

TEST(MathF64, Rsqrt) {
  Meter<double> m("rsqrt", kRsqrtBound);
  sweepF64(
      m, [](double x) { return tmath::rsqrt(x); },
      [](long double x) { return 1 / sqrtl(x); }, {{0.25, 4.0}}, {});
}

} // namespace

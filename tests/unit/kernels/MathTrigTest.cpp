//===- MathTrigTest.cpp - sin and cos -------------------------------------===//
#include "MathTestHelpers.h"

namespace {

using namespace tdl::mathtest;

// sin / cos are within the bound for |x| <= these (docs/math.md).
constexpr float kTrigMaxF32 = 1e9f;
constexpr double kTrigMaxF64 = 1e9;

// The reduction inputs nearest to multiples of pi/2 per binade (docs/math.md).
const std::vector<float> kHardTrigF32 = {
    0x1.921fb6p+0f, 0x1.921fb6p+1f, 0x1.2d97c8p+2f,  0x1.2d97c8p+3f,
    0x1.2d97c8p+4f, 0x1.2d97c8p+5f, 0x1.2d97c8p+6f,  0x1.f9cbe2p+7f,
    0x1.f9cbe2p+8f, 0x1.f9cbe2p+9f, 0x1.f9cbe2p+10f, 0x1.17cc5p+11f,
    0x1.17cc5p+12f, 0x1.17cc5p+13f, 0x1.17cc5p+14f,  0x1.9a48dep+15f,
    0x1.9a48dep+16f};

TEST(MathF32, Sin) {
  Meter<float> m("sin", kBound);
  sweepF32(
      m, [](float x) { return tmath::sin(x); },
      [](double x) { return std::sin(x); },
      {{-1e9f, 1e9f}, {-1e5f, 1e5f}, {-4.0f, 4.0f}, {-1e-3f, 1e-3f}},
      kHardTrigF32, kTrigMaxF32);
}

TEST(MathF32, Cos) {
  Meter<float> m("cos", kBound);
  sweepF32(
      m, [](float x) { return tmath::cos(x); },
      [](double x) { return std::cos(x); },
      {{-1e9f, 1e9f}, {-1e5f, 1e5f}, {-4.0f, 4.0f}, {-1e-3f, 1e-3f}},
      kHardTrigF32, kTrigMaxF32);
}

// Doubles nearest to multiples of pi/2 (continued fractions, docs/math.md).
const std::vector<double> kHardTrigF64 = {
    0x1.921fb54442d18p+0,  0x1.921fb54442d19p+0,  0x1.6c6cbc45dc8dep+5,
    0x1.b951f1572eba5p+23, 0x1.b951f1572eba5p+24, 0x1.b951f1572eba5p+25,
    0x1.b951f1572eba5p+26, 0x1.39c6fd67805a7p+18, 0x1.55202aefde314p+29};

TEST(MathF64, Sin) {
  Meter<double> m("sin", kBound);
  sweepF64(
      m, [](double x) { return tmath::sin(x); },
      [](long double x) { return sinl(x); },
      {{-1e9, 1e9}, {-4.0, 4.0}, {-1e-6, 1e-6}, {-1e5, 1e5}}, kHardTrigF64,
      kTrigMaxF64);
}

TEST(MathF64, Cos) {
  Meter<double> m("cos", kBound);
  sweepF64(
      m, [](double x) { return tmath::cos(x); },
      [](long double x) { return cosl(x); },
      {{-1e9, 1e9}, {-4.0, 4.0}, {-1e-6, 1e-6}, {-1e5, 1e5}}, kHardTrigF64,
      kTrigMaxF64);
}

//===-- sin / cos beyond the accurate range -------------------------------===//

TEST(MathTrig, LargeArgumentsStayFiniteAndBounded) {
  // Past 1e9 the reduction is not accurate, but the result
  // is never NaN for a finite input and stays in [-1, 1].
  for (uint32_t u = bitsOf(1e9f); u <= 0x7f7fffffu; u += 97) {
    for (float x : {floatOf(u), -floatOf(u)}) {
      float s = tmath::sin(x), c = tmath::cos(x);
      ASSERT_TRUE(s >= -1.0f && s <= 1.0f) << x << " " << s;
      ASSERT_TRUE(c >= -1.0f && c <= 1.0f) << x << " " << c;
    }
  }
  for (long i = 0; i < 2000000; i++) {
    double x = doubleOf(rnd() & 0x7fefffffffffffffull);
    if (x < 1e9)
      continue;
    double s = tmath::sin(x), c = tmath::cos(x);
    ASSERT_TRUE(s >= -1.0 && s <= 1.0) << x << " " << s;
    ASSERT_TRUE(c >= -1.0 && c <= 1.0) << x << " " << c;
  }
}

} // namespace

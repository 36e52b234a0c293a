//===- MathPowTest.cpp - pow ----------------------------------------------===//
#include "MathTestHelpers.h"

namespace {

using namespace tdl::mathtest;

//===-- pow ---------------------------------------------------------------===//

TEST(MathF32, Pow) {
  Meter<float> m("pow", kBound);
  auto one = [&](float x, float y) {
    m.add(tmath::pow(x, y), std::pow(double(x), double(y)), x, y);
  };
  // (Operands drawn in sequence: argument evaluation order is unspecified.)
  for (long i = 0; i < 600000; i++) {
    float x = float(uniform(0, 4));
    one(x, float(uniform(-100, 100)));
    x = floatOf(uint32_t(rnd()) & 0x7fffffffu);
    one(x, float(uniform(-2, 2)));
    x = float(1 + uniform(-1e-3, 1e-3));
    one(x, float(uniform(-1e5, 1e5)));
    x = -float(uniform(0, 10));
    one(x, float(int(uniform(-60, 60))));
    x = floatOf(uint32_t(rnd()));
    one(x, floatOf(uint32_t(rnd())));
  }
  // Results near the overflow / underflow thresholds and subnormal results.
  for (long i = 0; i < 200000; i++) {
    float x = float(uniform(1.001, 3));
    double l = std::log2(double(x));
    one(x, float(uniform(100, 130) / l));
    one(x, float(uniform(-152, -120) / l));
  }
}

TEST(MathF64, Pow) {
  Meter<double> m("pow", kBound);
  auto one = [&](double x, double y) {
    m.add(tmath::pow(x, y), powl((long double)x, (long double)y), x, y);
  };
  for (long i = 0; i < 100000; i++) {
    double x = uniform(0, 4);
    one(x, uniform(-700, 700));
    x = doubleOf(rnd() & 0x7fffffffffffffffull);
    one(x, uniform(-2, 2));
    x = 1 + uniform(-1e-6, 1e-6);
    one(x, uniform(-1e9, 1e9));
    x = -uniform(0, 10);
    one(x, double(int(uniform(-300, 300))));
    x = doubleOf(rnd());
    one(x, doubleOf(rnd()));
  }
  for (long i = 0; i < 30000; i++) {
    double x = uniform(1.001, 3);
    double l = std::log2(x);
    one(x, uniform(1000, 1030) / l);
    one(x, uniform(-1080, -1000) / l);
  }
}

/// The exponents named by an operation (Math.h powOf) give that operation's
/// correctly rounded result: the f32 ones against the exact double value
/// rounded once (a double holds x * x exactly; sqrt and 1/x round
/// innocuously twice, 53 >= 2 * 24 + 2).
TEST(MathF32, PowNamedExponentsAreCorrectlyRounded) {
  for (long i = 0; i < 200000; i++) {
    float x = floatOf(uint32_t(rnd()));
    if (std::isnan(x))
      continue;
    double d = x;
    EXPECT_EQ(bitsOf(tmath::pow(x, 2.0f)), bitsOf(float(d * d))) << x;
    EXPECT_EQ(bitsOf(tmath::pow(x, 1.0f)), bitsOf(x)) << x;
    EXPECT_EQ(bitsOf(tmath::pow(x, -1.0f)), bitsOf(float(1.0 / d))) << x;
    if (x > 0)
      EXPECT_EQ(bitsOf(tmath::pow(x, 0.5f)), bitsOf(float(std::sqrt(d)))) << x;
  }
}

double refPow(float x, float y) { return std::pow(double(x), double(y)); }
long double refPow(double x, double y) {
  return powl((long double)x, (long double)y);
}

/// C99 Annex F special cases: bit-exact against the C library's pow.
template <class T> void checkPowSpecials() {
  const T inf = std::numeric_limits<T>::infinity();
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const T vals[] = {T(0),
                    T(-0.0),
                    T(1),
                    T(-1),
                    T(2),
                    T(-2),
                    T(0.5),
                    T(-0.5),
                    T(3),
                    T(-3),
                    T(1.5),
                    T(-1.5),
                    inf,
                    -inf,
                    nan,
                    T(1e30),
                    T(-1e30),
                    std::numeric_limits<T>::denorm_min(),
                    -std::numeric_limits<T>::denorm_min(),
                    std::numeric_limits<T>::max(),
                    -std::numeric_limits<T>::max(),
                    T(0x1p60),
                    T(-0x1p60),
                    T(5),
                    T(-5),
                    std::nextafter(T(1), T(2)),
                    std::nextafter(T(1), T(0))};
  for (T x : vals)
    for (T y : vals) {
      T got = tmath::pow(x, y), want = std::pow(x, y);
      if (std::isnan(want))
        EXPECT_TRUE(std::isnan(got))
            << "pow(" << x << ", " << y << ") = " << got;
      else if (std::isinf(want) || want == 0 || x == 1 || y == 0 ||
               std::isinf(x) || std::isinf(y) || x == 0)
        EXPECT_EQ(bitsOf(got), bitsOf(want))
            << "pow(" << x << ", " << y << ") = " << got << " want " << want;
      else
        EXPECT_LE(ulpErr(got, refPow(x, y)), kBound)
            << "pow(" << x << ", " << y << ") = " << got;
    }
}

TEST(MathF32, PowSpecialCases) { checkPowSpecials<float>(); }
TEST(MathF64, PowSpecialCases) { checkPowSpecials<double>(); }

} // namespace

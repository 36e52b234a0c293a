// runtime/kernels/Math.h against libm: the max ulp error of every function
// for f32 (reference: the double-precision libm result) and f64 (reference:
// the x87 long double libm result, 64-bit significand), over dense samples of
// the whole range plus edge cases, asserted against the bounds documented in
// docs/math.md. Every test prints its measured max to stdout; the binary
// prints the whole table at exit (docs/math.md's table comes from it).
#include "runtime/kernels/Math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace {

namespace tmath = tdl::math;

static_assert(std::numeric_limits<long double>::digits >= 64,
              "the f64 reference needs x87 long double");

const float kInfF = std::numeric_limits<float>::infinity();
const double kInfD = std::numeric_limits<double>::infinity();
const float kNanF = std::numeric_limits<float>::quiet_NaN();
const double kNanD = std::numeric_limits<double>::quiet_NaN();

uint32_t bitsOf(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  return u;
}
uint64_t bitsOf(double x) {
  uint64_t u;
  std::memcpy(&u, &x, 8);
  return u;
}
float floatOf(uint32_t u) {
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}
double doubleOf(uint64_t u) {
  double x;
  std::memcpy(&x, &u, 8);
  return x;
}

/// Error of a float result in float ulps at the (double) reference; 0 for
/// matching NaN / inf / overflow, infinity for a mismatch.
double ulpErr(float got, double ref) {
  if (std::isnan(ref))
    return std::isnan(got) ? 0 : kInfD;
  if (std::isnan(got))
    return kInfD;
  // The float rounding of ref overflows beyond FLT_MAX + half an ulp.
  if (std::fabs(ref) >= 0x1.ffffffp127) {
    float want = ref > 0 ? kInfF : -kInfF;
    return got == want ? 0 : kInfD;
  }
  if (std::isinf(got))
    return kInfD;
  double a = std::fabs(ref);
  double ulp = 0x1p-149;
  if (a >= 0x1p-126) {
    int e;
    std::frexp(a, &e);
    ulp = std::ldexp(1.0, e - 24);
  }
  return std::fabs(double(got) - ref) / ulp;
}

/// Error of a double result in double ulps at the long double reference.
double ulpErr(double got, long double ref) {
  if (std::isnan(ref))
    return std::isnan(got) ? 0 : kInfD;
  if (std::isnan(got))
    return kInfD;
  if (fabsl(ref) >= 0x1.fffffffffffff8p1023L) {
    double want = ref > 0 ? kInfD : -kInfD;
    return got == want ? 0 : kInfD;
  }
  if (std::isinf(got))
    return kInfD;
  long double a = fabsl(ref);
  long double ulp = 0x1p-1074L;
  if (a >= 0x1p-1022L) {
    int e;
    frexpl(a, &e);
    ulp = ldexpl(1.0L, e - 53);
  }
  return double(fabsl((long double)got - ref) / ulp);
}

struct Entry {
  double maxUlp = 0, bound = 0;
  long samples = 0;
  std::string worst;
};
std::map<std::string, Entry> &table() {
  static std::map<std::string, Entry> t;
  return t;
}

class TableEnv : public ::testing::Environment {
public:
  void TearDown() override {
    std::printf("\n[math] max ulp error, tdl::math vs libm (docs/math.md)\n");
    std::printf("[math] %-9s %-5s %10s %7s %10s  worst input\n", "function",
                "dtype", "max ulp", "bound", "samples");
    for (auto &[key, e] : table())
      std::printf("[math] %-15s %10.4f %7.2f %10ld  %s\n", key.c_str(),
                  e.maxUlp, e.bound, e.samples, e.worst.c_str());
  }
};
[[maybe_unused]] ::testing::Environment *const kEnv =
    ::testing::AddGlobalTestEnvironment(new TableEnv);

/// Tracks the max error of one function and checks it at the end.
template <class T> class Meter {
public:
  Meter(std::string name, double bound)
      : name_(std::move(name)), bound_(bound) {}
  template <class R> void add(T got, R ref, T x, T y = T(0)) {
    double e = ulpErr(got, ref);
    ++n_;
    if (e > max_ || (std::isnan(e))) {
      max_ = e;
      char buf[160];
      std::snprintf(buf, sizeof buf, "x=%a y=%a got=%a ref=%La", double(x),
                    double(y), double(got), (long double)ref);
      worst_ = buf;
    }
  }
  ~Meter() {
    std::string key = name_ + (sizeof(T) == 4 ? " f32" : " f64");
    Entry &e = table()[key];
    e.maxUlp = max_;
    e.bound = bound_;
    e.samples = n_;
    e.worst = worst_;
    std::printf(
        "[math] %-15s max %.4f ulp (bound %.2f) over %ld samples; worst %s\n",
        key.c_str(), max_, bound_, n_, worst_.c_str());
    EXPECT_LE(max_, bound_) << key << " worst " << worst_;
  }

private:
  std::string name_;
  double bound_;
  double max_ = 0;
  long n_ = 0;
  std::string worst_;
};

uint64_t rngState = 0x9E3779B97F4A7C15ull;
uint64_t rnd() {
  rngState ^= rngState << 13;
  rngState ^= rngState >> 7;
  rngState ^= rngState << 17;
  return rngState;
}
double uniform(double lo, double hi) {
  return lo + (hi - lo) * double(rnd() >> 11) * 0x1p-53;
}

/// Floats ordered as integers (-inf < ... < -0 < +0 < ... < +inf).
int64_t orderedF(float x) {
  uint32_t u = bitsOf(x);
  return (u & 0x80000000u) ? -int64_t(u & 0x7fffffffu) : int64_t(u);
}
float unorderedF(int64_t o) {
  return o < 0 ? floatOf(uint32_t(-o) | 0x80000000u) : floatOf(uint32_t(o));
}

/// Samples of one f32 function: every 257th bit pattern of the whole range,
/// ~count floats evenly spaced (in bit patterns) over each [lo, hi] of
/// `dense`, and the edge cases.
template <class F, class R>
void sweepF32(Meter<float> &m, F f, R ref,
              std::vector<std::pair<float, float>> dense,
              std::vector<float> extra, float maxAbs = kInfF,
              long count = 1 << 20) {
  auto one = [&](float x) {
    if (!(std::fabs(x) > maxAbs))
      m.add(f(x), ref(double(x)), x);
  };
  for (uint64_t u = 0; u < (1ull << 32); u += 509)
    one(floatOf(uint32_t(u)));
  for (auto [lo, hi] : dense) {
    int64_t a = orderedF(lo), b = orderedF(hi);
    int64_t step = (b - a) / count > 1 ? (b - a) / count : 1;
    for (int64_t o = a; o <= b; o += step)
      one(unorderedF(o));
  }
  std::vector<float> edges = {0.0f,
                              -0.0f,
                              1.0f,
                              -1.0f,
                              kInfF,
                              -kInfF,
                              kNanF,
                              0x1p-149f,
                              -0x1p-149f,
                              0x1p-126f,
                              -0x1p-126f,
                              0x1.fffffep127f,
                              -0x1.fffffep127f};
  edges.insert(edges.end(), extra.begin(), extra.end());
  for (float x : edges)
    for (float y : {x, std::nextafter(x, kInfF), std::nextafter(x, -kInfF)})
      one(y);
}

/// Samples of one f64 function: random bit patterns, uniform samples and
/// evenly spaced grids over each [lo, hi] of `dense`, and the edge cases.
template <class F, class R>
void sweepF64(Meter<double> &m, F f, R ref,
              std::vector<std::pair<double, double>> dense,
              std::vector<double> extra, double maxAbs = kInfD,
              long count = 100000) {
  auto one = [&](double x) {
    if (!(std::fabs(x) > maxAbs))
      m.add(f(x), ref((long double)x), x);
  };
  for (long i = 0; i < 200000; i++)
    one(doubleOf(rnd()));
  for (auto [lo, hi] : dense) {
    for (long i = 0; i < count; i++)
      one(uniform(lo, hi));
    for (long i = 0; i <= count; i++)
      one(lo + (hi - lo) * double(i) / double(count));
  }
  std::vector<double> edges = {0.0,
                               -0.0,
                               1.0,
                               -1.0,
                               kInfD,
                               -kInfD,
                               kNanD,
                               0x1p-1074,
                               -0x1p-1074,
                               0x1p-1022,
                               -0x1p-1022,
                               0x1.fffffffffffffp1023,
                               -0x1.fffffffffffffp1023};
  edges.insert(edges.end(), extra.begin(), extra.end());
  for (double x : edges)
    for (double y : {x, std::nextafter(x, kInfD), std::nextafter(x, -kInfD)})
      one(y);
}

double sigmoidRef(double x) {
  return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x));
}
long double sigmoidRefL(long double x) {
  return x >= 0 ? 1 / (1 + expl(-x)) : expl(x) / (1 + expl(x));
}

// Documented bounds (docs/math.md).
constexpr double kBound = 1.0; // every function but the ones below
// The f32 expm1, tanh and sigmoid round a few times in float (exhaustive
// max 1.2511, 1.0661 and 1.7488 ulp, docs/math.md).
constexpr double kExpm1BoundF32 = 1.3;
constexpr double kTanhBoundF32 = 1.1;
constexpr double kSigmoidBoundF32 = 1.8;
// sqrt is correctly rounded (checked bit-exactly below); the measured error
// against a rounded reference may exceed 1/2 by the reference's rounding.
constexpr double kSqrtBound = 0.5 + 0x1p-20;
constexpr double kRsqrtBound = 1.5; // two correctly rounded operations

//===-- f32 ---------------------------------------------------------------===//

TEST(MathF32, Exp) {
  Meter<float> m("exp", kBound);
  sweepF32(
      m, [](float x) { return tmath::exp(x); },
      [](double x) { return std::exp(x); },
      {{-104.0f, 89.0f}, {-1e-3f, 1e-3f}, {-105.0f, -86.0f}},
      {88.72283f, 0x1.62e42ep6f, 0x1.62e43p6f, -87.33654f, -103.97208f,
       -0x1.9fe368p6f, -0x1.9fe36ap6f, 0x1.5d98p6f, -104.0f, 0x1.8f438p+1f});
}

TEST(MathF32, Expm1) {
  Meter<float> m("expm1", kExpm1BoundF32);
  sweepF32(
      m, [](float x) { return tmath::expm1(x); },
      [](double x) { return std::expm1(x); },
      {{-20.0f, 89.0f},
       {-0.5f, 0.5f},
       {-1e-4f, 1e-4f},
       {-1.1f, -0.3f},
       {-18.0f, -16.0f}},
      {88.72283f, 0x1.62e42ep6f, 0x1.62e43p6f, -17.4f, 0.34657359f,
       -0.34657359f, -0x1.154246p4f, -16.98f, -0x1.6f348ap-2f, 0x1.0a2b22p+4f});
}

TEST(MathF32, Log) {
  Meter<float> m("log", kBound);
  sweepF32(
      m, [](float x) { return tmath::log(x); },
      [](double x) { return std::log(x); },
      {{0.5f, 2.0f}, {0.999f, 1.001f}, {0x1p-149f, 0x1p-120f}},
      {0x1.6a09e6p-1f, 0x1.6a09e8p-1f});
}

TEST(MathF32, Log1p) {
  Meter<float> m("log1p", kBound);
  sweepF32(
      m, [](float x) { return tmath::log1p(x); },
      [](double x) { return std::log1p(x); },
      {{-1.0f, 1.0f}, {-1e-4f, 1e-4f}, {-0.3f, 0.42f}},
      {-0x1.fffffep-1f, 0x1.6a09e6p-2f, -0x1.2bec34p-2f});
}

TEST(MathF32, Tanh) {
  Meter<float> m("tanh", kTanhBoundF32);
  sweepF32(
      m, [](float x) { return tmath::tanh(x); },
      [](double x) { return std::tanh(x); },
      {{-10.0f, 10.0f}, {-0.7f, 0.7f}, {-1e-3f, 1e-3f}, {0.6f, 0.9f}},
      {9.01f, 9.02f, 0x1p-13f, 0.7f, 0x1.8678c6p-1f, 0x1.052112p-1f});
}

TEST(MathF32, Sigmoid) {
  Meter<float> m("sigmoid", kSigmoidBoundF32);
  sweepF32(m, [](float x) { return tmath::sigmoid(x); }, sigmoidRef,
           {{-110.0f, 20.0f}, {-2.0f, 2.0f}, {-18.0f, -16.0f}, {-1.2f, -1.0f}},
           {-20.0f, -87.33654f, -103.97208f, 16.7f, 17.33f, 17.5f, -104.0f,
            -0x1.19955p+0f, -0x1.0a751cp+4f});
}

// sin / cos are within the bound for |x| <= these (docs/math.md).
constexpr float kTrigMaxF32 = 1e5f;
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
      {{-1e5f, 1e5f}, {-4.0f, 4.0f}, {-1e-3f, 1e-3f}}, kHardTrigF32,
      kTrigMaxF32);
}

TEST(MathF32, Cos) {
  Meter<float> m("cos", kBound);
  sweepF32(
      m, [](float x) { return tmath::cos(x); },
      [](double x) { return std::cos(x); },
      {{-1e5f, 1e5f}, {-4.0f, 4.0f}, {-1e-3f, 1e-3f}}, kHardTrigF32,
      kTrigMaxF32);
}

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

//===-- f64 ---------------------------------------------------------------===//

TEST(MathF64, Exp) {
  Meter<double> m("exp", kBound);
  sweepF64(
      m, [](double x) { return tmath::exp(x); },
      [](long double x) { return expl(x); },
      {{-746.0, 710.0}, {-1.0, 1.0}, {-1e-6, 1e-6}, {-745.2, -708.0}},
      {709.782712893384, 0x1.62e42fefa39efp9, 0x1.62e42fefa39f0p9,
       -708.3964185322641, -745.1332191019411, -0x1.74910d52d3051p9,
       -0x1.74910d52d3052p9});
}

TEST(MathF64, Expm1) {
  Meter<double> m("expm1", kBound);
  sweepF64(
      m, [](double x) { return tmath::expm1(x); },
      [](long double x) { return expm1l(x); },
      {{-40.0, 710.0}, {-0.5, 0.5}, {-1e-8, 1e-8}},
      {709.782712893384, 0x1.62e42fefa39efp9, 0x1.62e42fefa39f0p9, -37.5,
       0.34657359027997264, -0.34657359027997264});
}

TEST(MathF64, Log) {
  Meter<double> m("log", kBound);
  sweepF64(
      m, [](double x) { return tmath::log(x); },
      [](long double x) { return logl(x); },
      {{0.5, 2.0}, {1 - 1e-6, 1 + 1e-6}, {0, 1e-300}, {1.0, 1e300}},
      {0x1.6a09e667f3bccp-1, 0x1.6a09e667f3bcdp-1, 0x1p-1060});
}

TEST(MathF64, Log1p) {
  Meter<double> m("log1p", kBound);
  sweepF64(
      m, [](double x) { return tmath::log1p(x); },
      [](long double x) { return log1pl(x); },
      {{-1.0, 1.0}, {-1e-8, 1e-8}, {-0.3, 0.42}, {1.0, 1e10}},
      {-0x1.fffffffffffffp-1, 0x1.6a09e667f3bccp-2, -0x1.2bec333018867p-2});
}

TEST(MathF64, Tanh) {
  Meter<double> m("tanh", kBound);
  sweepF64(
      m, [](double x) { return tmath::tanh(x); },
      [](long double x) { return tanhl(x); },
      {{-20.0, 20.0}, {-0.7, 0.7}, {-1e-6, 1e-6}}, {19.06, 19.07, 0x1p-28});
}

TEST(MathF64, Sigmoid) {
  Meter<double> m("sigmoid", kBound);
  sweepF64(m, [](double x) { return tmath::sigmoid(x); }, sigmoidRefL,
           {{-750.0, 40.0}, {-2.0, 2.0}, {-745.2, -700.0}},
           {-40.0, -708.3964185322641, 36.8, 37.5});
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

//===-- sin / cos beyond the accurate range -------------------------------===//

TEST(MathTrig, LargeArgumentsStayFiniteAndBounded) {
  // Past 1e5 (f32) / 1e9 (f64) the reduction is not accurate, but the result
  // is never NaN for a finite input and stays in [-1, 1].
  for (uint32_t u = bitsOf(1e5f); u <= 0x7f7fffffu; u += 97) {
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

//===-- exact edge cases --------------------------------------------------===//

template <class T> void checkEdges() {
  const T inf = std::numeric_limits<T>::infinity();
  const T nan = std::numeric_limits<T>::quiet_NaN();
  auto same = [](T a, T b) {
    return (std::isnan(a) && std::isnan(b)) || bitsOf(a) == bitsOf(b);
  };
  EXPECT_TRUE(same(tmath::exp(T(0)), T(1)));
  EXPECT_TRUE(same(tmath::exp(T(-0.0)), T(1)));
  EXPECT_TRUE(same(tmath::exp(inf), inf));
  EXPECT_TRUE(same(tmath::exp(-inf), T(0)));
  EXPECT_TRUE(same(tmath::exp(nan), nan));
  EXPECT_TRUE(same(tmath::exp(T(1000)), inf));
  EXPECT_TRUE(same(tmath::exp(T(-1000)), T(0)));
  EXPECT_TRUE(same(tmath::expm1(T(-0.0)), T(-0.0)));
  EXPECT_TRUE(same(tmath::expm1(T(0)), T(0)));
  EXPECT_TRUE(same(tmath::expm1(-inf), T(-1)));
  EXPECT_TRUE(same(tmath::expm1(inf), inf));
  EXPECT_TRUE(same(tmath::expm1(T(1000)), inf));
  EXPECT_TRUE(same(tmath::log(T(0)), -inf));
  EXPECT_TRUE(same(tmath::log(T(-0.0)), -inf));
  EXPECT_TRUE(std::isnan(tmath::log(T(-1))));
  EXPECT_TRUE(std::isnan(tmath::log(-inf)));
  EXPECT_TRUE(same(tmath::log(inf), inf));
  EXPECT_TRUE(same(tmath::log(T(1)), T(0)));
  EXPECT_TRUE(same(tmath::log1p(T(-1)), -inf));
  EXPECT_TRUE(std::isnan(tmath::log1p(T(-2))));
  EXPECT_TRUE(same(tmath::log1p(T(-0.0)), T(-0.0)));
  EXPECT_TRUE(same(tmath::log1p(inf), inf));
  EXPECT_TRUE(same(tmath::tanh(T(-0.0)), T(-0.0)));
  EXPECT_TRUE(same(tmath::tanh(inf), T(1)));
  EXPECT_TRUE(same(tmath::tanh(-inf), T(-1)));
  EXPECT_TRUE(same(tmath::tanh(T(100)), T(1)));
  EXPECT_TRUE(same(tmath::sigmoid(T(0)), T(0.5)));
  EXPECT_TRUE(same(tmath::sigmoid(T(-0.0)), T(0.5)));
  EXPECT_TRUE(same(tmath::sigmoid(inf), T(1)));
  EXPECT_TRUE(same(tmath::sigmoid(-inf), T(0)));
  EXPECT_TRUE(same(tmath::sin(T(-0.0)), T(-0.0)));
  EXPECT_TRUE(same(tmath::sin(T(0)), T(0)));
  EXPECT_TRUE(same(tmath::cos(T(0)), T(1)));
  EXPECT_TRUE(same(tmath::cos(T(-0.0)), T(1)));
  EXPECT_TRUE(std::isnan(tmath::sin(inf)));
  EXPECT_TRUE(std::isnan(tmath::cos(-inf)));
  EXPECT_TRUE(same(tmath::sqrt(T(-0.0)), T(-0.0)));
  EXPECT_TRUE(std::isnan(tmath::sqrt(T(-1))));
  EXPECT_TRUE(same(tmath::sqrt(inf), inf));
  EXPECT_TRUE(same(tmath::rsqrt(T(0)), inf));
  EXPECT_TRUE(same(tmath::rsqrt(T(-0.0)), -inf));
  EXPECT_TRUE(same(tmath::rsqrt(inf), T(0)));
  for (T (*f)(T) :
       {+[](T x) { return tmath::exp(x); },
        +[](T x) { return tmath::expm1(x); },
        +[](T x) { return tmath::log(x); },
        +[](T x) { return tmath::log1p(x); },
        +[](T x) { return tmath::tanh(x); },
        +[](T x) { return tmath::sigmoid(x); },
        +[](T x) { return tmath::sin(x); }, +[](T x) { return tmath::cos(x); },
        +[](T x) { return tmath::sqrt(x); },
        +[](T x) { return tmath::rsqrt(x); }}) {
    EXPECT_TRUE(std::isnan(f(nan)));
    EXPECT_TRUE(std::isnan(f(-nan)));
  }
  EXPECT_TRUE(std::isnan(tmath::pow(nan, T(2))));
  EXPECT_TRUE(same(tmath::pow(nan, T(0)), T(1)));
  EXPECT_TRUE(same(tmath::pow(T(1), nan), T(1)));
}

TEST(MathF32, EdgeCases) { checkEdges<float>(); }
TEST(MathF64, EdgeCases) { checkEdges<double>(); }

} // namespace

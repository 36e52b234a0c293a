//===- MathTestHelpers.h - measuring tdl::math against libm -----*- C++ -*-===//
//
// What the Math*Test.cpp files share: ulp errors against the libm
// reference (f32: the double-precision result; f64: the x87 long double
// result, 64-bit significand), the Meter that tracks a function's max
// error and checks it against the bounds documented in docs/math.md, the
// samplers over the whole range plus dense intervals and edge cases, and
// the table of every measured max the test binary prints at exit
// (docs/math.md's table comes from it).
//
// One random sequence serves every test, in the order they run (the
// files' order in CMakeLists.txt keeps the one file's order).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TESTS_UNIT_KERNELS_MATHTESTHELPERS_H
#define TDL_TESTS_UNIT_KERNELS_MATHTESTHELPERS_H

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

namespace tdl::mathtest {

namespace tmath = tdl::math;

static_assert(std::numeric_limits<long double>::digits >= 64,
              "the f64 reference needs x87 long double");

inline const float kInfF = std::numeric_limits<float>::infinity();
inline const double kInfD = std::numeric_limits<double>::infinity();
inline const float kNanF = std::numeric_limits<float>::quiet_NaN();
inline const double kNanD = std::numeric_limits<double>::quiet_NaN();

inline uint32_t bitsOf(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  return u;
}
inline uint64_t bitsOf(double x) {
  uint64_t u;
  std::memcpy(&u, &x, 8);
  return u;
}
inline float floatOf(uint32_t u) {
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}
inline double doubleOf(uint64_t u) {
  double x;
  std::memcpy(&x, &u, 8);
  return x;
}

/// Error of a float result in float ulps at the (double) reference; 0 for
/// matching NaN / inf / overflow, infinity for a mismatch.
inline double ulpErr(float got, double ref) {
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
inline double ulpErr(double got, long double ref) {
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
inline std::map<std::string, Entry> &table() {
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
inline ::testing::Environment *const kEnv =
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

inline uint64_t rngState = 0x9E3779B97F4A7C15ull;
inline uint64_t rnd() {
  rngState ^= rngState << 13;
  rngState ^= rngState >> 7;
  rngState ^= rngState << 17;
  return rngState;
}
inline double uniform(double lo, double hi) {
  return lo + (hi - lo) * double(rnd() >> 11) * 0x1p-53;
}

/// Floats ordered as integers (-inf < ... < -0 < +0 < ... < +inf).
inline int64_t orderedF(float x) {
  uint32_t u = bitsOf(x);
  return (u & 0x80000000u) ? -int64_t(u & 0x7fffffffu) : int64_t(u);
}
inline float unorderedF(int64_t o) {
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

inline double sigmoidRef(double x) {
  return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x));
}
inline long double sigmoidRefL(long double x) {
  return x >= 0 ? 1 / (1 + expl(-x)) : expl(x) / (1 + expl(x));
}

// Documented bounds (docs/math.md).
inline constexpr double kBound = 1.0; // every function but the ones below
// The f32 expm1, tanh and sigmoid round a few times in float (exhaustive
// max 1.1908, 1.0661 and 1.6586 ulp, docs/math.md).
inline constexpr double kExpm1BoundF32 = 1.3;
inline constexpr double kTanhBoundF32 = 1.1;
inline constexpr double kSigmoidBoundF32 = 1.8;
// sqrt is correctly rounded (checked bit-exactly below); the measured error
// against a rounded reference may exceed 1/2 by the reference's rounding.
inline constexpr double kSqrtBound = 0.5 + 0x1p-20;
inline constexpr double kRsqrtBound = 1.5; // two correctly rounded operations

} // namespace tdl::mathtest

#endif

//===- math_speed.cpp - nanoseconds per element of tdl::math's f32 functions
//===//
//
// `out[i] = f(in[i])` over 64 K floats (uniform in [-2, 2]; log and log1p in
// [0.01, 4]), best of 40 x 20 passes per function: the numbers of
// docs/math.md "Cost and speed". The runtime compiles Math.h with clang-19
// into bitcode that the cpu backend inlines and vectorizes; build this the
// same way, for the machine at hand:
//   clang++-19 -std=c++20 -O2 -ffp-contract=off -march=native -I. \
//       bench/math_speed.cpp -o math_speed && ./math_speed
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/Math.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

namespace {

constexpr int kN = 1 << 16;

template <class F> double nsPerElement(F f, const std::vector<float> &in) {
  std::vector<float> out(kN);
  double best = 1e30;
  for (int rep = 0; rep < 40; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    for (int pass = 0; pass < 20; ++pass)
      f(in.data(), out.data());
    auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
  }
  volatile float sink = out[kN / 3];
  (void)sink;
  return best / (20.0 * kN) * 1e9;
}

std::vector<float> uniform(float lo, float hi) {
  std::mt19937 gen(1);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(kN);
  for (float &x : v)
    x = d(gen);
  return v;
}

} // namespace

#define TDL_LOOP(F)                                                            \
  [](const float *in, float *out) {                                            \
    for (int i = 0; i < kN; ++i)                                               \
      out[i] = tdl::math::F(in[i]);                                            \
  }

int main() {
  std::vector<float> sym = uniform(-2.0f, 2.0f), pos = uniform(0.01f, 4.0f);
  std::printf("f32 ns/element\n");
  std::printf("exp      %.3f\n", nsPerElement(TDL_LOOP(exp), sym));
  std::printf("expm1    %.3f\n", nsPerElement(TDL_LOOP(expm1), sym));
  std::printf("tanh     %.3f\n", nsPerElement(TDL_LOOP(tanh), sym));
  std::printf("sigmoid  %.3f\n", nsPerElement(TDL_LOOP(sigmoid), sym));
  std::printf("log      %.3f\n", nsPerElement(TDL_LOOP(log), pos));
  std::printf("log1p    %.3f\n", nsPerElement(TDL_LOOP(log1p), pos));
  std::printf("sin      %.3f\n", nsPerElement(TDL_LOOP(sin), sym));
  std::printf("cos      %.3f\n", nsPerElement(TDL_LOOP(cos), sym));
}

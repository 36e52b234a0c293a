//===- MathExhaustive.cpp - f32 math functions over all 2^32 inputs ------===//
//
// Evaluates tdl::math's f32 exp, expm1, tanh, sigmoid, log, log1p, sin and
// cos on every one of the 2^32 float bit patterns (sin and cos measured for
// |x| <= 1e9) and prints, per function, the max ulp error against
// the double-precision libm result (the KernelsTests bounds must hold), the
// worst input, whether every NaN input came back as x + x, and an FNV-1a
// hash of all output bits. Building this file with different compilers and
// instruction sets (g++ baseline, clang -march=native, ...) and comparing
// the hashes checks that they all compute the same bits (docs/math.md
// "Checks done"). Not a ctest entry: one function takes a few minutes of one
// core. Usage: math_exhaustive [FUNCTION]... (default: all).
// Exit status 1 if a bound or the NaN rule fails.
//
//===----------------------------------------------------------------------===//
#include "MathTestHelpers.h"

#include <cinttypes>

namespace {

using namespace tdl::mathtest;

struct Function {
  const char *name;
  void (*eval)(const float *in, float *out, int n);
  double (*ref)(double);
  double bound;
  float maxAbs = kInfF; // inputs measured (all are hashed)
};

// Separate loops so that a vectorizing compiler vectorizes each function.
#define TDL_EVAL(F)                                                            \
  [](const float *in, float *out, int n) {                                     \
    for (int i = 0; i < n; ++i)                                                \
      out[i] = tmath::F(in[i]);                                                \
  }

const Function kFunctions[] = {
    {"exp", TDL_EVAL(exp), [](double x) { return std::exp(x); }, kBound},
    {"expm1", TDL_EVAL(expm1), [](double x) { return std::expm1(x); },
     kExpm1BoundF32},
    {"tanh", TDL_EVAL(tanh), [](double x) { return std::tanh(x); },
     kTanhBoundF32},
    {"sigmoid", TDL_EVAL(sigmoid), sigmoidRef, kSigmoidBoundF32},
    {"log", TDL_EVAL(log), [](double x) { return std::log(x); }, kBound},
    {"log1p", TDL_EVAL(log1p), [](double x) { return std::log1p(x); }, kBound},
    // The documented accuracy range of sin and cos: |x| <= 1e9.
    {"sin", TDL_EVAL(sin), [](double x) { return std::sin(x); }, kBound, 1e9f},
    {"cos", TDL_EVAL(cos), [](double x) { return std::cos(x); }, kBound, 1e9f},
};

bool run(const Function &f) {
  constexpr int kBlock = 1 << 16;
  std::vector<float> in(kBlock), out(kBlock);
  uint64_t hash = 0xcbf29ce484222325ull;
  double maxUlp = 0;
  float worst = 0;
  long badNaN = 0;
  for (uint64_t base = 0; base < (uint64_t(1) << 32); base += kBlock) {
    for (int i = 0; i < kBlock; ++i)
      in[i] = floatOf(uint32_t(base + i));
    f.eval(in.data(), out.data(), kBlock);
    for (int i = 0; i < kBlock; ++i) {
      uint32_t ob = bitsOf(out[i]);
      for (int byte = 0; byte < 4; ++byte)
        hash = (hash ^ ((ob >> (8 * byte)) & 0xff)) * 0x100000001b3ull;
      float x = in[i];
      if (std::isnan(x)) {
        volatile float xx = x;
        badNaN += ob != bitsOf(float(xx + xx));
        continue;
      }
      if (!(std::fabs(x) <= f.maxAbs))
        continue;
      double e = ulpErr(out[i], f.ref(double(x)));
      if (e > maxUlp) {
        maxUlp = e;
        worst = x;
      }
    }
  }
  bool ok = maxUlp <= f.bound && badNaN == 0;
  std::printf("%-8s max %.4f ulp (bound %.2f) at x=%a; NaN inputs not x+x: "
              "%ld; hash %016" PRIx64 "%s\n",
              f.name, maxUlp, f.bound, double(worst), badNaN, hash,
              ok ? "" : "  FAILED");
  return ok;
}

} // namespace

int main(int argc, char **argv) {
  bool ok = true;
  for (const Function &f : kFunctions) {
    bool wanted = argc == 1;
    for (int i = 1; i < argc; ++i)
      wanted |= std::strcmp(argv[i], f.name) == 0;
    if (wanted)
      ok &= run(f);
  }
  return ok ? 0 : 1;
}

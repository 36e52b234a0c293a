//===- MathExpLogTest.cpp - exp, expm1, log, log1p, tanh, sigmoid ---------===//
#include "MathTestHelpers.h"

namespace {

using namespace tdl::mathtest;

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

} // namespace

//===- MathEdgeTest.cpp - exact edge cases of every function --------------===//
#include "MathTestHelpers.h"

namespace {

using namespace tdl::mathtest;

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

//===- ArgReduceTest.cpp - argmax / argmin against the definition ---------===//
//
// runtime/kernels/ArgReduce.h visits elements by vector lanes and by
// slices; these tests check it against the definition written out plainly
// (the first extremum, the first NaN winning) on rows with ties, NaNs,
// signed zeros and infinities, every length around the lane blocks, and
// strided axes.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/ArgReduce.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace {

template <typename T>
std::vector<int64_t> byDefinition(const std::vector<T> &in, int64_t outer,
                                  int64_t len, int64_t inner, bool isMax) {
  std::vector<int64_t> out(outer * inner);
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t c = 0; c < inner; ++c) {
      auto at = [&](int64_t k) { return in[(a * len + k) * inner + c]; };
      int64_t best = -1;
      for (int64_t k = 0; k < len && best < 0; ++k)
        if (at(k) != at(k))
          best = k; // the first NaN
      if (best < 0) {
        best = 0;
        for (int64_t k = 1; k < len; ++k)
          if (isMax ? at(k) > at(best) : at(k) < at(best))
            best = k;
      }
      out[a * inner + c] = best;
    }
  return out;
}

/// Values from a small set, so rows have many ties; with `specials`, NaN,
/// infinities and signed zeros too.
template <typename T>
std::vector<T> values(int64_t n, unsigned seed, bool specials) {
  std::mt19937 gen(seed);
  std::vector<T> v(n);
  for (T &x : v) {
    int r = int(gen() % 64);
    x = T(r % 9) - T(4);
    if constexpr (std::is_floating_point_v<T>) {
      if (specials && r == 63)
        x = std::numeric_limits<T>::quiet_NaN();
      else if (specials && r == 62)
        x = -std::numeric_limits<T>::infinity();
      else if (specials && r == 61)
        x = std::numeric_limits<T>::infinity();
      else if (r % 9 == 4)
        x = r % 2 ? T(0) : -T(0);
    }
  }
  return v;
}

template <typename T> void check(bool specials) {
  unsigned seed = 1;
  for (int64_t len : {1, 2, 15, 16, 17, 31, 32, 33, 47, 48, 64, 100, 1000})
    for (int64_t inner : {1, 3, 300})
      for (bool isMax : {true, false}) {
        int64_t outer = 5;
        auto in = values<T>(outer * len * inner, seed++, specials);
        std::vector<int64_t> got(outer * inner, -7);
        tdl::kernels::argReduce<T>(in.data(), outer, len, inner, isMax,
                                   got.data());
        EXPECT_EQ(byDefinition(in, outer, len, inner, isMax), got)
            << "len " << len << " inner " << inner << (isMax ? " max" : " min");
      }
}

TEST(ArgReduce, F32) { check<float>(false); }
TEST(ArgReduce, F32WithNaNsInfinitiesAndSignedZeros) { check<float>(true); }
TEST(ArgReduce, F64WithNaNsInfinitiesAndSignedZeros) { check<double>(true); }
TEST(ArgReduce, I32) { check<int32_t>(false); }
TEST(ArgReduce, I8) { check<int8_t>(false); }

TEST(ArgReduce, ExtremumInTheLastPartialBlock) {
  std::vector<float> row(40, 1.0f);
  row[39] = 2.0f;
  int64_t got = -1;
  tdl::kernels::argReduce<float>(row.data(), 1, 40, 1, true, &got);
  EXPECT_EQ(39, got);
  row[39] = 1.0f; // all tied: the first
  tdl::kernels::argReduce<float>(row.data(), 1, 40, 1, true, &got);
  EXPECT_EQ(0, got);
}

} // namespace

//===- TensorFormatTest.cpp - NumPy-style printing, strings by hand -------===//
#include "runtime/TensorFormat.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

using namespace tdl::rt;

namespace {

template <typename E>
std::string fmt(ElemType t, std::vector<int64_t> shape, std::vector<E> v,
                FormatOptions o = {}) {
  return formatTensor(t, shape.data(), shape.size(), v.data(), o);
}

TEST(TensorFormat, IntegersAndBools) {
  EXPECT_EQ(fmt<int8_t>(ElemType::I8, {3}, {1, -2, 3}), "i8[3] [1, -2, 3]");
  EXPECT_EQ(fmt<int32_t>(ElemType::I32, {2, 3}, {1, 2, 3, 4, 5, 6}),
            "i32[2,3] [[1, 2, 3], [4, 5, 6]]");
  EXPECT_EQ(fmt<int64_t>(ElemType::I64, {}, {-9223372036854775807LL - 1}),
            "i64 -9223372036854775808");
  EXPECT_EQ(fmt<uint8_t>(ElemType::Bool, {2}, {1, 0}), "bool[2] [true, false]");
  EXPECT_EQ(fmt<int32_t>(ElemType::I32, {0}, {}), "i32[0] []");
  EXPECT_EQ(fmt<int32_t>(ElemType::I32, {2, 0}, {}), "i32[2,0] [[], []]");
}

TEST(TensorFormat, FloatsTrimZeros) {
  EXPECT_EQ(fmt<float>(ElemType::F32, {2, 3}, {1, 2, 3, 4, 5, 6}),
            "f32[2,3] [[1, 2, 3], [4, 5, 6]]");
  EXPECT_EQ(fmt<float>(ElemType::F32, {}, {1.5f}), "f32 1.5");
  EXPECT_EQ(fmt<float>(ElemType::F32, {3}, {0.1f, -2.25f, 100.0f}),
            "f32[3] [0.1, -2.25, 100]");
  EXPECT_EQ(fmt<float>(ElemType::F32, {}, {-0.0f}), "f32 -0");
}

TEST(TensorFormat, ShortestTextForTheElementType) {
  // 0.1f widened to double is 0.100000001490116..., but as an f32 its
  // shortest text is 0.1; as f64 it is rounded to 8 fraction digits.
  EXPECT_EQ(fmt<float>(ElemType::F32, {}, {0.1f}), "f32 0.1");
  EXPECT_EQ(fmt<double>(ElemType::F64, {}, {double(0.1f)}), "f64 0.1");
  EXPECT_EQ(fmt<double>(ElemType::F64, {}, {1.0 / 3}), "f64 0.33333333");
  EXPECT_EQ(fmt<double>(ElemType::F64, {}, {2.0 / 3}), "f64 0.66666667");
  EXPECT_EQ(fmt<double>(ElemType::F64, {}, {123456.7890123}),
            "f64 123456.7890123");
  FormatOptions three;
  three.precision = 3;
  EXPECT_EQ(fmt<double>(ElemType::F64, {2}, {3.14159, 2.5}, three),
            "f64[2] [3.142, 2.5]");
}

TEST(TensorFormat, LargeIntegersUseTheShortestDigits) {
  // A NumPy scalar prints the shortest round-trip digits padded with zeros,
  // not every integer digit of the binary value: np.float32(173936784) is
  // 173936780. NumPy arrays keep the exact digits: [80000008.].
  EXPECT_EQ(fmt<float>(ElemType::F32, {}, {173936784.0f}), "f32 173936780");
  EXPECT_EQ(fmt<float>(ElemType::F32, {}, {123456789.0f}), "f32 123456790");
  EXPECT_EQ(fmt<float>(ElemType::F32, {}, {-107436488.0f}), "f32 -107436490");
  EXPECT_EQ(fmt<float>(ElemType::F32, {2}, {70000000.0f, 80000008.0f}),
            "f32[2] [70000000, 80000008]");
  EXPECT_EQ(fmt<float>(ElemType::F32, {}, {16777216.0f}), "f32 16777216");
  EXPECT_EQ(fmt<double>(ElemType::F64, {}, {9007199254740994.0}),
            "f64 9007199254740994");
  EXPECT_EQ(fmt<float>(ElemType::F32, {3}, {0.0f, 0.001f, 0.5f}),
            "f32[3] [0, 0.001, 0.5]");
}

TEST(TensorFormat, NaNAndInfinities) {
  float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(fmt<float>(ElemType::F32, {4}, {NAN, inf, -inf, 1}),
            "f32[4] [nan, inf, -inf, 1]");
}

TEST(TensorFormat, ScientificLikeNumPy) {
  // Scalars: |x| < 1e-4 or >= 1e16.
  EXPECT_EQ(fmt<float>(ElemType::F32, {}, {1e-5f}), "f32 1e-05");
  EXPECT_EQ(fmt<double>(ElemType::F64, {}, {1.5e20}), "f64 1.5e+20");
  EXPECT_EQ(fmt<double>(ElemType::F64, {}, {1e15}), "f64 1000000000000000");
  EXPECT_EQ(fmt<double>(ElemType::F64, {}, {0.0001}), "f64 0.0001");
  // Arrays: max >= 1e8, min < 1e-4, or max/min > 1e3 over nonzero finite
  // elements (zeros and nan are ignored).
  EXPECT_EQ(fmt<double>(ElemType::F64, {2}, {1, 2000}),
            "f64[2] [1e+00, 2e+03]");
  EXPECT_EQ(fmt<double>(ElemType::F64, {3}, {0, 1.5, 1000}),
            "f64[3] [0, 1.5, 1000]");
  EXPECT_EQ(fmt<float>(ElemType::F32, {2}, {1e8f, 2.5e8f}),
            "f32[2] [1e+08, 2.5e+08]");
  EXPECT_EQ(fmt<double>(ElemType::F64, {2}, {1.23456789012e-5, NAN}),
            "f64[2] [1.23456789e-05, nan]");
}

TEST(TensorFormat, SummarizesPastTheThreshold) {
  std::vector<int64_t> v(2000);
  std::iota(v.begin(), v.end(), 0);
  EXPECT_EQ(fmt<int64_t>(ElemType::I64, {2000}, v),
            "i64[2000] [0, 1, 2, ..., 1997, 1998, 1999]");
  // 1000 elements are not summarized.
  std::vector<int64_t> w(1000, 7);
  std::string full = fmt<int64_t>(ElemType::I64, {1000}, w);
  EXPECT_EQ(full.find("..."), std::string::npos);
  // 2-D: 3 edge rows and columns per axis.
  std::vector<int32_t> m(100 * 20);
  std::iota(m.begin(), m.end(), 0);
  std::string s = fmt<int32_t>(ElemType::I32, {100, 20}, m);
  EXPECT_EQ(s, "i32[100,20] [[0, 1, 2, ..., 17, 18, 19], "
               "[20, 21, 22, ..., 37, 38, 39], "
               "[40, 41, 42, ..., 57, 58, 59], ..., "
               "[1940, 1941, 1942, ..., 1957, 1958, 1959], "
               "[1960, 1961, 1962, ..., 1977, 1978, 1979], "
               "[1980, 1981, 1982, ..., 1997, 1998, 1999]]");
}

} // namespace

//===- NNTest.cpp - matmul, conv2d, pooling against naive loops -----------===//
#include "InterpTestUtil.h"

#include <limits>

using namespace tdl::ir;
using namespace tdl::ir::test;

namespace {

/// Small deterministic pseudo-random values (exact in f32 and f64).
template <typename E> std::vector<E> data(int64_t n, int seed) {
  std::vector<E> v;
  uint32_t s = 2166136261u ^ uint32_t(seed);
  for (int64_t i = 0; i < n; ++i) {
    s = s * 1664525u + 1013904223u;
    v.push_back(E(int((s >> 24) % 17) - 8) / E(4));
  }
  return v;
}

TEST(InterpMatmul, PlainMatrixProduct) {
  std::vector<float> a = data<float>(6, 1), b = data<float>(12, 2);
  auto c = runOp(Opcode::Matmul, {tensor<float>(DType::F32, {2, 3}, a),
                                  tensor<float>(DType::F32, {3, 4}, b)})
               .toVector<float>();
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j) {
      float s = 0;
      for (int k = 0; k < 3; ++k)
        s += a[i * 3 + k] * b[k * 4 + j];
      EXPECT_EQ(c[i * 4 + j], s) << i << "," << j;
    }
}

TEST(InterpMatmul, BatchDimsBroadcast) {
  // a: [2,1,2,3], b: [3,3,2] -> [2,3,2,2]; a's batch dim 1 stretches to 3,
  // b's missing leading dim stretches to 2.
  std::vector<double> a = data<double>(2 * 1 * 2 * 3, 3),
                      b = data<double>(3 * 3 * 2, 4);
  RuntimeValue out =
      runOp(Opcode::Matmul, {tensor<double>(DType::F64, {2, 1, 2, 3}, a),
                             tensor<double>(DType::F64, {3, 3, 2}, b)});
  ASSERT_EQ(out.getType(), T(DType::F64, {2, 3, 2, 2}));
  auto c = out.toVector<double>();
  for (int p = 0; p < 2; ++p)
    for (int q = 0; q < 3; ++q)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) {
          double s = 0;
          for (int k = 0; k < 3; ++k)
            s += a[(p * 2 + i) * 3 + k] * b[(q * 3 + k) * 2 + j];
          EXPECT_EQ(c[((p * 3 + q) * 2 + i) * 2 + j], s);
        }
}

TEST(InterpMatmul, I8WidensToI32) {
  // 100 * 100 * 3 = 30000 does not fit in i8; the result is i32.
  RuntimeValue out =
      runOp(Opcode::Matmul,
            {tensor<int8_t>(DType::I8, {1, 3}, {100, 100, -128}),
             tensor<int8_t>(DType::I8, {3, 2}, {100, 1, 100, 1, -128, 127})});
  ASSERT_EQ(out.getType(), T(DType::I32, {1, 2}));
  EXPECT_EQ(out.toVector<int32_t>(),
            (std::vector<int32_t>{100 * 100 + 100 * 100 + 128 * 128,
                                  100 + 100 - 128 * 127}));
}

struct ConvCase {
  int64_t n, c, h, w, o, kh, kw, groups;
  std::array<int64_t, 2> stride, dilation;
  std::array<int64_t, 4> pad; // top, bottom, left, right
};

std::vector<float> naiveConv(const ConvCase &k, const std::vector<float> &x,
                             const std::vector<float> &wt, int64_t oh,
                             int64_t ow) {
  int64_t cg = k.c / k.groups, og = k.o / k.groups;
  std::vector<float> out;
  for (int64_t n = 0; n < k.n; ++n)
    for (int64_t o = 0; o < k.o; ++o)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t z = 0; z < ow; ++z) {
          float s = 0;
          int64_t g = o / og;
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t i = 0; i < k.kh; ++i)
              for (int64_t j = 0; j < k.kw; ++j) {
                int64_t iy = y * k.stride[0] + i * k.dilation[0] - k.pad[0];
                int64_t iz = z * k.stride[1] + j * k.dilation[1] - k.pad[2];
                if (iy < 0 || iy >= k.h || iz < 0 || iz >= k.w)
                  continue;
                s += x[((n * k.c + g * cg + c) * k.h + iy) * k.w + iz] *
                     wt[((o * cg + c) * k.kh + i) * k.kw + j];
              }
          out.push_back(s);
        }
  return out;
}

void checkConv(const ConvCase &k) {
  std::vector<float> x = data<float>(k.n * k.c * k.h * k.w, 5);
  std::vector<float> w = data<float>(k.o * (k.c / k.groups) * k.kh * k.kw, 6);
  RuntimeValue out =
      runOp(Opcode::Conv2D,
            {tensor<float>(DType::F32, {k.n, k.c, k.h, k.w}, x),
             tensor<float>(DType::F32, {k.o, k.c / k.groups, k.kh, k.kw}, w)},
            {{"stride", Attribute(IntArray{k.stride[0], k.stride[1]})},
             {"dilation", Attribute(IntArray{k.dilation[0], k.dilation[1]})},
             {"padding", Attribute(IntArray(k.pad.begin(), k.pad.end()))},
             {"groups", Attribute(k.groups)}});
  int64_t oh = (k.h + k.pad[0] + k.pad[1] - k.dilation[0] * (k.kh - 1) - 1) /
                   k.stride[0] +
               1;
  int64_t ow = (k.w + k.pad[2] + k.pad[3] - k.dilation[1] * (k.kw - 1) - 1) /
                   k.stride[1] +
               1;
  ASSERT_EQ(out.getType(), T(DType::F32, {k.n, k.o, oh, ow}));
  // Values are multiples of 1/16 with few terms: sums are exact in any order.
  EXPECT_EQ(out.toVector<float>(), naiveConv(k, x, w, oh, ow));
}

TEST(InterpConv2D, Plain) {
  checkConv({1, 1, 4, 4, 1, 3, 3, 1, {1, 1}, {1, 1}, {0, 0, 0, 0}});
}
TEST(InterpConv2D, StrideAndAsymmetricPadding) {
  checkConv({2, 3, 7, 6, 4, 3, 2, 1, {2, 3}, {1, 1}, {1, 0, 2, 1}});
}
TEST(InterpConv2D, Dilation) {
  checkConv({1, 2, 9, 8, 3, 3, 3, 1, {1, 2}, {2, 3}, {2, 2, 1, 1}});
}
TEST(InterpConv2D, Groups) {
  checkConv({2, 4, 5, 5, 6, 3, 3, 2, {1, 1}, {1, 1}, {1, 1, 1, 1}});
}
TEST(InterpConv2D, DepthwiseWithEverything) {
  checkConv({1, 3, 8, 7, 3, 2, 3, 3, {2, 1}, {2, 1}, {0, 1, 1, 0}});
}

TEST(InterpConv2D, I8WidensToI32) {
  RuntimeValue out = runOp(
      Opcode::Conv2D, {tensor<int8_t>(DType::I8, {1, 1, 1, 2}, {100, 100}),
                       tensor<int8_t>(DType::I8, {1, 1, 1, 2}, {100, 100})});
  ASSERT_EQ(out.getType(), T(DType::I32, {1, 1, 1, 1}));
  EXPECT_EQ(out.toVector<int32_t>()[0], 20000);
}

TEST(InterpPool, MaxPoolIgnoresPadding) {
  // 1x1x3x3 with values -9..-1, window 2, stride 1, padding 1 all around:
  // every window sees at least one real element; padding never wins even
  // though all values are negative.
  std::vector<float> x{-9, -8, -7, -6, -5, -4, -3, -2, -1};
  RuntimeValue out =
      runOp(Opcode::MaxPool2D, {tensor<float>(DType::F32, {1, 1, 3, 3}, x)},
            {{"window", Attribute(IntArray{2, 2})},
             {"stride", Attribute(IntArray{1, 1})},
             {"padding", Attribute(IntArray{1, 1, 1, 1})}});
  ASSERT_EQ(out.getType(), T(DType::F32, {1, 1, 4, 4}));
  std::vector<float> expect;
  for (int y = 0; y < 4; ++y)
    for (int z = 0; z < 4; ++z) {
      float m = -std::numeric_limits<float>::infinity();
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) {
          int iy = y - 1 + i, iz = z - 1 + j;
          if (iy >= 0 && iy < 3 && iz >= 0 && iz < 3)
            m = std::max(m, x[iy * 3 + iz]);
        }
      expect.push_back(m);
    }
  EXPECT_EQ(out.toVector<float>(), expect);
}

TEST(InterpPool, MaxPoolDefaultStrideIsTheWindow) {
  RuntimeValue out = runOp(
      Opcode::MaxPool2D,
      {tensor<int32_t>(DType::I32, {1, 1, 2, 4}, {1, 5, 2, 0, 3, 4, 8, 7})},
      {{"window", Attribute(IntArray{2, 2})}});
  EXPECT_EQ(out.toVector<int32_t>(), (std::vector<int32_t>{5, 8}));
}

TEST(InterpPool, AvgPoolCountsPadding) {
  // count_include_pad: a corner window with padding 1 holds one real
  // element and three zeros, divided by 4.
  std::vector<double> x{4, 8, 12, 16};
  RuntimeValue out =
      runOp(Opcode::AvgPool2D, {tensor<double>(DType::F64, {1, 1, 2, 2}, x)},
            {{"window", Attribute(IntArray{2, 2})},
             {"stride", Attribute(IntArray{1, 1})},
             {"padding", Attribute(IntArray{1, 1, 1, 1})}});
  ASSERT_EQ(out.getType(), T(DType::F64, {1, 1, 3, 3}));
  EXPECT_EQ(out.toVector<double>(),
            (std::vector<double>{1, 3, 2, 4, 10, 6, 3, 7, 4}));
}

} // namespace

//===- CxxHeaderTest.cpp - the generated header from C++17 and C++20 ------===//
//
// Built twice (CpuHeaderCxx17Tests, CpuHeaderCxx20Tests): the wrappers take
// the header's own span before C++20 and std::span from C++20 on. They
// must call the flat functions with the same leaves, refuse a wrong size
// with a message naming the parameter, and link next to a second module.
//
//===----------------------------------------------------------------------===//
#include "header_model.h"
#include "other_model.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <type_traits>
#include <vector>

#if __cplusplus >= 202002L
static_assert(std::is_same_v<header_model::span<float>, std::span<float>>);
#else
static_assert(!std::is_same_v<header_model::span<float>, float *>);
#endif

namespace {

struct Data {
  std::vector<float> w{1, -2, 0.5f, 3, -1, 2}, b{0.25f, -0.5f}, k{1.5f, -3};
  std::array<float, 12> x{1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, -3};
  header_model::Layer layer() const {
    return {w.data(), b.data(), {k.data(), 0.5f}};
  }
};

TEST(CpuHeader, StructFormMatchesTheFlatForm) {
  Data d;
  std::vector<float> yFlat(8), y(8);
  float sFlat = 0;
  ASSERT_EQ(header_model::forward(d.w, d.b, d.k, 0.5f, d.x, yFlat, sFlat), 0);
  header_model::forward_result r{};
  r.out0 = y.data();
  ASSERT_EQ(header_model::forward(d.layer(), d.x, &r), 0);
  EXPECT_EQ(y, yFlat);
  EXPECT_EQ(r.out1, sFlat);
}

TEST(CpuHeader, StructResults) {
  Data d;
  std::vector<float> w(6), b(2), k(2);
  float s = 0;
  header_model::update_result r{};
  r.out0 = {w.data(), b.data(), {k.data(), &s}};
  ASSERT_EQ(header_model::update(d.layer(), 0.5f, 7, &r), 0);
  EXPECT_EQ(w, (std::vector<float>{0.5f, -1, 0.25f, 1.5f, -0.5f, 1}));
  EXPECT_EQ(b, (std::vector<float>{1.25f, 0.5f}));
  EXPECT_EQ(k, (std::vector<float>{3, -6}));
  EXPECT_EQ(s, 1.5f);
  EXPECT_EQ(r.out1, 14);
}

TEST(CpuHeader, SizeMismatchNamesTheParameter) {
  Data d;
  std::vector<float> shortX(5);
  header_model::forward_result r{};
  std::vector<float> y(8);
  r.out0 = y.data();
  EXPECT_EQ(header_model::forward(d.layer(), shortX, &r), -1);
  EXPECT_STREQ(header_model::last_error(),
               "forward: parameter 'x' is f32[4,3] (12 elements), but 5 were "
               "given");
  float s = 0;
  std::vector<float> y7(7);
  EXPECT_EQ(header_model::forward(d.w, d.b, d.k, 0.5f, d.x, y7, s), -1);
  EXPECT_STREQ(header_model::last_error(),
               "forward: parameter 'out0' is f32[4,2] (8 elements), but 7 "
               "were given");
}

TEST(CpuHeader, TwoModulesShareTheErrorState) {
  std::array<float, 2> v{1, 2};
  float out = 0;
  EXPECT_NE(other_model::second(v, 9, out), 0);
  std::string viaOther = other_model::last_error();
  EXPECT_NE(viaOther.find("index 9 out of range"), std::string::npos);
  EXPECT_EQ(viaOther, header_model::last_error());
  std::array<float, 3> x{1, 2, 3}, y{};
  other_model::scale_result r{};
  r.out0 = y.data();
  ASSERT_EQ(other_model::scale(x, 3.0f, &r), 0);
  EXPECT_EQ(y[2], 9.0f);
}

} // namespace

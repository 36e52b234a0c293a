//===- AbiTest.cpp - a tdlc object + header linked into a C++ program -----===//
//
// abi_model.tdl is compiled with `tdlc -c --header` at build time and linked
// in with no other library (LANGUAGE.md §8). Each call's results are
// formatted like `tdlc run` and compared with the interpreter running the
// matching `ref_*` entry on the same inputs.
//
//===----------------------------------------------------------------------===//
#include "abi_model.h"

#include "runtime/TensorFormat.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace {

/// `tdlc run --backend=interp --entry NAME abi_model.tdl`'s stdout.
std::string interpret(const std::string &entry) {
  std::string cmd = std::string(TDLC_PATH) + " run --backend=interp --entry " +
                    entry + " " + ABI_MODEL_SOURCE;
  FILE *p = popen(cmd.c_str(), "r");
  EXPECT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0)
    out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << cmd;
  return out;
}

template <typename T>
std::string line(tdl::rt::ElemType t, std::vector<int64_t> shape,
                 const T *data) {
  return tdl::rt::formatTensor(t, shape.data(), shape.size(), data) + "\n";
}

std::vector<float> xs() {
  std::vector<float> x(6);
  for (int i = 0; i < 6; ++i)
    x[i] = i * 0.5f - 1.0f;
  return x;
}
std::vector<float> ws() {
  std::vector<float> w(12);
  for (int i = 0; i < 12; ++i)
    w[i] = float(i % 5) * 0.25f - 0.5f;
  return w;
}

TEST(CpuAbi, MatchesTheInterpreter) {
  std::vector<float> x = xs(), w = ws(), y(8);
  std::vector<int64_t> idx(2);
  ASSERT_EQ(affine(x.data(), w.data(), 1.5f, y.data(), idx.data()), 0);
  std::string got = line(tdl::rt::ElemType::F32, {2, 4}, y.data()) +
                    line(tdl::rt::ElemType::I64, {2}, idx.data());
  EXPECT_EQ(got, interpret("ref_affine"));
}

TEST(CpuAbi, ScalarsBoolsAndControlFlow) {
  std::vector<int32_t> a(5);
  for (int i = 0; i < 5; ++i)
    a[i] = 3 * i - 4;
  int32_t n = -1;
  bool above[5];
  ASSERT_EQ(count(a.data(), 2, false, &n, above), 0);
  std::string got = line(tdl::rt::ElemType::I32, {}, &n) +
                    line(tdl::rt::ElemType::Bool, {5}, above);
  EXPECT_EQ(got, interpret("ref_count"));
}

TEST(CpuAbi, CppWrapperChecksSizes) {
  std::vector<float> x = xs(), w = ws(), y(8), tooSmall(7);
  std::vector<int64_t> idx(2);
  EXPECT_EQ(abi_model::affine(x, w, 1.5f, y, idx), 0);
  EXPECT_EQ(abi_model::affine(x, w, 1.5f, tooSmall, idx), -1);
  EXPECT_EQ(abi_model::affine_x_shape[0], 2);
  EXPECT_EQ(abi_model::affine_w_shape[1], 4);
  float out = 0;
  float v[4] = {1, 2, 3, 4};
  ASSERT_EQ(abi_model::pick(v, 2, out), 0);
  EXPECT_EQ(line(tdl::rt::ElemType::F32, {}, &out), interpret("ref_pick"));
}

TEST(CpuAbi, OutOfRangeIndexReturnsAnError) {
  float v[4] = {1, 2, 3, 4}, out = 0;
  EXPECT_NE(pick(v, 4, &out), 0);
  EXPECT_STREQ(tdl_last_error(),
               "index 4 out of range for dim 0 of size 4 (window size 1)");
  EXPECT_NE(pick(v, -1, &out), 0);
  EXPECT_STREQ(tdl_last_error(),
               "index -1 out of range for dim 0 of size 4 (window size 1)");
  EXPECT_EQ(pick(v, 3, &out), 0);
  EXPECT_EQ(out, 4.0f);
}

TEST(CpuAbi, ErrorMessagesAreThreadLocal) {
  float v[4] = {1, 2, 3, 4}, out = 0;
  EXPECT_NE(pick(v, 9, &out), 0);
  std::string other;
  std::thread t([&] {
    float o = 0;
    pick(v, 5, &o);
    other = tdl_last_error();
  });
  t.join();
  EXPECT_STREQ(tdl_last_error(),
               "index 9 out of range for dim 0 of size 4 (window size 1)");
  EXPECT_EQ(other, "index 5 out of range for dim 0 of size 4 (window size 1)");
}

} // namespace

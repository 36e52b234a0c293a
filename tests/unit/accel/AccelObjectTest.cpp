//===- AccelObjectTest.cpp - a `tdlc -c --accel` object in a C++ program --===//
//
// accel_model.tdl is compiled twice at build time: with --accel (its int8
// layers run on the accelerator through the host runtime linked in,
// tdl_accel_host) and for the cpu alone (prefix cpu_). The two objects must
// agree bit for bit (both equal the interpreter by contract); the
// statistics API reports what the accelerator did; a program that exceeds
// the cycle budget makes the exported call fail with a message naming the
// region and the fault; concurrent calls from two threads stay correct.
//
//===----------------------------------------------------------------------===//
#include "accel_model.h"
#include "accel_model_cpu.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

template <typename T>
std::vector<T> random(size_t n, unsigned seed, int lo, int hi) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<T> v(n);
  for (T &x : v)
    x = T(d(rng));
  return v;
}

struct DenseInputs {
  std::vector<int8_t> x = random<int8_t>(64 * 128, 1, -128, 127);
  std::vector<int8_t> w = random<int8_t>(128 * 64, 2, -128, 127);
  std::vector<int32_t> b = random<int32_t>(64, 3, -3000, 3000);
};

struct BlockInputs {
  std::vector<int8_t> x = random<int8_t>(2 * 16 * 10 * 10, 4, -128, 127);
  std::vector<int8_t> w1 = random<int8_t>(32 * 16 * 9, 5, -128, 127);
  std::vector<int32_t> b1 = random<int32_t>(32, 6, -3000, 3000);
  std::vector<int8_t> w2 = random<int8_t>(16 * 32, 7, -128, 127);
};

TEST(AccelObjectTest, DenseEqualsTheCpuObject) {
  DenseInputs in;
  std::vector<int8_t> accel(64 * 64), cpu(64 * 64);
  ASSERT_EQ(dense(in.x.data(), in.w.data(), in.b.data(), accel.data()), 0)
      << tdl_last_error();
  ASSERT_EQ(cpu_dense(in.x.data(), in.w.data(), in.b.data(), cpu.data()), 0);
  EXPECT_EQ(accel, cpu);
  int nonzero = 0;
  for (int8_t v : accel)
    nonzero += v != 0;
  EXPECT_GT(nonzero, 64 * 64 / 4); // not a result of zeros

  TdlAccelCallStats stats;
  ASSERT_EQ(tdl_accel_call_stats(&stats), 0);
  EXPECT_EQ(stats.regions, 1u);
  EXPECT_GE(stats.programs, 1u);
  EXPECT_EQ(stats.macs, 64u * 64 * 128);
  EXPECT_GT(stats.cycles, 0u);
  EXPECT_GT(stats.dram_bytes, 64u * 128 + 128 * 64);
  EXPECT_GT(stats.utilization, 0.0);
  EXPECT_LE(stats.utilization, 1.0);
  EXPECT_GT(stats.device_seconds, 0.0);
}

TEST(AccelObjectTest, ChainedConvRegionsEqualTheCpuObject) {
  BlockInputs in;
  std::vector<int8_t> accel(2 * 16 * 100), cpu(2 * 16 * 100);
  ASSERT_EQ(block(in.x.data(), in.w1.data(), in.b1.data(), in.w2.data(),
                  accel.data()),
            0)
      << tdl_last_error();
  ASSERT_EQ(cpu_block(in.x.data(), in.w1.data(), in.b1.data(), in.w2.data(),
                      cpu.data()),
            0);
  EXPECT_EQ(accel, cpu);
  TdlAccelCallStats stats = accel_model::accel_call_stats();
  EXPECT_EQ(stats.regions, 2u); // the statistics are of this call only
  EXPECT_EQ(stats.macs, 2u * 32 * 100 * 16 * 9 + 2u * 16 * 100 * 32);
}

/// The residual (an i8 argument of the region, widened by the runtime) and
/// the fused pool through the compiled object's region descriptions.
TEST(AccelObjectTest, ResidualAndPoolEqualTheCpuObject) {
  std::vector<int8_t> x = random<int8_t>(16 * 64, 8, -128, 127);
  std::vector<int8_t> w1 = random<int8_t>(16 * 16 * 9, 9, -128, 127);
  std::vector<int8_t> w2 = random<int8_t>(16 * 16 * 9, 10, -128, 127);
  std::vector<int8_t> accel(16 * 16), cpu(16 * 16);
  ASSERT_EQ(res_pool(x.data(), w1.data(), w2.data(), accel.data()), 0)
      << tdl_last_error();
  ASSERT_EQ(cpu_res_pool(x.data(), w1.data(), w2.data(), cpu.data()), 0);
  EXPECT_EQ(accel, cpu);
  TdlAccelCallStats stats = accel_model::accel_call_stats();
  EXPECT_EQ(stats.regions, 2u);
  EXPECT_EQ(stats.macs, 2u * 16 * 64 * 16 * 9);
}

/// A depthwise conv as block-diagonal groups in a compiled object: two
/// programs of 16 channels, not 32 of one.
TEST(AccelObjectTest, DepthwiseSeparableEqualsTheCpuObject) {
  std::vector<int8_t> x = random<int8_t>(32 * 64, 11, -128, 127);
  std::vector<int8_t> wd = random<int8_t>(32 * 9, 12, -128, 127);
  std::vector<int8_t> wp = random<int8_t>(16 * 32, 13, -128, 127);
  std::vector<int8_t> accel(16 * 64), cpu(16 * 64);
  ASSERT_EQ(separable(x.data(), wd.data(), wp.data(), accel.data()), 0)
      << tdl_last_error();
  ASSERT_EQ(cpu_separable(x.data(), wd.data(), wp.data(), cpu.data()), 0);
  EXPECT_EQ(accel, cpu);
  TdlAccelCallStats stats = accel_model::accel_call_stats();
  EXPECT_EQ(stats.regions, 2u);
  EXPECT_EQ(stats.programs, 3u); // 2 depthwise groups + the 1x1 conv
}

TEST(AccelObjectTest, AFaultIsTheCallsStatusWithTheRegionNamed) {
  DenseInputs in;
  std::vector<int8_t> out(64 * 64);
  tdl_accel_set_max_cycles(10);
  int32_t rc = dense(in.x.data(), in.w.data(), in.b.data(), out.data());
  tdl_accel_set_max_cycles(0);
  EXPECT_NE(rc, 0);
  std::string message = tdl_last_error();
  EXPECT_NE(message.find("@dense.accel0"), std::string::npos) << message;
  EXPECT_NE(message.find("accel_model.tdl:"), std::string::npos) << message;
  EXPECT_NE(message.find("budget"), std::string::npos) << message;
  // The device is usable again.
  std::vector<int8_t> cpu(64 * 64);
  ASSERT_EQ(dense(in.x.data(), in.w.data(), in.b.data(), out.data()), 0);
  ASSERT_EQ(cpu_dense(in.x.data(), in.w.data(), in.b.data(), cpu.data()), 0);
  EXPECT_EQ(out, cpu);
}

TEST(AccelObjectTest, TwoThreadsCallConcurrently) {
  DenseInputs d;
  BlockInputs b;
  std::vector<int8_t> wantDense(64 * 64), wantBlock(2 * 16 * 100);
  ASSERT_EQ(cpu_dense(d.x.data(), d.w.data(), d.b.data(), wantDense.data()), 0);
  ASSERT_EQ(cpu_block(b.x.data(), b.w1.data(), b.b1.data(), b.w2.data(),
                      wantBlock.data()),
            0);
  auto work = [&](bool denseFirst, int &failures) {
    for (int i = 0; i < 4; ++i) {
      std::vector<int8_t> o1(64 * 64), o2(2 * 16 * 100);
      bool useDense = (i % 2 == 0) == denseFirst;
      if (useDense) {
        failures += dense(d.x.data(), d.w.data(), d.b.data(), o1.data()) != 0 ||
                    o1 != wantDense;
      } else {
        failures += block(b.x.data(), b.w1.data(), b.b1.data(), b.w2.data(),
                          o2.data()) != 0 ||
                    o2 != wantBlock;
        TdlAccelCallStats s;
        tdl_accel_call_stats(&s);
        failures += s.regions != 2; // per thread
      }
    }
  };
  int f1 = 0, f2 = 0;
  std::thread t1(work, true, std::ref(f1)), t2(work, false, std::ref(f2));
  t1.join();
  t2.join();
  EXPECT_EQ(f1, 0);
  EXPECT_EQ(f2, 0);
}

} // namespace

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

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

extern "C" void *__real_malloc(size_t);
/// Heap allocations made by anything in this program (the linker wraps
/// malloc, tests/unit/cpu/CMakeLists.txt). Atomic: the concurrent-call
/// tests malloc from several threads (a data race under ./build.sh
/// test-tsan when it was a plain long).
static std::atomic<long> mallocCalls{0};
/// Bytes malloc'ed by the calling thread (the frame and tape stacks grow
/// per thread).
static thread_local long threadMallocBytes = 0;

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

// ctest runs this under TDL_MAX_ISA=generic, =avx2 and unset: each runs
// another variant of the object's loops (docs/cpu-backend.md "Instruction
// sets"), and all must print the interpreter's bits.
TEST(CpuAbi, VectorMathMatchesTheInterpreter) {
  constexpr int kRows = 37, kCols = 129;
  std::vector<float> x(kRows * kCols), y(x.size()), rows(kRows);
  std::vector<double> d(x.size()), z(x.size()), zmax(kRows);
  for (int i = 0; i < kRows * kCols; ++i) {
    x[i] = float(i % 211) * 0.07f - 7.0f;
    d[i] = double(i % 173) * 0.09 - 8.0;
  }
  ASSERT_EQ(vector_math(x.data(), d.data(), y.data(), rows.data(), z.data(),
                        zmax.data()),
            0);
  std::string got = line(tdl::rt::ElemType::F32, {kRows, kCols}, y.data()) +
                    line(tdl::rt::ElemType::F32, {kRows}, rows.data()) +
                    line(tdl::rt::ElemType::F64, {kRows, kCols}, z.data()) +
                    line(tdl::rt::ElemType::F64, {kRows}, zmax.data());
  EXPECT_EQ(got, interpret("ref_vector_math"));
}

// Results of 4 MiB and more go through a row buffer and the runtime's
// tdl_rt_store_block; ctest runs this again with TDL_STREAM_MIN_BYTES=0, so
// the rows are written with streaming stores, also on the baseline variant.
TEST(CpuAbi, StreamedResultsMatchTheInterpreter) {
  std::vector<float> x(1024 * 1024), normed(x.size()), s(4096 * 256),
      t(s.size());
  std::vector<double> d(4 * 128 * 1024), z(d.size());
  std::vector<float> r(1048576), u(r.size());
  for (size_t i = 0; i < r.size(); ++i)
    r[i] = float(i % 4093) * 0.005f - 10.0f;
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(i % 1013) * 0.013f - 6.0f;
  for (size_t i = 0; i < d.size(); ++i)
    d[i] = double(i % 997) * 0.011 - 5.0;
  for (size_t i = 0; i < s.size(); ++i)
    s[i] = float(i % 331) * 0.5f - 80.0f;
  // Results start off the cache-line grid (the runtime's unaligned head).
  std::vector<float> tOff(t.size() + 3);
  ASSERT_EQ(streamed(x.data(), d.data(), s.data(), r.data(), normed.data(),
                     z.data(), tOff.data() + 3, u.data()),
            0);
  // Every element, with the digits that tell every float apart.
  tdl::rt::FormatOptions all;
  all.precision = 17;
  all.threshold = int64_t(1) << 40;
  auto full = [&](tdl::rt::ElemType t, std::vector<int64_t> shape,
                  const void *data) {
    return tdl::rt::formatTensor(t, shape.data(), shape.size(), data, all) +
           "\n";
  };
  std::string got = full(tdl::rt::ElemType::F32, {1024, 1024}, normed.data()) +
                    full(tdl::rt::ElemType::F64, {4, 128, 1024}, z.data()) +
                    full(tdl::rt::ElemType::F32, {4096, 256}, tOff.data() + 3) +
                    full(tdl::rt::ElemType::F32, {1048576}, u.data());
  EXPECT_EQ(got, interpret("ref_streamed --print-full --print-precision=17"));
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
               "index 4 out of range for dim 0 of size 4 (valid: 0 to 3)");
  EXPECT_NE(pick(v, -1, &out), 0);
  EXPECT_STREQ(tdl_last_error(),
               "index -1 out of range for dim 0 of size 4 (valid: 0 to 3)");
  EXPECT_EQ(pick(v, 3, &out), 0);
  EXPECT_EQ(out, 4.0f);
}

TEST(CpuAbi, ErrorMessagesAreThreadLocal) {
  float v[4] = {1, 2, 3, 4}, out = 0;
  EXPECT_NE(pick(v, 9, &out), 0);
  std::string other;
  std::thread t([&] {
    float o = 0;
    EXPECT_NE(pick(v, 5, &o), 0);
    other = tdl_last_error();
  });
  t.join();
  EXPECT_STREQ(tdl_last_error(),
               "index 9 out of range for dim 0 of size 4 (valid: 0 to 3)");
  EXPECT_EQ(other, "index 5 out of range for dim 0 of size 4 (valid: 0 to 3)");
}

//===-- The planned frame (docs/cpu-backend.md "Memory") ------------------===//

std::vector<float> frameXs(float shift = 0) {
  std::vector<float> x(64 * 256);
  for (int i = 0; i < 64 * 256; ++i)
    x[i] = float(i % 97) * 0.01f - 0.4f + shift;
  return x;
}

TEST(CpuFrame, MatchesTheInterpreter) {
  std::vector<float> x = frameXs(), r(64), s(64 * 256);
  ASSERT_EQ(frame_work(x.data(), 3, r.data(), s.data()), 0);
  EXPECT_EQ(line(tdl::rt::ElemType::F32, {64}, r.data()) +
                line(tdl::rt::ElemType::F32, {64, 256}, s.data()),
            interpret("ref_frame_work"));
}

TEST(CpuFrame, SteadyStateCallsDoNotAllocate) {
  std::vector<float> x = frameXs(), r(64), s(64 * 256);
  ASSERT_EQ(frame_work(x.data(), 3, r.data(), s.data()), 0); // grows the stack
  long before = mallocCalls;
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(frame_work(x.data(), 3, r.data(), s.data()), 0);
  EXPECT_EQ(mallocCalls - before, 0);
}

TEST(CpuFrame, ErrorsPopTheFrame) {
  std::vector<float> x(1024, 0.5f);
  float out = 0;
  ASSERT_EQ(fail_in_loop(x.data(), 0, &out), 0);
  long before = mallocCalls;
  for (int i = 0; i < 100; ++i) {
    EXPECT_NE(fail_in_loop(x.data(), 1021 + i % 3, &out), 0);
    ASSERT_EQ(fail_in_loop(x.data(), i % 1000, &out), 0);
  }
  // A frame left pushed by an error would grow the stack call after call.
  EXPECT_EQ(mallocCalls - before, 0);
  EXPECT_STREQ(
      tdl_last_error(),
      "index 1024 out of range for dim 0 of size 1024 (valid: 0 to 1023)");
  std::vector<float> fx = frameXs(), r(64), s(64 * 256);
  ASSERT_EQ(frame_work(fx.data(), 3, r.data(), s.data()), 0);
  EXPECT_EQ(line(tdl::rt::ElemType::F32, {64}, r.data()) +
                line(tdl::rt::ElemType::F32, {64, 256}, s.data()),
            interpret("ref_frame_work"));
}

TEST(CpuFrame, ACallerLentWorkspaceIsEnough) {
  // frame_work's frame, its callee-free matmuls' GEMM scratch: all in the
  // lent buffer, so not even the first call allocates.
  int64_t bytes = frame_work_workspace_size();
  EXPECT_GT(bytes, 64 * 256 * 4);
  EXPECT_EQ(abi_model::frame_work_workspace_size(), bytes);
  std::vector<char> ws(size_t(bytes) + 63); // the buffer need not be aligned
  std::vector<float> x = frameXs(), r(64), s(64 * 256);
  std::vector<float> r2(64), s2(64 * 256);
  ASSERT_EQ(frame_work(x.data(), 3, r.data(), s.data()), 0);
  long before = mallocCalls;
  ASSERT_EQ(frame_work_with_workspace(ws.data() + 1, bytes + 62, x.data(), 3,
                                      r2.data(), s2.data()),
            0);
  EXPECT_EQ(mallocCalls - before, 0);
  EXPECT_EQ(std::memcmp(r.data(), r2.data(), r.size() * 4), 0);
  EXPECT_EQ(std::memcmp(s.data(), s2.data(), s.size() * 4), 0);
  // Too small a buffer still works: the stack grows past it.
  ASSERT_EQ(frame_work_with_workspace(ws.data(), 128, x.data(), 3, r2.data(),
                                      s2.data()),
            0);
  EXPECT_EQ(std::memcmp(s.data(), s2.data(), s.size() * 4), 0);
}

TEST(CpuFrame, TapePushesDoNotAllocate) {
  std::vector<float> w(1024), x(512), g(1024);
  for (int i = 0; i < 1024; ++i)
    w[i] = float(i % 13) * 0.02f - 0.12f;
  for (int i = 0; i < 512; ++i)
    x[i] = float(i % 7) * 0.1f - 0.3f;
  float loss = 0;
  ASSERT_EQ(rnn_grad(w.data(), x.data(), &loss, g.data()), 0);
  EXPECT_EQ(line(tdl::rt::ElemType::F32, {}, &loss) +
                line(tdl::rt::ElemType::F32, {32, 32}, g.data()),
            interpret("ref_rnn_grad"));
  long before = mallocCalls;
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(rnn_grad(w.data(), x.data(), &loss, g.data()), 0);
  EXPECT_EQ(mallocCalls - before, 0);
}

TEST(CpuThreads, ResultsDoNotDependOnTheThreadCount) {
  std::vector<float> a(96 * 300), b(300 * 700);
  for (size_t i = 0; i < a.size(); ++i)
    a[i] = float(int(i * 7919 % 2001) - 1000) * 1e-3f;
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = float(int(i * 104729 % 1999) - 999) * 1e-3f;
  std::vector<std::vector<float>> outs;
  for (int threads : {1, 2, 3}) {
    tdl_set_num_threads(threads);
    std::vector<float> c(96 * 700);
    ASSERT_EQ(big_matmul(a.data(), b.data(), c.data()), 0);
    outs.push_back(c);
  }
  tdl_set_num_threads(2);
  EXPECT_EQ(std::memcmp(outs[0].data(), outs[1].data(), outs[0].size() * 4), 0);
  EXPECT_EQ(std::memcmp(outs[0].data(), outs[2].data(), outs[0].size() * 4), 0);
  // Calls from several application threads at once: each gets the serial
  // result (the pool runs one loop at a time, the others run serially).
  std::vector<int> bad(3, 0);
  std::vector<std::thread> ts;
  for (int t = 0; t < 3; ++t)
    ts.emplace_back([&, t] {
      std::vector<float> c(96 * 700);
      for (int i = 0; i < 5; ++i) {
        if (big_matmul(a.data(), b.data(), c.data()) != 0 ||
            std::memcmp(c.data(), outs[0].data(), c.size() * 4) != 0)
          ++bad[t];
      }
    });
  for (std::thread &th : ts)
    th.join();
  EXPECT_EQ(bad, (std::vector<int>{0, 0, 0}));
}

TEST(CpuThreads, ConcurrentCallsOfAParallelLoopNest) {
  // Three application threads call one exported function whose fused loop
  // nest splits over a pool of 2 (the pool takes one loop at a time; the
  // others run theirs serially): each result must be a 1-thread call's.
  constexpr int kRows = 512, kCols = 1024;
  std::vector<float> x(kRows * kCols);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(int(i * 7919 % 4001) - 2000) * 1e-3f;
  std::vector<float> want(x.size()), wantRows(kRows);
  tdl_set_num_threads(1);
  ASSERT_EQ(wide_map(x.data(), want.data(), wantRows.data()), 0);
  tdl_set_num_threads(2);
  std::vector<int> bad(3, 0);
  std::vector<std::thread> ts;
  for (int t = 0; t < 3; ++t)
    ts.emplace_back([&, t] {
      std::vector<float> y(x.size()), rows(kRows);
      for (int i = 0; i < 4; ++i) {
        std::fill(y.begin(), y.end(), 0.0f);
        if (wide_map(x.data(), y.data(), rows.data()) != 0 ||
            std::memcmp(y.data(), want.data(), y.size() * 4) != 0 ||
            std::memcmp(rows.data(), wantRows.data(), kRows * 4) != 0)
          ++bad[t];
      }
    });
  for (std::thread &th : ts)
    th.join();
  EXPECT_EQ(bad, (std::vector<int>{0, 0, 0}));
}

TEST(CpuFrame, RnnMemoryGrowsLinearlyWithTheSteps) {
  // Each call runs on a fresh thread (fresh stacks) on one kernel thread:
  // what it mallocs is its frames, its tape and the kernels' scratch. 64
  // steps must take about 4x what 16 take (the stacks grow by doubling), not
  // 16x. Per step the tape keeps three 64 KB tensors and the frame holds
  // a few step-sized slices of x-sized tensors (the input cotangent, double
  // buffered, and zeros): at most 16 x 64 KB a step even after doubling.
  tdl_set_num_threads(1);
  std::vector<float> w(128 * 128);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = float(int(i % 17) - 8) * 0.01f;
  auto bytesFor = [&](int steps) {
    long bytes = 0;
    std::thread t([&] {
      std::vector<float> x(size_t(steps) * 128 * 128, 0.1f), g(x.size());
      long before = threadMallocBytes;
      int32_t rc = steps == 16 ? long_rnn_grad_16(w.data(), x.data(), g.data())
                               : long_rnn_grad_64(w.data(), x.data(), g.data());
      EXPECT_EQ(rc, 0);
      bytes = threadMallocBytes - before;
    });
    t.join();
    return bytes;
  };
  long b16 = bytesFor(16), b64 = bytesFor(64);
  tdl_set_num_threads(2);
  const long perStep = 128 * 128 * 4;
  EXPECT_GE(b64, 2 * b16) << b16 << " bytes for 16 steps, " << b64 << " for 64";
  EXPECT_LE(b64, 6 * b16) << b16 << " bytes for 16 steps, " << b64 << " for 64";
  EXPECT_LE(b64, 16 * 64 * perStep) << b64 << " bytes for 64 steps";
}

TEST(CpuFrame, ConcurrentCallsAreIndependent) {
  // Each thread has its own frame stack: results equal a serial run's.
  const int kThreads = 2, kCalls = 30;
  std::vector<std::vector<float>> want(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    std::vector<float> x = frameXs(0.1f * t), r(64), s(64 * 256);
    ASSERT_EQ(frame_work(x.data(), 2, r.data(), s.data()), 0);
    want[t] = r;
    want[t].insert(want[t].end(), s.begin(), s.end());
  }
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      std::vector<float> x = frameXs(0.1f * t), r(64), s(64 * 256);
      for (int c = 0; c < kCalls; ++c) {
        if (frame_work(x.data(), 2, r.data(), s.data()) != 0)
          ++mismatches[t];
        std::vector<float> got = r;
        got.insert(got.end(), s.begin(), s.end());
        if (std::memcmp(got.data(), want[t].data(), got.size() * 4) != 0)
          ++mismatches[t];
      }
    });
  for (std::thread &th : threads)
    th.join();
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

} // namespace

extern "C" void *__wrap_malloc(size_t n) {
  mallocCalls.fetch_add(1, std::memory_order_relaxed);
  threadMallocBytes += long(n);
  return __real_malloc(n);
}

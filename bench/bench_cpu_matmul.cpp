//===- bench_cpu_matmul.cpp - the cpu backend's matmul vs OpenBLAS --------===//
//
// cpu_matmul_model.tdl is compiled by tdlc at build time twice: -O3
// -march=native (mmN) and for baseline x86-64 (base_mmN: the runtime picks
// its AVX-512 / AVX2 kernels by cpuid). Each benchmark multiplies f32
// matrices with
//   tdl      the -march=native object (exact: the interpreter's bits),
//   base     the baseline object (exact),
//   fast     the runtime's -ffast-math GEMM (FMA kernels), called directly:
//            the runtime sources compiled natively with the flags of its
//            bitcode (tdlc has no -ffast-math object path to the cpu
//            backend yet, docs/cpu-backend.md),
//   openblas cblas_sgemm on one thread,
// and reports times and ratios to OpenBLAS as counters of one run. Times
// are per-thread CPU time (the machine is shared; wall time counts other
// builds). Numbers go to docs/performance.md; no test asserts on time.
//
//===----------------------------------------------------------------------===//
#include "cpu_matmul_base.h"
#include "cpu_matmul_model.h"
#include "runtime/cpu/Gemm.h"

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <functional>
#include <vector>

namespace {

using MatmulFn = int32_t (*)(const float *, const float *, float *);

struct Case {
  int64_t batch, m, k, n;
  MatmulFn tdl, base;
};

double threadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

/// The best of 3 rounds of `reps` calls, per call.
double secondsPer(int reps, const std::function<void()> &f) {
  double best = 1e30;
  for (int round = 0; round < 3; ++round) {
    double start = threadSeconds();
    for (int i = 0; i < reps; ++i)
      f();
    best = std::min(best, (threadSeconds() - start) / reps);
  }
  return best;
}

void matmulVsOpenBlas(benchmark::State &state, Case c) {
  openblas_set_num_threads(1);
  int64_t sa = c.m * c.k, sb = c.k * c.n, sc = c.m * c.n;
  std::vector<float> a(c.batch * sa), b(c.batch * sb), out(c.batch * sc);
  for (size_t i = 0; i < a.size(); ++i)
    a[i] = float(i % 17) * 0.125f - 1.0f;
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = float(i % 13) * 0.25f - 1.5f;
  double flops = 2.0 * double(c.batch * c.m * c.k * c.n);
  int reps = std::max(1, int(2e8 / flops));
  double tdl = 0, base = 0, fast = 0, blas = 0;
  for (auto _ : state) {
    tdl = secondsPer(reps, [&] { c.tdl(a.data(), b.data(), out.data()); });
    base = secondsPer(reps, [&] { c.base(a.data(), b.data(), out.data()); });
    fast = secondsPer(reps, [&] {
      for (int64_t i = 0; i < c.batch; ++i)
        tdl::rt::gemmOf<4>(tdl::rt::hostIsa(), /*fast=*/true, c.m, c.k, c.n,
                           a.data() + i * sa, c.k, b.data() + i * sb, c.n,
                           out.data() + i * sc, c.n);
    });
    blas = secondsPer(reps, [&] {
      for (int64_t i = 0; i < c.batch; ++i)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(c.m),
                    int(c.n), int(c.k), 1.0f, a.data() + i * sa, int(c.k),
                    b.data() + i * sb, int(c.n), 0.0f, out.data() + i * sc,
                    int(c.n));
    });
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["tdl_ms"] = tdl * 1e3;
  state.counters["openblas_ms"] = blas * 1e3;
  state.counters["tdl_GFLOPs"] = flops / tdl * 1e-9;
  state.counters["fast_GFLOPs"] = flops / fast * 1e-9;
  state.counters["openblas_GFLOPs"] = flops / blas * 1e-9;
  state.counters["ratio"] = tdl / blas;
  state.counters["base_ratio"] = base / blas;
  state.counters["fast_ratio"] = fast / blas;
}

} // namespace

BENCHMARK_CAPTURE(matmulVsOpenBlas, 64, Case{1, 64, 64, 64, mm64, base_mm64})
    ->Iterations(1);
BENCHMARK_CAPTURE(matmulVsOpenBlas, 128,
                  Case{1, 128, 128, 128, mm128, base_mm128})
    ->Iterations(1);
BENCHMARK_CAPTURE(matmulVsOpenBlas, 256,
                  Case{1, 256, 256, 256, mm256, base_mm256})
    ->Iterations(1);
BENCHMARK_CAPTURE(matmulVsOpenBlas, 512,
                  Case{1, 512, 512, 512, mm512, base_mm512})
    ->Iterations(1);
BENCHMARK_CAPTURE(matmulVsOpenBlas, 1024,
                  Case{1, 1024, 1024, 1024, mm1024, base_mm1024})
    ->Iterations(1);
BENCHMARK_CAPTURE(matmulVsOpenBlas, 1000x300x70,
                  Case{1, 1000, 300, 70, mm_rect, base_mm_rect})
    ->Iterations(1);
BENCHMARK_CAPTURE(matmulVsOpenBlas, 16x128x64x128,
                  Case{16, 128, 64, 128, mm_batched, base_mm_batched})
    ->Iterations(1);
BENCHMARK_CAPTURE(matmulVsOpenBlas, 1000x300x10,
                  Case{1, 1000, 300, 10, mm_logits, base_mm_logits})
    ->Iterations(1);
BENCHMARK_CAPTURE(matmulVsOpenBlas, 4096x512x16,
                  Case{1, 4096, 512, 16, mm_narrow16, base_mm_narrow16})
    ->Iterations(1);
BENCHMARK_CAPTURE(matmulVsOpenBlas, 2048x2048x1,
                  Case{1, 2048, 2048, 1, mm_vector, base_mm_vector})
    ->Iterations(1);
BENCHMARK_MAIN();

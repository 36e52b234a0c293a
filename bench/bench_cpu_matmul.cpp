//===- bench_cpu_matmul.cpp - the cpu backend's matmul vs OpenBLAS --------===//
//
// cpu_matmul_model.tdl is compiled by tdlc at build time (-O3
// -march=native); each benchmark multiplies two NxN f32 matrices with the
// generated code and with OpenBLAS's cblas_sgemm (one thread), and reports
// both times and their ratio (tdl / openblas) as counters of one run.
// Numbers go to docs/performance.md; no test asserts on time.
//
//===----------------------------------------------------------------------===//
#include "cpu_matmul_model.h"

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace {

using MatmulFn = int32_t (*)(const float *, const float *, float *);

double secondsPer(int reps, const std::function<void()> &f) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i)
    f();
  std::chrono::duration<double> d = std::chrono::steady_clock::now() - start;
  return d.count() / reps;
}

void matmulVsOpenBlas(benchmark::State &state, int n, MatmulFn tdl) {
  openblas_set_num_threads(1);
  std::vector<float> a(n * n), b(n * n), c(n * n), ref(n * n);
  for (int i = 0; i < n * n; ++i) {
    a[i] = float(i % 17) * 0.125f - 1.0f;
    b[i] = float(i % 13) * 0.25f - 1.5f;
  }
  int reps = n >= 512 ? 3 : 20;
  double tdlSeconds = 0, blasSeconds = 0;
  for (auto _ : state) {
    tdlSeconds = secondsPer(reps, [&] { tdl(a.data(), b.data(), c.data()); });
    blasSeconds = secondsPer(reps, [&] {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f,
                  a.data(), n, b.data(), n, 0.0f, ref.data(), n);
    });
    benchmark::DoNotOptimize(c.data());
    benchmark::DoNotOptimize(ref.data());
  }
  double flops = 2.0 * n * n * n;
  state.counters["tdl_ms"] = tdlSeconds * 1e3;
  state.counters["openblas_ms"] = blasSeconds * 1e3;
  state.counters["tdl_GFLOPs"] = flops / tdlSeconds * 1e-9;
  state.counters["openblas_GFLOPs"] = flops / blasSeconds * 1e-9;
  state.counters["ratio"] = tdlSeconds / blasSeconds;
}

} // namespace

BENCHMARK_CAPTURE(matmulVsOpenBlas, 128, 128, &mm128)->Iterations(1);
BENCHMARK_CAPTURE(matmulVsOpenBlas, 256, 256, &mm256)->Iterations(1);
BENCHMARK_CAPTURE(matmulVsOpenBlas, 512, 512, &mm512)->Iterations(1);
BENCHMARK_MAIN();

//===- accel_gemm.cpp - simulated MACs per second of the accelerator -----===//
//
// Google Benchmark: simulates C = A · W^T for square int8 GEMMs (up to
// 1024³ = 1.07 G MACs) with the reference double-buffered schedule of
// backends/accel/mapping/TiledGemm.h, and reports simulated MACs per wall-clock
// second ("macs_per_s") plus the timing model's cycles and utilization.
// A few output elements are checked against a scalar dot product so a
// fast-but-wrong simulator cannot report a number.
//
//   ninja -C build bench_accel_gemm && build/bench/bench_accel_gemm
//
//===----------------------------------------------------------------------===//
#include "backends/accel/isa/Encoding.h"
#include "backends/accel/mapping/TiledGemm.h"
#include "backends/accel/sim/Simulator.h"

#include <benchmark/benchmark.h>

#include <cstring>
#include <random>

using namespace tdl::accel;

static void BM_AccelGemm(benchmark::State &state) {
  const uint32_t n = uint32_t(state.range(0));
  Config config;
  Dram dram;
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> a(size_t(n) * n), w(size_t(n) * n);
  for (int8_t &x : a)
    x = int8_t(dist(rng));
  for (int8_t &x : w)
    x = int8_t(dist(rng));
  // W is used in its packed form directly (block (nb, kb) = 16×16 [o][k]),
  // so the reference below indexes it the same way.
  uint64_t aAddr = dram.allocate(a.size(), config.maxElemBytes());
  uint64_t wAddr = dram.allocate(w.size(), config.maxElemBytes());
  uint64_t cAddr = dram.allocate(size_t(n) * n, config.maxElemBytes());
  std::memcpy(dram.data(aAddr), a.data(), a.size());
  std::memcpy(dram.data(wAddr), w.data(), w.size());
  TiledGemmSpec spec{n,
                     n / 16,
                     n / 16,
                     std::min(n, 64u),
                     std::min(n / 16, 16u),
                     std::min(n / 16, 16u)};
  spec.inpBase = uint32_t(aAddr / 16);
  spec.wgtBase = uint32_t(wAddr / 256);
  spec.outBase = uint32_t(cAddr / 16);
  llvm::Expected<TiledGemmProgram> p = buildTiledGemm(config, spec);
  if (!p) {
    state.SkipWithError(llvm::toString(p.takeError()).c_str());
    return;
  }
  uint64_t uAddr = dram.allocate(p->uops.size() * 4, config.maxElemBytes());
  for (size_t i = 0; i < p->uops.size(); ++i) {
    uint32_t word = cantFail(encodeUop(p->uops[i]));
    std::memcpy(dram.data(uAddr + 4 * i), &word, 4);
  }
  p->insns.front().mem.dramBase = uint32_t(uAddr / 4);

  RunResult result;
  for (auto _ : state) {
    Simulator sim(config);
    result = sim.run(p->insns, dram);
    if (!result.ok()) {
      state.SkipWithError(formatFault(*result.fault).c_str());
      return;
    }
  }
  // Spot-check C[i][j] = low 8 bits of Σ_k A[i][k] · W[j][k].
  const uint32_t kb = n / 16;
  for (uint32_t i : {0u, n / 3, n - 1})
    for (uint32_t j : {0u, n / 2 + 1, n - 1}) {
      int32_t sum = 0;
      for (uint32_t k = 0; k < n; ++k)
        sum += a[size_t(i) * n + k] *
               w[((size_t(j / 16) * kb + k / 16) * 16 + j % 16) * 16 + k % 16];
      if (int8_t(dram.data(cAddr)[size_t(i) * n + j]) != int8_t(uint8_t(sum))) {
        state.SkipWithError("wrong result");
        return;
      }
    }
  state.counters["macs_per_s"] = benchmark::Counter(
      double(result.stats.macs), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["sim_cycles"] = double(result.stats.cycles);
  state.counters["utilization"] = result.stats.utilization(config);
}
BENCHMARK(BM_AccelGemm)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();

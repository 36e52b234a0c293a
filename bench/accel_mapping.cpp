//===- accel_mapping.cpp - searched GEMM mappings vs the fixed template --===//
//
// For DeepBench-style inference GEMMs and a few convolutions as GEMMs
// (im2col), plans each shape twice with planGemm — the fixed VTA-style
// template (PlanOptions::search = false, TiledGemm's 64×16×16-block
// schedule) and the search — and prints a Markdown table of the timing
// model's cycles, the speedup, the GEMM-core utilization of each (useful
// MACs M·N·K per cycle over the peak batch·block_in·block_out), the
// chosen schedule and the planning time, then the geomean speedup.
// Cycles are the plan's estimate (the simulator's timing-only mode, equal
// to a full run: GemmSearchTest checks that). With --check, every shape
// small enough also runs functionally and is compared with referenceGemm.
//
//   ninja -C build bench_accel_mapping && build/bench/bench_accel_mapping
//     [--check] [--config CONFIG.json]
//
//===----------------------------------------------------------------------===//
#include "backends/accel/mapping/gemm/GemmPlan.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <random>

using namespace tdl::accel;

namespace {

struct Shape {
  const char *name;
  uint32_t m, n, k; // C[m, n] = A[m, k] · B[k, n]; m is the batch side
};

// DeepBench's inference GEMMs are (M, N, K) with N the batch: as
// C = X·W here that is m = N (rows of activations), n = M (outputs).
const Shape Shapes[] = {
    {"deepbench 5124x700x2048", 700, 5124, 2048},
    {"deepbench 35x700x2048", 700, 35, 2048},
    {"deepbench 5124x700x2560", 700, 5124, 2560},
    {"deepbench 35x700x2560", 700, 35, 2560},
    {"deepbench 7680x1x2560", 1, 7680, 2560},
    {"deepbench 7680x2x2560", 2, 7680, 2560},
    {"deepbench 7680x4x2560", 4, 7680, 2560},
    {"deepbench 3072x1x1024", 1, 3072, 1024},
    {"deepbench 3072x4x1024", 4, 3072, 1024},
    {"deepbench 64x1x1216", 1, 64, 1216},
    {"deepbench 1024x700x512", 700, 1024, 512},
    {"deepbench 3072x1500x1024", 1500, 3072, 1024},
    {"deepbench 512x6000x2816", 6000, 512, 2816},
    {"square 256", 256, 256, 256},
    {"square 1024", 1024, 1024, 1024},
    // Convolutions as GEMMs: m = output pixels, n = output channels,
    // k = input channels × kernel window.
    {"conv resnet 7x7/2 3->64 @112", 12544, 64, 147},
    {"conv resnet 1x1 256->64 @56", 3136, 64, 256},
    {"conv resnet 3x3 64->64 @56", 3136, 64, 576},
    {"conv resnet 3x3 128->128 @28", 784, 128, 1152},
    {"conv resnet 3x3 256->256 @14", 196, 256, 2304},
    {"conv resnet 3x3 512->512 @7", 49, 512, 4608},
};

/// The requantizing epilogue an int8 layer carries.
GemmOp layer(const Shape &s) {
  GemmOp op{s.m, s.n, s.k, {OperandShape::Row}, {}};
  op.epilogue = {{AluOp::Add, false, 0, 0},
                 {AluOp::Add, true, 1 << 9, 0},
                 {AluOp::Shr, true, 10, 0},
                 {AluOp::Max, true, -128, 0},
                 {AluOp::Min, true, 127, 0}};
  return op;
}

bool check(const GemmPlan &plan) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> a(size_t(plan.op.m) * plan.op.k),
      b(size_t(plan.op.k) * plan.op.n);
  for (int8_t &x : a)
    x = int8_t(dist(rng));
  for (int8_t &x : b)
    x = int8_t(dist(rng));
  std::vector<std::vector<int32_t>> operands = {
      std::vector<int32_t>(plan.op.n, 1000)};
  Simulator sim(plan.config);
  llvm::Expected<PlanRun> run = runGemm(sim, plan, a, b, operands);
  if (!run) {
    fmt::print(stderr, "{}\n", llvm::toString(run.takeError()));
    return false;
  }
  return run->out == referenceGemm(plan.op, a, b, operands) &&
         run->stats.cycles == plan.estimate.cycles;
}

} // namespace

int main(int argc, char **argv) {
  bool doCheck = false;
  Config config;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--check") == 0) {
      doCheck = true;
    } else if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      llvm::Expected<Config> loaded = loadConfigFile(argv[++i]);
      if (!loaded) {
        fmt::print(stderr, "{}\n", llvm::toString(loaded.takeError()));
        return 2;
      }
      config = *loaded;
    } else {
      fmt::print(stderr, "usage: bench_accel_mapping [--check] [--config "
                         "CONFIG.json]\n");
      return 2;
    }
  }
  // Utilization counts useful MACs (M·N·K): the simulator's own figure
  // also counts the MACs on padding, which would flatter padded mappings.
  auto utilization = [&](const GemmPlan &p) {
    return double(p.op.m) * p.op.n * p.op.k /
           (double(p.estimate.cycles) * double(config.macsPerIteration()));
  };
  fmt::print("| shape | M×N×K | template cycles | searched cycles | speedup | "
             "util. template | util. searched | searched schedule | plan ms "
             "|\n"
             "|---|---|---:|---:|---:|---:|---:|---|---:|\n");
  double logSum = 0;
  unsigned count = 0, failures = 0;
  for (const Shape &s : Shapes) {
    GemmOp op = layer(s);
    PlanOptions fixed;
    fixed.search = false;
    llvm::Expected<GemmPlan> base = planGemm(config, op, fixed);
    auto t0 = std::chrono::steady_clock::now();
    llvm::Expected<GemmPlan> best = planGemm(config, op);
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - t0)
                    .count();
    if (!base || !best) {
      fmt::print("| {} | planning failed: {} |\n", s.name,
                 !base ? llvm::toString(base.takeError())
                       : llvm::toString(best.takeError()));
      ++failures;
      continue;
    }
    double speedup =
        double(base->estimate.cycles) / double(best->estimate.cycles);
    logSum += std::log(speedup);
    ++count;
    fmt::print("| {} | {}×{}×{} | {} | {} | {:.2f} | {:.3f} | {:.3f} | {} "
               "({} timed) | {:.1f} |\n",
               s.name, s.m, s.n, s.k, base->estimate.cycles,
               best->estimate.cycles, speedup, utilization(*base),
               utilization(*best), best->schedule.describe(),
               best->candidatesTimed, ms);
    if (doCheck && uint64_t(s.m) * s.n * s.k <= (uint64_t(1) << 28))
      for (const GemmPlan *p : {&*base, &*best})
        if (!check(*p)) {
          fmt::print("CHECK FAILED: {} [{}]\n", s.name, p->schedule.describe());
          ++failures;
        }
  }
  fmt::print("\ngeomean speedup of the search over the template: {:.2f} "
             "({} shapes)\n",
             std::exp(logSum / std::max(count, 1u)), count);
  return failures ? 1 : 0;
}

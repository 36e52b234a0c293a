//===- accel_conv.cpp - conv2d mapped directly vs the im2col GEMM ---------===//
//
// For ResNet layers (with a requantizing epilogue: + bias[O], + 2^9, >> 10,
// clamp to i8), plans each conv twice: planGemm on the host-im2col GEMM
// (M = N·OH·OW, N = O, K = C·KH·KW; the host's im2col itself not counted)
// and planConv (implicit GEMM on the accelerator, zero padding by LOAD
// padding). Prints a Markdown table of the timing model's cycles, the
// speedup, the utilization (useful MACs / (cycles × peak)), the DRAM bytes
// each moves, the chosen conv schedule and the planning times, then the
// geomean speedup. With --check, every layer also runs functionally and y
// is compared with referenceConv (and the GEMM's C with the same, through
// im2col).
//
//   ninja -C build bench_accel_conv && build/bench/bench_accel_conv
//     [--check] [--config CONFIG.json]
//
//===----------------------------------------------------------------------===//
#include "backends/accel/mapping/conv/ConvPlan.h"
#include "backends/accel/mapping/gemm/GemmPlan.h"

#include "llvm/Support/MemoryBuffer.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <random>

using namespace tdl::accel;

namespace {

struct Layer {
  const char *name;
  uint32_t n, c, hw, o, k, stride, pad;
};

const Layer Layers[] = {
    {"7x7/2 3->64 @224 (conv1)", 1, 3, 224, 64, 7, 2, 3},
    {"3x3 64->64 @56", 1, 64, 56, 64, 3, 1, 1},
    {"1x1 64->256 @56", 1, 64, 56, 256, 1, 1, 0},
    {"1x1 256->64 @56", 1, 256, 56, 64, 1, 1, 0},
    {"3x3/2 128->128 @56", 1, 128, 56, 128, 3, 2, 1},
    {"1x1/2 256->512 @56 (projection)", 1, 256, 56, 512, 1, 2, 0},
    {"3x3 128->128 @28", 1, 128, 28, 128, 3, 1, 1},
    {"3x3 256->256 @14", 1, 256, 14, 256, 3, 1, 1},
    {"1x1 1024->256 @14", 1, 1024, 14, 256, 1, 1, 0},
    {"3x3 512->512 @7", 1, 512, 7, 512, 3, 1, 1},
    {"3x3 64->64 @56, batch 4", 4, 64, 56, 64, 3, 1, 1},
};

ConvOp convOf(const Layer &l) {
  ConvOp op;
  op.n = l.n, op.c = l.c, op.h = op.w = l.hw, op.o = l.o;
  op.kh = op.kw = l.k;
  op.strideH = op.strideW = l.stride;
  op.padTop = op.padBottom = op.padLeft = op.padRight = l.pad;
  op.operands = {OperandShape::Row};
  op.epilogue = {{AluOp::Add, false, 0, 0},
                 {AluOp::Add, true, 1 << 9, 0},
                 {AluOp::Shr, true, 10, 0},
                 {AluOp::Max, true, -128, 0},
                 {AluOp::Min, true, 127, 0}};
  return op;
}

bool check(const ConvPlan &conv, const GemmPlan &gemm) {
  const ConvOp &op = conv.op;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> x(size_t(op.n) * op.c * op.h * op.w),
      w(size_t(op.o) * op.c * op.kh * op.kw);
  for (int8_t &v : x)
    v = int8_t(dist(rng));
  for (int8_t &v : w)
    v = int8_t(dist(rng));
  std::vector<std::vector<int32_t>> bias = {std::vector<int32_t>(op.o)};
  for (int32_t &v : bias[0])
    v = dist(rng) * 64;
  std::vector<int8_t> want = referenceConv(op, x, w, bias);
  Simulator sim(conv.config);
  PlanRun run = llvm::cantFail(runConv(sim, conv, x, w, bias));
  Simulator gsim(gemm.config);
  PlanRun grun = llvm::cantFail(
      runGemm(gsim, gemm, im2colInput(op, x), im2colWeights(op, w), bias));
  return run.out == want && im2colResultToNchw(op, grun.out) == want &&
         run.stats.cycles == conv.estimate.cycles &&
         grun.stats.cycles == gemm.estimate.cycles;
}

} // namespace

int main(int argc, char **argv) {
  bool doCheck = false;
  Config config;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--check")) {
      doCheck = true;
    } else if (!std::strcmp(argv[i], "--config") && i + 1 < argc) {
      auto file = llvm::MemoryBuffer::getFile(argv[++i]);
      if (!file) {
        fmt::print(stderr, "cannot read {}\n", argv[i]);
        return 2;
      }
      llvm::Expected<Config> c = parseConfig((*file)->getBuffer());
      if (!c) {
        fmt::print(stderr, "{}\n", llvm::toString(c.takeError()));
        return 1;
      }
      config = *c;
    } else {
      fmt::print(stderr, "usage: bench_accel_conv [--check] [--config "
                         "CONFIG.json]\n");
      return 2;
    }
  }
  const double peak = double(config.batch) * config.blockIn * config.blockOut;
  fmt::print("| layer | im2col GEMM cycles | conv cycles | speedup | util. "
             "GEMM | util. conv | DRAM MB GEMM | DRAM MB conv | conv "
             "schedule | plan ms GEMM / conv |{}\n",
             doCheck ? " check |" : "");
  fmt::print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|{}\n",
             doCheck ? "---|" : "");
  double logSum = 0;
  unsigned count = 0;
  bool allOk = true;
  for (const Layer &l : Layers) {
    ConvOp op = convOf(l);
    auto t0 = std::chrono::steady_clock::now();
    GemmPlan gemm = llvm::cantFail(planGemm(config, im2colGemmOp(op)));
    auto t1 = std::chrono::steady_clock::now();
    ConvPlan conv = llvm::cantFail(planConv(config, op));
    auto t2 = std::chrono::steady_clock::now();
    double macs = double(op.macs());
    uint64_t gc = gemm.estimate.cycles, cc = conv.estimate.cycles;
    double speedup = double(gc) / double(cc);
    logSum += std::log(speedup);
    ++count;
    std::string checked;
    if (doCheck) {
      bool ok = check(conv, gemm);
      allOk &= ok;
      checked = ok ? " ok |" : " MISMATCH |";
    }
    fmt::print("| {} | {} | {} | {:.2f} | {:.3f} | {:.3f} | {:.2f} | {:.2f} | "
               "{} ({} timed) | {:.1f} / {:.1f} |{}\n",
               l.name, gc, cc, speedup, macs / (double(gc) * peak),
               macs / (double(cc) * peak), gemm.estimate.totalBytes() / 1e6,
               conv.estimate.totalBytes() / 1e6, conv.schedule.describe(),
               conv.candidatesTimed,
               std::chrono::duration<double, std::milli>(t1 - t0).count(),
               std::chrono::duration<double, std::milli>(t2 - t1).count(),
               checked);
  }
  fmt::print("\nGeomean speedup of planConv over the im2col GEMM: {:.2f} ({} "
             "layers)\n",
             std::exp(logSum / count), count);
  return allOk ? 0 : 1;
}

//===- Stats.cpp ----------------------------------------------------------===//
#include "backends/accel/sim/Stats.h"

#include <fmt/format.h>

namespace tdl::accel {

llvm::StringRef trafficName(Traffic t) {
  switch (t) {
  case Traffic::Inp:
    return "inp";
  case Traffic::Wgt:
    return "wgt";
  case Traffic::Uop:
    return "uop";
  case Traffic::Acc:
    return "acc";
  case Traffic::Out:
    return "out";
  }
  return "?";
}

uint64_t RunStats::totalBytes() const {
  uint64_t total = 0;
  for (uint64_t b : bytes)
    total += b;
  return total;
}

double RunStats::utilization(const Config &config) const {
  if (cycles == 0)
    return 0;
  return double(macs) / (double(cycles) * double(config.macsPerIteration()));
}

double RunStats::gops(const Config &config) const {
  if (cycles == 0)
    return 0;
  double seconds = double(cycles) / (config.clockMhz * 1e6);
  return 2.0 * double(macs) / seconds / 1e9;
}

void printStats(llvm::raw_ostream &os, const RunStats &stats,
                const Config &config) {
  os << fmt::format("cycles: {}\n", stats.cycles);
  os << fmt::format("time: {:.3f} us at {} MHz\n", stats.microseconds(config),
                    config.clockMhz);
  for (unsigned m = 0; m < NumModules; ++m) {
    const ModuleStats &s = stats.modules[m];
    os << fmt::format("{:<8} instructions: {}, busy: {}, stalled on tokens: "
                      "{}, stalled on dram: {}\n",
                      (moduleName(Module(m)) + ":").str(), s.instructions,
                      s.busyCycles, s.stallTokenCycles, s.stallDramCycles);
  }
  os << "dram bytes:";
  for (unsigned t = 0; t < NumTraffic; ++t)
    os << fmt::format(" {} {}", trafficName(Traffic(t)).str(), stats.bytes[t]);
  os << fmt::format(" (total {})\n", stats.totalBytes());
  os << fmt::format("macs: {}\n", stats.macs);
  os << fmt::format("utilization: {:.4f}\n", stats.utilization(config));
  os << fmt::format("gops: {:.3f}\n", stats.gops(config));
}

} // namespace tdl::accel

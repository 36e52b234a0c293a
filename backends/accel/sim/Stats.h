//===- Stats.h - what one simulator run reports -------------------*- C++
//-*-===//
#ifndef TDL_BACKENDS_ACCEL_SIM_STATS_H
#define TDL_BACKENDS_ACCEL_SIM_STATS_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/ISA.h"

#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cstdint>

namespace tdl::accel {

struct ModuleStats {
  uint64_t instructions = 0;
  uint64_t busyCycles = 0;       // executing (including its DMA transfer)
  uint64_t stallTokenCycles = 0; // idle with work, waiting for a token
  uint64_t stallDramCycles = 0;  // ready, waiting for the DRAM channel
};

/// Which DRAM traffic a byte count belongs to.
enum class Traffic : uint8_t { Inp, Wgt, Uop, Acc, Out };
inline constexpr unsigned NumTraffic = 5;
llvm::StringRef trafficName(Traffic t); // "inp", ..., "out"

struct RunStats {
  uint64_t cycles = 0;
  std::array<ModuleStats, NumModules> modules{};
  std::array<uint64_t, NumTraffic> bytes{};
  uint64_t macs = 0;

  uint64_t totalBytes() const;
  /// MACs / (cycles × peak MACs per cycle); 0 for an empty run.
  double utilization(const Config &config) const;
  /// Achieved 10^9 operations per second (2 per MAC) at clock_mhz.
  double gops(const Config &config) const;
  double microseconds(const Config &config) const {
    return double(cycles) / config.clockMhz;
  }
};

/// The human-readable report `tdlc sim --stats` prints.
void printStats(llvm::raw_ostream &os, const RunStats &stats,
                const Config &config);

} // namespace tdl::accel

#endif

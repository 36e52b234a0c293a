//===- Partition.h - offload what the accelerator supports -------*- C++
//-*-===//
//
// BYOC-style partitioning (ACCEL.md §6): every region RegionMatcher finds is
// planned (GemmPlan: the mapping search on the timing model); under the
// cost-based policy a region is offloaded only if the accelerator, transfers
// included, is estimated faster than the host. Offloaded regions are
// outlined into functions `@<parent>.accel<N>` and called in their place.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_OFFLOAD_PARTITION_H
#define TDL_BACKENDS_ACCEL_OFFLOAD_PARTITION_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/offload/OffloadRegion.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/raw_ostream.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

namespace tdl::accel {

enum class OffloadPolicy : uint8_t {
  Auto,   // offload where the cost model says the accelerator is faster
  Always, // offload every supported region
  Never,  // keep everything on the host
};

/// The host's int8 throughput for the cost model. Measured on the cpu
/// backend's objects (`bench/accel_host_rate.py`, docs/performance.md
/// "Layouts across regions, weights packed once, the host rate measured"):
/// dense layers 6.6-34 G MACs/s on one AVX-512 VNNI core, geometric mean
/// 20.7 G; a depthwise conv 2.1 G. The dense rate used is a policy, not
/// that measurement: ACCEL.md section 6 has `--backend=accel` offload the
/// supported regions and keep on the host the small ones whose transfers
/// cost more than they save. Against the measured rate, the simulated
/// 100 MHz device (25.6 G peak) is no faster than one host core, and auto
/// kept every region of the bundled examples and 40-100 % of whole
/// networks on the host; at 8 G (the rate used before the measurement) it
/// keeps what is small or transfer-bound. The depthwise rate is the
/// measured one.
inline constexpr double HostMacsPerSecond = 8e9;
inline constexpr double HostDepthwiseMacsPerSecond = 2e9;
/// The host runtime's layout conversions (unpacking a region's result,
/// packing the next region's input), bytes of activation per second: what
/// keeping an activation blocked in DRAM saves (BlockedChain.h). An order
/// of magnitude from the runtime's --stats (resnet_block.tdl: ~0.15 MB in
/// ~0.5 ms), not a fit.
inline constexpr double HostLayoutBytesPerSecond = 0.25e9;

struct KeptRegion {
  std::string parent; // the function it stays in
  ir::Location loc;   // the matmul / conv2d
  std::string reason;
};

struct Partition {
  std::vector<OffloadRegion> offloaded;
  std::vector<KeptRegion> kept;
  /// The offloaded region outlined as `function`, or null. Asked on every
  /// call the interpreter makes, hence the index.
  const OffloadRegion *lookup(llvm::StringRef function) const;
  llvm::StringMap<size_t> byFunction; // function -> index in `offloaded`
};

/// The host runtime's layout work over a run: wall seconds converting
/// layouts (RegionTotals::hostSeconds) and region inputs taken blocked
/// from DRAM.
struct HostLayoutTotals {
  double hostSeconds = 0;
  uint64_t blockedInputs = 0;
  uint64_t weightsReused = 0;
};

/// `--stats` of `tdlc run --backend=accel`: what was offloaded (with each
/// region's calls, parallel to `offloaded`) and kept, then the totals of
/// every program run. `where` renders a location as `file:line:col`.
void printOffloadStats(
    llvm::raw_ostream &os, const Partition &partition,
    llvm::ArrayRef<uint64_t> callsPerRegion, const RunStats &totals,
    uint64_t programs, const Config &config,
    llvm::function_ref<std::string(const ir::Location &)> where,
    const HostLayoutTotals &layouts = {});

/// Partitions every function of `m` in place. With `blockedLayouts`,
/// activations passed between offloaded direct convs stay in DRAM in the
/// blocked layout (BlockedChain.h); without, every region converts its
/// tensors on the host.
Partition partitionModule(ir::Module &m, const Config &config,
                          OffloadPolicy policy, bool blockedLayouts = true);

} // namespace tdl::accel

#endif

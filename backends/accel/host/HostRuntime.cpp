//===- HostRuntime.cpp - the runtime compiled objects call for regions ----===//
//
// One simulated device per configuration, shared by the process and used
// by one region call at a time (a device runs one program at a time; the
// lock also guards the plan cache). A region's plan is rebuilt from its
// description on its first call and kept, keyed by the description's
// address (a constant of the object) and checked against its text.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/host/HostRuntime.h"
#include "backends/accel/host/RegionJson.h"
#include "backends/accel/sim/Simulator.h"

#include <cstring>
#include <map>
#include <memory>
#include <mutex>

namespace tdl::accel {
namespace {

struct CachedRegion {
  std::string description;
  DescribedRegion region;
  Simulator *device = nullptr; // of its configuration, found on first use
  uint64_t calls = 0;
  unsigned order = 0;
  PackedRegionWeights weights; // packed once, while the bytes stay
};

struct Device {
  std::unique_ptr<Simulator> simulator;
};

struct HostState {
  std::mutex lock;
  std::map<const char *, std::unique_ptr<CachedRegion>> regions;
  std::map<std::string, Device> devices; // by configuration JSON
  uint64_t maxCycles = 0;
  RegionTotals totals;
  TraceWriter *trace = nullptr;
  BlockedTensors blocked; // activations left in DRAM between regions
};

HostState &state() {
  static HostState *s = new HostState(); // never destroyed: calls may come
  return *s;                             // from threads at exit
}

thread_local TdlAccelCallStats callStats;
thread_local double callPeakMacs; // cycles x peak MACs per cycle
thread_local std::string lastError;

} // namespace

HostRuntimeTotals hostRuntimeTotals() {
  HostState &s = state();
  std::lock_guard<std::mutex> guard(s.lock);
  HostRuntimeTotals out;
  out.stats = s.totals.stats;
  out.programs = s.totals.programs;
  out.hostSeconds = s.totals.hostSeconds;
  out.blockedInputs = s.totals.blockedInputs;
  out.blockedResults = s.totals.blockedResults;
  out.weightsReused = s.totals.weightsReused;
  std::vector<const CachedRegion *> ordered(s.regions.size());
  for (auto &[key, r] : s.regions)
    ordered[r->order] = r.get();
  for (const CachedRegion *r : ordered)
    out.regions.push_back({r->region.label, r->region.program.describeMapping(),
                           r->description, r->calls});
  return out;
}

void setHostRuntimeTrace(TraceWriter *trace) {
  HostState &s = state();
  std::lock_guard<std::mutex> guard(s.lock);
  s.trace = trace;
}

/// The region behind `description`, planned on first use.
static llvm::Expected<CachedRegion *> lookup(HostState &s, const char *desc,
                                             uint64_t length) {
  llvm::StringRef text(desc, length);
  auto it = s.regions.find(desc);
  if (it != s.regions.end() && it->second->description == text)
    return it->second.get();
  llvm::Expected<DescribedRegion> region = regionFromJson(text);
  if (!region)
    return region.takeError();
  auto cached = std::make_unique<CachedRegion>();
  cached->description = text.str();
  cached->region = std::move(*region);
  cached->order =
      it != s.regions.end() ? it->second->order : unsigned(s.regions.size());
  Device &d = s.devices[configToJson(cached->region.program.config())];
  if (!d.simulator)
    d.simulator = std::make_unique<Simulator>(cached->region.program.config());
  cached->device = d.simulator.get();
  CachedRegion *raw = cached.get();
  s.regions[desc] = std::move(cached);
  return raw;
}

} // namespace tdl::accel

using namespace tdl::accel;

extern "C" {

int tdl_accel_call_stats(TdlAccelCallStats *out) {
  if (out)
    *out = callStats;
  return 0;
}

void tdl_accel_set_max_cycles(uint64_t cycles) {
  HostState &s = state();
  std::lock_guard<std::mutex> guard(s.lock);
  s.maxCycles = cycles;
}

void tdl_accel_begin_call(void) {
  callStats = TdlAccelCallStats();
  callPeakMacs = 0;
}

const char *tdl_accel_region_error(void) { return lastError.c_str(); }

int tdl_accel_call_region(const char *description, uint64_t length,
                          const void *const *inputs, void *result) {
  HostState &s = state();
  std::lock_guard<std::mutex> guard(s.lock);
  llvm::Expected<CachedRegion *> cached = lookup(s, description, length);
  if (!cached) {
    lastError = "accelerator region: " + llvm::toString(cached.takeError());
    return 1;
  }
  CachedRegion &r = **cached;
  const RegionProgram &program = r.region.program;
  RegionBuffers buffers;
  buffers.lhs = static_cast<const int8_t *>(inputs[0]);
  buffers.rhs = static_cast<const int8_t *>(inputs[1]);
  std::vector<std::vector<int32_t>> widened;
  buffers.operands = regionOperands(program, inputs + 2, widened);
  buffers.result = static_cast<int8_t *>(result);
  r.device->setCycleBudget(s.maxCycles);
  // The trace continues where the previous call's programs ended.
  llvm::Expected<RegionTotals> run =
      runRegion(*r.device, program, buffers, s.trace, s.totals.stats.cycles,
                &s.blocked, &r.weights);
  if (!run) {
    lastError = "accelerator program for " + r.region.label + ": " +
                llvm::toString(run.takeError());
    return 1;
  }
  const RegionTotals &call = *run;
  ++r.calls;
  accumulateStats(s.totals.stats, call.stats);
  s.totals.programs += call.programs;
  s.totals.hostSeconds += call.hostSeconds;
  s.totals.blockedInputs += call.blockedInputs;
  s.totals.blockedResults += call.blockedResults;
  s.totals.weightsReused += call.weightsReused;
  const Config &config = program.config();
  TdlAccelCallStats &c = callStats;
  c.regions += 1;
  c.programs += call.programs;
  c.cycles += call.stats.cycles;
  c.macs += call.stats.macs;
  c.dram_bytes += call.stats.totalBytes();
  callPeakMacs += double(call.stats.cycles) * double(config.macsPerIteration());
  c.utilization = callPeakMacs > 0 ? double(c.macs) / callPeakMacs : 0;
  c.device_seconds += double(call.stats.cycles) / (config.clockMhz * 1e6);
  return 0;
}

} // extern "C"

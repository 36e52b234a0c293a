//===- Partition.cpp - offload what the accelerator supports --------------===//
#include "backends/accel/compiler/Partition.h"
#include "backends/accel/compiler/Outline.h"

#include <fmt/format.h>

namespace tdl::accel {

const OffloadRegion *Partition::lookup(llvm::StringRef function) const {
  for (const OffloadRegion &r : offloaded)
    if (r.function == function)
      return &r;
  return nullptr;
}

/// Host cycles (at the accelerator's clock) for the region's MACs.
static uint64_t hostCycles(const RegionShape &s, const Config &config) {
  double macs = double(s.m) * s.n * s.k * s.numGemms;
  return uint64_t(macs / HostMacsPerSecond * config.clockMhz * 1e6);
}

/// A fresh `@<parent>.accel<N>` name.
static std::string outlinedName(const ir::Module &m, llvm::StringRef parent) {
  for (unsigned i = 0;; ++i) {
    std::string name = fmt::format("{}.accel{}", parent.str(), i);
    if (!m.lookup(name))
      return name;
  }
}

Partition partitionModule(ir::Module &m, const Config &config,
                          OffloadPolicy policy) {
  Partition result;
  std::vector<ir::Function *> functions;
  for (auto &f : m.getFunctions())
    functions.push_back(f.get());
  for (ir::Function *f : functions) {
    for (CandidateRegion &candidate : findOffloadableRegions(*f)) {
      KeptRegion kept{f->getName().str(), candidate.seed->getLoc(), ""};
      if (policy == OffloadPolicy::Never) {
        kept.reason = "offloading disabled";
        result.kept.push_back(std::move(kept));
        continue;
      }
      llvm::Expected<GemmPlan> plan = planGemm(config, candidate.gemm);
      if (!plan) {
        kept.reason = llvm::toString(plan.takeError());
        result.kept.push_back(std::move(kept));
        continue;
      }
      OffloadRegion region;
      region.parent = f->getName().str();
      region.loc = candidate.seed->getLoc();
      region.shape = candidate.shape;
      region.gemm = candidate.gemm;
      region.operandNegated = candidate.operandNegated;
      region.acceleratorCycles =
          plan->estimate.cycles * uint64_t(candidate.shape.numGemms);
      region.hostCycles = hostCycles(candidate.shape, config);
      region.plan = std::move(*plan);
      if (policy == OffloadPolicy::Auto &&
          region.acceleratorCycles >= region.hostCycles) {
        kept.reason =
            fmt::format("cheaper on the host: {} accelerator cycles (transfers "
                        "included) against about {} on the host",
                        region.acceleratorCycles, region.hostCycles);
        result.kept.push_back(std::move(kept));
        continue;
      }
      region.function = outlinedName(m, f->getName());
      outlineRegion(m, candidate, region.function);
      result.offloaded.push_back(std::move(region));
    }
  }
  return result;
}

} // namespace tdl::accel

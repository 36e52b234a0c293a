//===- Partition.cpp - offload what the accelerator supports --------------===//
#include "backends/accel/offload/Partition.h"
#include "backends/accel/host/RegionLayout.h"
#include "backends/accel/offload/BlockedChain.h"
#include "backends/accel/offload/Depthwise.h"
#include "backends/accel/offload/Outline.h"

#include "llvm/ADT/DenseMap.h"

#include <fmt/format.h>

namespace tdl::accel {

const OffloadRegion *Partition::lookup(llvm::StringRef function) const {
  auto it = byFunction.find(function);
  return it == byFunction.end() ? nullptr : &offloaded[it->second];
}

/// Host cycles (at the accelerator's clock) for the region's MACs; a
/// depthwise conv rewritten as block-diagonal groups of `depthwiseBlock`
/// channels has 1/block of them, at the host's depthwise rate.
static uint64_t hostCycles(const RegionShape &s, const Config &config,
                           int64_t depthwiseBlock) {
  double macs = double(s.m) * s.n * s.k * s.numGemms;
  double rate = HostMacsPerSecond;
  if (depthwiseBlock > 0) {
    macs /= double(depthwiseBlock);
    rate = HostDepthwiseMacsPerSecond;
  }
  return uint64_t(macs / rate * config.clockMhz * 1e6);
}

/// Plans the region's GEMM and, for a conv2d, its direct convolution, and
/// keeps the one the timing model finds faster (a search across mappings,
/// ACCEL.md §6). Fails only when neither can be planned.
static llvm::Error chooseMapping(const Config &config, OffloadRegion &region) {
  uint64_t runs = region.shape.numGemms; // GEMMs or groups per call
  if (region.shape.pool.present()) {
    // Only the direct conv's program can fuse a max pool.
    llvm::Expected<ConvPlan> c =
        planConv(config, convOpOf(region.shape, region.gemm));
    if (!c)
      return c.takeError();
    region.acceleratorCycles = c->estimate.cycles * runs;
    region.convPlan = std::move(*c);
    return llvm::Error::success();
  }
  llvm::Expected<GemmPlan> gemm = planGemm(config, region.gemm);
  std::optional<ConvPlan> conv;
  std::string convError;
  if (region.shape.kind == RegionKind::Conv2D) {
    llvm::Expected<ConvPlan> c =
        planConv(config, convOpOf(region.shape, region.gemm));
    if (c)
      conv = std::move(*c);
    else
      convError = llvm::toString(c.takeError());
  }
  if (!gemm && !conv) {
    std::string why = llvm::toString(gemm.takeError());
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(), "%s",
        (convError.empty() ? why : why + "; as a direct conv: " + convError)
            .c_str());
  }
  // The host's part counts too: the im2col GEMM's host gathers the
  // [m, k] matrix (each input byte KH·KW times) and scatters [m, n]; the
  // direct conv's packs the input and unpacks the result once.
  auto hostPart = [&](uint64_t bytes) {
    return double(bytes) * runs / HostLayoutBytesPerSecond * config.clockMhz *
           1e6;
  };
  const RegionShape &s = region.shape;
  double gemmHost = hostPart(uint64_t(s.m) * (s.k + s.n));
  double convHost = 0;
  if (conv) {
    std::vector<int64_t> out = regionOutput(s);
    convHost =
        hostPart(uint64_t(s.lhs[0] * s.rhs[1] * s.lhs[2] * s.lhs[3] +
                          out[0] * out[1] / s.conv.groups * out[2] * out[3]));
  }
  if (conv && (!gemm || double(conv->estimate.cycles) + convHost <
                            double(gemm->estimate.cycles) + gemmHost)) {
    region.acceleratorCycles = conv->estimate.cycles * runs;
    region.convPlan = std::move(conv);
  } else {
    region.acceleratorCycles = gemm->estimate.cycles * runs;
    if (conv && conv->schedule.strips == 1) {
      region.directAlternativeCycles = conv->estimate.cycles * runs;
      region.directAlternative = std::move(conv);
    }
  }
  if (gemm)
    region.plan = std::move(*gemm);
  else
    llvm::consumeError(gemm.takeError());
  return llvm::Error::success();
}

/// How much faster the im2col GEMM of a conv must be than the direct conv
/// with its fused pool for the pool to be left to the host.
static constexpr uint64_t PoolDropFactor = 2;

/// `candidate`'s region of `parent`, planned (chooseMapping).
static llvm::Expected<OffloadRegion>
planCandidate(const Config &config, const CandidateRegion &candidate,
              llvm::StringRef parent) {
  OffloadRegion region;
  region.parent = parent.str();
  region.loc = candidate.seed->getLoc();
  region.shape = candidate.shape;
  region.gemm = candidate.gemm;
  region.operandNegated = candidate.operandNegated;
  region.operandI8 = candidate.operandI8;
  if (llvm::Error err = chooseMapping(config, region))
    return err;
  return region;
}

/// A fresh `@<parent>.accel<N>` name.
static std::string outlinedName(const ir::Module &m, llvm::StringRef parent) {
  for (unsigned i = 0;; ++i) {
    std::string name = fmt::format("{}.accel{}", parent.str(), i);
    if (!m.lookup(name))
      return name;
  }
}

using DepthwiseRewrites = llvm::DenseMap<ir::Operation *, DepthwiseRewrite>;

/// Every conv2d of `region` (nested regions too).
static void collectConvs(ir::Region &region,
                         std::vector<ir::Operation *> &out) {
  for (auto &op : region.getOps()) {
    for (unsigned i = 0; i < op->getNumRegions(); ++i)
      collectConvs(op->getRegion(i), out);
    if (op->getOpcode() == ir::Opcode::Conv2D)
      out.push_back(op.get());
  }
}

/// Writes `f`'s depthwise convs as block-diagonal groups of up to a block
/// of channels (Depthwise.h), before regions are matched.
static DepthwiseRewrites rewriteDepthwise(ir::Function &f,
                                          const Config &config) {
  DepthwiseRewrites out;
  if (f.isDerivedDeclaration())
    return out;
  std::vector<ir::Operation *> convs;
  collectConvs(f.getBody(), convs);
  for (ir::Operation *conv : convs)
    if (std::optional<DepthwiseRewrite> r =
            blockDiagonalDepthwise(*conv, config.blockOut))
      out[conv] = *r;
  return out;
}

Partition partitionModule(ir::Module &m, const Config &config,
                          OffloadPolicy policy, bool blockedLayouts) {
  Partition result;
  std::vector<ir::Function *> functions;
  for (auto &f : m.getFunctions())
    functions.push_back(f.get());
  for (ir::Function *f : functions) {
    // The regions are all found before any is outlined. Outlining one
    // erases its result value; a later region taking it as an operand (a
    // block's output as the next block's residual) must take the call's
    // result instead.
    llvm::DenseMap<ir::Value *, ir::Value *> outlinedResults;
    // Undone below for every depthwise conv not outlined.
    DepthwiseRewrites depthwise;
    if (policy != OffloadPolicy::Never)
      depthwise = rewriteDepthwise(*f, config);
    for (CandidateRegion &candidate : findOffloadableRegions(*f)) {
      for (ir::Value *&v : candidate.operandValues)
        if (ir::Value *now = outlinedResults.lookup(v))
          v = now;
      KeptRegion kept{f->getName().str(), candidate.seed->getLoc(), ""};
      if (policy == OffloadPolicy::Never) {
        kept.reason = "offloading disabled";
        result.kept.push_back(std::move(kept));
        continue;
      }
      llvm::Expected<OffloadRegion> planned =
          planCandidate(config, candidate, f->getName());
      if (candidate.shape.pool.present()) {
        // A fused pool forces the direct conv's program. When the conv
        // alone maps far better as the im2col GEMM (a 3-channel stem: 3 of
        // the block's 16 input lanes in the direct conv), or nothing fits
        // with the pool, the pool stays on the host. "Far": at least
        // PoolDropFactor times faster, since the fused pool also saves the
        // conv output's DRAM round trip and the host's pass, which the
        // device estimate does not count.
        CandidateRegion unpooled = candidate;
        unpooled.dropPool();
        llvm::Expected<OffloadRegion> alt =
            planCandidate(config, unpooled, f->getName());
        if (alt && (!planned ||
                    (!alt->convPlan && alt->acceleratorCycles * PoolDropFactor <
                                           planned->acceleratorCycles))) {
          llvm::consumeError(planned.takeError());
          planned = std::move(alt);
          candidate = std::move(unpooled);
        } else if (!planned) {
          llvm::consumeError(planned.takeError());
          planned = std::move(alt); // its error: why the conv stays too
        } else {
          llvm::consumeError(alt.takeError());
        }
      }
      if (!planned) {
        kept.reason = llvm::toString(planned.takeError());
        result.kept.push_back(std::move(kept));
        continue;
      }
      OffloadRegion region = std::move(*planned);
      auto dw = depthwise.find(candidate.seed);
      if (dw != depthwise.end())
        region.depthwiseBlock = dw->second.block;
      // The host runs the depthwise conv, not the expanded one.
      region.hostCycles =
          hostCycles(candidate.shape, config, region.depthwiseBlock);
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
      outlinedResults[candidate.result] =
          outlineRegion(m, candidate, region.function);
      if (dw != depthwise.end())
        depthwise.erase(dw);
      result.byFunction[region.function] = result.offloaded.size();
      result.offloaded.push_back(std::move(region));
    }
    for (auto &[conv, rewrite] : depthwise)
      undoDepthwise(rewrite);
    if (blockedLayouts)
      chainBlockedLayouts(*f, result, config);
  }
  return result;
}

void printOffloadStats(
    llvm::raw_ostream &os, const Partition &partition,
    llvm::ArrayRef<uint64_t> callsPerRegion, const RunStats &totals,
    uint64_t programs, const Config &config,
    llvm::function_ref<std::string(const ir::Location &)> where,
    const HostLayoutTotals &layouts) {
  os << fmt::format("accelerator: {} region(s) offloaded, {} kept on the "
                    "host, {} program run(s)\n",
                    partition.offloaded.size(), partition.kept.size(),
                    programs);
  for (size_t i = 0; i < partition.offloaded.size(); ++i) {
    const OffloadRegion &r = partition.offloaded[i];
    std::string depthwise =
        r.depthwiseBlock
            ? fmt::format(" (depthwise, in block-diagonal groups of {} "
                          "channels)",
                          r.depthwiseBlock)
            : "";
    // The region's own MACs (a depthwise conv's, not its expansion's).
    uint64_t macs = uint64_t(r.shape.m) * r.shape.n * r.shape.k *
                    r.shape.numGemms / std::max<int64_t>(r.depthwiseBlock, 1);
    os << fmt::format("  @{} ({}): {}{} as {}, {} call(s) of {} MACs\n",
                      r.function, where(r.loc),
                      r.shape.kind == RegionKind::Conv2D ? "conv2d" : "matmul",
                      depthwise, r.describeMapping(), callsPerRegion[i], macs);
  }
  for (const KeptRegion &k : partition.kept)
    os << fmt::format("  kept on the host ({} in @{}): {}\n", where(k.loc),
                      k.parent, k.reason);
  os << fmt::format("host layout conversions: {:.3f} ms, {} region "
                    "input(s) taken blocked from DRAM, weights packed "
                    "already on {} call(s)\n",
                    layouts.hostSeconds * 1e3, layouts.blockedInputs,
                    layouts.weightsReused);
  accel::printStats(os, totals, config);
}

} // namespace tdl::accel

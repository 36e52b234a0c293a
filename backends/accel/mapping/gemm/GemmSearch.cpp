//===- GemmSearch.cpp - enumeration and the analytic lower bound ---------===//
#include "backends/accel/mapping/gemm/GemmSearch.h"

#include "backends/accel/mapping/gemm/GemmLayout.h"
#include "backends/accel/sim/Simulator.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <tuple>

namespace tdl::accel {

std::vector<uint32_t> balancedTileSizes(uint32_t blocks) {
  std::vector<uint32_t> sizes;
  // ceil(blocks / c) takes O(sqrt(blocks)) distinct values; jump from one
  // to the next instead of trying every c.
  for (uint32_t c = 1; c <= blocks;) {
    uint32_t size = uint32_t(llvm::divideCeil(blocks, c));
    sizes.push_back(size);
    if (size == 1)
      break;
    // The smallest c' with ceil(blocks / c') < size.
    c = uint32_t(llvm::divideCeil(blocks, size - 1));
    if (uint64_t(size - 1) * c < blocks)
      ++c;
  }
  std::reverse(sizes.begin(), sizes.end());
  return sizes;
}

namespace {

/// The number of tiles of each size a dimension splits into.
struct Split {
  uint32_t size, full, edge; // `full` tiles of `size`, then one of `edge`
  uint32_t count() const { return full + (edge ? 1 : 0); }
  uint32_t first() const { return full ? size : edge; }
  uint32_t last() const { return edge ? edge : size; }
};
Split split(uint32_t blocks, uint32_t size) {
  return {size, blocks / size, blocks % size};
}

} // namespace

uint64_t scheduleLowerBound(const Config &config, const GemmOp &op,
                            const EpilogueUse &epi, const GemmTiling &t,
                            const GemmSchedule &s) {
  const uint64_t lat = config.dramLatency, bw = config.dramBytesPerCycle;
  // Lower bound of one DMA (the model rounds the transfer up).
  auto dma = [&](uint64_t bytes) { return lat + bytes / bw; };
  const uint64_t inpB = config.inpElemBytes(), wgtB = config.wgtElemBytes(),
                 accB = config.accElemBytes(), outB = config.outElemBytes();
  Split m = split(t.mBlocks, t.tileM), n = split(t.nBlocks, t.tileN),
        k = split(t.kBlocks, t.tileK);
  const uint64_t mB = t.mBlocks, nB = t.nBlocks, kB = t.kBlocks;
  const uint64_t tiles = uint64_t(m.count()) * n.count();
  const uint64_t kT = k.count();
  uint64_t outerCount = t.inpIsOuter ? m.count() : n.count();
  uint64_t innerCount = t.inpIsOuter ? n.count() : m.count();
  uint64_t outerBlocks = t.inpIsOuter ? mB : nB;
  uint64_t innerBlocks = t.inpIsOuter ? nB : mB;
  uint64_t outerElem = t.inpIsOuter ? inpB : wgtB;
  uint64_t innerElem = t.inpIsOuter ? wgtB : inpB;

  // Loads of A and B, counted exactly as the slot rings of the codegen
  // reuse them (a cyclic sequence of tiles longer than the ring never hits).
  uint64_t outerLoads, outerBytes;
  if (t.outerResident) {
    outerLoads = outerCount;
    outerBytes = outerBlocks * kB * outerElem;
  } else {
    bool hits = s.reuseLoaded && kT <= t.outerSlots;
    outerLoads = outerCount * kT * (hits ? 1 : innerCount);
    outerBytes = outerBlocks * kB * outerElem * (hits ? 1 : innerCount);
  }
  bool innerHits = s.reuseLoaded && innerCount * kT <= t.innerSlots;
  uint64_t innerLoads = innerCount * kT * (innerHits ? 1 : outerCount);
  uint64_t innerBytes =
      innerBlocks * kB * innerElem * (innerHits ? 1 : outerCount);
  uint64_t dmaSum =
      (outerLoads + innerLoads) * lat + (outerBytes + innerBytes) / bw;

  // COMPUTE's own DMAs.
  uint64_t uopDma = lat + Config::uopElemBytes() / bw; // ≥ 1 micro-op
  uint64_t prefixDma = uopDma; // before the first GEMM, on the channel
  uint64_t computeDma = 0;     // after it
  // Row operands (biases) along N, or along M when transposed.
  const Split &axis = t.rowAlongM ? m : n, &other = t.rowAlongM ? n : m;
  const uint64_t axisBlocks = t.rowAlongM ? mB : nB;
  if (t.rowWhole) {
    prefixDma += epi.numRow * dma(axisBlocks * accB);
  } else if (epi.numRow) {
    // Reloaded whenever the tile along the axis changes: once per tile
    // of the axis when it is the outer loop (or has one tile).
    bool axisOuter = t.rowAlongM == t.inpIsOuter;
    bool once = axisOuter || axis.count() == 1;
    uint64_t loads = once ? axis.count() : tiles;
    uint64_t bytes = axisBlocks * (once ? 1 : other.count()) * accB;
    computeDma += epi.numRow * (loads * lat + bytes / bw);
  }
  computeDma += epi.numFull * (tiles * lat + mB * nB * accB / bw);
  if (epi.fusedInit) {
    uint64_t first = dma(uint64_t(m.first()) * n.first() * accB);
    prefixDma += first;
    computeDma += tiles * lat + mB * nB * accB / bw - first;
  }
  uint64_t storeDma = tiles * lat + mB * nB * outB / bw;
  dmaSum += prefixDma + computeDma + storeDma;

  // COMPUTE's own cycles after its first GEMM may start.
  const uint64_t depth = Simulator::PipelineDepth;
  uint64_t busy = mB * nB * kB * config.gemmII + tiles * kT * depth;
  if (!epi.fusedInit)
    busy += (mB * nB * config.gemmII + tiles * depth) -
            (uint64_t(m.first()) * n.first() * config.gemmII + depth);
  for (size_t i = epi.fusedInit ? 1 : 0; i < epi.steps.size(); ++i)
    busy +=
        mB * nB * (epi.steps[i].useImm ? config.aluIIImm : config.aluIITensor) +
        tiles * depth;
  uint32_t firstOuter = t.inpIsOuter ? m.first() : n.first();
  uint32_t firstInner = t.inpIsOuter ? n.first() : m.first();
  uint64_t firstLoads = dma(uint64_t(firstOuter) *
                            (t.outerResident ? kB : k.first()) * outerElem) +
                        dma(uint64_t(firstInner) * k.first() * innerElem);
  uint64_t lastStore = dma(uint64_t(m.last()) * n.last() * outB);
  uint64_t chain = prefixDma + firstLoads + busy + computeDma + lastStore;
  // Single slots serialize DMA with COMPUTE. One ACC slot: a tile's reset
  // waits for the previous tile's STORE, which waits for its last ALU.
  if (t.accSlots == 1)
    chain += (tiles - 1) * lat +
             (mB * nB * outB - uint64_t(m.last()) * n.last() * outB) / bw;
  // One slot for a streamed operand: the load of K step kt ≥ 1 waits for
  // the GEMM of step kt - 1 and the GEMM of step kt for it, with no other
  // COMPUTE instruction in between.
  uint64_t laterSteps = kB - k.first(); // blocks of K after the first step
  bool outerStreamed =
      !t.outerResident && !(s.reuseLoaded && kT <= t.outerSlots);
  if (t.innerSlots == 1 && !innerHits)
    chain += tiles * (kT - 1) * lat +
             innerBlocks * outerCount * laterSteps * innerElem / bw;
  if (outerStreamed && t.outerSlots == 1)
    chain += tiles * (kT - 1) * lat +
             outerBlocks * innerCount * laterSteps * outerElem / bw;
  return std::max(dmaSum, chain);
}

bool candidateBefore(const ScoredSchedule &a, const ScoredSchedule &b) {
  if (a.cycles != b.cycles) // the common case
    return a.cycles < b.cycles;
  // Ties: prefer bigger tiles and more slots (fewer instructions, more
  // overlap), then a fixed order.
  auto key = [](const GemmSchedule &s) {
    return std::make_tuple(-int64_t(s.tileM) * s.tileN * s.tileK,
                           -int(s.loadSlots + s.accSlots), int(s.order),
                           int(s.outerResident), -int(s.panelSlots),
                           int(s.transposed), s.tileM, s.tileN, s.tileK);
  };
  return key(a.schedule) < key(b.schedule);
}

std::vector<ScoredSchedule> enumerateSchedules(const Config &config,
                                               const GemmOp &op, size_t keep) {
  EpilogueUse epi = analyzeEpilogue(op);

  // Slot counts: a variant with one slot where two would fit is
  // dominated (same traffic, less overlap) and left out, so the timed
  // candidates are not spent on it. (Three load slots were tried: within
  // 0.3% on the benchmark shapes, not worth the candidates they take.)
  struct Slots {
    uint32_t load, acc, panel;
  };
  const Slots streamedSlots[] = {{2, 2, 0}, {2, 1, 0}, {1, 2, 0}, {1, 1, 0}};
  const Slots residentSlots[] = {{2, 2, 2}, {2, 2, 1}, {2, 1, 2}, {2, 1, 1},
                                 {1, 2, 2}, {1, 2, 1}, {1, 1, 2}, {1, 1, 1}};
  // `base` is the tiling of `s` (any slots); re-placing slots is cheap.
  auto withSlots = [&](const GemmTiling &base, GemmSchedule s, Slots slots) {
    s.loadSlots = slots.load, s.accSlots = slots.acc;
    s.panelSlots = slots.panel ? slots.panel : 2; // unused when streamed
    GemmTiling t = base;
    placeSlots(t, config, epi, s);
    return std::make_pair(t, s);
  };
  auto fits = [&](const GemmTiling &base, const GemmSchedule &s, Slots slots) {
    return tilingFits(withSlots(base, s, slots).first, config);
  };

  std::vector<ScoredSchedule> out;
  for (bool transposed : {false, true}) {
    MappedBlocks bl = mappedBlocks(config, op, transposed);
    std::vector<uint32_t> mSizes = balancedTileSizes(bl.m),
                          nSizes = balancedTileSizes(bl.n),
                          kSizes = balancedTileSizes(bl.k);
    for (TileOrder order : {TileOrder::MOuter, TileOrder::NOuter})
      for (bool resident : {false, true}) {
        llvm::ArrayRef<Slots> variants =
            resident ? llvm::ArrayRef<Slots>(residentSlots)
                     : llvm::ArrayRef<Slots>(streamedSlots);
        const Slots smallest = variants.back();
        for (uint32_t tk : kSizes) {
          // A resident panel holds all of K; tileK is the streamed step.
          for (uint32_t tm : mSizes) {
            GemmSchedule s;
            s.transposed = transposed;
            s.order = order, s.outerResident = resident;
            s.tileM = tm, s.tileN = 1, s.tileK = tk;
            s.loadSlots = smallest.load, s.accSlots = smallest.acc;
            s.panelSlots = 1;
            // INP grows with tileM only: if it overflows with the fewest
            // slots, so does every larger tileM.
            if (computeTiling(config, bl, epi, s).inpEntries > config.inpDepth)
              break;
            for (uint32_t tn : nSizes) {
              s.tileN = tn;
              s.loadSlots = smallest.load, s.accSlots = smallest.acc;
              s.panelSlots = 1;
              GemmTiling least = computeTiling(config, bl, epi, s);
              if (least.wgtEntries > config.wgtDepth ||
                  least.accEntries > config.accDepth)
                break; // WGT and ACC grow with tileN
              if (least.inpEntries > config.inpDepth)
                continue;
              for (const Slots &v : variants) {
                if (!fits(least, s, v))
                  continue;
                if ((v.load == 1 && fits(least, s, {2, v.acc, v.panel})) ||
                    (v.acc == 1 && fits(least, s, {v.load, 2, v.panel})) ||
                    (v.panel == 1 && fits(least, s, {v.load, v.acc, 2})))
                  continue; // dominated
                auto [t, c] = withSlots(least, s, v);
                out.push_back({c, scheduleLowerBound(config, op, epi, t, c)});
              }
            }
          }
        }
      }
  }
  sortCandidates(out, 0, keep, gemmCandidateOrder);
  return out;
}

} // namespace tdl::accel

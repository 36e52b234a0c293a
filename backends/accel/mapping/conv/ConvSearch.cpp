//===- ConvSearch.cpp - candidate conv schedules and their estimate ------===//
//
// Every combination of tile sizes (per dimension the balanced sizes of
// GemmSearch.h: output rows, output columns, o blocks, c blocks), loop
// order and slot counts that fits the SRAMs, ranked by an estimate of the
// timing model: the DMA time (latency per transfer + bytes / bandwidth, the
// reloads that the slot rings cannot avoid counted) and the COMPUTE time
// (micro-op iterations + pipeline depth per instruction); max of the two
// when every buffer has two slots or more, their sum otherwise. planConv
// times the best-ranked ones on the simulator, which decides.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/mapping/conv/ConvCodegen.h"

#include "backends/accel/mapping/gemm/GemmSearch.h"
#include "backends/accel/sim/Simulator.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <initializer_list>
#include <numeric>
#include <tuple>

namespace tdl::accel {

namespace {

uint64_t estimateCycles(const Config &config, const ConvOp &op,
                        const EpilogueUse &epi, const ConvTiling &t,
                        const ConvSchedule &s) {
  const uint64_t lat = config.dramLatency, bw = config.dramBytesPerCycle;
  const uint64_t P = t.pixelTiles(), O = t.oTiles, K = t.cTiles;
  const uint64_t khw = uint64_t(op.kh) * op.kw;
  auto dma = [&](uint64_t count, uint64_t bytes) {
    return count * lat + llvm::divideCeil(bytes, bw);
  };
  bool pixelsOuter = s.order == ConvOrder::PixelsOuter;
  uint64_t inpReloads = O == 1 ? 1
                               : (pixelsOuter ? (s.inpSlots >= K ? 1 : O)
                                              : (s.inpSlots >= P * K ? 1 : O));
  uint64_t wgtReloads = P == 1 ? 1
                               : (pixelsOuter ? (s.wgtSlots >= O * K ? 1 : P)
                                              : (s.wgtSlots >= K ? 1 : P));
  uint64_t winRows = std::min<uint64_t>(t.spanH, op.h);
  uint64_t winCols = std::min<uint64_t>(t.spanW, op.w);
  uint64_t inpLoads = P * t.cBlocks * inpReloads;
  uint64_t inpBytes = inpLoads * winRows * winCols * config.inpElemBytes();
  uint64_t wgtLoads = O * K * wgtReloads;
  uint64_t wgtBytes =
      wgtReloads * t.oBlocks * t.cBlocks * khw * config.wgtElemBytes();
  uint64_t outValues = uint64_t(t.nBlocks) * t.oBlocks * t.outH * t.outW;
  // Edge tiles have as many transfers as full ones or fewer.
  uint64_t stores =
      P * O *
      convTileTransfers(t.tileRows, t.tileCols, t.tileO, t.outW, t.oBlocks);
  uint64_t outBytes = outValues * config.outElemBytes();
  uint64_t fullLoads = (epi.numFull + (epi.fusedInit ? 1 : 0)) * stores;
  uint64_t fullBytes = fullLoads ? (epi.numFull + (epi.fusedInit ? 1 : 0)) *
                                       outValues * config.accElemBytes()
                                 : 0;
  uint64_t dmaCycles = dma(inpLoads, inpBytes) + dma(wgtLoads, wgtBytes) +
                       dma(stores, outBytes) + dma(fullLoads, fullBytes);
  uint64_t gemmIters = outValues * t.cBlocks * khw;
  uint64_t aluIters = 0;
  for (size_t i = epi.fusedInit ? 1 : 0; i < epi.steps.size(); ++i)
    aluIters += outValues *
                (epi.steps[i].useImm ? config.aluIIImm : config.aluIITensor);
  uint64_t instructions = P * O * (K + 1 + epi.steps.size());
  uint64_t compute = gemmIters * config.gemmII + aluIters + outValues +
                     Simulator::PipelineDepth * instructions;
  // The first input window and weights arrive before the first GEMM.
  uint64_t first =
      dma(t.tileC,
          uint64_t(t.tileC) * winRows * winCols * config.inpElemBytes()) +
      dma(1, uint64_t(t.tileO) * t.tileC * khw * config.wgtElemBytes());
  bool overlapped = s.inpSlots > 1 && s.wgtSlots > 1 && s.accSlots > 1;
  return overlapped ? std::max(dmaCycles, compute + first)
                    : dmaCycles + compute;
}

void addUnique(std::vector<uint32_t> &v, uint64_t x) {
  if (x > 0 && x <= UINT32_MAX &&
      std::find(v.begin(), v.end(), uint32_t(x)) == v.end())
    v.push_back(uint32_t(x));
}

/// Appends the candidates of `op` (already stripped) with `strips` set.
void addCandidates(const Config &config, const ConvOp &op,
                   const EpilogueUse &epi, uint32_t strips,
                   std::vector<ScoredConvSchedule> &out) {
  ConvSchedule probe;
  ConvTiling whole = computeConvTiling(config, op, epi, probe);
  for (uint32_t rows : balancedTileSizes(whole.yH))
    for (uint32_t cols : balancedTileSizes(whole.yW))
      for (uint32_t to : op.yChannelMajor ? std::vector<uint32_t>{1}
                                          : balancedTileSizes(whole.oBlocks))
        for (uint32_t tc : balancedTileSizes(whole.cBlocks)) {
          ConvSchedule s;
          s.strips = strips;
          s.tileRows = rows, s.tileCols = cols, s.tileO = to, s.tileC = tc;
          s.inpSlots = s.wgtSlots = s.accSlots = 1;
          ConvTiling t = computeConvTiling(config, op, epi, s);
          if (!convTilingFits(t, config))
            continue; // larger slot counts do not fit either
          uint64_t K = t.cTiles, O = t.oTiles;
          // Slot counts that change what stays resident (a pixel tile's
          // whole reduction; one or every o tile's weights): the largest
          // two that fit, plus 2; 1 only where 2 does not fit (it has the
          // traffic of 2 and less overlap).
          auto slotChoices = [&](std::initializer_list<uint64_t> sizes,
                                 uint64_t slotSize, uint32_t depth) {
            std::vector<uint32_t> fit;
            for (uint64_t n : sizes)
              if (n >= 2 && n * slotSize <= depth)
                addUnique(fit, n);
            std::sort(fit.rbegin(), fit.rend());
            if (fit.size() > 2)
              fit.resize(2);
            if (2 * slotSize <= depth)
              addUnique(fit, 2);
            if (fit.empty())
              fit.push_back(1);
            return fit;
          };
          std::vector<uint32_t> inpSlots = slotChoices(
              {uint64_t(2), K, 2 * K}, t.inpSlotSize, config.inpDepth);
          std::vector<uint32_t> wgtSlots =
              slotChoices({uint64_t(2), K, 2 * K, O * K, 2 * O * K},
                          t.wgtSlotSize, config.wgtDepth);
          for (ConvOrder order :
               {ConvOrder::PixelsOuter, ConvOrder::ChannelsOuter}) {
            if (order == ConvOrder::ChannelsOuter && O == 1)
              continue; // the same program
            for (uint32_t is : inpSlots)
              for (uint32_t ws : wgtSlots)
                for (uint32_t as : {2u, 1u}) {
                  s.order = order;
                  s.inpSlots = is, s.wgtSlots = ws, s.accSlots = as;
                  t = computeConvTiling(config, op, epi, s);
                  if (!convTilingFits(t, config))
                    continue;
                  out.push_back({s, estimateCycles(config, op, epi, t, s)});
                  break; // two ACC slots fit: one is no better
                }
          }
        }
}

} // namespace

bool convCandidateBefore(const ScoredConvSchedule &a,
                         const ScoredConvSchedule &b) {
  auto key = [](const ScoredConvSchedule &c) {
    const ConvSchedule &s = c.schedule;
    return std::make_tuple(
        c.cycles, s.inpSlots + s.wgtSlots + s.accSlots,
        ~uint64_t(s.tileRows) * s.tileCols * s.tileO * s.tileC, s.tileRows,
        s.tileCols, s.tileO, s.tileC, uint8_t(s.order), s.inpSlots, s.wgtSlots,
        s.accSlots, s.strips);
  };
  return key(a) < key(b);
}

std::vector<ScoredConvSchedule>
enumerateConvSchedules(const Config &config, const ConvOp &op, size_t keep) {
  EpilogueUse epi = analyzeConvEpilogue(op);
  std::vector<ScoredConvSchedule> out;
  // Row strips fill the batch rows when N is not a multiple of batch.
  uint32_t strips = config.batch / std::gcd(op.n, config.batch);
  std::vector<uint32_t> stripChoices = {1};
  // (Not with a fused pool: its windows would cross the strips.)
  // Nor with a channel-major y (the strips' rows would interleave).
  if (strips > 1 && op.outH() >= strips && !op.pool.present() &&
      !op.yChannelMajor)
    stripChoices.push_back(strips);
  for (uint32_t st : stripChoices)
    addCandidates(config, stripConvOp(op, st), epi, st, out);
  keep = std::min(keep, out.size());
  sortCandidates(out, 0, keep, convCandidateOrder);
  out.resize(keep);
  return out;
}

} // namespace tdl::accel

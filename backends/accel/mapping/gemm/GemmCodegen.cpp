//===- GemmCodegen.cpp - SRAM layout and instruction emission ------------===//
#include "backends/accel/mapping/gemm/GemmCodegen.h"

#include "backends/accel/isa/Encoding.h"
#include "backends/accel/isa/Printer.h"
#include "backends/accel/mapping/SlotRing.h"
#include "backends/accel/mapping/SramFit.h"
#include "backends/accel/mapping/TokenSync.h"
#include "backends/accel/mapping/gemm/EpilogueAlu.h"
#include "backends/accel/mapping/gemm/GemmLayout.h"
#include "backends/accel/mapping/gemm/ProgramStart.h"

#include "llvm/Support/MathExtras.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

namespace tdl::accel {

namespace {

llvm::Error error(std::string message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Micro-ops, deduplicated: a GEMM set is `len` consecutive entries
/// (dst, src + k, wgt + k) over the K blocks of one step; a single entry
/// serves resets and ALU instructions.
class UopTable {
public:
  uint32_t gemmSet(uint32_t dst, uint32_t src, uint32_t wgt, uint32_t len) {
    auto [it, inserted] =
        sets.try_emplace(std::make_tuple(dst, src, wgt, len), 0);
    if (inserted) {
      it->second = uint32_t(uops.size());
      for (uint32_t k = 0; k < len; ++k)
        uops.push_back(MicroOp{dst, src + k, wgt + k});
    }
    return it->second;
  }
  uint32_t single(uint32_t dst, uint32_t src) {
    return gemmSet(dst, src, 0, 1);
  }
  std::vector<MicroOp> uops;

private:
  std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>, uint32_t> sets;
};

/// A GEMM/ALU loop nest over a rows × cols tile; factors of a loop that
/// runs once are 0 (they do not matter, and a pitch as large as an SRAM
/// would not fit its encoding field).
LoopNest tileLoop(uint32_t uopBgn, uint32_t uopEnd, uint32_t rows,
                  uint32_t cols) {
  LoopNest l;
  l.uopBgn = uopBgn, l.uopEnd = uopEnd;
  l.iterOut = rows, l.iterIn = cols;
  l.dstFactorOut = rows > 1 ? cols : 0;
  l.dstFactorIn = cols > 1 ? 1 : 0;
  return l;
}

} // namespace

GemmTiling computeTiling(const Config &config, const GemmOp &op,
                         const EpilogueUse &epi, const GemmSchedule &s) {
  return computeTiling(config, mappedBlocks(config, op, s.transposed), epi, s);
}

GemmTiling computeTiling(const Config &config, const MappedBlocks &bl,
                         const EpilogueUse &epi, const GemmSchedule &s) {
  GemmTiling t;
  t.mBlocks = bl.m, t.nBlocks = bl.n, t.kBlocks = bl.k;
  t.tileM = std::min(s.tileM, t.mBlocks);
  t.tileN = std::min(s.tileN, t.nBlocks);
  t.tileK = std::min(s.tileK, t.kBlocks);
  t.mTiles = uint32_t(llvm::divideCeil(t.mBlocks, t.tileM));
  t.nTiles = uint32_t(llvm::divideCeil(t.nBlocks, t.tileN));
  t.kTiles = uint32_t(llvm::divideCeil(t.kBlocks, t.tileK));
  t.inpIsOuter = s.order == TileOrder::MOuter;
  t.outerResident = s.outerResident;
  t.rowAlongM = s.transposed;
  placeSlots(t, config, epi, s);
  return t;
}

void placeSlots(GemmTiling &t, const Config &config, const EpilogueUse &epi,
                const GemmSchedule &s) {
  uint32_t outerTile = t.inpIsOuter ? t.tileM : t.tileN;
  uint32_t innerTile = t.inpIsOuter ? t.tileN : t.tileM;
  t.outerSlots = s.outerResident ? s.panelSlots : s.loadSlots;
  t.outerSlotSize = outerTile * (s.outerResident ? t.kBlocks : t.tileK);
  t.innerSlots = s.loadSlots;
  t.innerSlotSize = innerTile * t.tileK;
  uint64_t outerEntries = uint64_t(t.outerSlots) * t.outerSlotSize;
  uint64_t innerEntries = uint64_t(t.innerSlots) * t.innerSlotSize;
  t.inpEntries = t.inpIsOuter ? outerEntries : innerEntries;
  t.wgtEntries = t.inpIsOuter ? innerEntries : outerEntries;
  t.accSlots = s.accSlots;
  t.accSlotSize = t.tileM * t.tileN;
  t.fullAreaBase = t.accSlots * t.accSlotSize;
  t.rowAreaBase = t.fullAreaBase + epi.numFull * t.accSlotSize;
  uint32_t axis = t.rowAlongM ? t.mBlocks : t.nBlocks;
  t.rowWhole =
      uint64_t(t.rowAreaBase) + uint64_t(epi.numRow) * axis <= config.accDepth;
  t.rowAreaSize = t.rowWhole ? axis : (t.rowAlongM ? t.tileM : t.tileN);
  t.accEntries = uint64_t(t.rowAreaBase) + uint64_t(epi.numRow) * t.rowAreaSize;
}

bool tilingFits(const GemmTiling &t, const Config &config) {
  return t.inpEntries <= config.inpDepth && t.wgtEntries <= config.wgtDepth &&
         t.accEntries <= config.accDepth;
}

llvm::Expected<GemmTiling> tileGemm(const Config &config, const GemmOp &op,
                                    const EpilogueUse &epi,
                                    const GemmSchedule &s) {
  if (!s.tileM || !s.tileN || !s.tileK || !s.loadSlots || !s.accSlots ||
      (s.outerResident && !s.panelSlots))
    return error("schedule tile sizes and slot counts must be positive");
  GemmTiling t = computeTiling(config, op, epi, s);
  if (llvm::Error e = checkSramFits(
          config, [&] { return s.describe(); }, t.inpEntries, t.wgtEntries,
          t.accEntries))
    return e;
  return t;
}

llvm::Expected<GemmProgram> buildGemmProgram(const Config &config,
                                             const GemmOp &op,
                                             const GemmLayout &layout,
                                             const GemmSchedule &s) {
  EpilogueUse epi = analyzeEpilogue(op);
  llvm::Expected<GemmTiling> tiling = tileGemm(config, op, epi, s);
  if (!tiling)
    return tiling.takeError();
  const GemmTiling &t = *tiling;
  const uint32_t mB = t.mBlocks, nB = t.nBlocks, kB = t.kBlocks;

  // DRAM element addresses (the encoding holds 32 bits).
  assert(layout.transposed == s.transposed && "layout of another mapping");
  // A' (INP) and B' (WGT): A and B, or B^T and A when transposed.
  uint64_t aElem =
      (s.transposed ? layout.bAddr : layout.aAddr) / config.inpElemBytes();
  uint64_t bElem =
      (s.transposed ? layout.aAddr : layout.bAddr) / config.wgtElemBytes();
  uint64_t cElem = layout.cAddr / config.outElemBytes();
  std::vector<uint64_t> opElem;
  for (uint64_t addr : layout.operandAddrs)
    opElem.push_back(addr / config.accElemBytes());
  // Every element address is at most (end of DRAM) / (element size).
  uint64_t smallestElem =
      std::min({config.inpElemBytes(), config.wgtElemBytes(),
                config.outElemBytes(), Config::uopElemBytes()});
  uint64_t lastElem =
      (layout.uopAddr + uint64_t(config.uopDepth) * Config::uopElemBytes()) /
      smallestElem;
  if (lastElem > UINT32_MAX)
    return error(fmt::format("the gemm needs {} bytes of DRAM, more than a "
                             "32-bit element address reaches",
                             layout.uopAddr));
  if (kB > 0xFFFF || nB > 0xFFFF)
    return error(fmt::format("a row of {} blocks does not fit the 16-bit "
                             "DMA stride",
                             std::max(kB, nB)));

  TokenSyncBuilder prog;
  // Per tile: init, a GEMM and up to two loads per K step, the epilogue
  // and its operand loads, the store.
  prog.reserve(size_t(t.mTiles) * t.nTiles *
                   (3 * size_t(t.kTiles) + 2 * epi.steps.size() + 3) +
               op.operands.size() + 2);
  UopTable uops;
  using Id = TokenSyncBuilder::Id;
  // The micro-op count is known at the end: patched below.
  Id uopLoad = emitProgramStart(prog, layout.uopAddr, epi, opElem,
                                {t.rowAreaBase, t.rowAreaSize, t.rowWhole});

  MemType outerMem = t.inpIsOuter ? MemType::Inp : MemType::Wgt;
  MemType innerMem = t.inpIsOuter ? MemType::Wgt : MemType::Inp;
  uint64_t outerElem = t.inpIsOuter ? aElem : bElem;
  uint64_t innerElem = t.inpIsOuter ? bElem : aElem;
  uint32_t outerTile = t.inpIsOuter ? t.tileM : t.tileN;
  uint32_t innerTile = t.inpIsOuter ? t.tileN : t.tileM;
  uint32_t outerBlocks = t.inpIsOuter ? mB : nB;
  uint32_t innerBlocks = t.inpIsOuter ? nB : mB;
  uint32_t outerCount = t.inpIsOuter ? t.mTiles : t.nTiles;
  uint32_t innerCount = t.inpIsOuter ? t.nTiles : t.mTiles;
  // A resident panel is reused by definition; streamed tiles only with
  // reuseLoaded.
  SlotRing outer(t.outerSlots, t.outerSlotSize,
                 s.reuseLoaded || t.outerResident);
  SlotRing inner(t.innerSlots, t.innerSlotSize, s.reuseLoaded);
  std::vector<std::optional<Id>> accLastStore(t.accSlots);
  std::optional<uint32_t> rowsLoadedFor; // tile of the per-tile Row areas
  const uint32_t NoStep = UINT32_MAX;    // the tag of a whole-K panel

  uint64_t tileIndex = 0;
  for (uint32_t o = 0; o < outerCount; ++o) {
    uint32_t outerRows = std::min(outerTile, outerBlocks - o * outerTile);
    for (uint32_t i = 0; i < innerCount; ++i, ++tileIndex) {
      uint32_t innerRows = std::min(innerTile, innerBlocks - i * innerTile);
      uint32_t mt = t.inpIsOuter ? o : i, nt = t.inpIsOuter ? i : o;
      uint32_t rows = t.inpIsOuter ? outerRows : innerRows;
      uint32_t cols = t.inpIsOuter ? innerRows : outerRows;
      uint32_t accBase = uint32_t(tileIndex % t.accSlots) * t.accSlotSize;
      std::optional<Id> &slotStore = accLastStore[tileIndex % t.accSlots];
      // [rows × cols] block offset of this tile in M×N-blocked buffers.
      uint64_t tileOffset =
          uint64_t(mt) * t.tileM * nB + uint64_t(nt) * t.tileN;

      Id last;
      if (epi.fusedInit) {
        unsigned f = epi.steps[0].operand;
        last = prog.add(Instruction::load(MemType::Acc, accBase,
                                          uint32_t(opElem[f] + tileOffset),
                                          rows, cols, nB),
                        {slotStore});
      } else {
        GemmInsn reset;
        reset.reset = true;
        uint32_t u = uops.single(accBase, 0);
        reset.loop = tileLoop(u, u + 1, rows, cols);
        last = prog.add(Instruction::gemmOp(reset), {slotStore});
      }

      for (uint32_t kt = 0; kt < t.kTiles; ++kt) {
        uint32_t kb = std::min(t.tileK, kB - kt * t.tileK);
        // The outer operand: a whole-K panel or this step's tile.
        auto [os, outerLoad] =
            outer.acquire({o, t.outerResident ? NoStep : kt});
        uint32_t outerPitch = t.outerResident ? kB : kb;
        if (outerLoad) {
          uint64_t dram = outerElem + uint64_t(o) * outerTile * kB +
                          (t.outerResident ? 0 : uint64_t(kt) * t.tileK);
          outer.filler[os] = prog.add(
              Instruction::load(outerMem, os * outer.slotSize, uint32_t(dram),
                                outerRows, outerPitch, kB),
              {outer.lastReader[os]});
        }
        auto [is, innerLoad] = inner.acquire({i, kt});
        if (innerLoad) {
          uint64_t dram =
              innerElem + uint64_t(i) * innerTile * kB + uint64_t(kt) * t.tileK;
          inner.filler[is] =
              prog.add(Instruction::load(innerMem, is * inner.slotSize,
                                         uint32_t(dram), innerRows, kb, kB),
                       {inner.lastReader[is]});
        }
        uint32_t outerStart =
            os * outer.slotSize + (t.outerResident ? kt * t.tileK : 0);
        uint32_t innerStart = is * inner.slotSize;
        uint32_t inpStart = t.inpIsOuter ? outerStart : innerStart;
        uint32_t wgtStart = t.inpIsOuter ? innerStart : outerStart;
        uint32_t inpPitch = t.inpIsOuter ? outerPitch : kb;
        uint32_t wgtPitch = t.inpIsOuter ? kb : outerPitch;
        GemmInsn g;
        uint32_t u = uops.gemmSet(accBase, inpStart, wgtStart, kb);
        g.loop = tileLoop(u, u + kb, rows, cols);
        g.loop.srcFactorOut = rows > 1 ? inpPitch : 0;
        g.wgtFactorIn = cols > 1 ? wgtPitch : 0;
        last = prog.add(Instruction::gemmOp(g),
                        {outer.filler[os], inner.filler[is]});
        outer.lastReader[os] = last;
        inner.lastReader[is] = last;
      }

      // Epilogue operands into ACC (COMPUTE loads them: in order with the
      // ALU instructions that read them, so no tokens are needed).
      for (size_t f = 0; f < op.operands.size(); ++f)
        if (epi.fullArea[f] >= 0)
          prog.add(Instruction::load(
              MemType::Acc,
              t.fullAreaBase + uint32_t(epi.fullArea[f]) * t.accSlotSize,
              uint32_t(opElem[f] + tileOffset), rows, cols, nB));
      // The Row areas follow the tile along their axis.
      uint32_t rowTile = t.rowAlongM ? mt : nt;
      uint32_t rowTileStart = t.rowAlongM ? mt * t.tileM : nt * t.tileN;
      uint32_t rowTileSize = t.rowAlongM ? rows : cols;
      if (!t.rowWhole && rowsLoadedFor != rowTile) {
        emitRowOperandLoads(prog, epi, opElem,
                            {t.rowAreaBase, t.rowAreaSize, t.rowWhole},
                            rowTileStart, rowTileSize);
        rowsLoadedFor = rowTile;
      }
      EpilogueTile et;
      et.accBase = accBase;
      et.outer = rows, et.inner = cols;
      et.fullAreaBase = t.fullAreaBase, et.fullAreaSize = t.accSlotSize;
      et.rowAreaBase = t.rowAreaBase, et.rowAreaSize = t.rowAreaSize;
      et.rowOffset = t.rowWhole ? rowTileStart : 0;
      // A bias varies along N (along M when transposed): the same ACC
      // entries for every row of blocks (every column when transposed).
      et.rowAlongOuter = t.rowAlongM;
      last = emitEpilogueAlu(
          prog, epi, op.operands, et,
          [&](uint32_t dst, uint32_t src) { return uops.single(dst, src); },
          last);
      slotStore =
          prog.add(Instruction::store(accBase, uint32_t(cElem + tileOffset),
                                      rows, cols, nB),
                   {last});
    }
  }
  return prog.finish(uopLoad, std::move(uops.uops), config, s.describe());
}

} // namespace tdl::accel

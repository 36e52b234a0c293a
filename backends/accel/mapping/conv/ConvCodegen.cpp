//===- ConvCodegen.cpp - SRAM layout and instruction emission of a conv --===//
#include "backends/accel/mapping/conv/ConvCodegen.h"

#include "backends/accel/mapping/SlotRing.h"
#include "backends/accel/mapping/SramFit.h"
#include "backends/accel/mapping/TokenSync.h"
#include "backends/accel/mapping/conv/ConvPool.h"
#include "backends/accel/mapping/gemm/EpilogueAlu.h"
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

/// The largest LOAD padding (4-bit fields).
constexpr uint32_t MaxPad = 15;

/// Micro-op sets, deduplicated by everything that determines them.
class ConvUops {
public:
  /// One GEMM's set: (o block, c block, kh, kw) in that order.
  uint32_t gemmSet(uint32_t dst, uint32_t dstPitch, uint32_t src,
                   uint32_t planeSize, uint32_t planeWidth, uint32_t wgt,
                   uint32_t tO, uint32_t tC, const ConvOp &op) {
    auto key =
        std::make_tuple(dst, dstPitch, src, planeSize, planeWidth, wgt, tO, tC);
    auto [it, inserted] = sets.try_emplace(key, 0);
    if (inserted) {
      it->second = uint32_t(uops.size());
      for (uint32_t ob = 0; ob < tO; ++ob)
        for (uint32_t cb = 0; cb < tC; ++cb)
          for (uint32_t a = 0; a < op.kh; ++a)
            for (uint32_t b = 0; b < op.kw; ++b)
              uops.push_back(
                  MicroOp{dst + ob * dstPitch,
                          src + cb * planeSize + a * op.dilationH * planeWidth +
                              b * op.dilationW,
                          wgt + ((ob * tC + cb) * op.kh + a) * op.kw + b});
    }
    return it->second;
  }
  /// One micro-op per o block: (dst + ob, src + ob).
  uint32_t blocks(uint32_t dst, uint32_t src, uint32_t tO) {
    auto [it, inserted] = blockSets.try_emplace({dst, src, tO}, 0);
    if (inserted) {
      it->second = uint32_t(uops.size());
      for (uint32_t ob = 0; ob < tO; ++ob)
        uops.push_back(MicroOp{dst + ob, src + ob, 0});
    }
    return it->second;
  }
  uint32_t single(uint32_t dst, uint32_t src) {
    auto [it, inserted] = singles.try_emplace({dst, src}, 0);
    if (inserted) {
      it->second = uint32_t(uops.size());
      uops.push_back(MicroOp{dst, src, 0});
    }
    return it->second;
  }
  std::vector<MicroOp> uops;

private:
  std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
                      uint32_t, uint32_t, uint32_t>,
           uint32_t>
      sets;
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> singles;
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, uint32_t> blockSets;
};

/// A GEMM/ALU loop; factors of a loop that runs once are 0.
LoopNest loop(uint32_t uopBgn, uint32_t uopEnd, uint32_t iterOut,
              uint32_t iterIn, uint32_t dstOut, uint32_t dstIn,
              uint32_t srcOut = 0, uint32_t srcIn = 0) {
  LoopNest l;
  l.uopBgn = uopBgn, l.uopEnd = uopEnd;
  l.iterOut = iterOut, l.iterIn = iterIn;
  l.dstFactorOut = iterOut > 1 ? dstOut : 0;
  l.dstFactorIn = iterIn > 1 ? dstIn : 0;
  l.srcFactorOut = iterOut > 1 ? srcOut : 0;
  l.srcFactorIn = iterIn > 1 ? srcIn : 0;
  return l;
}

/// A tile's output values in ACC (pixel, o block) ↔ DRAM (nb, oh, ow, ob)
/// as few 2-D transfers as the layouts allow: one when the tile has whole
/// output rows or all o blocks, else one per output row.
struct Transfer {
  uint32_t sram;
  uint64_t dram; // element offset from the tile's first value
  uint32_t y, x, stride;
};

} // namespace

uint32_t convTileTransfers(uint32_t rows, uint32_t cols, uint32_t tO,
                           uint32_t outW, uint32_t oBlocks) {
  return tO == oBlocks || cols == outW ? 1 : rows;
}

namespace {

std::vector<Transfer> tileTransfers(uint32_t rows, uint32_t cols, uint32_t tO,
                                    uint32_t outW, uint32_t oBlocks) {
  std::vector<Transfer> out;
  if (tO == oBlocks && cols == outW)
    out.push_back({0, 0, 1, rows * cols * tO, rows * cols * tO});
  else if (cols == outW)
    out.push_back({0, 0, rows * cols, tO, oBlocks});
  else if (tO == oBlocks)
    out.push_back({0, 0, rows, cols * tO, outW * oBlocks});
  else
    for (uint32_t r = 0; r < rows; ++r)
      out.push_back(
          {r * cols * tO, uint64_t(r) * outW * oBlocks, cols, tO, oBlocks});
  return out;
}

uint32_t span(uint32_t count, uint32_t kernel, uint32_t stride,
              uint32_t dilation) {
  return (count - 1) * stride + (kernel - 1) * dilation + 1;
}

/// One axis of a pooled tile: y pixels [y0, y0 + count), whose windows
/// read conv pixels from `convFirst` (the tile's first in ACC).
struct PoolAxis {
  uint32_t y0, count, convFirst;
};

/// The fused pool of one tile (ConvPool.h): the tile's accumulators
/// made i8 values first when the epilogue may leave others (SHR -24 then
/// SHR 24 sign-extends the low byte: what narrowing keeps), the pooled area
/// (y pixel, o block) at `poolBase` set to -128 (0), then one MAX (ADD) per
/// window offset over the pooled pixels whose conv pixel exists, reading the
/// tile at `accBase` (conv pixel, o block; `cols` of `convRows` × `cols` conv
/// pixels a row). Returns the last ALU.
TokenSyncBuilder::Id emitPool(TokenSyncBuilder &prog, ConvUops &uops,
                              const ConvOp &op, const ConvTiling &t,
                              uint32_t accBase, uint32_t poolBase, uint32_t tO,
                              uint32_t convRows, uint32_t cols, PoolAxis rows,
                              PoolAxis pcols) {
  const ConvPool &p = op.pool;
  const uint32_t pooled = rows.count * pcols.count * tO;
  TokenSyncBuilder::Id last = 0;
  if (!epilogueKeepsI8(op.epilogue))
    for (int16_t amount : {int16_t(-24), int16_t(24)}) {
      AluInsn alu;
      alu.op = AluOp::Shr;
      alu.useImm = true;
      alu.imm = amount;
      uint32_t u = uops.single(accBase, 0);
      alu.loop = loop(u, u + 1, 1, convRows * cols * tO, 0, 1);
      prog.add(Instruction::aluOp(alu));
    }
  // The ALU has no move: MIN then MAX with -128 sets any i32 to -128 (max
  // pooling's start), MUL by 0 sets it to 0 (average pooling's).
  auto fill = [&](AluOp aluOp, int16_t imm, uint32_t base, uint32_t count) {
    AluInsn alu;
    alu.op = aluOp;
    alu.useImm = true;
    alu.imm = imm;
    uint32_t u = uops.single(base, 0);
    alu.loop = loop(u, u + 1, 1, count, 0, 1);
    return prog.add(Instruction::aluOp(alu));
  };
  if (p.average) {
    last = fill(AluOp::Mul, 0, poolBase, pooled);
  } else {
    fill(AluOp::Min, -128, poolBase, pooled);
    last = fill(AluOp::Max, -128, poolBase, pooled);
  }
  for (uint32_t a = 0; a < p.kh; ++a) {
    auto [ilo, ihi] =
        poolReads(rows.y0, rows.count, t.outH, p.strideH, p.padTop, a);
    for (uint32_t b = 0; b < p.kw; ++b) {
      auto [jlo, jhi] =
          poolReads(pcols.y0, pcols.count, t.outW, p.strideW, p.padLeft, b);
      if (ilo >= ihi || jlo >= jhi)
        continue;
      // Conv pixel of pooled (ilo, jlo) at this offset, relative to the tile.
      uint32_t ci = (rows.y0 + ilo) * p.strideH - p.padTop + a - rows.convFirst;
      uint32_t cj =
          (pcols.y0 + jlo) * p.strideW - p.padLeft + b - pcols.convFirst;
      AluInsn alu;
      alu.op = p.average ? AluOp::Add : AluOp::Max;
      uint32_t u = uops.blocks(poolBase + (ilo * pcols.count + jlo) * tO,
                               accBase + (ci * cols + cj) * tO, tO);
      alu.loop = loop(u, u + tO, ihi - ilo, jhi - jlo, pcols.count * tO, tO,
                      p.strideH * cols * tO, p.strideW * tO);
      last = prog.add(Instruction::aluOp(alu));
    }
  }
  if (p.average) { // floor((sum + area / 2) / area), area = 2^k
    uint32_t area = p.kh * p.kw;
    if (area > 1)
      fill(AluOp::Add, int16_t(area / 2), poolBase, pooled);
    last = fill(AluOp::Shr, int16_t(llvm::Log2_32(area)), poolBase, pooled);
  }
  return last;
}

} // namespace

EpilogueUse analyzeConvEpilogue(const ConvOp &op) {
  return analyzeEpilogue(GemmOp{1, 1, 1, op.operands, op.epilogue});
}

ConvWindow convWindow(uint32_t outStart, uint32_t outCount, uint32_t inSize,
                      uint32_t pad, uint32_t kernel, uint32_t stride,
                      uint32_t dilation) {
  int64_t start = int64_t(outStart) * stride - int64_t(pad);
  int64_t end = start + span(outCount, kernel, stride, dilation);
  int64_t lo = std::max<int64_t>(start, 0);
  int64_t hi = std::min<int64_t>(end, inSize);
  ConvWindow w;
  if (hi > lo) {
    w.first = uint32_t(lo), w.rows = uint32_t(hi - lo);
    w.pad0 = uint32_t(lo - start), w.pad1 = uint32_t(end - hi);
  } else { // all padding: only zeros
    uint32_t total = uint32_t(end - start);
    w.pad0 = std::min(total, MaxPad);
    w.pad1 = total - w.pad0;
  }
  return w;
}

ConvTiling computeConvTiling(const Config &config, const ConvOp &op,
                             const EpilogueUse &epi, const ConvSchedule &s) {
  ConvTiling t;
  t.nBlocks = uint32_t(llvm::divideCeil(op.n, config.batch));
  t.cBlocks = uint32_t(llvm::divideCeil(op.c, config.blockIn));
  t.oBlocks = uint32_t(llvm::divideCeil(op.o, config.blockOut));
  t.outH = op.outH(), t.outW = op.outW();
  t.yH = op.yH(), t.yW = op.yW();
  t.tileRows = std::min(s.tileRows, t.yH);
  t.tileCols = std::min(s.tileCols, t.yW);
  t.tileO = std::min(s.tileO, t.oBlocks);
  t.tileC = std::min(s.tileC, t.cBlocks);
  t.rowTiles = uint32_t(llvm::divideCeil(t.yH, t.tileRows));
  t.colTiles = uint32_t(llvm::divideCeil(t.yW, t.tileCols));
  const ConvPool &pool = op.pool;
  t.convRows = pool.present()
                   ? std::min(t.outH, (t.tileRows - 1) * pool.strideH + pool.kh)
                   : t.tileRows;
  t.convCols = pool.present()
                   ? std::min(t.outW, (t.tileCols - 1) * pool.strideW + pool.kw)
                   : t.tileCols;
  t.oTiles = uint32_t(llvm::divideCeil(t.oBlocks, t.tileO));
  t.cTiles = uint32_t(llvm::divideCeil(t.cBlocks, t.tileC));
  // A one-row kernel with stride > 1 and no top/bottom padding reads
  // every strideH-th input row only: the LOAD skips the others (its row
  // pitch is strideH rows).
  t.rowSkip = op.kh == 1 && op.strideH > 1 && !op.padTop && !op.padBottom;
  t.spanH = t.rowSkip ? t.convRows
                      : span(t.convRows, op.kh, op.strideH, op.dilationH);
  t.spanW = span(t.convCols, op.kw, op.strideW, op.dilationW);
  t.inpSlots = s.inpSlots, t.wgtSlots = s.wgtSlots, t.accSlots = s.accSlots;
  t.inpSlotSize = t.tileC * t.spanH * t.spanW;
  t.wgtSlotSize = t.tileO * t.tileC * op.kh * op.kw;
  t.poolAreaOffset = t.tileO * t.convRows * t.convCols;
  t.accSlotSize = t.poolAreaOffset +
                  (pool.present() ? t.tileO * t.tileRows * t.tileCols : 0);
  t.inpEntries = uint64_t(t.inpSlots) * t.inpSlotSize;
  t.wgtEntries = uint64_t(t.wgtSlots) * t.wgtSlotSize;
  t.fullAreaBase = t.accSlots * t.accSlotSize;
  t.rowAreaBase = t.fullAreaBase + epi.numFull * t.accSlotSize;
  t.rowWhole = uint64_t(t.rowAreaBase) + uint64_t(epi.numRow) * t.oBlocks <=
               config.accDepth;
  t.rowAreaSize = t.rowWhole ? t.oBlocks : t.tileO;
  t.accEntries = uint64_t(t.rowAreaBase) + uint64_t(epi.numRow) * t.rowAreaSize;
  return t;
}

bool convTilingFits(const ConvTiling &t, const Config &config) {
  return t.inpEntries <= config.inpDepth && t.wgtEntries <= config.wgtDepth &&
         t.accEntries <= config.accDepth;
}

llvm::Expected<ConvProgram> buildConvProgram(const Config &config,
                                             const ConvOp &op,
                                             const ConvLayout &layout,
                                             const ConvSchedule &s) {
  if (!s.tileRows || !s.tileCols || !s.tileO || !s.tileC || !s.inpSlots ||
      !s.wgtSlots || !s.accSlots)
    return error("schedule tile sizes and slot counts must be positive");
  EpilogueUse epi = analyzeConvEpilogue(op);
  const ConvTiling t = computeConvTiling(config, op, epi, s);
  if (llvm::Error e = checkSramFits(
          config, [&] { return s.describe(); }, t.inpEntries, t.wgtEntries,
          t.accEntries))
    return e;

  // Windows: their padding must fit the 4-bit fields, and a column window
  // must hold a real column (a LOAD with x_size 0 writes nothing).
  // Per row (column) tile: its conv pixels [first, first + count), which
  // are its y pixels without a pool, what its pooled windows read with one.
  const ConvPool &pool = op.pool;
  auto convSpan = [&](uint32_t tile, uint32_t size, uint32_t ySize,
                      uint32_t outSize, uint32_t kernel, uint32_t stride,
                      uint32_t pad0) {
    uint32_t y0 = tile * size, n = std::min(size, ySize - y0);
    return pool.present() ? poolSpan(y0, n, outSize, kernel, stride, pad0)
                          : PoolSpan{y0, n};
  };
  std::vector<PoolSpan> rowSpan(t.rowTiles), colSpan(t.colTiles);
  for (uint32_t r = 0; r < t.rowTiles; ++r)
    rowSpan[r] = convSpan(r, t.tileRows, t.yH, t.outH, pool.kh, pool.strideH,
                          pool.padTop);
  for (uint32_t c = 0; c < t.colTiles; ++c)
    colSpan[c] = convSpan(c, t.tileCols, t.yW, t.outW, pool.kw, pool.strideW,
                          pool.padLeft);
  std::vector<ConvWindow> rowWin(t.rowTiles), colWin(t.colTiles);
  for (uint32_t r = 0; r < t.rowTiles; ++r) {
    uint32_t r0 = rowSpan[r].first, rows = rowSpan[r].count;
    rowWin[r] = t.rowSkip ? ConvWindow{r0 * op.strideH, rows, 0, 0}
                          : convWindow(r0, rows, op.h, op.padTop, op.kh,
                                       op.strideH, op.dilationH);
    if (rowWin[r].pad0 > MaxPad || rowWin[r].pad1 > MaxPad)
      return error(fmt::format(
          "schedule ({}): {} rows of padding above or "
          "below a window exceed the LOAD's {}",
          s.describe(), std::max(rowWin[r].pad0, rowWin[r].pad1), MaxPad));
  }
  for (uint32_t c = 0; c < t.colTiles; ++c) {
    uint32_t c0 = colSpan[c].first, cols = colSpan[c].count;
    colWin[c] =
        convWindow(c0, cols, op.w, op.padLeft, op.kw, op.strideW, op.dilationW);
    if (colWin[c].pad0 > MaxPad || colWin[c].pad1 > MaxPad ||
        colWin[c].rows == 0)
      return error(fmt::format("schedule ({}): a column window of {} + {} + "
                               "{} does not fit the LOAD's padding",
                               s.describe(), colWin[c].pad0, colWin[c].rows,
                               colWin[c].pad1));
  }

  // DRAM element addresses (32-bit) and 16-bit strides.
  const uint32_t khw = op.kh * op.kw;
  uint64_t lastElem = layout.totalBytes + uint64_t(config.uopDepth) * 4;
  if (lastElem > UINT32_MAX)
    return error(fmt::format("the conv needs {} bytes of DRAM, more than a "
                             "32-bit element address reaches",
                             layout.totalBytes));
  if (uint64_t(op.w) * (t.rowSkip ? op.strideH : 1) > 0xFFFF ||
      uint64_t(t.outW) * t.oBlocks > 0xFFFF ||
      uint64_t(t.yW) * t.oBlocks > 0xFFFF || uint64_t(t.cBlocks) * khw > 0xFFFF)
    return error("a row of the conv does not fit the 16-bit DMA stride");
  const uint64_t xElem = layout.xAddr / config.inpElemBytes();
  const uint64_t wElem = layout.wAddr / config.wgtElemBytes();
  const uint64_t yElem = layout.yAddr / config.outElemBytes();
  std::vector<uint64_t> opElem;
  for (uint64_t addr : layout.operandAddrs)
    opElem.push_back(addr / config.accElemBytes());

  TokenSyncBuilder prog;
  ConvUops uops;
  using Id = TokenSyncBuilder::Id;
  // Whole Row areas hold all o blocks (rowAreaSize is oBlocks then).
  Id uopLoad = emitProgramStart(prog, layout.uopAddr, epi, opElem,
                                {t.rowAreaBase, t.rowAreaSize, t.rowWhole});

  // A tile still in a slot is not reloaded.
  SlotRing inp(t.inpSlots, t.inpSlotSize, true),
      wgt(t.wgtSlots, t.wgtSlotSize, true);
  std::vector<std::optional<Id>> accLastStore(t.accSlots);
  std::optional<uint32_t> rowsLoadedFor;
  uint64_t tileIndex = 0;

  auto body = [&](uint64_t pixelTile, uint32_t ot) {
    uint32_t nb = uint32_t(pixelTile / (uint64_t(t.rowTiles) * t.colTiles));
    uint32_t rt = uint32_t(pixelTile / t.colTiles % t.rowTiles);
    uint32_t ct = uint32_t(pixelTile % t.colTiles);
    // Conv pixels of the tile, and its y pixels (the same without a pool).
    uint32_t r0 = rowSpan[rt].first, rows = rowSpan[rt].count;
    uint32_t c0 = colSpan[ct].first, cols = colSpan[ct].count;
    uint32_t yr0 = rt * t.tileRows, yRows = std::min(t.tileRows, t.yH - yr0);
    uint32_t yc0 = ct * t.tileCols, yCols = std::min(t.tileCols, t.yW - yc0);
    uint32_t ob0 = ot * t.tileO, tO = std::min(t.tileO, t.oBlocks - ob0);
    const ConvWindow &rw = rowWin[rt], &cw = colWin[ct];
    const uint32_t pixels = rows * cols;
    const uint32_t planeW = cw.span(), plane = rw.span() * planeW;
    uint32_t accBase = uint32_t(tileIndex % t.accSlots) * t.accSlotSize;
    std::optional<Id> &slotStore = accLastStore[tileIndex % t.accSlots];
    ++tileIndex;
    // OUT / Full-operand element of the tile's first value; ACC holds the
    // tile as (pixel, o block).
    const uint64_t tileElem =
        ((uint64_t(nb) * t.outH + r0) * t.outW + c0) * t.oBlocks + ob0;
    const std::vector<Transfer> transfers =
        tileTransfers(rows, cols, tO, t.outW, t.oBlocks);
    auto loadAcc = [&](uint32_t sram, uint64_t dram,
                       std::optional<Id> wait) -> Id {
      Id id = 0;
      for (const Transfer &x : transfers)
        id = prog.add(Instruction::load(MemType::Acc, sram + x.sram,
                                        uint32_t(dram + x.dram), x.y, x.x,
                                        x.stride),
                      {wait});
      return id;
    };

    Id last = 0;
    if (epi.fusedInit) {
      unsigned f = epi.steps[0].operand;
      last = loadAcc(accBase, opElem[f] + tileElem, slotStore);
    } else {
      GemmInsn reset;
      reset.reset = true;
      uint32_t u = uops.single(accBase, 0);
      reset.loop = loop(u, u + 1, 1, pixels * tO, 0, 1);
      last = prog.add(Instruction::gemmOp(reset), {slotStore});
    }

    for (uint32_t kt = 0; kt < t.cTiles; ++kt) {
      uint32_t cb0 = kt * t.tileC, tC = std::min(t.tileC, t.cBlocks - cb0);
      auto [is, inpLoad] = inp.acquire({pixelTile, kt});
      uint32_t inpBase = is * inp.slotSize;
      if (inpLoad) {
        for (uint32_t cb = 0; cb < tC; ++cb) {
          uint64_t dram =
              xElem +
              ((uint64_t(nb) * t.cBlocks + cb0 + cb) * op.h + rw.first) * op.w +
              cw.first;
          Instruction ld = Instruction::load(
              MemType::Inp, inpBase + cb * plane, uint32_t(dram), rw.rows,
              cw.rows, t.rowSkip ? op.w * op.strideH : op.w);
          ld.mem.yPad0 = uint8_t(rw.pad0), ld.mem.yPad1 = uint8_t(rw.pad1);
          ld.mem.xPad0 = uint8_t(cw.pad0), ld.mem.xPad1 = uint8_t(cw.pad1);
          inp.filler[is] = prog.add(ld, {inp.lastReader[is]});
        }
      }
      auto [ws, wgtLoad] = wgt.acquire({ot, kt});
      uint32_t wgtBase = ws * wgt.slotSize;
      if (wgtLoad) {
        uint64_t dram = wElem + (uint64_t(ob0) * t.cBlocks + cb0) * khw;
        wgt.filler[ws] =
            prog.add(Instruction::load(MemType::Wgt, wgtBase, uint32_t(dram),
                                       tO, tC * khw, t.cBlocks * khw),
                     {wgt.lastReader[ws]});
      }
      uint32_t u =
          uops.gemmSet(accBase, 1, inpBase, plane, planeW, wgtBase, tO, tC, op);
      GemmInsn g;
      g.loop = loop(u, u + tO * tC * khw, rows, cols, cols * tO, tO,
                    t.rowSkip ? planeW : op.strideH * planeW, op.strideW);
      last = prog.add(Instruction::gemmOp(g), {inp.filler[is], wgt.filler[ws]});
      inp.lastReader[is] = last;
      wgt.lastReader[ws] = last;
    }

    // Epilogue operands (COMPUTE loads them, in order with the ALUs).
    for (size_t f = 0; f < op.operands.size(); ++f)
      if (epi.fullArea[f] >= 0)
        loadAcc(t.fullAreaBase + uint32_t(epi.fullArea[f]) * t.accSlotSize,
                opElem[f] + tileElem, std::nullopt);
    if (!t.rowWhole && rowsLoadedFor != ot) {
      emitRowOperandLoads(prog, epi, opElem,
                          {t.rowAreaBase, t.rowAreaSize, t.rowWhole}, ob0, tO);
      rowsLoadedFor = ot;
    }
    // ACC holds the tile as (pixel, o block); a bias has one element per
    // o block, for every pixel.
    EpilogueTile et;
    et.accBase = accBase;
    et.outer = pixels, et.inner = tO;
    et.fullAreaBase = t.fullAreaBase, et.fullAreaSize = t.accSlotSize;
    et.rowAreaBase = t.rowAreaBase, et.rowAreaSize = t.rowAreaSize;
    et.rowOffset = t.rowWhole ? ob0 : 0;
    et.rowAlongOuter = false;
    last = emitEpilogueAlu(
        prog, epi, op.operands, et,
        [&](uint32_t dst, uint32_t src) { return uops.single(dst, src); },
        last);
    uint32_t outBase = accBase;
    std::vector<Transfer> stores = transfers;
    uint64_t yTileElem = tileElem;
    if (pool.present()) {
      outBase = accBase + t.poolAreaOffset;
      last = emitPool(prog, uops, op, t, accBase, outBase, tO, rows, cols,
                      {yr0, yRows, r0}, {yc0, yCols, c0});
      stores = tileTransfers(yRows, yCols, tO, t.yW, t.oBlocks);
      yTileElem = ((uint64_t(nb) * t.yH + yr0) * t.yW + yc0) * t.oBlocks + ob0;
    }
    if (op.yChannelMajor) {
      // (nb, ob, oh, ow): the tile's one o block is rows of yCols pixels
      // (tileO = 1: buildPlan rejects anything else).
      stores = {{0, 0, yRows, yCols, t.yW}};
      yTileElem = ((uint64_t(nb) * t.oBlocks + ob0) * t.yH + yr0) * t.yW + yc0;
    }
    for (const Transfer &x : stores)
      slotStore =
          prog.add(Instruction::store(outBase + x.sram,
                                      uint32_t(yElem + yTileElem + x.dram), x.y,
                                      x.x, x.stride),
                   {last});
  };

  const uint64_t pixelTiles = t.pixelTiles();
  if (s.order == ConvOrder::PixelsOuter) {
    for (uint64_t p = 0; p < pixelTiles; ++p)
      for (uint32_t ot = 0; ot < t.oTiles; ++ot)
        body(p, ot);
  } else {
    for (uint32_t ot = 0; ot < t.oTiles; ++ot)
      for (uint64_t p = 0; p < pixelTiles; ++p)
        body(p, ot);
  }
  return prog.finish(uopLoad, std::move(uops.uops), config, s.describe());
}

} // namespace tdl::accel

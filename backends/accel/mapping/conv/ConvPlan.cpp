//===- ConvPlan.cpp - planConv: layout and the search over schedules -----===//
//
// 1. rank every schedule that fits the SRAMs by an analytic estimate
//    (ConvSearch.cpp);
// 2. build the program of the default schedule and of the best-ranked
//    candidates, time each with the timing model alone, keep the fastest;
// 3. stop after maxCandidates timed programs or ~instructionBudget
//    simulated instructions. A candidate that does not build (too many
//    micro-ops, a window's padding beyond the LOAD fields) is skipped.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/mapping/conv/ConvPlan.h"
#include "backends/accel/mapping/PlanProgram.h"
#include "backends/accel/mapping/ScheduleSearch.h"

#include "backends/accel/isa/Encoding.h"
#include "backends/accel/mapping/conv/ConvCodegen.h"

#include "llvm/Support/MathExtras.h"

#include <fmt/format.h>

namespace tdl::accel {

std::string ConvSchedule::describe() const {
  return fmt::format("tiles {}x{} px, o {} c {} blocks, {} outer, slots inp "
                     "{} wgt {} acc {}",
                     tileRows, tileCols, tileO, tileC,
                     order == ConvOrder::PixelsOuter ? "pixels" : "channels",
                     inpSlots, wgtSlots, accSlots) +
         (strips > 1
              ? fmt::format(", batch rows: images x {} row strips", strips)
              : "");
}

ConvOp stripConvOp(const ConvOp &op, uint32_t strips) {
  if (strips <= 1)
    return op;
  uint32_t rows = uint32_t(llvm::divideCeil(op.outH(), strips));
  ConvOp s = op;
  s.n = op.n * strips;
  s.h = (rows - 1) * op.strideH + (op.kh - 1) * op.dilationH + 1;
  s.padTop = s.padBottom = 0;
  return s;
}

std::string ConvPlan::describe() const {
  return fmt::format("{} [{}]: {} cycles, utilization {:.4f}, {} DRAM bytes",
                     op.describe(), schedule.describe(), estimate.cycles,
                     estimate.utilization(config), estimate.totalBytes());
}

ConvLayout computeConvLayout(const Config &config, const ConvOp &op,
                             uint64_t numUops) {
  ConvLayout l;
  l.nBlocks = uint32_t(llvm::divideCeil(op.n, config.batch));
  l.cBlocks = uint32_t(llvm::divideCeil(op.c, config.blockIn));
  l.oBlocks = uint32_t(llvm::divideCeil(op.o, config.blockOut));
  uint64_t outPixels = uint64_t(op.outH()) * op.outW();
  uint64_t next = 0;
  auto place = [&](uint64_t size) { // the assembler's rule
    uint64_t address = llvm::alignTo(next, config.maxElemBytes());
    next = address + size;
    return address;
  };
  l.xAddr = place(uint64_t(l.nBlocks) * l.cBlocks * op.h * op.w *
                  config.inpElemBytes());
  l.wAddr = place(uint64_t(l.oBlocks) * l.cBlocks * op.kh * op.kw *
                  config.wgtElemBytes());
  for (OperandShape shape : op.operands)
    l.operandAddrs.push_back(
        place((shape == OperandShape::Row
                   ? uint64_t(l.oBlocks)
                   : uint64_t(l.nBlocks) * l.oBlocks * outPixels) *
              config.accElemBytes()));
  l.yAddr = place(uint64_t(l.nBlocks) * l.oBlocks * op.yH() * op.yW() *
                  config.outElemBytes());
  l.uopAddr = place(numUops * Config::uopElemBytes());
  l.totalBytes = next;
  return l;
}

ConvSchedule defaultConvSchedule(const Config &config, const ConvOp &op) {
  EpilogueUse epi = analyzeConvEpilogue(op);
  ConvSchedule s;
  s.tileRows = op.yH(), s.tileCols = op.yW(); // pooled outputs with a pool
  s.tileO = s.tileC = UINT32_MAX / 2;
  if (op.yChannelMajor)
    s.tileO = 1; // one o block per STORE
  s.order = ConvOrder::PixelsOuter;
  s.inpSlots = s.wgtSlots = s.accSlots = 2;
  // Shrink until it fits: output rows, then c, o, columns; then one slot.
  for (;;) {
    ConvTiling t = computeConvTiling(config, op, epi, s);
    s.tileO = t.tileO, s.tileC = t.tileC;
    if (convTilingFits(t, config))
      break;
    if (t.tileRows > 1)
      s.tileRows = (t.tileRows + 1) / 2;
    else if (t.tileC > 1)
      s.tileC = (t.tileC + 1) / 2;
    else if (t.tileO > 1)
      s.tileO = (t.tileO + 1) / 2;
    else if (t.tileCols > 1)
      s.tileCols = (t.tileCols + 1) / 2;
    else if (s.inpSlots > 1 || s.wgtSlots > 1 || s.accSlots > 1)
      s.inpSlots = s.wgtSlots = s.accSlots = 1;
    else
      break; // nothing fits: planning reports why
  }
  return s;
}

namespace {

llvm::Expected<ConvPlan> buildPlan(const Config &config, const ConvOp &op,
                                   const ConvSchedule &schedule,
                                   Simulator &timer) {
  if (schedule.strips > 1 && op.pool.present())
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "row strips do not combine with a fused max pool (its windows "
        "would cross the strips)");
  if (op.yChannelMajor && (schedule.strips > 1 || schedule.tileO != 1))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "a channel-major result needs one o block per tile and no row "
        "strips");
  ConvOp mapped = stripConvOp(op, schedule.strips);
  // Every instruction must encode (what runs is the binary form); a field
  // out of range (e.g. an 11-bit factor) rules the schedule out.
  return buildTimedPlan<ConvPlan>(
      config, op, schedule, timer,
      [&](uint64_t numUops) {
        return computeConvLayout(config, mapped, numUops);
      },
      [&](const ConvLayout &layout) {
        return buildConvProgram(config, mapped, layout, schedule);
      },
      EncodeCheck::PerCandidate, "conv");
}

} // namespace

llvm::Expected<ConvPlan> planConvWithSchedule(const Config &config,
                                              const ConvOp &op,
                                              const ConvSchedule &schedule) {
  if (llvm::Error e = verifyConvOp(op))
    return e;
  Simulator timer(config);
  return buildPlan(config, op, schedule, timer);
}

llvm::Expected<ConvPlan> planConv(const Config &config, const ConvOp &op,
                                  const PlanOptions &options) {
  if (llvm::Error e = verifyConvOp(op))
    return e;
  Simulator timer(config);
  ConvSchedule base = defaultConvSchedule(config, op);
  llvm::Expected<ConvPlan> first = buildPlan(config, op, base, timer);
  if (!options.search && first)
    return first;
  // Without search, the candidates still stand in when the default
  // schedule does not build (e.g. its micro-ops overflow the buffer).
  const SearchLimits limits{options.search ? options.maxCandidates : 1,
                            4 * options.maxCandidates + 64,
                            options.instructionBudget};
  return searchSchedules(
      std::move(first), enumerateConvSchedules(config, op, limits.maxBuilds),
      convCandidateOrder, limits,
      [&](const ConvSchedule &s) { return buildPlan(config, op, s, timer); },
      op.describe());
}

} // namespace tdl::accel

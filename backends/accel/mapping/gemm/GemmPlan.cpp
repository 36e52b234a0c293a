//===- GemmPlan.cpp - planGemm: the search over schedules ----------------===//
//
// 1. enumerate every schedule that fits the SRAMs, with an analytic lower
//    bound of its cycles (GemmSearch.h);
// 2. build the program of the fixed template (the baseline) and of the
//    candidates in increasing order of bound, time each with the timing
//    model alone (no functional execution), keep the fastest;
// 3. stop after maxCandidates programs (or ~instructionBudget simulated
//    instructions), or as soon as the next bound is no better than the best
//    time (branch and bound: nothing left can win). A candidate that needs
//    more micro-ops than the UOP buffer holds is skipped, not counted.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/mapping/gemm/GemmPlan.h"
#include "backends/accel/mapping/PlanProgram.h"
#include "backends/accel/mapping/ScheduleSearch.h"

#include "backends/accel/isa/Encoding.h"
#include "backends/accel/mapping/gemm/GemmCodegen.h"
#include "backends/accel/mapping/gemm/GemmEpilogue.h"
#include "backends/accel/mapping/gemm/GemmLayout.h"
#include "backends/accel/mapping/gemm/GemmSearch.h"

#include "llvm/Support/MathExtras.h"

#include <fmt/format.h>

namespace tdl::accel {

std::string GemmSchedule::describe() const {
  std::string text = transposed ? "C^T = B^T·A^T, " : "";
  text += fmt::format("tiles {}x{}x{} blocks, {} outer, ", tileM, tileN, tileK,
                      order == TileOrder::MOuter ? "M" : "N");
  if (outerResident)
    text += fmt::format("{} panel resident ({} slot{}), ",
                        (order == TileOrder::MOuter) != transposed ? "A" : "B",
                        panelSlots, panelSlots == 1 ? "" : "s");
  text += fmt::format("slots load {} acc {}", loadSlots, accSlots);
  if (!reuseLoaded)
    text += ", no reuse";
  return text;
}

std::string GemmPlan::describeSchedule() const {
  GemmTiling t = computeTiling(config, op, analyzeEpilogue(op), schedule);
  GemmSchedule used = schedule;
  used.tileM = t.tileM;
  used.tileN = t.tileN;
  used.tileK = t.tileK;
  return used.describe();
}

GemmSchedule baselineSchedule(const Config &config, const GemmOp &op) {
  // TiledGemm's schedule (bench/accel_gemm.cpp): 64×16×16 blocks, M outer,
  // both operands streamed every step, double buffered.
  GemmSchedule s;
  s.tileM = 64, s.tileN = 16, s.tileK = 16;
  s.order = TileOrder::MOuter;
  s.outerResident = false;
  s.loadSlots = s.accSlots = 2;
  s.reuseLoaded = false;
  EpilogueUse epi = analyzeEpilogue(op);
  // Shrink until it fits a smaller machine: M first, then K, then N, then
  // give up double buffering.
  while (!tilingFits(computeTiling(config, op, epi, s), config)) {
    GemmTiling t = computeTiling(config, op, epi, s);
    if (t.tileM > 1)
      s.tileM = t.tileM / 2;
    else if (t.tileK > 1)
      s.tileK = t.tileK / 2;
    else if (t.tileN > 1)
      s.tileN = t.tileN / 2;
    else if (s.loadSlots > 1 || s.accSlots > 1)
      s.loadSlots = s.accSlots = 1;
    else
      break; // nothing fits: planning reports why
  }
  return s;
}

namespace {

/// Builds the program of `schedule` and times it.
llvm::Expected<GemmPlan> buildPlan(const Config &config, const GemmOp &op,
                                   const GemmSchedule &schedule,
                                   Simulator &timer) {
  return buildTimedPlan<GemmPlan>(
      config, op, schedule, timer,
      [&](uint64_t numUops) {
        return computeGemmLayout(config, op, schedule.transposed, numUops);
      },
      [&](const GemmLayout &layout) {
        return buildGemmProgram(config, op, layout, schedule);
      },
      EncodeCheck::Deferred, "program");
}

/// The plan, or an error when it does not encode.
llvm::Expected<GemmPlan> encodable(llvm::Expected<GemmPlan> plan) {
  if (!plan)
    return plan;
  // Every instruction must encode (what `tdlc sim` and the host runtime
  // execute is the binary form).
  if (llvm::Error e =
          checkProgramEncodes(plan->insns, plan->schedule.describe()))
    return e;
  return plan;
}

} // namespace

llvm::Expected<GemmPlan> planGemmWithSchedule(const Config &config,
                                              const GemmOp &op,
                                              const GemmSchedule &schedule) {
  if (llvm::Error e = verifyGemmOp(op))
    return e;
  Simulator timer(config);
  return encodable(buildPlan(config, op, schedule, timer));
}

llvm::Expected<GemmPlan> planGemm(const Config &config, const GemmOp &op,
                                  const PlanOptions &options) {
  if (llvm::Error e = verifyGemmOp(op))
    return e;
  Simulator timer(config);
  // The baseline first: with search it is a candidate too, so the search
  // is never worse than the template.
  GemmSchedule base = baselineSchedule(config, op);
  llvm::Expected<GemmPlan> best = buildPlan(config, op, base, timer);
  // Its micro-op sets grow with tileK and the slots: on a small UOP
  // buffer, shrink those until it builds.
  while (!best && (base.tileK > 1 || base.loadSlots > 1 || base.accSlots > 1)) {
    llvm::consumeError(best.takeError());
    if (base.tileK > 1)
      base.tileK /= 2;
    else
      base.loadSlots = base.accSlots = 1;
    best = buildPlan(config, op, base, timer);
  }
  if (!options.search) {
    best = encodable(std::move(best));
    if (!best)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          fmt::format("cannot map {} onto the accelerator: {}", op.describe(),
                      llvm::toString(best.takeError())));
    return best;
  }
  const SearchLimits limits{options.maxCandidates, 4 * options.maxCandidates,
                            options.instructionBudget};
  return encodable(searchSchedules(
      std::move(best), enumerateSchedules(config, op, options.maxCandidates),
      gemmCandidateOrder, limits,
      [&](const GemmSchedule &s) { return buildPlan(config, op, s, timer); },
      op.describe()));
}

} // namespace tdl::accel

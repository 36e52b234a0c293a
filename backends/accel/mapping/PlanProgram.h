//===- PlanProgram.h - what GEMM and conv planning share -----------*- C++
//-*-===//
//
// A plan of either operator family (gemm/GemmPlan.h, conv/ConvPlan.h) is a
// schedule, a program built for it, and the program's time on the timing
// model (MappedPlan). The steps around building that do not depend on the
// family live here: building and timing one schedule's plan
// (buildTimedPlan), checking that every instruction encodes (what runs is
// the binary form), and the header comment of a plan's `.tasm`.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_PLANPROGRAM_H
#define TDL_BACKENDS_ACCEL_MAPPING_PLANPROGRAM_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/ISA.h"
#include "backends/accel/mapping/TokenSync.h"
#include "backends/accel/sim/Simulator.h"
#include "backends/accel/sim/Stats.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace tdl::accel {

/// An operator of a family mapped onto `config` with one schedule.
template <typename Op, typename Schedule, typename Layout> struct MappedPlan {
  Config config; // the hardware the plan was made for
  Op op;
  Schedule schedule;
  Layout layout;
  std::vector<Instruction> insns; // ends with FINISH
  std::vector<MicroOp> uops;      // to be placed at layout.uopAddr
  RunStats estimate;              // the timing model's result of `insns`
  unsigned candidatesTimed = 0;   // schedules the search simulated
};

/// Success when every instruction encodes; else an error naming the first
/// that does not, under `schedule` (its description).
llvm::Error checkProgramEncodes(llvm::ArrayRef<Instruction> insns,
                                llvm::StringRef schedule);

/// The timing model's result of `insns` on `timer`; a fault is an internal
/// error (a planned program must run), naming `what` ("conv", "program").
llvm::Expected<RunStats> timeProgram(Simulator &timer,
                                     llvm::ArrayRef<Instruction> insns,
                                     llvm::StringRef what);

/// Whether buildTimedPlan checks that the program encodes: a schedule
/// whose fields do not fit the encoding is then ruled out (conv), rather
/// than the final plan checked (GEMM).
enum class EncodeCheck : uint8_t { PerCandidate, Deferred };

/// The plan of `op` on `config` with `schedule`: builds its program with
/// `buildProgram(layout)` (-> llvm::Expected<AccelProgram>) on
/// `layoutFor(0)`, times it on `timer` (a fault names `what`) and lays it
/// out with `layoutFor(number of micro-ops)` (the micro-op table is last in
/// DRAM: nothing else depends on its size).
template <typename Plan, typename LayoutFor, typename BuildProgram>
llvm::Expected<Plan>
buildTimedPlan(const Config &config, const decltype(Plan::op) &op,
               const decltype(Plan::schedule) &schedule, Simulator &timer,
               LayoutFor layoutFor, BuildProgram buildProgram,
               EncodeCheck check, llvm::StringRef what) {
  llvm::Expected<AccelProgram> program = buildProgram(layoutFor(0));
  if (!program)
    return program.takeError();
  if (check == EncodeCheck::PerCandidate)
    if (llvm::Error e =
            checkProgramEncodes(program->insns, schedule.describe()))
      return e;
  llvm::Expected<RunStats> timed = timeProgram(timer, program->insns, what);
  if (!timed)
    return timed.takeError();
  Plan plan;
  plan.config = config;
  plan.op = op;
  plan.schedule = schedule;
  plan.layout = layoutFor(program->uops.size());
  plan.insns = std::move(program->insns);
  plan.uops = std::move(program->uops);
  plan.estimate = *timed;
  plan.candidatesTimed = 1;
  return plan;
}

/// The `.tasm` header of a plan: its name and op, the schedule, the
/// estimate, and the configuration as one JSON comment line.
void printPlanHeader(llvm::raw_ostream &os, llvm::StringRef name,
                     llvm::StringRef op, llvm::StringRef schedule,
                     const RunStats &estimate, unsigned candidatesTimed,
                     const Config &config);

} // namespace tdl::accel

#endif

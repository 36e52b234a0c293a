//===- PlanProgram.h - what GEMM and conv planning share -----------*- C++
//-*-===//
//
// A plan of either operator family (gemm/GemmPlan.h, conv/ConvPlan.h) is a
// schedule, a program built for it, and the program's time on the timing
// model. The steps around building that do not depend on the family live
// here: checking that every instruction encodes (what runs is the binary
// form), timing a program, and the header comment of a plan's `.tasm`.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_PLANPROGRAM_H
#define TDL_BACKENDS_ACCEL_MAPPING_PLANPROGRAM_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/ISA.h"
#include "backends/accel/sim/Simulator.h"
#include "backends/accel/sim/Stats.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace tdl::accel {

/// Success when every instruction encodes; else an error naming the first
/// that does not, under `schedule` (its description).
llvm::Error checkProgramEncodes(llvm::ArrayRef<Instruction> insns,
                                llvm::StringRef schedule);

/// The timing model's result of `insns` on `timer`; a fault is an internal
/// error (a planned program must run), naming `what` ("conv", "program").
llvm::Expected<RunStats> timeProgram(Simulator &timer,
                                     llvm::ArrayRef<Instruction> insns,
                                     llvm::StringRef what);

/// The `.tasm` header of a plan: its name and op, the schedule, the
/// estimate, and the configuration as one JSON comment line.
void printPlanHeader(llvm::raw_ostream &os, llvm::StringRef name,
                     llvm::StringRef op, llvm::StringRef schedule,
                     const RunStats &estimate, unsigned candidatesTimed,
                     const Config &config);

} // namespace tdl::accel

#endif

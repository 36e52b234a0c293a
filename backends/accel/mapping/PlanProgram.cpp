//===- PlanProgram.cpp - what GEMM and conv planning share ----------------===//
#include "backends/accel/mapping/PlanProgram.h"
#include "backends/accel/isa/Encoding.h"
#include "backends/accel/sim/Fault.h"

#include <fmt/format.h>

namespace tdl::accel {

llvm::Error checkProgramEncodes(llvm::ArrayRef<Instruction> insns,
                                llvm::StringRef schedule) {
  for (size_t i = 0; i < insns.size(); ++i)
    if (llvm::Expected<InsnWord> word = encode(insns[i]); !word)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          fmt::format("schedule ({}): instruction {} does not encode: {}",
                      schedule.str(), i, llvm::toString(word.takeError())));
  return llvm::Error::success();
}

llvm::Expected<RunStats> timeProgram(Simulator &timer,
                                     llvm::ArrayRef<Instruction> insns,
                                     llvm::StringRef what) {
  RunResult timed = timer.runTimingOnly(insns);
  if (!timed.ok())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "internal error: planned " + what.str() +
                                       " faults: " + formatFault(*timed.fault));
  return timed.stats;
}

void printPlanHeader(llvm::raw_ostream &os, llvm::StringRef name,
                     llvm::StringRef op, llvm::StringRef schedule,
                     const RunStats &e, unsigned candidatesTimed,
                     const Config &config) {
  os << "# " << name << ": " << op << "\n";
  os << "# schedule: " << schedule << "\n";
  os << fmt::format("# estimate: {} cycles, utilization {:.4f}, {} DRAM "
                    "bytes (timing model; {} schedules timed)\n",
                    e.cycles, e.utilization(config), e.totalBytes(),
                    candidatesTimed);
  // One comment line: the JSON without its line breaks.
  std::string json;
  for (char ch : configToJson(config))
    if (ch != '\n' && !(ch == ' ' && !json.empty() && json.back() == ' '))
      json += ch;
  os << "# config (tdlc sim --config): " << json << "\n";
}

} // namespace tdl::accel

//===- RunChecks.cpp - what a planned run checks before packing ----------===//
#include "backends/accel/mapping/RunChecks.h"

#include <fmt/format.h>

namespace tdl::accel {

namespace {

llvm::Error error(std::string message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace

llvm::Error checkPlanConfig(const Config &simConfig, const Config &planConfig) {
  if (configToJson(simConfig) != configToJson(planConfig))
    return error("the simulator's configuration differs from the plan's");
  return llvm::Error::success();
}

llvm::Error checkEpilogueOperands(
    llvm::StringRef family, llvm::ArrayRef<std::vector<int32_t>> operands,
    size_t count, llvm::function_ref<uint64_t(unsigned)> expectedSize) {
  if (operands.size() != count)
    return error(fmt::format("the {} has {} epilogue operands (got {})",
                             family.str(), count, operands.size()));
  for (size_t i = 0; i < operands.size(); ++i)
    if (operands[i].size() != expectedSize(unsigned(i)))
      return error(fmt::format("epilogue operand {} must have {} elements "
                               "(got {})",
                               i, expectedSize(unsigned(i)),
                               operands[i].size()));
  return llvm::Error::success();
}

} // namespace tdl::accel

//===- RunChecks.cpp - what a planned run checks before packing ----------===//
#include "backends/accel/mapping/RunChecks.h"
#include "backends/accel/isa/Encoding.h"

#include <fmt/format.h>

#include <cstring>

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

void writeAccI32(uint8_t *p, int32_t v) {
  uint32_t u = uint32_t(v);
  for (int i = 0; i < 4; ++i)
    p[i] = uint8_t(u >> (8 * i));
}

void writeUops(Dram &dram, uint64_t address, llvm::ArrayRef<MicroOp> uops) {
  for (size_t u = 0; u < uops.size(); ++u) {
    uint32_t word = llvm::cantFail(encodeUop(uops[u]));
    std::memcpy(dram.data(address + 4 * u), &word, 4);
  }
}

} // namespace tdl::accel

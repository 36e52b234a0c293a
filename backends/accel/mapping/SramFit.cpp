//===- SramFit.cpp - whether a tiling fits the on-chip buffers -----------===//
#include "backends/accel/mapping/SramFit.h"

#include <fmt/format.h>

namespace tdl::accel {

llvm::Error checkSramFits(const Config &config,
                          llvm::function_ref<std::string()> describe,
                          uint64_t inp, uint64_t wgt, uint64_t acc) {
  auto tooBig = [&](llvm::StringRef buffer, uint64_t need, uint32_t depth) {
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        fmt::format(
            "schedule ({}) needs {} {} entries but the {} buffer has {}",
            describe(), need, buffer.str(), buffer.str(), depth));
  };
  if (inp > config.inpDepth)
    return tooBig("INP", inp, config.inpDepth);
  if (wgt > config.wgtDepth)
    return tooBig("WGT", wgt, config.wgtDepth);
  if (acc > config.accDepth)
    return tooBig("ACC", acc, config.accDepth);
  return llvm::Error::success();
}

} // namespace tdl::accel

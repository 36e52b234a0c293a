//===- Fault.cpp ----------------------------------------------------------===//
#include "backends/accel/sim/Fault.h"

#include <fmt/format.h>

namespace tdl::accel {

llvm::StringRef faultKindName(FaultKind kind) {
  switch (kind) {
  case FaultKind::SramOutOfRange:
    return "sram-out-of-range";
  case FaultKind::DramOutOfRange:
    return "dram-out-of-range";
  case FaultKind::PaddingNotAllowed:
    return "padding-not-allowed";
  case FaultKind::UopOutOfRange:
    return "uop-out-of-range";
  case FaultKind::BadEncoding:
    return "bad-encoding";
  case FaultKind::MissingFinish:
    return "missing-finish";
  case FaultKind::AfterFinish:
    return "after-finish";
  case FaultKind::BudgetExceeded:
    return "budget-exceeded";
  case FaultKind::Deadlock:
    return "deadlock";
  }
  return "?";
}

std::string formatFault(const Fault &fault) {
  return fmt::format("instruction {}: {} [{}]", fault.insnIndex, fault.message,
                     faultKindName(fault.kind).str());
}

} // namespace tdl::accel

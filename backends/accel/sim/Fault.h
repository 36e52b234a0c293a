//===- Fault.h - simulator errors ---------------------------------*- C++
//-*-===//
//
// A program that breaks the rules stops the simulator with a Fault naming the
// instruction; it never crashes it or silently corrupts memory.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_SIM_FAULT_H
#define TDL_BACKENDS_ACCEL_SIM_FAULT_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace tdl::accel {

enum class FaultKind : uint8_t {
  SramOutOfRange,    // an SRAM index past the buffer's depth
  DramOutOfRange,    // a DMA row outside DRAM
  PaddingNotAllowed, // padding on a WGT load or a STORE
  UopOutOfRange,     // uop_bgn/uop_end outside the micro-op buffer
  BadEncoding,       // a word that does not decode (opcode, reserved bits...)
  MissingFinish,     // the program does not end with FINISH
  AfterFinish,       // an instruction follows FINISH
  Deadlock,          // no module can make progress
  BudgetExceeded,    // the run would pass its cycle budget
};

struct Fault {
  FaultKind kind;
  /// The instruction at fault (for a deadlock: one of the blocked ones).
  uint64_t insnIndex;
  std::string message; // lowercase, without the index
};

llvm::StringRef faultKindName(FaultKind kind); // "sram-out-of-range", ...
/// "instruction 5: <message>".
std::string formatFault(const Fault &fault);

} // namespace tdl::accel

#endif

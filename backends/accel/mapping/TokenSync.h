//===- TokenSync.h - flags derived from declared waits ----------*- C++ -*-===//
//
// Writing push/pop flags by hand is where accelerator programs deadlock or
// race. TokenSyncBuilder takes the program in one serial order that is
// correct when run one instruction at a time, plus, per instruction, the
// earlier instructions of the neighbouring modules it must wait for
// (compute waits for a load that filled its buffer, a load for the compute
// that last read the slot it overwrites, a store for the compute that
// finished its tile, compute for the store that drained an ACC slot). It
// then sets the flags:
//   - every instruction something waits for pushes to the queue between
//     the two modules (once, however many wait for it);
//   - a waiting instruction pops until it has consumed the push of the
//     instruction it waits for: queues are FIFOs of counts, so it pops
//     exactly (its ordinal among that queue's pushes) minus (tokens its
//     module already popped). One pop rides on the instruction itself;
//     more are zero-size LOAD/STORE instructions (they only move tokens
//     and take no cycles) inserted right before it.
// Because every wait points backwards in the serial order, that order is
// a valid execution: the program cannot deadlock.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_TOKENSYNC_H
#define TDL_BACKENDS_ACCEL_MAPPING_TOKENSYNC_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/ISA.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace tdl::accel {

/// A generated accelerator program: the instructions (ending with FINISH)
/// and the micro-op table its LOAD UOP brings in.
struct AccelProgram {
  std::vector<Instruction> insns;
  std::vector<MicroOp> uops;
};

class TokenSyncBuilder {
public:
  using Id = uint32_t;
  /// Appends `insn` (its flags are ignored) waiting for `waits`: earlier
  /// instructions of an adjacent module in the chain load→compute→store
  /// (waits on its own module are implied by program order and dropped).
  Id add(const Instruction &insn, llvm::ArrayRef<std::optional<Id>> waits = {});
  size_t size() const { return actions.size(); }
  void reserve(size_t n) { actions.reserve(n); }
  /// The instruction of `id`, to patch a field known only later.
  Instruction &instruction(Id id) { return actions[id].insn; }
  /// The program with flags and token-moving instructions.
  std::vector<Instruction> build() const;
  /// Ends a generated program: appends FINISH, sizes the LOAD UOP `uopLoad`
  /// to the micro-op table and builds; fails when the table does not fit
  /// the UOP buffer (`schedule` names the schedule in the message).
  llvm::Expected<AccelProgram> finish(Id uopLoad, std::vector<MicroOp> uops,
                                      const Config &config,
                                      llvm::StringRef schedule);

private:
  struct Action {
    Instruction insn;
    // The latest producer waited for, per queue (l2c, c2l, c2s, s2c).
    std::array<std::optional<Id>, 4> wait;
  };
  std::vector<Action> actions;
};

} // namespace tdl::accel

#endif

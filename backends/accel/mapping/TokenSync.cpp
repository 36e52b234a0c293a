//===- TokenSync.cpp ------------------------------------------------------===//
#include "backends/accel/mapping/TokenSync.h"

#include <fmt/format.h>

#include <cassert>

namespace tdl::accel {

namespace {

// Queue indices, as in Simulator.h's TokenQueue.
enum Queue : unsigned { L2C = 0, C2L = 1, C2S = 2, S2C = 3 };

/// The queue from `producer` to `consumer`, if they are adjacent.
std::optional<Queue> queueBetween(Module producer, Module consumer) {
  if (producer == Module::Load && consumer == Module::Compute)
    return L2C;
  if (producer == Module::Compute && consumer == Module::Load)
    return C2L;
  if (producer == Module::Compute && consumer == Module::Store)
    return C2S;
  if (producer == Module::Store && consumer == Module::Compute)
    return S2C;
  return std::nullopt;
}

void setPush(DepFlags &d, Queue q) {
  switch (q) {
  case L2C: // load → compute
  case C2S: // compute → store
    d.pushNext = true;
    return;
  case C2L:
  case S2C:
    d.pushPrev = true;
    return;
  }
}

void setPop(DepFlags &d, Queue q) {
  switch (q) {
  case L2C: // compute pops from load
  case C2S: // store pops from compute
    d.popPrev = true;
    return;
  case C2L:
  case S2C:
    d.popNext = true;
    return;
  }
}

/// A zero-size instruction of the consumer's module that pops one token
/// of `q` and takes no cycles.
Instruction tokenMover(Queue q) {
  Instruction insn;
  switch (q) {
  case L2C:
  case S2C:
    insn = Instruction::load(MemType::Uop, 0, 0, 1, 0, 0); // compute
    break;
  case C2L:
    insn = Instruction::load(MemType::Inp, 0, 0, 1, 0, 0); // load
    break;
  case C2S:
    insn = Instruction::store(0, 0, 1, 0, 0);
    break;
  }
  setPop(insn.deps, q);
  return insn;
}

} // namespace

TokenSyncBuilder::Id
TokenSyncBuilder::add(const Instruction &insn,
                      llvm::ArrayRef<std::optional<Id>> waits) {
  Action a;
  a.insn = insn;
  a.insn.deps = DepFlags();
  Module consumer = moduleOf(insn);
  for (std::optional<Id> w : waits) {
    if (!w)
      continue;
    assert(*w < actions.size() && "a wait must point to an earlier action");
    Module producer = moduleOf(actions[*w].insn);
    if (producer == consumer)
      continue;
    std::optional<Queue> q = queueBetween(producer, consumer);
    assert(q && "waits only between adjacent modules");
    if (!a.wait[*q] || *a.wait[*q] < *w)
      a.wait[*q] = *w;
  }
  actions.push_back(a);
  return Id(actions.size() - 1);
}

std::vector<Instruction> TokenSyncBuilder::build() const {
  // Which actions push (someone waits for them), and their ordinal among
  // the pushes of that queue (1-based).
  std::vector<std::array<uint32_t, 4>> pushOrdinal(actions.size(),
                                                   {0, 0, 0, 0});
  for (const Action &a : actions)
    for (unsigned q = 0; q < 4; ++q)
      if (a.wait[q])
        pushOrdinal[*a.wait[q]][q] = 1; // marked; numbered below
  std::array<uint32_t, 4> pushes{};
  for (size_t i = 0; i < actions.size(); ++i)
    for (unsigned q = 0; q < 4; ++q)
      if (pushOrdinal[i][q])
        pushOrdinal[i][q] = ++pushes[q];

  std::vector<Instruction> program;
  program.reserve(actions.size() + actions.size() / 8);
  std::array<uint32_t, 4> popped{};
  for (size_t i = 0; i < actions.size(); ++i) {
    Instruction insn = actions[i].insn;
    for (unsigned q = 0; q < 4; ++q) {
      if (pushOrdinal[i][q])
        setPush(insn.deps, Queue(q));
      if (!actions[i].wait[q])
        continue;
      uint32_t need = pushOrdinal[*actions[i].wait[q]][q];
      if (popped[q] >= need)
        continue;
      for (; popped[q] + 1 < need; ++popped[q])
        program.push_back(tokenMover(Queue(q)));
      setPop(insn.deps, Queue(q));
      popped[q] = need;
    }
    program.push_back(insn);
  }
  return program;
}

llvm::Expected<AccelProgram>
TokenSyncBuilder::finish(Id uopLoad, std::vector<MicroOp> uops,
                         const Config &config, llvm::StringRef schedule) {
  add(Instruction::finish());
  if (uops.size() > config.uopDepth)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        fmt::format(
            "schedule ({}) needs {} micro-ops but the UOP buffer has {}",
            schedule.str(), uops.size(), config.uopDepth));
  Instruction &uopInsn = instruction(uopLoad);
  uopInsn.mem.xSize = uopInsn.mem.xStride = uint32_t(uops.size());
  AccelProgram program;
  program.insns = build();
  program.uops = std::move(uops);
  return program;
}

} // namespace tdl::accel

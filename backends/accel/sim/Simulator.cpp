//===- Simulator.cpp - event-driven scheduling of the three modules ------===//
#include "backends/accel/sim/Simulator.h"

#include "backends/accel/sim/Trace.h"

#include "llvm/Support/MathExtras.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <vector>

namespace tdl::accel {

llvm::StringRef tokenQueueName(TokenQueue q) {
  switch (q) {
  case TokenQueue::L2C:
    return "l2c";
  case TokenQueue::C2L:
    return "c2l";
  case TokenQueue::C2S:
    return "c2s";
  case TokenQueue::S2C:
    return "s2c";
  }
  return "?";
}

namespace {

/// At most two queues (COMPUTE pops and pushes both neighbours); a fixed
/// array because the scheduling loop asks for every instruction's queues
/// several times (the mapping search runs it for many candidate programs).
struct QueueList {
  std::array<TokenQueue, 2> queues;
  unsigned count = 0;
  void push_back(TokenQueue q) { queues[count++] = q; }
  const TokenQueue *begin() const { return queues.data(); }
  const TokenQueue *end() const { return queues.data() + count; }
};

/// The queues an instruction pops and pushes, from its module and flags.
struct QueueUse {
  QueueList pops, pushes;
};

QueueUse queuesOf(const Instruction &insn) {
  QueueUse use;
  const DepFlags &d = insn.deps;
  switch (moduleOf(insn)) {
  case Module::Load:
    if (d.popNext)
      use.pops.push_back(TokenQueue::C2L);
    if (d.pushNext)
      use.pushes.push_back(TokenQueue::L2C);
    break;
  case Module::Compute:
    if (d.popPrev)
      use.pops.push_back(TokenQueue::L2C);
    if (d.popNext)
      use.pops.push_back(TokenQueue::S2C);
    if (d.pushPrev)
      use.pushes.push_back(TokenQueue::C2L);
    if (d.pushNext)
      use.pushes.push_back(TokenQueue::C2S);
    break;
  case Module::Store:
    if (d.popPrev)
      use.pops.push_back(TokenQueue::C2S);
    if (d.pushPrev)
      use.pushes.push_back(TokenQueue::S2C);
    break;
  }
  return use;
}

Traffic trafficOf(const Instruction &insn) {
  if (insn.opcode == Opcode::Store)
    return Traffic::Out;
  switch (insn.mem.memType) {
  case MemType::Inp:
    return Traffic::Inp;
  case MemType::Wgt:
    return Traffic::Wgt;
  case MemType::Uop:
    return Traffic::Uop;
  case MemType::Acc:
    return Traffic::Acc;
  }
  return Traffic::Inp;
}

bool isDma(const Instruction &insn) {
  return (insn.opcode == Opcode::Load || insn.opcode == Opcode::Store) &&
         insn.mem.xSize != 0 && insn.mem.ySize != 0;
}

/// Checks the program's shape before anything runs: it ends with its first
/// FINISH, and every instruction uses only its module's flags.
std::optional<Fault> checkProgram(llvm::ArrayRef<Instruction> program) {
  for (size_t i = 0; i < program.size(); ++i) {
    if (!flagsAllowed(program[i]))
      return Fault{FaultKind::BadEncoding, i,
                   fmt::format("{} on the {} module cannot use this "
                               "dependency flag",
                               opcodeName(program[i].opcode).str(),
                               moduleName(moduleOf(program[i])).str())};
    if (program[i].opcode == Opcode::Finish && i + 1 < program.size())
      return Fault{
          FaultKind::AfterFinish, i + 1,
          fmt::format("instruction follows FINISH (instruction {})", i)};
  }
  if (program.empty() || program.back().opcode != Opcode::Finish)
    return Fault{FaultKind::MissingFinish,
                 program.empty() ? 0 : uint64_t(program.size() - 1),
                 "the program does not end with FINISH"};
  return std::nullopt;
}

} // namespace

Simulator::Simulator(const Config &config)
    : config(config), functional(config) {}

uint64_t Simulator::dmaCycles(uint64_t bytes) const {
  return config.dramLatency + llvm::divideCeil(bytes, config.dramBytesPerCycle);
}

uint64_t Simulator::transferBytes(const Instruction &insn) const {
  if (!isDma(insn))
    return 0;
  uint64_t elem = 0;
  if (insn.opcode == Opcode::Store) {
    elem = config.outElemBytes();
  } else {
    switch (insn.mem.memType) {
    case MemType::Inp:
      elem = config.inpElemBytes();
      break;
    case MemType::Wgt:
      elem = config.wgtElemBytes();
      break;
    case MemType::Uop:
      elem = Config::uopElemBytes();
      break;
    case MemType::Acc:
      elem = config.accElemBytes();
      break;
    }
  }
  return uint64_t(insn.mem.ySize) * insn.mem.xSize * elem;
}

uint64_t Simulator::computeCycles(const Instruction &insn) const {
  const LoopNest *loop = nullptr;
  uint64_t ii = 0;
  if (insn.opcode == Opcode::Gemm) {
    loop = &insn.gemm.loop;
    ii = config.gemmII;
  } else if (insn.opcode == Opcode::Alu) {
    loop = &insn.alu.loop;
    ii = insn.alu.useImm ? config.aluIIImm : config.aluIITensor;
  } else {
    return 0;
  }
  uint64_t uops = loop->uopEnd > loop->uopBgn ? loop->uopEnd - loop->uopBgn : 0;
  return uint64_t(loop->iterOut) * loop->iterIn * uops * ii + PipelineDepth;
}

RunResult Simulator::run(llvm::ArrayRef<Instruction> program, Dram &dram,
                         TraceWriter *trace) {
  return simulate(program, &dram, trace);
}

RunResult Simulator::runTimingOnly(llvm::ArrayRef<Instruction> program,
                                   TraceWriter *trace) {
  return simulate(program, nullptr, trace);
}

RunResult Simulator::simulate(llvm::ArrayRef<Instruction> program, Dram *dram,
                              TraceWriter *trace) {
  RunResult result;
  if ((result.fault = checkProgram(program)))
    return result;

  // Each module's instructions (program indices), in program order.
  std::array<std::vector<uint64_t>, NumModules> queue;
  // The queues of every instruction, decoded once (the loop below asks
  // for them several times per step).
  std::vector<QueueUse> uses(program.size());
  for (size_t i = 0; i < program.size(); ++i) {
    queue[unsigned(moduleOf(program[i]))].push_back(i);
    uses[i] = queuesOf(program[i]);
  }
  std::array<size_t, NumModules> next{};
  std::array<uint64_t, NumModules> freeAt{};
  std::array<std::deque<uint64_t>, 4> tokens; // arrival cycles, FIFO
  uint64_t channelFree = 0;
  RunStats &stats = result.stats;

  while (true) {
    // Pick the module whose next instruction can start earliest.
    std::optional<unsigned> best;
    uint64_t bestStart = 0;
    bool anyLeft = false;
    for (unsigned m = 0; m < NumModules; ++m) {
      if (next[m] == queue[m].size())
        continue;
      anyLeft = true;
      uint64_t start = freeAt[m];
      bool blocked = false;
      for (TokenQueue q : uses[queue[m][next[m]]].pops) {
        if (tokens[unsigned(q)].empty()) {
          blocked = true;
          break;
        }
        start = std::max(start, tokens[unsigned(q)].front());
      }
      if (!blocked && (!best || start < bestStart)) {
        best = m;
        bestStart = start;
      }
    }
    if (!anyLeft)
      break;
    if (!best) {
      // Every module with work waits on an empty queue that nobody can fill.
      std::string waits;
      uint64_t firstIndex = ~uint64_t(0);
      for (unsigned m = 0; m < NumModules; ++m) {
        if (next[m] == queue[m].size())
          continue;
        uint64_t index = queue[m][next[m]];
        firstIndex = std::min(firstIndex, index);
        for (TokenQueue q : uses[index].pops)
          if (tokens[unsigned(q)].empty()) {
            waits += fmt::format(
                "{}{} waits on {} at instruction {}", waits.empty() ? "" : "; ",
                moduleName(Module(m)).str(), tokenQueueName(q).str(), index);
            break;
          }
      }
      result.fault = Fault{FaultKind::Deadlock, firstIndex,
                           "deadlock: no module can progress (" + waits + ")"};
      break;
    }

    unsigned m = *best;
    uint64_t index = queue[m][next[m]];
    const Instruction &insn = program[index];
    const QueueUse &use = uses[index];
    if (cycleBudget) {
      // An upper bound of its end: after the channel frees for a DMA.
      uint64_t end = isDma(insn) ? std::max(bestStart, channelFree) +
                                       dmaCycles(transferBytes(insn))
                                 : bestStart + computeCycles(insn);
      if (end > cycleBudget) {
        result.fault = Fault{
            FaultKind::BudgetExceeded, index,
            fmt::format("the run would end at cycle {} or later, past its "
                        "budget of {} cycles",
                        end, cycleBudget)};
        break;
      }
    }
    if (dram && (result.fault = functional.execute(insn, index, *dram)))
      break;
    for (TokenQueue q : use.pops)
      tokens[unsigned(q)].pop_front();

    ModuleStats &ms = stats.modules[m];
    ms.stallTokenCycles += bestStart - freeAt[m];
    uint64_t begin = bestStart, end = bestStart;
    if (isDma(insn)) {
      begin = std::max(bestStart, channelFree);
      ms.stallDramCycles += begin - bestStart;
      uint64_t bytes = transferBytes(insn);
      end = begin + dmaCycles(bytes);
      channelFree = end;
      stats.bytes[unsigned(trafficOf(insn))] += bytes;
      if (trace)
        trace->dma(trafficOf(insn), bytes, end);
    } else {
      end = begin + computeCycles(insn);
    }
    if (insn.opcode == Opcode::Gemm && !insn.gemm.reset) {
      const LoopNest &l = insn.gemm.loop;
      stats.macs += uint64_t(l.iterOut) * l.iterIn * (l.uopEnd - l.uopBgn) *
                    config.macsPerIteration();
    }
    ms.busyCycles += end - begin;
    ms.instructions += 1;
    if (trace)
      trace->instruction(index, insn, begin, end);
    for (TokenQueue q : use.pushes)
      tokens[unsigned(q)].push_back(end);
    freeAt[m] = end;
    stats.cycles = std::max(stats.cycles, end);
    ++next[m];
  }
  return result;
}

RunResult Simulator::runBinary(llvm::ArrayRef<InsnWord> words, Dram &dram,
                               TraceWriter *trace) {
  std::vector<Instruction> program;
  program.reserve(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    llvm::Expected<Instruction> insn = decode(words[i]);
    if (!insn) {
      RunResult result;
      result.fault =
          Fault{FaultKind::BadEncoding, i, llvm::toString(insn.takeError())};
      return result;
    }
    program.push_back(*insn);
  }
  return run(program, dram, trace);
}

} // namespace tdl::accel

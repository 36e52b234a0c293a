//===- Trace.cpp ----------------------------------------------------------===//
#include "backends/accel/sim/Trace.h"

namespace tdl::accel {

namespace {
constexpr int64_t Pid = 1;

std::string eventName(const Instruction &insn) {
  switch (insn.opcode) {
  case Opcode::Load:
    return ("LOAD " + memTypeName(insn.mem.memType)).str();
  case Opcode::Alu:
    return ("ALU " + aluOpName(insn.alu.op)).str();
  case Opcode::Gemm:
    return insn.gemm.reset ? "GEMM reset" : "GEMM";
  case Opcode::Store:
  case Opcode::Finish:
    return opcodeName(insn.opcode).str();
  }
  return "?";
}
} // namespace

TraceWriter::TraceWriter(const Config &config) : clockMhz(config.clockMhz) {
  events.push_back(llvm::json::Object{
      {"name", "process_name"},
      {"ph", "M"},
      {"pid", Pid},
      {"args", llvm::json::Object{{"name", "accelerator"}}}});
  for (unsigned m = 0; m < NumModules; ++m)
    events.push_back(llvm::json::Object{
        {"name", "thread_name"},
        {"ph", "M"},
        {"pid", Pid},
        {"tid", int64_t(m)},
        {"args", llvm::json::Object{{"name", moduleName(Module(m))}}}});
}

void TraceWriter::instruction(uint64_t index, const Instruction &insn,
                              uint64_t start, uint64_t end) {
  events.push_back(llvm::json::Object{
      {"name", eventName(insn)},
      {"cat", moduleName(moduleOf(insn))},
      {"ph", "X"},
      {"pid", Pid},
      {"tid", int64_t(moduleOf(insn))},
      {"ts", micros(offset + start)},
      {"dur", micros(end - start)},
      {"args", llvm::json::Object{{"index", int64_t(index)},
                                  {"start_cycle", int64_t(offset + start)},
                                  {"cycles", int64_t(end - start)}}}});
}

void TraceWriter::dma(Traffic traffic, uint64_t bytes, uint64_t end) {
  totals[unsigned(traffic)] += bytes;
  llvm::json::Object args;
  for (unsigned t = 0; t < NumTraffic; ++t)
    args[trafficName(Traffic(t))] = int64_t(totals[t]);
  events.push_back(llvm::json::Object{{"name", "dram bytes"},
                                      {"ph", "C"},
                                      {"pid", Pid},
                                      {"ts", micros(offset + end)},
                                      {"args", std::move(args)}});
}

llvm::json::Value TraceWriter::toJson() const {
  return llvm::json::Object{{"traceEvents", llvm::json::Array(events)},
                            {"displayTimeUnit", "ns"}};
}

void TraceWriter::write(llvm::raw_ostream &os) const { os << toJson() << "\n"; }

} // namespace tdl::accel

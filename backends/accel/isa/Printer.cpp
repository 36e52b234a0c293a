//===- Printer.cpp --------------------------------------------------------===//
#include "backends/accel/isa/Printer.h"

#include <fmt/format.h>

namespace tdl::accel {

namespace {

void printFlags(llvm::raw_ostream &os, const DepFlags &d) {
  if (d.popPrev)
    os << " pop_prev";
  if (d.popNext)
    os << " pop_next";
  if (d.pushPrev)
    os << " push_prev";
  if (d.pushNext)
    os << " push_next";
}

void printLoop(llvm::raw_ostream &os, const LoopNest &l) {
  os << fmt::format(" uop={}:{} iter=({},{}) dst=({},{}) src=({},{})", l.uopBgn,
                    l.uopEnd, l.iterOut, l.iterIn, l.dstFactorOut,
                    l.dstFactorIn, l.srcFactorOut, l.srcFactorIn);
}

} // namespace

void printInstruction(llvm::raw_ostream &os, const Instruction &insn) {
  os << opcodeName(insn.opcode);
  switch (insn.opcode) {
  case Opcode::Load:
  case Opcode::Store: {
    const MemInsn &m = insn.mem;
    if (insn.opcode == Opcode::Load)
      os << ' ' << memTypeName(m.memType);
    os << fmt::format(" sram={} dram={} y={} x={} stride={}", m.sramBase,
                      m.dramBase, m.ySize, m.xSize, m.xStride);
    if (m.yPad0 || m.yPad1 || m.xPad0 || m.xPad1)
      os << fmt::format(" pad=({},{},{},{})", m.yPad0, m.yPad1, m.xPad0,
                        m.xPad1);
    break;
  }
  case Opcode::Gemm:
    if (insn.gemm.reset)
      os << " reset";
    printLoop(os, insn.gemm.loop);
    os << fmt::format(" wgt=({},{})", insn.gemm.wgtFactorOut,
                      insn.gemm.wgtFactorIn);
    break;
  case Opcode::Alu:
    os << ' ' << aluOpName(insn.alu.op);
    if (insn.alu.reset)
      os << " reset";
    printLoop(os, insn.alu.loop);
    if (insn.alu.useImm)
      os << " imm=" << insn.alu.imm;
    break;
  case Opcode::Finish:
    break;
  }
  printFlags(os, insn.deps);
}

void printProgram(llvm::raw_ostream &os, llvm::ArrayRef<Instruction> program) {
  for (const Instruction &insn : program) {
    printInstruction(os, insn);
    os << '\n';
  }
}

void printUops(llvm::raw_ostream &os, llvm::StringRef name,
               llvm::ArrayRef<MicroOp> uops) {
  os << "uops " << name << " = [";
  for (size_t i = 0; i < uops.size(); ++i)
    os << (i ? ", " : "")
       << fmt::format("({}, {}, {})", uops[i].dst, uops[i].src, uops[i].wgt);
  os << "]\n";
}

llvm::Expected<std::string> disassemble(llvm::ArrayRef<InsnWord> words) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (size_t i = 0; i < words.size(); ++i) {
    llvm::Expected<Instruction> insn = decode(words[i]);
    if (!insn)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          fmt::format("instruction {}: {}", i,
                      llvm::toString(insn.takeError())));
    printInstruction(os, *insn);
    os << '\n';
  }
  return text;
}

} // namespace tdl::accel

//===- ISA.cpp - instruction builders, routing and names -----------------===//
#include "backends/accel/isa/ISA.h"

#include "llvm/ADT/StringSwitch.h"

namespace tdl::accel {

Instruction Instruction::load(MemType type, uint32_t sramBase,
                              uint32_t dramBase, uint32_t ySize, uint32_t xSize,
                              uint32_t xStride) {
  Instruction i;
  i.opcode = Opcode::Load;
  i.mem.memType = type;
  i.mem.sramBase = sramBase;
  i.mem.dramBase = dramBase;
  i.mem.ySize = ySize;
  i.mem.xSize = xSize;
  i.mem.xStride = xStride;
  return i;
}

Instruction Instruction::store(uint32_t sramBase, uint32_t dramBase,
                               uint32_t ySize, uint32_t xSize,
                               uint32_t xStride) {
  Instruction i = load(MemType::Uop, sramBase, dramBase, ySize, xSize, xStride);
  i.opcode = Opcode::Store;
  return i;
}

Instruction Instruction::gemmOp(const GemmInsn &g) {
  Instruction i;
  i.opcode = Opcode::Gemm;
  i.gemm = g;
  return i;
}

Instruction Instruction::aluOp(const AluInsn &a) {
  Instruction i;
  i.opcode = Opcode::Alu;
  i.alu = a;
  return i;
}

Instruction Instruction::finish() { return Instruction(); }

Module moduleOf(const Instruction &insn) {
  switch (insn.opcode) {
  case Opcode::Load:
    return insn.mem.memType == MemType::Inp || insn.mem.memType == MemType::Wgt
               ? Module::Load
               : Module::Compute;
  case Opcode::Store:
    return Module::Store;
  case Opcode::Gemm:
  case Opcode::Alu:
  case Opcode::Finish:
    return Module::Compute;
  }
  return Module::Compute;
}

bool flagsAllowed(const Instruction &insn) {
  const DepFlags &d = insn.deps;
  if (insn.opcode == Opcode::Finish)
    return !d.popPrev && !d.popNext;
  switch (moduleOf(insn)) {
  case Module::Load:
    return !d.popPrev && !d.pushPrev;
  case Module::Store:
    return !d.popNext && !d.pushNext;
  case Module::Compute:
    return true;
  }
  return true;
}

llvm::StringRef opcodeName(Opcode op) {
  switch (op) {
  case Opcode::Load:
    return "LOAD";
  case Opcode::Store:
    return "STORE";
  case Opcode::Gemm:
    return "GEMM";
  case Opcode::Finish:
    return "FINISH";
  case Opcode::Alu:
    return "ALU";
  }
  return "?";
}

llvm::StringRef memTypeName(MemType t) {
  switch (t) {
  case MemType::Uop:
    return "UOP";
  case MemType::Wgt:
    return "WGT";
  case MemType::Inp:
    return "INP";
  case MemType::Acc:
    return "ACC";
  }
  return "?";
}

llvm::StringRef aluOpName(AluOp op) {
  switch (op) {
  case AluOp::Min:
    return "MIN";
  case AluOp::Max:
    return "MAX";
  case AluOp::Add:
    return "ADD";
  case AluOp::Shr:
    return "SHR";
  case AluOp::Mul:
    return "MUL";
  }
  return "?";
}

llvm::StringRef moduleName(Module m) {
  switch (m) {
  case Module::Load:
    return "load";
  case Module::Compute:
    return "compute";
  case Module::Store:
    return "store";
  }
  return "?";
}

std::optional<MemType> parseMemType(llvm::StringRef s) {
  return llvm::StringSwitch<std::optional<MemType>>(s)
      .Case("UOP", MemType::Uop)
      .Case("WGT", MemType::Wgt)
      .Case("INP", MemType::Inp)
      .Case("ACC", MemType::Acc)
      .Default(std::nullopt);
}

std::optional<AluOp> parseAluOp(llvm::StringRef s) {
  return llvm::StringSwitch<std::optional<AluOp>>(s)
      .Case("MIN", AluOp::Min)
      .Case("MAX", AluOp::Max)
      .Case("ADD", AluOp::Add)
      .Case("SHR", AluOp::Shr)
      .Case("MUL", AluOp::Mul)
      .Default(std::nullopt);
}

} // namespace tdl::accel

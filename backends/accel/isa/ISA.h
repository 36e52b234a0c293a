//===- ISA.h - the accelerator's instructions and micro-ops -------*- C++
//-*-===//
//
// The instruction set of ACCEL.md §3 as plain data: the compiler's accelerator
// backend builds these in memory, the assembler parses them from .tasm, the
// encoder turns them into 128-bit words and the simulator executes them.
// Field widths (and so the largest encodable values) are in Encoding.h.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_ISA_ISA_H
#define TDL_BACKENDS_ACCEL_ISA_ISA_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace tdl::accel {

/// Numbering follows VTA (opcode and memory-type values are encoded as is).
enum class Opcode : uint8_t {
  Load = 0,
  Store = 1,
  Gemm = 2,
  Finish = 3,
  Alu = 4
};
enum class MemType : uint8_t { Uop = 0, Wgt = 1, Inp = 2, Acc = 3 };
enum class AluOp : uint8_t { Min = 0, Max = 1, Add = 2, Shr = 3, Mul = 4 };
/// The three hardware modules, in the order of the load→compute→store chain.
enum class Module : uint8_t { Load = 0, Compute = 1, Store = 2 };
inline constexpr unsigned NumModules = 3;

/// Dependency flags: pop (blocking) before executing, push after finishing.
/// "prev"/"next" are relative to the chain load→compute→store.
struct DepFlags {
  bool popPrev = false, popNext = false, pushPrev = false, pushNext = false;
  bool operator==(const DepFlags &) const = default;
};

/// LOAD and STORE. STORE uses `memType == Inp`-independent fields only: its
/// SRAM side is the OUT view of ACC (memType is ignored and encoded as 0).
struct MemInsn {
  MemType memType = MemType::Uop;
  uint32_t sramBase = 0;
  uint32_t dramBase = 0; // in elements of the memory type
  uint32_t ySize = 1, xSize = 0, xStride = 0;
  uint8_t yPad0 = 0, yPad1 = 0, xPad0 = 0, xPad1 = 0;
  bool operator==(const MemInsn &) const = default;
};

/// The loop nest shared by GEMM and ALU (see ACCEL.md §3).
struct LoopNest {
  uint32_t uopBgn = 0, uopEnd = 0;
  uint32_t iterOut = 1, iterIn = 1;
  uint32_t dstFactorOut = 0, dstFactorIn = 0;
  uint32_t srcFactorOut = 0, srcFactorIn = 0;
  bool operator==(const LoopNest &) const = default;
};

struct GemmInsn {
  bool reset = false;
  LoopNest loop;
  uint32_t wgtFactorOut = 0, wgtFactorIn = 0;
  bool operator==(const GemmInsn &) const = default;
};

struct AluInsn {
  AluOp op = AluOp::Add;
  bool reset = false;
  LoopNest loop;
  bool useImm = false;
  int16_t imm = 0; // sign-extended to i32 when used
  bool operator==(const AluInsn &) const = default;
};

/// One instruction: the opcode selects which of mem/gemm/alu is meaningful.
/// (A tagged struct rather than a variant keeps builders and tests short.)
struct Instruction {
  Opcode opcode = Opcode::Finish;
  DepFlags deps;
  MemInsn mem;   // Load, Store
  GemmInsn gemm; // Gemm
  AluInsn alu;   // Alu
  bool operator==(const Instruction &) const = default;

  static Instruction load(MemType type, uint32_t sramBase, uint32_t dramBase,
                          uint32_t ySize, uint32_t xSize, uint32_t xStride);
  static Instruction store(uint32_t sramBase, uint32_t dramBase, uint32_t ySize,
                           uint32_t xSize, uint32_t xStride);
  static Instruction gemmOp(const GemmInsn &g);
  static Instruction aluOp(const AluInsn &a);
  static Instruction finish();
};

/// A micro-op: indices into ACC (dst), INP or ACC (src), and WGT.
struct MicroOp {
  uint32_t dst = 0, src = 0, wgt = 0;
  bool operator==(const MicroOp &) const = default;
};

/// The module that executes `insn` (ACCEL.md §3 "Routing").
Module moduleOf(const Instruction &insn);
/// Whether `insn`'s module may use each dependency flag: LOAD only *_next,
/// STORE only *_prev, COMPUTE all four, FINISH pushes only.
bool flagsAllowed(const Instruction &insn);

llvm::StringRef opcodeName(Opcode op);  // "LOAD", ...
llvm::StringRef memTypeName(MemType t); // "UOP", "WGT", "INP", "ACC"
llvm::StringRef aluOpName(AluOp op);    // "MIN", ...
llvm::StringRef moduleName(Module m);   // "load", "compute", "store"
std::optional<MemType> parseMemType(llvm::StringRef s);
std::optional<AluOp> parseAluOp(llvm::StringRef s);

} // namespace tdl::accel

#endif

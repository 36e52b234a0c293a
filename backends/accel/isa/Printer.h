//===- Printer.h - instructions back to .tasm text (disassembler) -*- C++
//-*-===//
//
// Prints every field with numbers (DRAM addresses as element addresses), so
// the text assembles back to exactly the same words.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_ISA_PRINTER_H
#define TDL_BACKENDS_ACCEL_ISA_PRINTER_H

#include "backends/accel/isa/Encoding.h"
#include "backends/accel/isa/ISA.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace tdl::accel {

/// One instruction on one line, without a newline.
void printInstruction(llvm::raw_ostream &os, const Instruction &insn);
/// One instruction per line.
void printProgram(llvm::raw_ostream &os, llvm::ArrayRef<Instruction> program);
/// `uops NAME = [(dst, src, wgt), ...]`.
void printUops(llvm::raw_ostream &os, llvm::StringRef name,
               llvm::ArrayRef<MicroOp> uops);
/// Decodes and prints a binary program; fails at the first bad word, naming
/// its index.
llvm::Expected<std::string> disassemble(llvm::ArrayRef<InsnWord> words);

} // namespace tdl::accel

#endif

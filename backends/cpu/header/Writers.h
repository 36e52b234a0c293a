//===- Writers.h - the C and C++ parts of the generated header ----*- C++
//-*-===//
#ifndef TDL_BACKENDS_CPU_HEADER_WRITERS_H
#define TDL_BACKENDS_CPU_HEADER_WRITERS_H

#include "backends/cpu/header/AbiTree.h"

#include "llvm/Support/raw_ostream.h"

namespace tdl::cpu::header {

/// The flat functions of the object, its error and thread accessors, the
/// structs and the struct forms (`static inline`), all C99.
void writeC(const AbiModule &abi, llvm::raw_ostream &os);

/// The C++ namespace: shape constants, span wrappers that check sizes and
/// struct-form overloads (C++17 and later).
void writeCxx(const AbiModule &abi, llvm::raw_ostream &os);

} // namespace tdl::cpu::header

#endif

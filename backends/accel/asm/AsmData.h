//===- AsmData.h - initial data of .tasm buffers from files -------*- C++
//-*-===//
#ifndef TDL_BACKENDS_ACCEL_ASM_ASMDATA_H
#define TDL_BACKENDS_ACCEL_ASM_ASMDATA_H

#include "backends/accel/isa/DataType.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace tdl::accel {

/// Reads `count` elements of type `t` from a file: a `.npy` file (NumPy
/// format 1.0-3.0, C order, dtype equal to `t`, element count equal to
/// `count`) or any other file as raw little-endian bytes (size must be
/// exactly count × element size).
llvm::Expected<std::vector<uint8_t>> readDataFile(llvm::StringRef path, DType t,
                                                  uint64_t count);

} // namespace tdl::accel

#endif

//===- Header.h - the generated C/C++ header (LANGUAGE.md §8) ------*- C++
//-*-===//
#ifndef TDL_BACKENDS_CPU_HEADER_HEADER_H
#define TDL_BACKENDS_CPU_HEADER_HEADER_H

#include "ssa_ir/IR.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace tdl::cpu {

struct HeaderOptions {
  std::string prefix;     // --prefix: every C symbol
  std::string moduleName; // --module-name: the C++ namespace
  std::string source;     // the .tdl file, for the comment
  /// --accel: declare the accelerator host runtime's statistics and control
  /// functions (backends/accel/host/HostRuntime.h; the object calls it).
  bool accelerator = false;
};

/// `extern "C"` declarations of every exported function and of
/// tdl_last_error, then (C++ only) a namespace with shape constants and
/// wrappers taking std::span that check sizes (docs/cpu-backend.md).
void writeHeader(const ir::Module &module, const HeaderOptions &options,
                 llvm::raw_ostream &os);

/// A C identifier from a file stem or module name (`my-model` -> `my_model`).
std::string sanitizeIdentifier(llvm::StringRef name);

} // namespace tdl::cpu

#endif

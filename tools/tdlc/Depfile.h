//===- Depfile.h - `tdlc -MD -MF deps.d` ---------------------------*- C++
//-*-===//
//
// Make-style dependency files, as gcc and clang write them: the output
// depends on the main .tdl and every file it imports (the embedded stdlib
// is no file and is left out), so Make, Ninja and CMake's DEPFILE rebuild
// the object when an imported file changes.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_TDLC_DEPFILE_H
#define TDL_TOOLS_TDLC_DEPFILE_H

#include "tools/tdlc/driver/Session.h"

namespace tdl {

/// True when -MD asks for a dependency file.
bool depfileRequested();

/// Writes the dependency file for `output` (-MF, default `<output>.d`; -MT
/// names the target instead of `output`). False after reporting an I/O
/// error.
bool writeDepfile(const Session &session, llvm::StringRef output);

} // namespace tdl

#endif

//===- DriverOptions.h - options every tdlc verb accepts ----------*- C++
//-*-===//
#ifndef TDL_TOOLS_DRIVEROPTIONS_H
#define TDL_TOOLS_DRIVEROPTIONS_H

#include "llvm/Support/CommandLine.h"

#include <string>

namespace tdl::opts {

enum class DiagFormat { Text, Json, Sarif };
enum class ColorMode { Auto, Always, Never };

extern llvm::cl::OptionCategory Category;
extern llvm::cl::opt<DiagFormat> DiagnosticsFormat;
extern llvm::cl::opt<bool> WarningsAsErrors;
extern llvm::cl::opt<bool> ParseableFixIts;
extern llvm::cl::opt<unsigned> ErrorLimit;
extern llvm::cl::opt<bool> Verify;
extern llvm::cl::opt<char> OptLevel;
extern llvm::cl::list<std::string> IncludeDirs;
extern llvm::cl::opt<std::string> StdlibDir;

/// --color: registered late, see registerLateOptions.
llvm::cl::opt<ColorMode> &color();
// Pass-manager instrumentation (compile and run), as in tdl-opt.
extern llvm::cl::opt<bool> VerifyEach;
extern llvm::cl::opt<bool> PrintIRAfterAll;
extern llvm::cl::list<std::string> PrintIRAfter;
/// --time-passes: registered late (libLLVM has an option of that name).
llvm::cl::opt<bool> &timePasses();
/// --stats (top level): the cpu backend's per-function memory report.
llvm::cl::opt<bool> &memoryStats();

/// -ffast-math: registered late too (libLLVM has an option of that name).
llvm::cl::opt<bool> &fastMath();
/// Registers options that replace LLVM's own; call before parsing.
void registerLateOptions();

/// The -O level as a number 0..3 (validated at parse time by the driver).
unsigned optLevel();

} // namespace tdl::opts

#endif

//===- DriverOptions.h - options every tdlc verb accepts ----------*- C++
//-*-===//
#ifndef TDL_TOOLS_DRIVEROPTIONS_H
#define TDL_TOOLS_DRIVEROPTIONS_H

#include "llvm/Support/CommandLine.h"

#include <optional>
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

/// --ad-loop-memory=BYTES (a number, optionally with a K, M or G suffix
/// for 2^10, 2^20, 2^30): the tape budget of every `for` loop reverse mode
/// differentiates (docs/autodiff.md, "Checkpointing").
extern llvm::cl::opt<std::string> AdLoopMemory;
/// Its value in bytes, -1 when not given, nullopt when malformed.
std::optional<int64_t> adLoopMemory();

} // namespace tdl::opts

#endif

//===- CrashHandler.cpp ---------------------------------------------------===//
#include "tools/tdlc/driver/CrashHandler.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/Signals.h"

#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace tdl {

static const char *currentStage = "startup";
static const char *program = "tdlc";

CompilerStage::CompilerStage(const char *name) : previous(currentStage) {
  currentStage = name;
}
CompilerStage::~CompilerStage() { currentStage = previous; }

// Only async-signal-safe calls here: write(2) and _exit(2).
static void writeStr(const char *s) {
  ssize_t ignored = ::write(2, s, std::strlen(s));
  (void)ignored;
}

static void reportAndExit(const char *detail) {
  writeStr(program);
  writeStr(": internal compiler error during ");
  writeStr(currentStage);
  if (detail) {
    writeStr(": ");
    writeStr(detail);
  }
  writeStr("\nplease report this bug with the input that triggered it\n");
  ::_exit(3);
}

static void onSignal(void *) { reportAndExit(nullptr); }

static void onFatalError(void *, const char *reason, bool) {
  reportAndExit(reason);
}

void installCrashHandler(const char *programName) {
  program = programName;
  llvm::install_fatal_error_handler(onFatalError, nullptr);
  // Runs after LLVM prints the stack trace (InitLLVM), then exits with 3.
  llvm::sys::AddSignalHandler(onSignal, nullptr);
}

} // namespace tdl

//===- main.cpp - the tdlc driver -----------------------------------------===//
//
// Parses the command line (LLVM cl, one SubCommand per verb) and dispatches.
// Exit statuses follow CLI.md: 0 ok, 1 compile errors, 2 bad command line or
// I/O error, 3 internal compiler error.
//
//===----------------------------------------------------------------------===//
#include "autodiff/Autodiff.h"
#include "basic/Suggest.h"
#include "tools/tdlc/AccelBackend.h"
#include "tools/tdlc/Verbs.h"
#include "tools/tdlc/driver/CrashHandler.h"
#include "tools/tdlc/driver/DriverOptions.h"
#include "tools/tdlc/driver/SarifOutput.h"
#include "tools/tdlc/driver/Session.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/thread.h"
#include "llvm/TargetParser/Host.h"

#include <pthread.h>
#include <signal.h>

namespace cl = llvm::cl;

/// What a bug report needs: which tdlc, built against which LLVM and how,
/// and what it compiles for by default on this machine.
static void printVersion(llvm::raw_ostream &os) {
  os << "tdlc version " TDLC_VERSION "\n"
     << "  the TDL differentiable tensor language compiler\n"
     << "  LLVM version: " LLVM_VERSION_STRING "\n"
     << "  default target: " << llvm::sys::getDefaultTargetTriple() << '\n'
     << "  host CPU: " << llvm::sys::getHostCPUName() << '\n'
     << "  build type: " TDLC_BUILD_TYPE "\n";
}

static cl::opt<bool> printPasses("print-passes",
                                 cl::desc("List the IR passes and exit"),
                                 cl::cat(tdl::opts::Category));

static int runInvocation();

/// The stack of the thread every verb runs on. The parser, sema, IR
/// generation and the folders recurse once per nesting level, up to the
/// documented limits (docs/language.md "Limits": 1024 levels of expression);
/// at that depth sema alone needs about 1.5 MB in a release build and more
/// than 8 MB with ASan (docs/reliability.md "Deep input"). A thread of its
/// own makes the depth tdlc accepts independent of `ulimit -s`; the memory
/// is reserved, not used.
constexpr unsigned kStackBytes = 64u << 20;

/// Runs `body` on a thread with a kStackBytes stack and returns its status.
/// The main thread blocks the asynchronous signals while it waits, so that
/// Ctrl-C, SIGTERM, SIGWINCH and the like reach the thread that works (its
/// reads are the ones they must interrupt).
static int runOnLargeStack(int (*body)()) {
  int status = tdl::ExitInternalError;
  llvm::thread worker(std::optional<unsigned>(kStackBytes),
                      [&] { status = body(); });
  sigset_t all, previous;
  sigfillset(&all);
  for (int sync : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT})
    sigdelset(&all, sync);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  worker.join();
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return status;
}

namespace {
struct Verb {
  cl::SubCommand &command;
  int (*run)();
};
} // namespace

static llvm::ArrayRef<Verb> verbs() {
  static const Verb table[] = {
      {tdl::CheckCommand, tdl::runCheckVerb},
      {tdl::SimCommand, tdl::runSimVerb},
      {tdl::RunCommand, tdl::runRunVerb},
      {tdl::ReplCommand, tdl::runReplVerb},
      {tdl::LspCommand, tdl::runLspVerb},
  };
  return table;
}

/// `tdlc runn x.tdl`: a first argument that is not an option, not a file
/// and not a file name (no '.' or '/'), but close to a verb's name, is a
/// mistyped verb; LLVM's parser would take it for the input file. Reported
/// before the options are parsed, so as text, like other command lines that
/// do not parse.
static bool reportMistypedVerb(int argc, char **argv) {
  if (argc < 2)
    return false;
  llvm::StringRef word = argv[1];
  if (word.empty() || word.starts_with("-") ||
      word.find_first_of("./\\") != llvm::StringRef::npos ||
      llvm::sys::fs::exists(word))
    return false;
  std::vector<llvm::StringRef> names;
  for (const Verb &verb : verbs())
    names.push_back(verb.command.getName());
  llvm::StringRef best = tdl::closestName(word, names);
  if (best.empty())
    return false;
  tdl::reportUsageError(
      ("unknown verb '" + word + "'; did you mean '" + best + "'?").str());
  return true;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  tdl::installCrashHandler("tdlc");
  cl::SetVersionPrinter(printVersion);
  tdl::opts::registerLateOptions();
  tdl::registerAccelOptions();
  tdl::ad::registerAutodiffPass(); // listed by --print-passes
  // libLLVM registers hundreds of its own options (codegen, every target);
  // like clang, `tdlc --help` lists only tdlc's (they still parse).
  cl::HideUnrelatedOptions(tdl::opts::Category);

  if (reportMistypedVerb(argc, argv))
    return tdl::ExitUsageOrIOError;
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "tdlc: compiler for TDL, a statically typed differentiable tensor "
          "language\n\n  tdlc FILE.tdl [options]       compile\n"
          "  tdlc check FILE.tdl           diagnostics only\n",
          &errorStream)) {
    // No SARIF log here: the command line that would ask for one is wrong.
    llvm::errs() << errorStream.str();
    return tdl::ExitUsageOrIOError;
  }
  int status = runOnLargeStack(runInvocation);
  tdl::writeInvocationSarifLog(status);
  return status;
}

/// Everything after the command line parsed: the verb, or --print-passes.
static int runInvocation() {
  if (tdl::opts::OptLevel < '0' || tdl::opts::OptLevel > '3') {
    tdl::reportUsageError(std::string("invalid optimization level '-O") +
                          tdl::opts::OptLevel.getValue() + "'; use -O0..-O3");
    return tdl::ExitUsageOrIOError;
  }

  if (!tdl::opts::adLoopMemory()) {
    tdl::reportUsageError("invalid --ad-loop-memory '" +
                          tdl::opts::AdLoopMemory.getValue() +
                          "'; use a number of bytes, optionally with a K, M "
                          "or G suffix");
    return tdl::ExitUsageOrIOError;
  }

  if (printPasses) {
    tdl::ir::printRegisteredPasses(llvm::outs());
    return tdl::ExitOk;
  }

  for (const Verb &verb : verbs())
    if (verb.command)
      return verb.run();
  return tdl::runCompileVerb();
}

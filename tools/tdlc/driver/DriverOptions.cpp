//===- DriverOptions.cpp --------------------------------------------------===//
#include "tools/tdlc/driver/DriverOptions.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/WithColor.h"

namespace cl = llvm::cl;

namespace tdl::opts {

cl::OptionCategory Category("tdlc options");

cl::opt<DiagFormat> DiagnosticsFormat(
    "diagnostics-format", cl::desc("How diagnostics are printed"),
    cl::values(clEnumValN(DiagFormat::Text, "text", "clang-style text"),
               clEnumValN(DiagFormat::Json, "json", "one JSON object per line"),
               clEnumValN(DiagFormat::Sarif, "sarif",
                          "one SARIF 2.1.0 log for the invocation")),
    cl::init(DiagFormat::Text), cl::sub(cl::SubCommand::getAll()),
    cl::cat(Category));

// LLVM's own `--color` (a boolean, in libLLVM) is unregistered first: ours
// takes auto|always|never as CLI.md says, and also decides WithColor output.
// Same for libLLVM's `-ffast-math`, `--time-passes` and `--stats`, which
// would clash.
cl::opt<ColorMode> &color() {
  static cl::opt<ColorMode> option(
      "color", cl::desc("Color diagnostics"),
      cl::values(
          clEnumValN(ColorMode::Auto, "auto", "when stderr is a terminal"),
          clEnumValN(ColorMode::Always, "always", "always"),
          clEnumValN(ColorMode::Never, "never", "never")),
      cl::init(ColorMode::Auto), cl::sub(cl::SubCommand::getAll()),
      cl::cat(Category));
  return option;
}

static bool autoDetectColor(const llvm::raw_ostream &os) {
  switch (color()) {
  case ColorMode::Always:
    return true;
  case ColorMode::Never:
    return false;
  case ColorMode::Auto:
    return os.has_colors();
  }
  return false;
}

cl::opt<bool> &fastMath() {
  static cl::opt<bool> option(
      "ffast-math",
      cl::desc("Allow float rewrites that are not exact for every input "
               "(x*0 -> 0, x-x -> 0, reassociating matmul chains)"),
      cl::sub(cl::SubCommand::getAll()), cl::cat(Category));
  return option;
}

cl::opt<bool> &timePasses() {
  static cl::opt<bool> option("time-passes", cl::desc("Time each pass"),
                              cl::sub(cl::SubCommand::getAll()),
                              cl::cat(Category));
  return option;
}

cl::opt<bool> &memoryStats() {
  static cl::opt<bool> option(
      "stats",
      cl::desc("With -c/-S/--emit=llvm: print each function's planned frame "
               "and workspace bytes"),
      cl::cat(Category));
  return option;
}

void registerLateOptions() {
  auto &registered = cl::getRegisteredOptions(cl::SubCommand::getTopLevel());
  for (llvm::StringRef name : {"color", "ffast-math", "time-passes", "stats"})
    if (auto it = registered.find(name); it != registered.end())
      it->second->removeArgument();
  (void)color();
  (void)fastMath();
  (void)timePasses();
  (void)memoryStats();
  llvm::WithColor::setAutoDetectFunction(autoDetectColor);
}

cl::opt<bool> WarningsAsErrors("Werror", cl::desc("Treat warnings as errors"),
                               cl::sub(cl::SubCommand::getAll()),
                               cl::cat(Category));

cl::opt<bool> ParseableFixIts(
    "fdiagnostics-parseable-fixits",
    cl::desc("Text diagnostics: print each fix-it as a machine-parseable "
             "line, fix-it:\"file\":{l:c-l:c}:\"text\""),
    cl::sub(cl::SubCommand::getAll()), cl::cat(Category));

cl::opt<unsigned> ErrorLimit(
    "ferror-limit", cl::desc("Stop after this many errors (0: no limit)"),
    cl::init(20), cl::sub(cl::SubCommand::getAll()), cl::cat(Category));

cl::opt<bool> Verify(
    "verify",
    cl::desc("Check diagnostics against expected-error/warning/note comments"),
    cl::sub(cl::SubCommand::getAll()), cl::cat(Category));

cl::opt<char> OptLevel("O", cl::desc("Optimization level: -O0, -O1, -O2, -O3"),
                       cl::Prefix, cl::init('2'),
                       cl::sub(cl::SubCommand::getAll()), cl::cat(Category));

cl::list<std::string>
    IncludeDirs("I", cl::desc("Add a directory to the import path"), cl::Prefix,
                cl::value_desc("dir"), cl::sub(cl::SubCommand::getAll()),
                cl::cat(Category));

cl::opt<std::string>
    StdlibDir("stdlib",
              cl::desc("Read the standard library from this directory instead "
                       "of the copy built into tdlc"),
              cl::value_desc("dir"), cl::sub(cl::SubCommand::getAll()),
              cl::cat(Category));

cl::opt<bool> VerifyEach("verify-each",
                         cl::desc("Verify the IR after every pass"),
                         cl::sub(cl::SubCommand::getAll()), cl::cat(Category));
cl::opt<bool> PrintIRAfterAll("print-ir-after-all",
                              cl::desc("Print the IR after every pass"),
                              cl::sub(cl::SubCommand::getAll()),
                              cl::cat(Category));
cl::list<std::string>
    PrintIRAfter("print-ir-after",
                 cl::desc("Print the IR after the named pass"),
                 cl::value_desc("pass"), cl::CommaSeparated,
                 cl::sub(cl::SubCommand::getAll()), cl::cat(Category));
unsigned optLevel() { return unsigned(OptLevel - '0'); }

cl::opt<std::string> AdLoopMemory(
    "ad-loop-memory",
    cl::desc("Tape budget of each for loop that reverse-mode autodiff "
             "differentiates (bytes, or with a K/M/G suffix): a loop whose "
             "tape would exceed it is checkpointed"),
    cl::value_desc("bytes"), cl::sub(cl::SubCommand::getAll()),
    cl::cat(Category));

std::optional<int64_t> adLoopMemory() {
  if (AdLoopMemory.getNumOccurrences() == 0)
    return -1;
  llvm::StringRef text = AdLoopMemory.getValue();
  int64_t scale = 1;
  if (!text.empty()) {
    switch (llvm::toUpper(text.back())) {
    case 'K':
      scale = int64_t(1) << 10;
      break;
    case 'M':
      scale = int64_t(1) << 20;
      break;
    case 'G':
      scale = int64_t(1) << 30;
      break;
    default:
      break;
    }
    if (scale != 1)
      text = text.drop_back();
  }
  uint64_t n = 0;
  if (text.empty() || text.getAsInteger(10, n) ||
      n > uint64_t(INT64_MAX) / uint64_t(scale))
    return std::nullopt;
  return int64_t(n) * scale;
}

} // namespace tdl::opts

//===- ReplVerb.cpp - `tdlc repl`: explore TDL interactively --------------===//
//
// Reads inputs, one or more lines each (an input continues while brackets
// are open), and hands them to a ReplSession (repl/ReplSession.h) or, for a
// line starting with ':', to the command table (repl/ReplCommands.h).
//
// On a terminal the lines come from llvm::LineEditor (libedit): history in
// ~/.tdl_history, Ctrl-R reverse search, Tab completion. Off a terminal (a
// pipe, a test) stdin is read plainly: no prompts, no banner, no escape
// codes, so a session is a script whose output is only results and
// diagnostics; `--echo` prints each input after its prompt for transcripts.
// Off a terminal the exit status is 1 if any input failed, like a script.
//
//===----------------------------------------------------------------------===//
#include "tools/tdlc/Verbs.h"
#include "tools/tdlc/driver/DriverOptions.h"
#include "tools/tdlc/driver/SarifOutput.h"
#include "tools/tdlc/driver/Session.h"
#include "tools/tdlc/repl/Completion.h"
#include "tools/tdlc/repl/InputScanner.h"
#include "tools/tdlc/repl/ReplCommands.h"
#include "tools/tdlc/repl/ReplSession.h"

#include "basic/DiagnosticPrinters.h"

#include "llvm/LineEditor/LineEditor.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <csignal>
#include <iostream>

namespace cl = llvm::cl;

namespace tdl {

cl::SubCommand ReplCommand("repl", "Explore TDL interactively");

static cl::opt<bool>
    echoInput("echo",
              cl::desc("Print each input after its prompt (for transcripts of "
                       "piped sessions)"),
              cl::sub(ReplCommand));
static cl::opt<int> replPrintPrecision(
    "print-precision",
    cl::desc("Fraction digits when printing floats (NumPy's precision)"),
    cl::init(8), cl::sub(ReplCommand));

static constexpr const char *kPrompt = "tdl> ";
static constexpr const char *kContinuationPrompt = "...  ";

namespace {
/// Where input lines come from: LineEditor on a terminal, else plain stdin.
class LineSource {
public:
  virtual ~LineSource() = default;
  virtual std::optional<std::string> read(const char *prompt) = 0;
  virtual void inputDone() {}
  /// The last read ended with Ctrl-C rather than end of input.
  virtual bool wasInterrupted() { return false; }
};

/// Set by Ctrl-C while the editor waits for a line.
volatile sig_atomic_t interruptedAtPrompt = 0;
void onInterruptAtPrompt(int) { interruptedAtPrompt = 1; }

class PlainLineSource : public LineSource {
public:
  std::optional<std::string> read(const char *prompt) override {
    std::string line;
    if (!std::getline(std::cin, line))
      return std::nullopt;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (echoInput) // flushed now: diagnostics (stderr) must come after it
      (llvm::outs() << prompt << line << '\n').flush();
    return line;
  }
};

class EditorLineSource : public LineSource {
public:
  EditorLineSource(const std::string &historyPath, repl::ReplSession &session)
      : editor("tdlc", historyPath) {
    editor.setListCompleter([&session](llvm::StringRef line, size_t pos) {
      std::vector<std::string> words = repl::staticCompletionWords();
      for (std::string &n : session.completionNames())
        words.push_back(std::move(n));
      std::string prefix;
      std::vector<llvm::LineEditor::Completion> result;
      for (const std::string &w :
           repl::completeWord(line, pos, words, repl::commandNames(), prefix))
        result.emplace_back(w.substr(prefix.size()), w);
      return result;
    });
  }
  std::optional<std::string> read(const char *prompt) override {
    editor.setPrompt(prompt);
    // Ctrl-C at the prompt discards the input being typed (as in Python or
    // Julia): without SA_RESTART the read fails with EINTR, libedit returns
    // no line, and the flag tells that apart from Ctrl-D. While an input
    // is evaluated, Ctrl-C interrupts it (ReplSession's InterruptScope).
    struct sigaction ours = {}, previous = {};
    ours.sa_handler = onInterruptAtPrompt;
    sigemptyset(&ours.sa_mask);
    interruptedAtPrompt = 0;
    sigaction(SIGINT, &ours, &previous);
    std::optional<std::string> line = editor.readLine();
    sigaction(SIGINT, &previous, nullptr);
    return line;
  }
  bool wasInterrupted() override { return interruptedAtPrompt != 0; }
  /// Saved after every input so a killed session keeps its history.
  void inputDone() override { editor.saveHistory(); }

private:
  llvm::LineEditor editor;
};
} // namespace

static std::string historyPath() {
  llvm::SmallString<128> path;
  if (!llvm::sys::path::home_directory(path))
    return "";
  llvm::sys::path::append(path, ".tdl_history");
  return std::string(path);
}

static std::unique_ptr<DiagnosticConsumer> makePrinter(SourceManager &sources) {
  if (opts::DiagnosticsFormat == opts::DiagFormat::Json)
    return std::make_unique<JsonDiagnosticPrinter>(llvm::errs(), sources);
  if (sarifRequested())
    return std::make_unique<SarifDiagnosticPrinter>(invocationSarifLog(),
                                                    sources);
  bool colors = opts::color() == opts::ColorMode::Always ||
                (opts::color() == opts::ColorMode::Auto &&
                 llvm::sys::Process::StandardErrHasColors());
  return std::make_unique<TextDiagnosticPrinter>(llvm::errs(), sources, colors);
}

int runReplVerb() {
  if (replPrintPrecision < 0 || replPrintPrecision > 17) {
    reportUsageError("--print-precision must be between 0 and 17");
    return ExitUsageOrIOError;
  }
  bool interactive = llvm::sys::Process::StandardInIsUserInput();
  // What an input prints (`print` inside a long loop too) shows at once.
  llvm::outs().SetUnbuffered();
  SourceManager sources;
  std::unique_ptr<DiagnosticConsumer> printer = makePrinter(sources);
  repl::ReplSession session(sources, *printer, llvm::outs());
  session.printPrecision = replPrintPrecision;

  std::unique_ptr<LineSource> lines;
  if (interactive) {
    lines = std::make_unique<EditorLineSource>(historyPath(), session);
    llvm::outs() << "tdlc " TDLC_VERSION " REPL: TDL on the cpu backend's "
                    "JIT. :help for help, :quit or Ctrl-D to leave\n";
  } else {
    lines = std::make_unique<PlainLineSource>();
  }

  bool anyError = false;
  std::string pending;
  for (;;) {
    llvm::outs().flush();
    std::optional<std::string> line =
        lines->read(pending.empty() ? kPrompt : kContinuationPrompt);
    if (!line && lines->wasInterrupted()) {
      llvm::outs() << "^C\n";
      pending.clear();
      continue;
    }
    if (!line)
      break;
    if (pending.empty() && llvm::StringRef(*line).ltrim().starts_with(":")) {
      repl::CommandResult r = repl::runCommand(*line, session, llvm::outs());
      lines->inputDone();
      if (r == repl::CommandResult::Quit)
        break;
      anyError |= r == repl::CommandResult::Error;
      continue;
    }
    pending += *line;
    pending += '\n';
    if (repl::needsMoreInput(pending))
      continue;
    if (repl::hasCode(pending)) // comment-only lines are not inputs
      anyError |= !session.evaluate(pending);
    pending.clear();
    lines->inputDone();
  }
  // End of input inside an open bracket: compile what there is, so the
  // user sees what was left unfinished.
  if (repl::hasCode(pending))
    anyError |= !session.evaluate(pending);
  if (interactive)
    llvm::outs() << '\n';
  llvm::outs().flush();
  return anyError && !interactive ? ExitCompileError : ExitOk;
}

} // namespace tdl

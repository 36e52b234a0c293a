//===- Session.cpp --------------------------------------------------------===//
#include "tools/tdlc/driver/Session.h"

#include "basic/DiagnosticPrinters.h"
#include "basic/VerifyDiagnosticConsumer.h"
#include "tools/tdlc/driver/DriverOptions.h"
#include "tools/tdlc/driver/SarifOutput.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

namespace tdl {

static bool useColors() {
  switch (opts::color().getValue()) {
  case opts::ColorMode::Always:
    return true;
  case opts::ColorMode::Never:
    return false;
  case opts::ColorMode::Auto:
    return llvm::sys::Process::StandardErrHasColors();
  }
  return false;
}

Session::Session() : diags(sources) {
  std::unique_ptr<DiagnosticConsumer> printer;
  if (opts::DiagnosticsFormat == opts::DiagFormat::Json)
    printer = std::make_unique<JsonDiagnosticPrinter>(llvm::errs(), sources);
  else if (sarifRequested())
    printer =
        std::make_unique<SarifDiagnosticPrinter>(invocationSarifLog(), sources);
  else {
    auto text = std::make_unique<TextDiagnosticPrinter>(llvm::errs(), sources,
                                                        useColors());
    text->setParseableFixIts(opts::ParseableFixIts);
    printer = std::move(text);
  }
  if (opts::Verify) {
    diags.setConsumer(std::make_unique<VerifyDiagnosticConsumer>(
        sources, std::move(printer)));
    diags.setErrorLimit(0); // the test decides what is expected
  } else {
    diags.setConsumer(std::move(printer));
    diags.setErrorLimit(opts::ErrorLimit);
  }
  diags.setWarningsAsErrors(opts::WarningsAsErrors);
}

std::optional<unsigned> Session::openInput(llvm::StringRef path) {
  auto id = sources.addFile(path);
  if (!id) {
    reportUsageError(llvm::toString(id.takeError()));
    return std::nullopt;
  }
  return *id;
}

int Session::finish() {
  bool consumerOk = diags.finish();
  if (opts::Verify)
    return consumerOk ? ExitOk : ExitCompileError;
  return diags.hasErrors() || !consumerOk ? ExitCompileError : ExitOk;
}

void reportUsageError(llvm::StringRef message) {
  // --diagnostics-format=json promises nothing but JSON objects on stderr.
  if (opts::DiagnosticsFormat == opts::DiagFormat::Json) {
    llvm::json::Object o{{"kind", "error"},
                         {"id", "UsageError"},
                         {"message", message},
                         {"file", ""},
                         {"line", 0},
                         {"column", 0},
                         {"ranges", llvm::json::Array()},
                         {"fixits", llvm::json::Array()},
                         {"notes", llvm::json::Array()}};
    llvm::errs() << llvm::json::Value(std::move(o)) << '\n';
    return;
  }
  // --diagnostics-format=sarif: a problem of the run, not of a source file.
  if (sarifRequested()) {
    invocationSarifLog().addToolNotification("UsageError", Severity::Error,
                                             message);
    return;
  }
  llvm::WithColor::error(llvm::errs(), "tdlc") << message << '\n';
}

bool writeOutputFile(llvm::StringRef path,
                     const std::function<void(llvm::raw_ostream &)> &write) {
  llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    write(os);
    return llvm::Error::success();
  });
  if (err) {
    reportUsageError("cannot write '" + path.str() +
                     "': " + llvm::toString(std::move(err)));
    return false;
  }
  return true;
}

void warnCompileOnlyOptions(Session &session, llvm::cl::SubCommand &verb,
                            llvm::StringRef verbName) {
  namespace cl = llvm::cl;
  llvm::StringMap<cl::Option *> &own = cl::getRegisteredOptions(verb);
  std::vector<std::string> unused;
  llvm::SmallPtrSet<cl::Option *, 4> seen;
  for (auto &entry : cl::getRegisteredOptions(cl::SubCommand::getTopLevel())) {
    cl::Option *o = entry.getValue();
    if (o->getNumOccurrences() == 0 || own.count(entry.getKey()) ||
        !llvm::is_contained(o->Categories, &opts::Category) ||
        !seen.insert(o).second)
      continue;
    unused.push_back((o->ArgStr.size() == 1 ? "-" : "--") + o->ArgStr.str());
  }
  llvm::sort(unused);
  for (const std::string &name : unused)
    session.diags.report(diag::ArgumentUnused, SourceLoc(), name, verbName);
}

} // namespace tdl

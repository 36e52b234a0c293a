//===- main.cpp - tdl-opt: read textual IR, run passes, print -------------===//
//
//   tdl-opt FILE.tir [--dce ...] [--passes=a,b] [-O1] [--verify-each]
//           [-verify-diagnostics] [--emit=ir|dot] [--run=FUNC] [-o OUT]
//           [--print-ir-after-all] [--print-ir-after=PASS] [--time-passes]
//           [--print-passes]
//
// Passes run in command-line order. Exit status as tdlc: 0 ok, 1 errors in
// the input (parse, verify, run-time), 2 command line / I/O.
//
//===----------------------------------------------------------------------===//
#include "autodiff/Autodiff.h"
#include "basic/DiagnosticPrinters.h"
#include "basic/VerifyDiagnosticConsumer.h"
#include "ssa_ir/DotWriter.h"
#include "ssa_ir/Parser.h"
#include "ssa_ir/Printer.h"
#include "ssa_ir/Verifier.h"
#include "ssa_ir/interp/Interpreter.h"
#include "ssa_ir/passes/PassManager.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>

namespace cl = llvm::cl;
using namespace tdl;

namespace {

enum class Emit { IR, Dot };

cl::OptionCategory category("tdl-opt options");

/// libLLVM registers some option names we reuse (time-passes, ...): remove
/// those, then construct ours (so the options are built in main, not at
/// static initialization).
void removeRegistered(std::initializer_list<llvm::StringRef> names) {
  auto &registered = cl::getRegisteredOptions(cl::SubCommand::getTopLevel());
  for (llvm::StringRef n : names)
    if (auto it = registered.find(n); it != registered.end())
      it->second->removeArgument();
}

struct Options {
  cl::opt<std::string> inputFile{cl::Positional, cl::desc("<input .tir>"),
                                 cl::init("-"), cl::cat(category)};
  cl::opt<std::string> outputFile{"o", cl::desc("output file (default stdout)"),
                                  cl::value_desc("file"), cl::init("-"),
                                  cl::cat(category)};
  cl::opt<bool> verifyDiagnostics{
      "verify-diagnostics",
      cl::desc("check diagnostics against expected-error comments"),
      cl::cat(category)};
  cl::opt<bool> verifyEach{"verify-each",
                           cl::desc("run the verifier after every pass"),
                           cl::init(true), cl::cat(category)};
  cl::opt<bool> printAfterAll{"print-ir-after-all",
                              cl::desc("print the IR after every pass"),
                              cl::cat(category)};
  cl::list<std::string> printAfter{"print-ir-after",
                                   cl::desc("print the IR after this pass"),
                                   cl::value_desc("pass"), cl::cat(category)};
  cl::opt<bool> timePasses{"time-passes", cl::desc("time each pass"),
                           cl::cat(category)};
  cl::opt<bool> printPasses{
      "print-passes", cl::desc("list the available passes"), cl::cat(category)};
  cl::opt<std::string> passList{"passes",
                                cl::desc("comma-separated passes to run"),
                                cl::value_desc("a,b,..."), cl::cat(category)};
  cl::opt<unsigned> optLevel{"O", cl::desc("run the -O<n> pipeline (0-3)"),
                             cl::Prefix, cl::init(0), cl::cat(category)};
  cl::opt<Emit> emit{"emit", cl::desc("output kind"),
                     cl::values(clEnumValN(Emit::IR, "ir", "textual IR"),
                                clEnumValN(Emit::Dot, "dot", "Graphviz")),
                     cl::init(Emit::IR), cl::cat(category)};
  cl::opt<std::string> runFunction{
      "run",
      cl::desc("run this function (no parameters) with the interpreter and "
               "print its results"),
      cl::value_desc("func"), cl::cat(category)};
  cl::opt<int> printPrecision{"print-precision",
                              cl::desc("float digits when printing values"),
                              cl::init(8), cl::cat(category)};
};

/// Pass flags (`--dce`), in command-line order.
std::vector<std::string> passOrder;
std::vector<std::unique_ptr<cl::opt<bool>>> passFlags;

void registerPassFlags() {
  for (const ir::PassInfo &p : ir::getRegisteredPasses()) {
    std::string name = p.name;
    passFlags.push_back(std::make_unique<cl::opt<bool>>(
        llvm::StringRef(p.name), cl::desc(p.description), cl::cat(category),
        cl::callback([name](const bool &on) {
          if (on)
            passOrder.push_back(name);
        })));
  }
}

int usageError(llvm::StringRef message) {
  llvm::WithColor::error(llvm::errs(), "tdl-opt") << message << '\n';
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  removeRegistered({"o", "verify-diagnostics", "verify-each",
                    "print-ir-after-all", "print-ir-after", "time-passes",
                    "print-passes", "passes", "O", "emit", "run",
                    "print-precision"});
  for (const ir::PassInfo &p : ir::getRegisteredPasses())
    removeRegistered({p.name});
  Options o;
  tdl::ad::registerAutodiffPass();
  registerPassFlags();
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "tdl-opt: run passes on textual TDL IR\n");
  if (o.printPasses) {
    ir::printRegisteredPasses(llvm::outs());
    return 0;
  }
  if (o.optLevel > 3)
    return usageError("invalid optimization level; use -O0..-O3");

  SourceManager sources;
  DiagnosticEngine diags(sources);
  auto printer = std::make_unique<TextDiagnosticPrinter>(
      llvm::errs(), sources, llvm::sys::Process::StandardErrHasColors(),
      "tdl-opt");
  if (o.verifyDiagnostics) {
    diags.setConsumer(std::make_unique<VerifyDiagnosticConsumer>(
        sources, std::move(printer)));
    diags.setErrorLimit(0);
  } else {
    diags.setConsumer(std::move(printer));
  }
  auto finish = [&](bool ok) {
    bool consumerOk = diags.finish();
    if (o.verifyDiagnostics)
      return consumerOk ? 0 : 1;
    return ok && !diags.hasErrors() ? 0 : 1;
  };

  auto buffer = sources.addFile(o.inputFile);
  if (!buffer)
    return usageError(llvm::toString(buffer.takeError()));

  ir::PassInstrumentation instr;
  instr.verifyEach = o.verifyEach;
  instr.printAfterAll = o.printAfterAll;
  instr.printAfter.assign(o.printAfter.begin(), o.printAfter.end());
  instr.timePasses = o.timePasses;
  ir::PassManager pm(instr);
  ir::buildPipeline(pm, o.optLevel);
  llvm::SmallVector<llvm::StringRef, 4> listed;
  llvm::StringRef(o.passList).split(listed, ',', -1, false);
  for (llvm::StringRef name : listed)
    passOrder.push_back(name.trim().str());
  for (const std::string &name : passOrder)
    if (!pm.add(name))
      return usageError("unknown pass '" + name + "' (see --print-passes)");

  std::unique_ptr<ir::Module> module = ir::parseModule(*buffer, diags);
  if (!module)
    return finish(false);
  if (!ir::verifyModule(*module, diags, !o.verifyDiagnostics))
    return finish(false);
  if (!pm.run(*module, diags))
    return finish(false);

  if (!o.runFunction.empty()) {
    const ir::Function *f = module->lookup(o.runFunction);
    if (!f)
      return usageError("no function named '@" + o.runFunction + "'");
    if (!f->getArgTypes().empty() && !f->isDerivedDeclaration())
      return usageError("--run needs a function without parameters; '@" +
                        o.runFunction + "' has " +
                        std::to_string(f->getArgTypes().size()));
    ir::InterpreterOptions opts;
    opts.printPrecision = o.printPrecision;
    llvm::outs().SetUnbuffered();
    auto results =
        ir::interpret(*module, o.runFunction, {}, llvm::outs(), opts);
    if (!results) {
      llvm::outs().flush();
      llvm::errs() << ir::formatRuntimeError(results.takeError(), &sources)
                   << '\n';
      finish(false);
      return 1;
    }
    for (const ir::RuntimeValue &v : *results)
      llvm::outs() << v.format(o.printPrecision) << '\n';
    return finish(true);
  }

  std::error_code ec;
  llvm::raw_fd_ostream out(o.outputFile, ec);
  if (ec)
    return usageError("cannot write '" + o.outputFile + "': " + ec.message());
  if (o.emit == Emit::Dot)
    ir::writeDot(*module, out);
  else
    ir::printModule(*module, out);
  return finish(true);
}

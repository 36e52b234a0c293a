//===- ReplInspect.cpp - :type, :ir, :ast and :time -----------------------===//
//
// These compile an expression the same way an input is compiled (the
// wrapper function of ReplSession.h) but look at a stage of the pipeline
// instead of storing results: the inferred type, the optimized IR, the
// syntax tree, or the run time on the current backend.
//
//===----------------------------------------------------------------------===//
#include "tools/tdlc/repl/InputScanner.h"
#include "tools/tdlc/repl/ReplLowering.h"

#include "tools/tdlc/driver/DriverOptions.h"
#include "tools/tdlc/driver/Frontend.h"

#include "lang/ASTDumper.h"
#include "ssa_ir/Printer.h"
#include "ssa_ir/interp/Interpreter.h"

#include "llvm/Support/WithColor.h"

#include <chrono>
#include <cmath>

namespace tdl::repl {

static void replError(llvm::raw_ostream &out, const llvm::Twine &message) {
  out.flush();
  llvm::WithColor::error(llvm::errs(), "tdlc") << message << '\n';
}

/// The header of a declared function (`fn relu<..S>(x: f32[..S]) -> ...`),
/// which is its type even when it is generic.
static std::string functionHeader(llvm::StringRef text) {
  size_t brace = text.find('{');
  llvm::StringRef header = text.substr(0, brace).trim();
  header.consume_back(";");
  return header.trim().str();
}

bool ReplSession::printType(llvm::StringRef expr) {
  unsigned display = addDisplayBuffer(expr);
  Wrapper w;
  w.displayBuffer = display;
  w.text = sources.getBufferText(display);
  w.valueStart = 0;
  llvm::StringSet<> mentioned = identifiersIn(w.text);
  for (const auto &b : bindings)
    if (mentioned.contains(b.first))
      w.params.push_back(b.first);

  // A value: the type of `let __repl_value = EXPR;`.
  CollectingConsumer valueErrors;
  if (auto cp = compile(buildProgram(declarations, &w, false), false, true,
                        &valueErrors)) {
    if (const sema::FuncInstance *inst = findInstance(*cp, kWrapperName))
      for (const auto &[var, type] : inst->varTypes)
        if (var->getName().name == kValueName) {
          out << type->str() << '\n';
          return true;
        }
  }
  // A function (`f`, `grad(f)`, `dense<2, 3, 4>`): its signature, through
  // `export fn __repl_fnref = EXPR;` which needs a concrete function.
  ProgramText p = buildProgram(declarations, nullptr, false);
  p.addGlue("export fn " + std::string(kFunctionRefName) + " = ");
  p.addUserText(w.text, display, 0);
  p.addGlue("\n;\n");
  CollectingConsumer functionErrors;
  if (auto cp = compile(p, false, false, &functionErrors)) {
    for (const sema::ExportedFunction &e : cp->program->exports) {
      if (e.cName != kFunctionRefName)
        continue;
      const sema::Type *t =
          e.function ? e.function->getFunctionType(cp->program->types)
                     : e.derived->type;
      out << t->str() << '\n';
      return true;
    }
  }
  // A generic function: its declared header.
  llvm::StringRef name = w.text.trim();
  for (const Declaration &d : declarations)
    if (d.isFunction && d.key == name) {
      out << functionHeader(d.text) << '\n';
      return true;
    }
  for (const Diagnostic &d : valueErrors.collected)
    printer.handle(d);
  return false;
}

bool ReplSession::printAST(llvm::StringRef expr) {
  unsigned display = addDisplayBuffer(expr);
  Wrapper w;
  w.displayBuffer = display;
  w.text = sources.getBufferText(display);
  w.valueStart = 0;
  std::unique_ptr<CompiledProgram> cp =
      compile(buildProgram(declarations, &w, false), /*parseOnly=*/true, true);
  if (!cp)
    return false;
  const ast::FuncDecl *wrapper = nullptr;
  for (const ast::FuncDecl *f : cp->module->declsOf<ast::FuncDecl>())
    if (f->getName().name == kWrapperName)
      wrapper = f;
  if (!wrapper || wrapper->getBody()->getStmts().empty())
    return false;
  auto *let =
      llvm::dyn_cast<ast::LetStmt>(wrapper->getBody()->getStmts().back());
  if (!let)
    return false;
  ast::dumpAST(let->getInit(), out);
  return true;
}

bool ReplSession::printIR(llvm::StringRef arg) {
  llvm::StringRef name = arg.trim();
  // A declared function by name: its own IR.
  for (const Declaration &d : declarations) {
    if (!d.isFunction || d.key != name)
      continue;
    std::unique_ptr<CompiledProgram> cp =
        compile(buildProgram(declarations, nullptr, false), false, false);
    if (!cp)
      return false;
    irgen::GeneratedModule ir;
    if (generateVerifiedIR(*cp->program, ir) != ExitOk)
      return false;
    const sema::FuncInstance *inst = findInstance(*cp, name);
    ir::Function *fn = inst ? ir.functions.lookup(inst) : nullptr;
    if (!fn) {
      replError(out, "'" + name +
                         "' has no ir of its own (generic functions "
                         "are lowered per use): try ':ir " +
                         name + "(...)'");
      return false;
    }
    std::string fnName = fn->getName().str();
    DiagnosticEngine diags(sources);
    diags.setConsumer(std::make_unique<RemappingConsumer>(
        sources, cp->buffer, cp->segments, printer, false));
    if (runOptimizationPipeline(diags, *ir.module, opts::optLevel()) != ExitOk)
      return false;
    if (ir::Function *opt = ir.module->lookup(fnName))
      ir::printFunction(*opt, out);
    return true;
  }
  // An expression: the wrapper that computes it.
  unsigned display = addDisplayBuffer(arg);
  Wrapper w;
  if (!prepareWrapper(display, w))
    return false;
  std::unique_ptr<Lowered> low = lower(w);
  if (!low)
    return false;
  if (ir::Function *fn = low->ir.module->lookup(low->functionName))
    ir::printFunction(*fn, out);
  return true;
}

/// `1.23 ms`: a duration in seconds with a unit that keeps 3 digits.
static std::string formatSeconds(double s) {
  const char *unit = "s";
  if (s < 1e-6) {
    s *= 1e9;
    unit = "ns";
  } else if (s < 1e-3) {
    s *= 1e6;
    unit = "us";
  } else if (s < 1) {
    s *= 1e3;
    unit = "ms";
  }
  char buf[32];
  snprintf(buf, sizeof buf, "%.3g %s", s, unit);
  return buf;
}

bool ReplSession::timeExpression(llvm::StringRef expr) {
  InterruptScope interrupts;
  unsigned display = addDisplayBuffer(expr);
  Wrapper w;
  w.displayBuffer = display;
  w.text = sources.getBufferText(display);
  llvm::StringSet<> mentioned = identifiersIn(w.text);
  for (const auto &b : bindings)
    if (mentioned.contains(b.first))
      w.params.push_back(b.first);
  if (!chooseMode(w) || !inferOutputs(w))
    return false;
  std::unique_ptr<Lowered> low = lower(w);
  if (!low)
    return false;
  std::unique_ptr<Executable> exe = prepare(*low); // not timed
  if (!exe)
    return false;
  std::vector<ir::RuntimeValue> args = argumentsFor(w);
  // On the JIT the result buffers are made once, as a caller of an object
  // would: the loops time the calls only.
  std::vector<void *> pointers;
  std::vector<ir::RuntimeValue> results;
  if (exe->jit) {
    for (const ir::RuntimeValue &a : args)
      pointers.push_back(const_cast<uint8_t *>(a.rawData()));
    for (const ir::Type &t : exe->jit->getResultLeaves()) {
      results.push_back(ir::RuntimeValue::zeros(t));
      pointers.push_back(results.back().mutableRawData());
    }
  }
  cpu::JitPrintOptions print;
  // One call first: the runtime functions it needs are compiled when first
  // called (JitSession.h), which is not what is timed.
  if (exe->jit)
    if (llvm::Error e = exe->jit->call(pointers, llvm::nulls(), print))
      return reportRunTimeError(std::move(e), *low->compiled);
  using Clock = std::chrono::steady_clock;
  // Like IPython's %timeit: grow the loop count until one run of loops
  // takes 0.05 s, then time 5 such runs. Prints go nowhere.
  auto runLoops = [&](unsigned loops, double &seconds) -> bool {
    auto start = Clock::now();
    for (unsigned i = 0; i < loops; ++i) {
      if (InterruptScope::requested())
        return reportRunTimeError(
            llvm::make_error<ir::RuntimeError>(ir::Location(), "interrupted"),
            *low->compiled);
      if (exe->jit) {
        if (llvm::Error e = exe->jit->call(pointers, llvm::nulls(), print))
          return reportRunTimeError(std::move(e), *low->compiled);
        continue;
      }
      auto r = execute(*exe, args, llvm::nulls());
      if (!r)
        return reportRunTimeError(r.takeError(), *low->compiled);
    }
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return true;
  };
  unsigned loops = 1;
  double seconds = 0;
  for (;;) {
    if (!runLoops(loops, seconds))
      return false;
    if (seconds >= 0.05 || loops >= 1000000)
      break;
    loops *= seconds < 0.005 ? 10 : 2;
  }
  constexpr unsigned kRuns = 5;
  std::vector<double> perLoop;
  for (unsigned r = 0; r < kRuns; ++r) {
    if (!runLoops(loops, seconds))
      return false;
    perLoop.push_back(seconds / loops);
  }
  double mean = 0, var = 0;
  for (double t : perLoop)
    mean += t / kRuns;
  for (double t : perLoop)
    var += (t - mean) * (t - mean) / (kRuns - 1);
  out << formatSeconds(mean) << " ± " << formatSeconds(std::sqrt(var))
      << " per loop (mean ± std. dev. of " << kRuns << " runs, " << loops
      << (loops == 1 ? " loop" : " loops") << " each)\n";
  return true;
}

} // namespace tdl::repl

//===- ReplSession.cpp - compile and run one REPL input -------------------===//
#include "tools/tdlc/repl/ReplSession.h"
#include "tools/tdlc/repl/InputScanner.h"
#include "tools/tdlc/repl/ReplLowering.h"

#include "tools/tdlc/driver/CrashHandler.h"
#include "tools/tdlc/driver/DriverOptions.h"
#include "tools/tdlc/driver/Frontend.h"

#include "backends/cpu/Codegen.h"
#include "parser/Parse.h"
#include "sema/Sema.h"
#include "ssa_ir/interp/Interpreter.h"
#include "ssa_ir/passes/PassManager.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"

namespace tdl::repl {

static cpu::JitSessionOptions jitOptions() {
  cpu::JitSessionOptions options;
  options.optLevel = opts::optLevel();
  options.fastMath = opts::fastMath();
  return options;
}

ReplSession::ReplSession(SourceManager &sources, DiagnosticConsumer &printer,
                         llvm::raw_ostream &out)
    : sources(sources), printer(printer), out(out) {
  jitStarting = std::async(std::launch::async, [options = jitOptions()] {
    return cpu::JitSession::create(options);
  });
}

ReplSession::~ReplSession() {
  if (!jitStarting.valid())
    return;
  auto started = jitStarting.get(); // (never used: nothing to report)
  if (!started)
    llvm::consumeError(started.takeError());
}

//===-- Ctrl-C ------------------------------------------------------------===//

static void onInterrupt(int) {
  // A second Ctrl-C while the first has not stopped the evaluation yet
  // (a kernel without an interruption point): end the process, as before.
  if (cpu::JitSession::interruptRequested()) {
    signal(SIGINT, SIG_DFL);
    raise(SIGINT);
    return;
  }
  cpu::JitSession::requestInterrupt();
}

InterruptScope::InterruptScope() {
  cpu::JitSession::clearInterrupt();
  struct sigaction ours = {};
  ours.sa_handler = onInterrupt;
  ours.sa_flags = SA_RESTART;
  sigemptyset(&ours.sa_mask);
  sigaction(SIGINT, &ours, &previous);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &previous, nullptr);
  cpu::JitSession::clearInterrupt();
}

bool InterruptScope::requested() {
  return cpu::JitSession::interruptRequested();
}

unsigned ReplSession::addDisplayBuffer(llvm::StringRef text) {
  return sources.addBuffer("<repl:" + std::to_string(++inputCount) + ">", text);
}

void ReplSession::reset() {
  declarations.clear();
  bindings.clear();
  invalidateAnalysis();
}

//===-- Declarations analyzed once ----------------------------------------===//

void ReplSession::invalidateAnalysis() {
  analyzed.reset();
  analysisFailed = false;
}

ReplSession::AnalyzedDeclarations *ReplSession::analyzedDeclarations() {
  if (analyzed || analysisFailed)
    return analyzed.get();
  auto a = std::make_unique<AnalyzedDeclarations>(sources);
  ProgramText text = buildProgram(declarations, nullptr, false);
  a->texts.push_back({sources.addBuffer("<repl:" + std::to_string(inputCount) +
                                            " declarations>",
                                        text.str()),
                      text.getSegments()});
  auto sink = std::make_unique<SwitchableConsumer>();
  a->sink = sink.get();
  a->diags.setConsumer(std::move(sink));
  a->diags.setErrorLimit(opts::ErrorLimit);
  a->diags.setWarningsAsErrors(opts::WarningsAsErrors);
  // Its warnings were shown when the declarations were typed.
  const ast::Module *m;
  {
    CompilerStage stage("parsing");
    m = parser::parseBuffer(sources, a->texts[0].buffer, a->diags,
                            a->astContext);
  }
  if (m && !a->diags.hasErrors()) {
    CompilerStage stage("semantic analysis");
    sema::SemaOptions options;
    options.includeDirs.assign(opts::IncludeDirs.begin(),
                               opts::IncludeDirs.end());
    options.stdlibDir = opts::StdlibDir;
    AnalyzedDeclarations *raw = a.get();
    SourceManager *srcs = &sources;
    a->analysis = std::make_unique<sema::IncrementalAnalysis>(
        *m, sources, a->diags, std::move(options),
        [raw, srcs](unsigned buffer) {
          return parser::parseBuffer(*srcs, buffer, raw->diags,
                                     raw->astContext);
        });
  }
  if (a->diags.hasErrors() || !a->analysis) {
    analysisFailed = true; // (each input then compiles what it reaches)
    return nullptr;
  }
  analyzed = std::move(a);
  return analyzed.get();
}

std::unique_ptr<CompiledProgram>
ReplSession::compileAgainstDeclarations(const Wrapper &w, bool withResults,
                                        bool forwardWarnings) {
  AnalyzedDeclarations *a = analyzedDeclarations();
  if (!a)
    return nullptr;
  auto cp = std::make_unique<CompiledProgram>();
  ProgramText text = buildProgram({}, &w, withResults);
  cp->buffer = sources.addBuffer(
      "<repl:" + std::to_string(inputCount) + " input>", text.str());
  cp->segments = text.getSegments();
  CollectingConsumer collected;
  a->sink->sink = &collected;
  unsigned errors = a->diags.getErrorCount();
  {
    CompilerStage stage("parsing");
    cp->module =
        parser::parseBuffer(sources, cp->buffer, a->diags, cp->astContext);
  }
  std::vector<const sema::FuncInstance *> functions;
  if (cp->module && a->diags.getErrorCount() == errors) {
    CompilerStage stage("semantic analysis");
    functions = a->analysis->check(*cp->module);
  }
  a->sink->sink = nullptr;
  if (a->diags.getErrorCount() != errors || functions.size() != 1) {
    // Compiled again with the declarations, which reports the errors as
    // for a whole program. Sema's state after an error is not undone (its
    // de-duplication of messages): analyzed again by the next input.
    a->analysis->undo();
    invalidateAnalysis();
    return nullptr;
  }
  cp->shared = &a->analysis->program();
  cp->wrapper = functions[0];
  cp->declarations = a->texts;
  if (forwardWarnings) {
    RemappingConsumer remap(sources, cp->synthesizedBuffers(), printer, true);
    for (const Diagnostic &d : collected.collected)
      remap.handle(d);
  }
  return cp;
}

bool ReplSession::extendAnalysis(const std::vector<Declaration> &added) {
  AnalyzedDeclarations *a = analyzed.get();
  if (!a)
    return false;
  ProgramText text = buildProgram(added, nullptr, false);
  SynthesizedBuffer buffer{
      sources.addBuffer(
          "<repl:" + std::to_string(inputCount) + " declarations>", text.str()),
      text.getSegments()};
  CollectingConsumer quiet; // (reported when they were checked)
  a->sink->sink = &quiet;
  unsigned errors = a->diags.getErrorCount();
  const ast::Module *m =
      parser::parseBuffer(sources, buffer.buffer, a->diags, a->astContext);
  bool checked = m && a->diags.getErrorCount() == errors;
  if (checked) {
    CompilerStage stage("semantic analysis");
    (void)a->analysis->check(*m);
  }
  a->sink->sink = nullptr;
  if (!checked || a->diags.getErrorCount() != errors) {
    if (checked)
      a->analysis->undo();
    return false;
  }
  a->analysis->keep();
  a->texts.push_back(std::move(buffer));
  return true;
}

void ReplSession::release(CompiledProgram &cp) {
  if (!cp.shared)
    return;
  if (analyzed)
    analyzed->analysis->undo();
  cp.shared = nullptr;
  cp.wrapper = nullptr;
}

std::vector<std::string> ReplSession::completionNames() const {
  std::vector<std::string> names;
  for (const auto &b : bindings)
    names.push_back(b.first);
  for (const Declaration &d : declarations)
    if (!llvm::StringRef(d.key).starts_with("import "))
      names.push_back(d.key);
  return names;
}

std::vector<Declaration>
ReplSession::reachableDeclarations(const std::vector<Declaration> &decls,
                                   llvm::StringSet<> names) {
  std::vector<bool> kept(decls.size());
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < decls.size(); ++i) {
      const Declaration &d = decls[i];
      if (kept[i])
        continue;
      bool needed = d.provides.empty() ||
                    llvm::StringRef(d.text).ltrim().starts_with("@");
      for (const std::string &n : d.provides)
        needed = needed || names.contains(n);
      if (!needed)
        continue;
      kept[i] = changed = true;
      for (const auto &m : d.mentions)
        names.insert(m.getKey());
    }
  }
  std::vector<Declaration> out;
  for (size_t i = 0; i < decls.size(); ++i)
    if (kept[i])
      out.push_back(decls[i]);
  return out;
}

/// Tensor leaves of a value of type `t` (irgen flattens tuples and structs).
static unsigned countLeaves(const sema::Type *t) {
  if (t->isTensor())
    return 1;
  unsigned n = 0;
  if (t->isTuple())
    for (const sema::Type *e : t->getElements())
      n += countLeaves(e);
  if (t->isStruct())
    for (const sema::Type *f : t->getStruct()->fieldTypes)
      n += countLeaves(f);
  return n;
}

ProgramText ReplSession::buildProgram(const std::vector<Declaration> &decls,
                                      const Wrapper *w, bool withResults,
                                      llvm::StringRef extraGlue) const {
  ProgramText p;
  for (const Declaration &d : decls) {
    p.addUserText(d.text, d.displayBuffer, d.displayOffset);
    p.addGlue("\n");
  }
  p.addGlue(extraGlue);
  if (!w)
    return p;
  p.addGlue("fn " + std::string(kWrapperName) + "(");
  std::string prologue;
  for (const std::string &name : w->params) {
    const Binding &b = bindings.find(name)->second;
    // Parameters are immutable; a `var` is rebound mutable in the body.
    if (b.isVar) {
      p.addGlue("__repl_var_" + name + ": " + b.typeText + ", ");
      prologue +=
          "var " + name + ": " + b.typeText + " = __repl_var_" + name + ";\n";
    } else {
      p.addGlue(name + ": " + b.typeText + ", ");
    }
  }
  p.addGlue(")");
  if (withResults && !w->outputs.empty()) {
    p.addGlue(" -> (");
    for (const Wrapper::Output &o : w->outputs)
      p.addGlue(o.typeText + (w->outputs.size() == 1 ? "" : ", "));
    p.addGlue(")");
  }
  p.addGlue(" {\n" + prologue);
  size_t split = w->valueStart.value_or(w->text.size());
  p.addUserText(w->text.substr(0, split), w->displayBuffer, 0);
  if (w->impliedSemicolon)
    p.addGlue("\n;");
  if (w->valueStart) {
    p.addGlue("\nlet " + std::string(kValueName) + " = ");
    p.addUserText(w->text.substr(split), w->displayBuffer, split);
    p.addGlue("\n;");
  }
  p.addGlue("\n");
  if (withResults && !w->outputs.empty()) {
    p.addGlue("return (");
    for (const Wrapper::Output &o : w->outputs)
      p.addGlue(o.name + (w->outputs.size() == 1 ? "" : ", "));
    p.addGlue(");\n");
  }
  p.addGlue("}\n");
  return p;
}

std::unique_ptr<CompiledProgram>
ReplSession::compile(const ProgramText &text, bool parseOnly,
                     bool forwardWarnings, DiagnosticConsumer *sink) {
  auto cp = std::make_unique<CompiledProgram>();
  cp->buffer = sources.addBuffer(
      "<repl:" + std::to_string(inputCount) + " program>", text.str());
  cp->segments = text.getSegments();
  DiagnosticEngine diags(sources);
  diags.setConsumer(std::make_unique<RemappingConsumer>(
      sources, cp->buffer, cp->segments, sink ? *sink : printer,
      forwardWarnings));
  diags.setErrorLimit(opts::ErrorLimit);
  diags.setWarningsAsErrors(opts::WarningsAsErrors);
  {
    CompilerStage stage("parsing");
    cp->module =
        parser::parseBuffer(sources, cp->buffer, diags, cp->astContext);
  }
  if (diags.hasErrors() || !cp->module)
    return nullptr;
  if (parseOnly)
    return cp;
  {
    CompilerStage stage("semantic analysis");
    cp->program = runSema(sources, diags, *cp->module, cp->astContext);
  }
  if (diags.hasErrors() || !cp->program)
    return nullptr;
  return cp;
}

const sema::FuncInstance *
ReplSession::findInstance(const CompiledProgram &cp,
                          llvm::StringRef name) const {
  if (cp.wrapper && name == kWrapperName)
    return cp.wrapper;
  for (const auto &inst : cp.getProgram().functions)
    if (inst->decl && inst->decl->getName().name == name &&
        inst->decl->getBody() &&
        sources.findBuffer(inst->decl->getName().getRange().Start) == cp.buffer)
      return inst.get();
  return nullptr;
}

static bool isStatementKeyword(llvm::StringRef w) {
  return llvm::is_contained(
      {"let", "var", "for", "while", "print", "return", "break", "continue"},
      w);
}

bool ReplSession::chooseMode(Wrapper &w) {
  // Candidates in order; the first that parses wins. Input ending in `;`
  // is statements. Input ending in `}` is statements (a loop, an if) or
  // else "statements; expression". Other input is "statements; expression"
  // split at each statement boundary, the last first, or else statements
  // missing their final `;` (`let y = 2`).
  struct Candidate {
    std::optional<size_t> valueStart;
    bool impliedSemicolon = false;
  };
  std::vector<Candidate> candidates;
  bool semi = endsWithSemicolon(w.text);
  bool brace = w.text.rtrim().ends_with("}");
  if (semi || brace)
    candidates.push_back({});
  if (!semi) {
    for (size_t b : statementBoundaries(w.text))
      if (!llvm::StringRef(w.text.substr(b)).trim().empty())
        candidates.push_back({b});
    if (!brace)
      candidates.push_back({std::nullopt, true});
  }
  for (const Candidate &c : candidates) {
    w.valueStart = c.valueStart;
    w.impliedSemicolon = c.impliedSemicolon;
    // Parsing needs no declarations (they parsed when they were typed).
    CollectingConsumer quiet;
    if (compile(buildProgram({}, &w, false), /*parseOnly=*/true, false, &quiet))
      return true;
  }
  // None parses: report the errors of the most plausible reading.
  const Candidate *shown = &candidates.front();
  bool statements = isStatementKeyword(firstWord(w.text)) || semi;
  for (const Candidate &c : candidates)
    if (c.valueStart.has_value() != statements) {
      shown = &c;
      break;
    }
  w.valueStart = shown->valueStart;
  w.impliedSemicolon = shown->impliedSemicolon;
  compile(buildProgram({}, &w, false), true, true);
  return false;
}

/// The names a top-level `let`/`var` pattern binds, in order.
static void collectPatternVars(const ast::Pattern *p,
                               std::vector<const ast::VarDecl *> &out) {
  if (auto *n = llvm::dyn_cast<ast::NamePattern>(p))
    out.push_back(n->getVar());
  else if (auto *t = llvm::dyn_cast<ast::TuplePattern>(p))
    for (const ast::Pattern *e : t->getElements())
      collectPatternVars(e, out);
}

bool ReplSession::inferOutputs(Wrapper &w) {
  // Only the declarations the input reaches are analyzed again; the rest
  // were checked when they were typed.
  llvm::StringSet<> seeds = identifiersIn(w.text);
  for (const std::string &p : w.params)
    for (const auto &id : identifiersIn(bindings.find(p)->second.typeText))
      seeds.insert(id.getKey());
  w.declarations = reachableDeclarations(declarations, seeds);
  // The wrapper alone against the declarations analyzed once; failing
  // that (an error), compiled with the declarations it reaches.
  std::unique_ptr<CompiledProgram> cp =
      compileAgainstDeclarations(w, /*withResults=*/false,
                                 /*forwardWarnings=*/true);
  auto released = llvm::make_scope_exit([&] {
    if (cp)
      release(*cp);
  });
  CollectingConsumer diags;
  if (!cp)
    cp = compile(buildProgram(w.declarations, &w, false), false, true, &diags);
  if (!cp && w.declarations.size() != declarations.size()) {
    // Errors are reported as with every declaration present (a "did you
    // mean" may name one the input does not reach).
    w.declarations = declarations;
    cp = compile(buildProgram(w.declarations, &w, false), false, true);
  } else {
    for (const Diagnostic &d : diags.collected)
      printer.handle(d);
  }
  if (!cp)
    return false;
  const sema::FuncInstance *inst = findInstance(*cp, kWrapperName);
  if (!inst) {
    reportInternalError("repl", "the wrapper function was not analyzed");
    return false;
  }
  unsigned prologue = 0;
  for (const std::string &p : w.params)
    prologue += bindings.find(p)->second.isVar;
  llvm::ArrayRef<ast::Stmt *> stmts = inst->decl->getBody()->getStmts();
  std::vector<const ast::VarDecl *> vars;
  for (const ast::Stmt *s :
       stmts.drop_front(std::min<size_t>(prologue, stmts.size())))
    if (auto *let = llvm::dyn_cast<ast::LetStmt>(s))
      collectPatternVars(let->getPattern(), vars);
  // Later declarations of a name win; a `var` passed in is an output too
  // (the input may have assigned it).
  NameMap<Wrapper::Output> outputs;
  for (const std::string &p : w.params) {
    const Binding &b = bindings.find(p)->second;
    if (b.isVar)
      outputs[p] = {p, b.typeText, true, unsigned(b.leaves.size())};
  }
  const sema::Type *valueType = nullptr;
  for (const ast::VarDecl *v : vars) {
    const sema::Type *t = inst->varTypes.lookup(v);
    if (!t)
      continue;
    std::string name = v->getName().name.str();
    if (name == kValueName) {
      valueType = t;
      continue;
    }
    outputs.erase(name);
    outputs[name] = {name, t->str(), v->isMutable(), countLeaves(t)};
  }
  w.outputs.clear();
  for (auto &o : outputs)
    w.outputs.push_back(o.second);
  if (valueType)
    w.outputs.push_back({std::string(kValueName), valueType->str(), false,
                         countLeaves(valueType)});
  return true;
}

std::vector<ir::RuntimeValue>
ReplSession::argumentsFor(const Wrapper &w) const {
  std::vector<ir::RuntimeValue> args;
  for (const std::string &p : w.params) {
    const Binding &b = bindings.find(p)->second;
    args.insert(args.end(), b.leaves.begin(), b.leaves.end());
  }
  return args;
}

bool ReplSession::reportRunTimeError(llvm::Error err,
                                     const CompiledProgram &cp) {
  out.flush();
  // The terminal echoed "^C" where the cursor was: the message goes below.
  if (InterruptScope::requested() &&
      llvm::sys::Process::StandardErrIsDisplayed())
    llvm::errs() << '\n';
  DiagnosticEngine diags(sources);
  diags.setConsumer(std::make_unique<RemappingConsumer>(
      sources, cp.synthesizedBuffers(), printer, true));
  std::string unlocated;
  llvm::handleAllErrors(
      std::move(err),
      [&](const cpu::CodegenError &e) {
        if (!e.opName.empty() && e.loc.pos.isValid())
          diags.report(diag::CpuUnsupportedOp, e.loc.pos, e.opName);
        else
          unlocated = e.message;
      },
      [&](const ir::RuntimeError &e) {
        if (e.loc.pos.isValid() && sources.findBuffer(e.loc.pos))
          diags.report(diag::RunTimeFailure, e.loc.pos, e.message);
        else
          unlocated = e.message;
      },
      [&](const llvm::ErrorInfoBase &e) { unlocated = e.message(); });
  if (!unlocated.empty())
    diags.report(diag::RunTimeFailure, SourceLoc(), unlocated);
  return false;
}

void ReplSession::commitOutputs(const Wrapper &w,
                                std::vector<ir::RuntimeValue> &leaves,
                                bool printValue) {
  size_t next = 0;
  for (const Wrapper::Output &o : w.outputs) {
    std::vector<ir::RuntimeValue> mine(leaves.begin() + next,
                                       leaves.begin() + next + o.leafCount);
    next += o.leafCount;
    if (o.name == kValueName) {
      if (printValue)
        for (const ir::RuntimeValue &v : mine)
          out << v.format(printPrecision) << '\n';
      continue;
    }
    Binding &b = bindings[o.name];
    b.typeText = o.typeText;
    b.isVar = o.isVar;
    b.leaves = std::move(mine);
  }
}

bool ReplSession::prepareWrapper(unsigned displayBuffer, Wrapper &w) {
  w.displayBuffer = displayBuffer;
  w.text = sources.getBufferText(displayBuffer);
  llvm::StringSet<> mentioned = identifiersIn(w.text);
  for (const auto &b : bindings)
    if (mentioned.contains(b.first))
      w.params.push_back(b.first);
  return chooseMode(w) && inferOutputs(w);
}

std::unique_ptr<ReplSession::Executable> ReplSession::prepare(Lowered &low) {
  auto exe = std::make_unique<Executable>();
  exe->low = &low;
  if (backend == Backend::Interp)
    return exe;
  if (!jit) {
    auto session = jitStarting.valid() ? jitStarting.get()
                                       : cpu::JitSession::create(jitOptions());
    if (!session) {
      out.flush();
      llvm::WithColor::error(llvm::errs(), "tdlc")
          << "cannot start the JIT: " << llvm::toString(session.takeError())
          << "; ':backend interp' runs inputs on the interpreter\n";
      return nullptr;
    }
    jit = std::move(*session);
  }
  if (opts::optLevel() >= 2)
    ir::fuseModule(*low.ir.module); // one loop nest per group, as `run`
  auto fn = jit->compile(*low.ir.module, low.functionName);
  if (!fn) {
    reportRunTimeError(fn.takeError(), *low.compiled);
    return nullptr;
  }
  exe->jit = std::move(*fn);
  return exe;
}

/// One pointer per tensor leaf of `v`, depth-first.
static void addLeafPointers(const ir::RuntimeValue &v,
                            std::vector<void *> &pointers) {
  if (v.isTuple()) {
    for (const ir::RuntimeValue &e : v.getElements())
      addLeafPointers(e, pointers);
    return;
  }
  pointers.push_back(const_cast<uint8_t *>(v.rawData()));
}

llvm::Expected<std::vector<ir::RuntimeValue>>
ReplSession::execute(const Executable &exe,
                     llvm::ArrayRef<ir::RuntimeValue> args,
                     llvm::raw_ostream &printOut) const {
  if (!exe.jit) {
    ir::InterpreterOptions options;
    options.printPrecision = printPrecision;
    options.interrupted = InterruptScope::requested;
    return ir::interpret(*exe.low->ir.module, exe.low->functionName, args,
                         printOut, options);
  }
  // The JIT'd wrapper reads the bindings where they are and writes its
  // results straight into the values that become the new bindings.
  std::vector<void *> pointers;
  for (const ir::RuntimeValue &a : args)
    addLeafPointers(a, pointers);
  std::vector<ir::RuntimeValue> results;
  for (const ir::Type &t : exe.jit->getResultLeaves()) {
    results.push_back(ir::RuntimeValue::zeros(t));
    pointers.push_back(results.back().mutableRawData());
  }
  cpu::JitPrintOptions print;
  print.precision = printPrecision;
  if (llvm::Error e = exe.jit->call(pointers, printOut, print))
    return e;
  return results;
}

/// Ctrl-C during compilation: the input does not run.
static llvm::Error interruptedError() {
  return llvm::make_error<ir::RuntimeError>(ir::Location(), "interrupted");
}

bool ReplSession::evaluate(llvm::StringRef input) {
  InterruptScope interrupts;
  unsigned display = addDisplayBuffer(input);
  if (isDeclarationInput(input))
    return addDeclarations(display);
  Wrapper w;
  if (!prepareWrapper(display, w))
    return false;
  std::unique_ptr<Lowered> low = lower(w);
  if (!low)
    return false;
  std::unique_ptr<Executable> exe = prepare(*low);
  if (!exe)
    return false;
  if (InterruptScope::requested())
    return reportRunTimeError(interruptedError(), *low->compiled);
  auto results = execute(*exe, argumentsFor(w), out);
  if (!results)
    return reportRunTimeError(results.takeError(), *low->compiled);
  commitOutputs(w, *results, /*printValue=*/true);
  return true;
}

} // namespace tdl::repl

//===- CompileVerb.cpp - `tdlc FILE.tdl [-o OUT] [--emit=KIND]`
//------------===//
#include "tools/tdlc/AccelBackend.h"
#include "tools/tdlc/CpuBackend.h"
#include "tools/tdlc/Verbs.h"
#include "tools/tdlc/driver/CrashHandler.h"
#include "tools/tdlc/driver/DriverOptions.h"
#include "tools/tdlc/driver/Frontend.h"
#include "tools/tdlc/driver/Session.h"

#include "backends/accel/offload/AsmEmitter.h"
#include "lang/ASTDumper.h"
#include "parser/Parse.h"
#include "sema/Sema.h"
#include "ssa_ir/DotWriter.h"
#include "ssa_ir/Printer.h"

#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

namespace tdl {

namespace {
enum class EmitKind {
  Tokens,
  Ast,
  TypedAst,
  Ir,
  IrOpt,
  Llvm,
  Asm,
  Obj,
  Header,
  Dot,
  AccelAsm,
};
} // namespace

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input .tdl>"),
                                      cl::cat(opts::Category));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("file"),
                                       cl::cat(opts::Category));
static cl::opt<bool> emitObjFlag("c",
                                 cl::desc("Emit an object file (--emit=obj)"),
                                 cl::cat(opts::Category));
static cl::opt<bool> emitAsmFlag("S", cl::desc("Emit assembly (--emit=asm)"),
                                 cl::cat(opts::Category));
static cl::opt<bool> syntaxOnly("fsyntax-only",
                                cl::desc("Check the input, emit nothing"),
                                cl::cat(opts::Category));
static cl::opt<EmitKind> emitKind(
    "emit", cl::desc("What to emit"),
    cl::values(
        clEnumValN(EmitKind::Tokens, "tokens", "the lexer's tokens"),
        clEnumValN(EmitKind::Ast, "ast", "the syntax tree"),
        clEnumValN(EmitKind::TypedAst, "typed-ast",
                   "the syntax tree with types"),
        clEnumValN(EmitKind::Ir, "ir", "SSA IR before optimization"),
        clEnumValN(EmitKind::IrOpt, "ir-opt", "SSA IR after optimization"),
        clEnumValN(EmitKind::Llvm, "llvm", "LLVM IR"),
        clEnumValN(EmitKind::Asm, "asm", "host assembly"),
        clEnumValN(EmitKind::Obj, "obj", "host object file"),
        clEnumValN(EmitKind::Header, "header", "the C/C++ header"),
        clEnumValN(EmitKind::Dot, "dot", "Graphviz view of the IR"),
        clEnumValN(EmitKind::AccelAsm, "accel-asm", "accelerator programs")),
    cl::cat(opts::Category));

static std::optional<EmitKind> chosenEmitKind() {
  if (emitKind.getNumOccurrences())
    return emitKind.getValue();
  if (emitObjFlag)
    return EmitKind::Obj;
  if (emitAsmFlag)
    return EmitKind::Asm;
  if (syntaxOnly)
    return std::nullopt;
  return EmitKind::Obj;
}

static cl::opt<bool>
    astShowRanges("ast-ranges",
                  cl::desc("With --emit=ast: print each node's source range"),
                  cl::cat(opts::Category));

/// Textual output goes to `-o FILE` or stdout; nothing is written when the
/// compilation had errors (no partial output, CLI.md).
static int emitText(Session &session,
                    const std::function<void(llvm::raw_ostream &)> &write) {
  std::string text;
  llvm::raw_string_ostream os(text);
  write(os);
  int status = session.finish();
  if (session.diags.hasErrors())
    return status;
  llvm::StringRef out =
      outputFile.empty() ? llvm::StringRef("-") : llvm::StringRef(outputFile);
  if (!writeOutputFile(out, [&](llvm::raw_ostream &o) { o << text; }))
    return ExitUsageOrIOError;
  return status;
}

static cl::opt<std::string> accelOption(
    "accel", cl::ValueOptional,
    cl::desc("Offload what the accelerator supports: objects call the "
             "accelerator host runtime (link tdl_accel_host); optionally a "
             "hardware config"),
    cl::value_desc("config.json"), cl::cat(opts::Category));

static bool accelRequested() { return accelOption.getNumOccurrences() > 0; }

static cl::opt<bool> debugLocations(
    "g", cl::desc("With --emit=ir/ir-opt: print each op's source location"),
    cl::cat(opts::Category));

/// --emit=ir / ir-opt / dot: IR generation (verified), for ir-opt the -O
/// pipeline, then the IR text or its Graphviz graph.
static int emitIR(Session &session, const sema::Program &program,
                  EmitKind kind) {
  irgen::GeneratedModule gen;
  if (int status = generateVerifiedIR(program, gen); status != ExitOk)
    return status;
  if (kind == EmitKind::IrOpt) {
    int status =
        runOptimizationPipeline(session, *gen.module, opts::optLevel());
    if (status == ExitInternalError)
      return status;
    if (accelRequested() && status == ExitOk) {
      std::optional<accel::Config> config =
          readAcceleratorConfig(accelOption, status);
      if (!config)
        return status;
      if (!partitionForAccelerator(session, *gen.module, *config))
        return ExitInternalError;
    }
  }
  return emitText(session, [&](llvm::raw_ostream &os) {
    if (kind == EmitKind::Dot)
      ir::writeDot(*gen.module, os);
    else {
      ir::PrintOptions options;
      if (debugLocations)
        options.resolveLocations = &session.sources;
      ir::printModule(*gen.module, os, options);
    }
  });
}

/// --emit=accel-asm: the -O pipeline, partitioning (with --accel's config
/// or the default one), then one .tasm program per offloaded region.
static int emitAcceleratorPrograms(Session &session, ir::Module &module) {
  int status = runOptimizationPipeline(session, module, opts::optLevel());
  if (status != ExitOk)
    return status == ExitCompileError ? session.finish() : status;
  std::optional<accel::Config> config =
      readAcceleratorConfig(accelOption, status);
  if (!config)
    return status;
  std::optional<accel::Partition> partition =
      partitionForAccelerator(session, module, *config);
  if (!partition)
    return ExitInternalError;
  return emitText(session, [&](llvm::raw_ostream &os) {
    accel::printAcceleratorPrograms(os, *partition, [&](const ir::Location &l) {
      return describeLocation(session, l);
    });
  });
}

/// Runs the front end on `path` and emits `kind` (nullopt: check only).
static int compile(llvm::StringRef path, std::optional<EmitKind> kind) {
  Session session;
  std::optional<unsigned> buffer = session.openInput(path);
  if (!buffer)
    return ExitUsageOrIOError;
  if (!kind && !outputFile.empty())
    session.diags.report(diag::ArgumentUnused, SourceLoc(), "-o " + outputFile,
                         "-fsyntax-only / check");
  if (kind == EmitKind::Tokens)
    return emitText(session, [&](llvm::raw_ostream &os) {
      parser::dumpTokens(session.sources, *buffer, session.diags, os);
    });

  ast::ASTContext astContext;
  ast::Module *module =
      parser::parseBuffer(session.sources, *buffer, session.diags, astContext);
  if (kind == EmitKind::Ast)
    return emitText(session, [&](llvm::raw_ostream &os) {
      ast::DumpOptions options;
      options.showRanges = astShowRanges;
      options.sources = &session.sources;
      ast::dumpAST(module, os, options);
    });
  if (session.diags.hasErrors())
    return session.finish();
  std::unique_ptr<sema::Program> program =
      runSema(session, *module, astContext);
  if (kind == EmitKind::TypedAst)
    return emitText(session, [&](llvm::raw_ostream &os) {
      sema::printTypedProgram(*program, session.sources, os);
    });
  if (!kind || session.diags.hasErrors())
    return session.finish();
  if (kind == EmitKind::Ir || kind == EmitKind::IrOpt || kind == EmitKind::Dot)
    return emitIR(session, *program, *kind);
  irgen::GeneratedModule gen;
  if (int status = generateVerifiedIR(*program, gen); status != ExitOk)
    return status;
  if (kind == EmitKind::AccelAsm)
    return emitAcceleratorPrograms(session, *gen.module);
  std::optional<accel::Config> accelConfig;
  if (accelRequested()) {
    int status = ExitOk;
    accelConfig = readAcceleratorConfig(accelOption, status);
    if (!accelConfig)
      return status;
  }
  CpuOutput out = *kind == EmitKind::Llvm  ? CpuOutput::Llvm
                  : *kind == EmitKind::Asm ? CpuOutput::Asm
                  : *kind == EmitKind::Obj ? CpuOutput::Obj
                                           : CpuOutput::Header;
  return emitCpuOutput(session, *gen.module, out, path, outputFile,
                       accelConfig ? &*accelConfig : nullptr);
}

int runCompileVerb() {
  if (inputFile.empty()) {
    reportUsageError("no input file (see tdlc --help)");
    return ExitUsageOrIOError;
  }
  return compile(inputFile, chosenEmitKind());
}

cl::SubCommand CheckCommand("check", "Check a file and print diagnostics only");
static cl::opt<std::string> checkInput(cl::Positional, cl::desc("<input .tdl>"),
                                       cl::Required, cl::sub(CheckCommand));

int runCheckVerb() { return compile(checkInput, std::nullopt); }

} // namespace tdl

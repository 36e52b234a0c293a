//===- ReplSession.h - the state of a `tdlc repl` session ---------*- C++
//-*-===//
//
// The REPL keeps two things between inputs (docs/repl.md):
//   * the live top-level declarations, as the TDL text the user typed (one
//     entry per fn / struct / const / import, keyed by name, so typing a
//     function again replaces it), and
//   * the live bindings: each `let`/`var` name with its type (as TDL type
//     text) and its current value (interpreter values, one per tensor leaf).
// Every input is compiled by the normal pipeline as one synthesized program:
// the declarations followed by a wrapper function
//     fn __repl_main(<the bindings the input mentions>) -> (<outputs>) {
//       <the input>  ...  return (<new and updated bindings>, <value>);
//     }
// which the cpu backend's JIT (one session-long cpu::JitSession) or the
// interpreter runs; its results become the new binding values, kept in
// memory the JIT'd code reads directly. An input that fails (or is
// interrupted with Ctrl-C) leaves declarations and bindings exactly as they
// were.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_REPL_REPLSESSION_H
#define TDL_TOOLS_REPL_REPLSESSION_H

#include "tools/tdlc/repl/SourceMap.h"

#include "lang/ASTContext.h"
#include "sema/Program.h"
#include "ssa_ir/interp/RuntimeValue.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tdl::cpu {
class JitSession;
} // namespace tdl::cpu

namespace tdl::repl {

/// A `let` / `var` name that outlives the input that made it.
struct Binding {
  std::string typeText; // `f32[3]`, `(f32, i64)`, `Dense<4, 3>`
  bool isVar = false;
  std::vector<ir::RuntimeValue> leaves; // tensor leaves, depth-first
};

/// Insertion-ordered maps keyed by name (DenseMap cannot key std::string).
template <typename T>
using NameMap =
    llvm::MapVector<std::string, T, std::map<std::string, unsigned>>;

/// One top-level declaration as typed.
struct Declaration {
  std::string key;  // the declared name; imports as `import NAME`
  std::string text; // exactly as typed (the source map relies on it)
  unsigned displayBuffer = 0;
  size_t displayOffset = 0;
  bool isStruct = false;
  bool isFunction = false;
  /// The identifiers the text mentions (what it may depend on).
  llvm::StringSet<> mentions;
  /// The names it makes visible: its own, or an import's module name and
  /// its module's top-level names (empty: unknown, always compiled).
  std::vector<std::string> provides;
};

/// One parsed and analyzed synthesized program: every declaration it needs
/// and the wrapper, or (checked against the analyzed declarations) the
/// wrapper alone.
struct CompiledProgram {
  ast::ASTContext astContext;
  const ast::Module *module = nullptr;
  std::unique_ptr<sema::Program> program;
  unsigned buffer = 0;
  std::vector<Segment> segments;
  /// Checked against the analyzed declarations: their program (holding the
  /// wrapper's instance until the session releases it) and their buffer.
  const sema::Program *shared = nullptr;
  const sema::FuncInstance *wrapper = nullptr;
  std::vector<SynthesizedBuffer> declarations;
  const sema::Program &getProgram() const {
    return shared ? *shared : *program;
  }
  /// Every synthesized buffer a diagnostic or run-time error may point to.
  std::vector<SynthesizedBuffer> synthesizedBuffers() const {
    std::vector<SynthesizedBuffer> out{{buffer, segments}};
    out.insert(out.end(), declarations.begin(), declarations.end());
    return out;
  }
};

/// Where inputs run (`:backend`).
enum class Backend { Cpu, Interp };

class ReplSession {
public:
  ReplSession(SourceManager &sources, DiagnosticConsumer &printer,
              llvm::raw_ostream &out);
  ~ReplSession();

  /// A complete input that is not a `:` command. Returns false after
  /// reporting an error (the state is unchanged).
  bool evaluate(llvm::StringRef text);
  /// `:load FILE`: the declarations of a file.
  bool loadFile(llvm::StringRef path);
  /// `:type EXPR`.
  bool printType(llvm::StringRef expr);
  /// `:ir EXPR|NAME`: the optimized IR.
  bool printIR(llvm::StringRef exprOrName);
  /// `:ast EXPR`.
  bool printAST(llvm::StringRef expr);
  /// `:time EXPR`.
  bool timeExpression(llvm::StringRef expr);
  /// `:reset`.
  void reset();

  /// Names for tab completion: bindings and declared functions/structs.
  std::vector<std::string> completionNames() const;
  int printPrecision = 8;
  Backend backend = Backend::Cpu;

private:
  /// The parts of one input compiled as the wrapper's body.
  struct Wrapper {
    unsigned displayBuffer = 0;
    llvm::StringRef text;             // the input
    std::optional<size_t> valueStart; // expression mode: where it starts
    bool impliedSemicolon = false;    // `let y = 2` typed without `;`
    std::vector<std::string> params;  // bindings passed in
    struct Output {
      std::string name, typeText;
      bool isVar = false;
      unsigned leafCount = 0;
    };
    std::vector<Output> outputs; // filled by inferOutputs
    /// The live declarations the input can reach (inferOutputs).
    std::vector<Declaration> declarations;
  };

  unsigned addDisplayBuffer(llvm::StringRef text);
  /// The declarations of `decls` that text mentioning `seeds` can reach,
  /// in order (docs/repl.md "Declarations are analyzed once"): one whose
  /// name is mentioned by the input or by a reached declaration, an import
  /// whose module or top-level names are, every `@derivative` rule.
  static std::vector<Declaration>
  reachableDeclarations(const std::vector<Declaration> &decls,
                        llvm::StringSet<> seeds);
  ProgramText buildProgram(const std::vector<Declaration> &decls,
                           const Wrapper *wrapper, bool withResults,
                           llvm::StringRef extraGlue = {}) const;
  /// Parses (and unless parseOnly, analyzes) a program. Diagnostics go to
  /// `sink` after remapping; null means the REPL's printer.
  std::unique_ptr<CompiledProgram> compile(const ProgramText &text,
                                           bool parseOnly, bool forwardWarnings,
                                           DiagnosticConsumer *sink = nullptr);
  /// Every live declaration, parsed and analyzed once (docs/repl.md
  /// "Declarations are analyzed once"): built by the first input after the
  /// declarations changed, then shared by every input.
  struct AnalyzedDeclarations;
  /// The analyzed declarations (built now if needed), or null when they do
  /// not analyze as one program (then inputs compile them as before).
  AnalyzedDeclarations *analyzedDeclarations();
  /// The declarations changed: the next input analyzes them again.
  void invalidateAnalysis();
  /// New declarations (no name of them existed): checked against the
  /// analyzed declarations and kept there, so nothing else is analyzed
  /// again. False if that failed (then call invalidateAnalysis).
  bool extendAnalysis(const std::vector<Declaration> &added);
  /// The wrapper of `w` alone, checked against the analyzed declarations.
  /// Null, having reported nothing, if that failed for any reason: the
  /// caller then compiles the declarations with it (which reports errors
  /// exactly as for a whole program).
  std::unique_ptr<CompiledProgram>
  compileAgainstDeclarations(const Wrapper &w, bool withResults,
                             bool forwardWarnings);
  /// Ends the use of `cp`'s instances in the analyzed declarations (before
  /// its syntax tree goes away).
  void release(CompiledProgram &cp);
  /// The wrapper for the input in `displayBuffer`: its text and the live
  /// bindings it mentions as parameters, mode chosen and outputs inferred.
  /// False after diagnostics.
  bool prepareWrapper(unsigned displayBuffer, Wrapper &w);
  /// Picks statement or expression mode for the input (parse trials).
  bool chooseMode(Wrapper &w);
  /// Phase 1: sema of the wrapper without results gives the output types.
  bool inferOutputs(Wrapper &w);
  /// Phase 2: the wrapper with results, lowered and optimized. Returns the
  /// program and the IR module's function name of the wrapper.
  struct Lowered;
  std::unique_ptr<Lowered> lower(const Wrapper &w);
  /// A lowered input ready to run on the current backend (compiled by the
  /// JIT), or null after reporting why not.
  struct Executable;
  std::unique_ptr<Executable> prepare(Lowered &low);
  /// Runs it once; results are one value per tensor leaf.
  llvm::Expected<std::vector<ir::RuntimeValue>>
  execute(const Executable &exe, llvm::ArrayRef<ir::RuntimeValue> args,
          llvm::raw_ostream &printOut) const;
  std::vector<ir::RuntimeValue> argumentsFor(const Wrapper &w) const;
  bool reportRunTimeError(llvm::Error err, const CompiledProgram &cp);
  bool addDeclarations(unsigned displayBuffer);
  void commitOutputs(const Wrapper &w, std::vector<ir::RuntimeValue> &leaves,
                     bool printValue);
  const sema::FuncInstance *findInstance(const CompiledProgram &cp,
                                         llvm::StringRef name) const;

  SourceManager &sources;
  DiagnosticConsumer &printer;
  llvm::raw_ostream &out;
  unsigned inputCount = 0;
  std::vector<Declaration> declarations;
  std::unique_ptr<AnalyzedDeclarations> analyzed;
  /// The declarations did not analyze as one program: no cache until they
  /// change.
  bool analysisFailed = false;
  NameMap<Binding> bindings;
  /// The JIT: started in the background when the session starts (reading
  /// and preparing the kernel runtime takes ~0.1 s), taken by the first
  /// input that runs on it.
  std::future<llvm::Expected<std::unique_ptr<cpu::JitSession>>> jitStarting;
  std::unique_ptr<cpu::JitSession> jit;
};

} // namespace tdl::repl

#endif

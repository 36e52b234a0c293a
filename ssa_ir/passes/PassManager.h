//===- PassManager.h - running IR passes --------------------------*- C++
//-*-===//
//
// A pass transforms a Module in place. Passes are registered in Passes.def;
// the PassManager runs a list of them with the instrumentation the CLI
// exposes: --verify-each, --print-ir-after-all, --print-ir-after=NAME,
// --time-passes. buildPipeline(optLevel) is the -O pipeline, in one place.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_PASSES_PASSMANAGER_H
#define TDL_SSA_IR_PASSES_PASSMANAGER_H

#include "basic/Diagnostic.h"
#include "ssa_ir/IR.h"

#include <memory>
#include <string>
#include <vector>

namespace tdl::ir {

class Pass {
public:
  virtual ~Pass();
  virtual llvm::StringRef getName() const = 0;
  /// Returns false after reporting a diagnostic if the pass failed.
  virtual bool run(Module &m, DiagnosticEngine &diags) = 0;
};

struct PassInfo {
  const char *name;
  const char *description;
  std::unique_ptr<Pass> (*create)();
};
llvm::ArrayRef<PassInfo> getRegisteredPasses();
const PassInfo *lookupPass(llvm::StringRef name);
/// Adds a pass defined in a library that depends on ssa_ir (autodiff); the
/// tools call this before parsing their options.
void registerPass(PassInfo info);
/// `--print-passes`: one line per pass, `name  description`.
void printRegisteredPasses(llvm::raw_ostream &os);

#define PASS(ID, NAME, DESCRIPTION) std::unique_ptr<Pass> create##ID##Pass();
#include "ssa_ir/passes/Passes.def"

/// Forms the `fused` groups (the `fuse` pass) in every function; for
/// backends that run it after the -O pipeline (backends/cpu).
void fuseModule(Module &m);

struct PassInstrumentation {
  bool verifyEach = false;
  bool printAfterAll = false;
  std::vector<std::string> printAfter; // pass names
  bool timePasses = false;
  llvm::raw_ostream *irOut = nullptr;     // where IR dumps go (default errs)
  llvm::raw_ostream *timingOut = nullptr; // default errs
};

class PassManager {
public:
  explicit PassManager(PassInstrumentation instr = {})
      : instr(std::move(instr)) {}
  void add(std::unique_ptr<Pass> p) { passes.push_back(std::move(p)); }
  /// Adds a registered pass by CLI name; false if unknown.
  bool add(llvm::StringRef name);
  size_t size() const { return passes.size(); }

  /// Runs the passes in order. Stops and returns false when a pass fails or,
  /// with verifyEach, when the IR after a pass does not verify (the
  /// diagnostics name the pass).
  bool run(Module &m, DiagnosticEngine &diags);

private:
  PassInstrumentation instr;
  std::vector<std::unique_ptr<Pass>> passes;
};

/// The optimization pipeline for -O0..-O3 (ssa_ir/passes/Pipeline.cpp). With
/// `fastMath`, float rewrites that are not exact for every input (x*0 -> 0,
/// reassociated matmul chains) are allowed (docs/ir.md).
void buildPipeline(PassManager &pm, unsigned optLevel, bool fastMath = false);

} // namespace tdl::ir

#endif

//===- Interpreter.h - the reference interpreter -------------------*- C++
//-*-===//
//
// Executes IR exactly (semantics in docs/ir.md): f32 arithmetic in f32, f64 in
// f64, integer wraparound, Rust-style saturating float->int casts, structured
// control flow, calls, `print` in program order, Philox random numbers. It is
// the oracle for the backends and for autodiff's finite-difference checks.
// Run-time errors (dynamic index out of range, integer division by zero, an
// unfilled derived function) come back as a RuntimeError with the op's
// location; the interpreter never crashes on valid (verified) IR.
//
//   std::string out;  llvm::raw_string_ostream os(out);
//   auto results = interpret(module, "main", {}, os);
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_INTERP_INTERPRETER_H
#define TDL_SSA_IR_INTERP_INTERPRETER_H

#include "ssa_ir/IR.h"
#include "ssa_ir/interp/RuntimeValue.h"

#include "llvm/Support/Error.h"

#include <functional>

namespace tdl {
class SourceManager;
}

namespace tdl::ir {

class RuntimeError : public llvm::ErrorInfo<RuntimeError> {
public:
  static char ID;
  RuntimeError(Location loc, std::string message)
      : loc(std::move(loc)), message(std::move(message)) {}
  void log(llvm::raw_ostream &os) const override { os << message; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }
  Location loc;
  std::string message;
};

llvm::Error makeRuntimeError(const Operation &op, std::string message);

struct InterpreterOptions {
  int printPrecision = 8;
  /// `print` summarizes tensors of more elements (tdlc run --print-full).
  int64_t printThreshold = 1000;
  unsigned maxCallDepth = 512;
  /// When set, counts the executed ops per opcode (index: the Opcode), e.g.
  /// to test that a derivative does not recompute primal work.
  std::vector<int64_t> *opCounts = nullptr;
  /// Executes a call somewhere else than in the interpreter when it chooses
  /// to: returns true after filling `results` (a backend that runs some
  /// functions on other hardware, e.g. the accelerator's offloaded regions),
  /// false to have the interpreter run the callee's body as usual.
  std::function<llvm::Expected<bool>(const Function &callee,
                                     llvm::ArrayRef<RuntimeValue> args,
                                     std::vector<RuntimeValue> &results)>
      externalCall;
  /// Polled on every `for` / `while` iteration, after every op and inside
  /// the long kernels (Kernels.h, stopPoll): once it returns true the run
  /// fails with the run-time error "interrupted" (the REPL's Ctrl-C).
  std::function<bool()> interrupted;
};

/// Runs function `name` of a verified module on `args` (their types must be
/// the parameter types). `print` ops write one line each to `printOut`.
llvm::Expected<std::vector<RuntimeValue>>
interpret(const Module &m, llvm::StringRef name,
          llvm::ArrayRef<RuntimeValue> args, llvm::raw_ostream &printOut,
          const InterpreterOptions &opts = {});

/// `file:line:col: runtime error: message` (location from the op's explicit
/// loc, else its SMLoc resolved through `sources` when given), or
/// `runtime error: message` when there is no location. Consumes `err`;
/// non-RuntimeError errors print their message.
std::string formatRuntimeError(llvm::Error err, const SourceManager *sources);

} // namespace tdl::ir

#endif

//===- Interpreter.cpp - control flow, calls, prints ----------------------===//
//
// A tree-walking interpreter over regions. Each function call gets a frame
// mapping IR values to runtime values; structured ops run their regions with
// the block arguments bound, and a region's `yield` / `return` operands are
// its results. Per-op work is in the kernels (Kernels.h).
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/interp/Interpreter.h"
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/interp/Kernels.h"

#include "basic/SourceManager.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/ScopeExit.h"

#include <fmt/format.h>

#include <new>

namespace tdl::ir {

char RuntimeError::ID = 0;

llvm::Error makeRuntimeError(const Operation &op, std::string message) {
  return llvm::make_error<RuntimeError>(op.getLoc(), std::move(message));
}

namespace {

using Frame = llvm::DenseMap<const Value *, RuntimeValue>;

class Interpreter {
public:
  Interpreter(const Module &m, llvm::raw_ostream &printOut,
              const InterpreterOptions &opts)
      : module(m), printOut(printOut), opts(opts) {}

  llvm::Expected<std::vector<RuntimeValue>>
  call(const Function &f, llvm::ArrayRef<RuntimeValue> args,
       const Operation *site);

private:
  /// Runs `r` with its arguments bound to `args`; returns the operands of
  /// its terminator.
  llvm::Expected<std::vector<RuntimeValue>>
  runRegion(const Region &r, llvm::ArrayRef<RuntimeValue> args, Frame &frame);
  llvm::Error runOp(const Operation &op, Frame &frame);
  llvm::Error bindResults(const Operation &op,
                          llvm::Expected<std::vector<RuntimeValue>> results,
                          Frame &frame);

  const Module &module;
  llvm::raw_ostream &printOut;
  const InterpreterOptions &opts;
  unsigned depth = 0;
};

llvm::Expected<std::vector<RuntimeValue>>
Interpreter::call(const Function &f, llvm::ArrayRef<RuntimeValue> args,
                  const Operation *site) {
  auto fail = [&](std::string msg) -> llvm::Error {
    if (site)
      return makeRuntimeError(*site, std::move(msg));
    return llvm::make_error<RuntimeError>(f.getLoc(), std::move(msg));
  };
  if (f.isDerivedDeclaration())
    return fail(fmt::format(
        "function '@{}' is a derived function ({} of '@{}') whose body has "
        "not been generated; run the autodiff pass first",
        f.getName().str(), derivedKindName(f.getDerivedKind()).str(),
        f.getDerivedBase().str()));
  if (args.size() != f.getArgTypes().size())
    return fail(fmt::format("'@{}' takes {} arguments, got {}",
                            f.getName().str(), f.getArgTypes().size(),
                            args.size()));
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].getType() != f.getArgTypes()[i])
      return fail(fmt::format("argument {} of '@{}' has type {}, expected {}",
                              i, f.getName().str(), args[i].getType().str(),
                              f.getArgTypes()[i].str()));
  if (depth >= opts.maxCallDepth)
    return fail(fmt::format("call depth limit {} exceeded", opts.maxCallDepth));
  if (opts.externalCall) {
    std::vector<RuntimeValue> results;
    llvm::Expected<bool> handled = opts.externalCall(f, args, results);
    if (!handled)
      return site ? makeRuntimeError(*site, llvm::toString(handled.takeError()))
                  : handled.takeError();
    if (*handled)
      return results;
  }
  ++depth;
  Frame frame;
  auto results = runRegion(f.getBody(), args, frame);
  --depth;
  return results;
}

llvm::Expected<std::vector<RuntimeValue>>
Interpreter::runRegion(const Region &r, llvm::ArrayRef<RuntimeValue> args,
                       Frame &frame) {
  for (unsigned i = 0; i < r.getNumArguments(); ++i)
    frame[r.getArgument(i)] = args[i];
  for (const auto &op : r.getOps()) {
    if (op->hasTrait(Terminator)) {
      std::vector<RuntimeValue> out;
      for (Value *v : op->getOperands())
        out.push_back(frame.lookup(v));
      // The region's values die here (a loop body's before the next
      // iteration): tensors and tape cells are freed when unreachable, so
      // memory follows what the program keeps (docs/autodiff.md,
      // "Checkpointing", counts tape bytes this way).
      for (unsigned i = 0; i < r.getNumArguments(); ++i)
        frame.erase(r.getArgument(i));
      for (const auto &o : r.getOps())
        for (unsigned i = 0; i < o->getNumResults(); ++i)
          frame.erase(o->getResult(i));
      return out;
    }
    if (llvm::Error e = runOp(*op, frame))
      return e;
  }
  llvm_unreachable("region without terminator (the verifier rejects it)");
}

llvm::Error
Interpreter::bindResults(const Operation &op,
                         llvm::Expected<std::vector<RuntimeValue>> results,
                         Frame &frame) {
  if (!results)
    return results.takeError();
  for (unsigned i = 0; i < op.getNumResults(); ++i)
    frame[op.getResult(i)] = (*results)[i];
  return llvm::Error::success();
}

llvm::Error Interpreter::runOp(const Operation &op, Frame &frame) {
  if (opts.opCounts) {
    opts.opCounts->resize(size_t(Opcode::NumOpcodes));
    ++(*opts.opCounts)[size_t(op.getOpcode())];
  }
  llvm::SmallVector<RuntimeValue, 4> in;
  for (Value *v : op.getOperands())
    in.push_back(frame.lookup(v));
  switch (op.getOpcode()) {
  case Opcode::Print:
    printOut << in[0].format(opts.printPrecision, opts.printThreshold) << '\n';
    return llvm::Error::success();
  case Opcode::Call: {
    const Function *f = module.lookup(OpAttrs(op).callee());
    return bindResults(op, call(*f, in, &op), frame);
  }
  case Opcode::If: {
    bool cond = in[0].getScalarInt() != 0;
    return bindResults(op, runRegion(op.getRegion(cond ? 0 : 1), {}, frame),
                       frame);
  }
  case Opcode::For: {
    int64_t lb = in[0].getScalarInt(), ub = in[1].getScalarInt();
    std::vector<RuntimeValue> carried(in.begin() + 2, in.end());
    std::vector<RuntimeValue> args(carried.size() + 1);
    for (int64_t i = lb; i < ub; ++i) {
      args[0] = RuntimeValue::scalar<int64_t>(DType::I64, i);
      std::copy(carried.begin(), carried.end(), args.begin() + 1);
      auto next = runRegion(op.getRegion(0), args, frame);
      if (!next)
        return next.takeError();
      carried = std::move(*next);
      if (opts.interrupted && opts.interrupted())
        return makeRuntimeError(op, "interrupted");
    }
    return bindResults(op, std::move(carried), frame);
  }
  case Opcode::Fused:
    return bindResults(op, runRegion(op.getRegion(0), in, frame), frame);
  case Opcode::While: {
    std::vector<RuntimeValue> carried(in.begin(), in.end());
    while (true) {
      auto cond = runRegion(op.getRegion(0), carried, frame);
      if (!cond)
        return cond.takeError();
      if ((*cond)[0].getScalarInt() == 0)
        break;
      auto next = runRegion(op.getRegion(1), carried, frame);
      if (!next)
        return next.takeError();
      carried = std::move(*next);
      if (opts.interrupted && opts.interrupted())
        return makeRuntimeError(op, "interrupted");
    }
    return bindResults(op, std::move(carried), frame);
  }
  default: {
    llvm::Expected<RuntimeValue> r = kernels::evalOp(op, in);
    if (!r)
      return r.takeError();
    // A long kernel stopped early on Ctrl-C (kernels::stopPoll).
    if (kernels::stoppedEarly) {
      kernels::stoppedEarly = false;
      return makeRuntimeError(op, "interrupted");
    }
    frame[op.getResult(0)] = std::move(*r);
    return llvm::Error::success();
  }
  }
}

} // namespace

thread_local const std::function<bool()> *kernels::stopPoll = nullptr;
thread_local bool kernels::stoppedEarly = false;

llvm::Expected<std::vector<RuntimeValue>>
interpret(const Module &m, llvm::StringRef name,
          llvm::ArrayRef<RuntimeValue> args, llvm::raw_ostream &printOut,
          const InterpreterOptions &opts) {
  const Function *f = m.lookup(name);
  if (!f)
    return llvm::make_error<RuntimeError>(
        Location(), fmt::format("no function named '@{}'", name.str()));
  // Tensors are allocated as the program runs; a program that needs more
  // memory than there is gets a run-time error, not a crash.
  const std::function<bool()> *savedPoll = kernels::stopPoll;
  kernels::stopPoll = opts.interrupted ? &opts.interrupted : nullptr;
  kernels::stoppedEarly = false;
  auto restorePoll =
      llvm::make_scope_exit([&] { kernels::stopPoll = savedPoll; });
  try {
    return Interpreter(m, printOut, opts).call(*f, args, nullptr);
  } catch (const std::bad_alloc &) {
    return llvm::make_error<RuntimeError>(
        Location(), "out of memory while running '@" + name.str() + "'");
  }
}

std::string formatRuntimeError(llvm::Error err, const SourceManager *sources) {
  std::string out;
  llvm::handleAllErrors(
      std::move(err),
      [&](const RuntimeError &e) {
        const Location &loc = e.loc;
        if (loc.hasFileLineCol()) {
          out = fmt::format("{}:{}:{}: ", loc.file, loc.line, loc.col);
        } else if (sources && loc.pos.isValid() &&
                   sources->findBuffer(loc.pos)) {
          LineColumn lc = sources->getLineColumn(loc.pos);
          out = fmt::format(
              "{}:{}:{}: ",
              sources->getBufferName(sources->findBuffer(loc.pos)).str(),
              lc.line, lc.column);
        }
        out += "runtime error: " + e.message;
      },
      [&](const llvm::ErrorInfoBase &e) {
        out = "runtime error: " + e.message();
      });
  return out;
}

} // namespace tdl::ir

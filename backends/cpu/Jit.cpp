//===- Jit.cpp - run a function with ORC LLJIT ----------------------------===//
//
// The module is generated in JIT mode (Codegen.h), optimized like an object
// for the host CPU, and added to an LLJIT whose main dylib also sees the
// process (libc, libm) and `tdl_jit_print`, the host callback that formats
// printed values with the interpreter's RuntimeValue::format. The
// runtime's thread pool is shut down before the JIT goes away.
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/Jit.h"
#include "backends/cpu/Codegen.h"
#include "backends/cpu/JitPrint.h"
#include "backends/cpu/JitSetup.h"
#include "backends/cpu/Target.h"

#include "ssa_ir/interp/Interpreter.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"

#include <cstring>
#include <functional>

namespace tdl::cpu {

ir::RuntimeValue valueFromLeaves(const ir::Type &t, void *const *&leaves) {
  if (t.isTuple()) {
    std::vector<ir::RuntimeValue> elements;
    for (const ir::Type &e : t.getElements())
      elements.push_back(valueFromLeaves(e, leaves));
    return ir::RuntimeValue::tuple(std::move(elements));
  }
  ir::RuntimeValue v = ir::RuntimeValue::zeros(t);
  std::memcpy(v.mutableRawData(), *leaves++,
              t.getNumElements() * ir::dtypeSize(t.getDType()));
  return v;
}

namespace {
JitPrintScope *printScope = nullptr; // one JIT'd call runs at a time
} // namespace

void jitPrint(int64_t id, void *const *leaves) {
  JitPrintScope &s = *printScope;
  ir::RuntimeValue v = valueFromLeaves((*s.types)[id], leaves);
  *s.os << v.format(s.precision, s.threshold) << '\n';
}

extern "C" {
static void tdlJitPrint(int64_t id, void *const *leaves) {
  jitPrint(id, leaves);
}
}

void *jitPrintHook() { return reinterpret_cast<void *>(&tdlJitPrint); }

JitPrintScope::JitPrintScope(const std::vector<ir::Type> &types,
                             llvm::raw_ostream &os, int precision,
                             int64_t threshold)
    : types(&types), os(&os), precision(precision), threshold(threshold),
      previous(printScope) {
  printScope = this;
}

JitPrintScope::~JitPrintScope() {
  printScope = previous;
  os->flush();
}

llvm::Expected<std::vector<ir::RuntimeValue>>
runJit(const ir::Module &module, llvm::StringRef entry,
       llvm::ArrayRef<ir::RuntimeValue> args, llvm::raw_ostream &printOut,
       const JitOptions &options) {
  llvm::Expected<const ir::Function *> found = findJitEntry(module, entry);
  if (!found)
    return found.takeError();
  const ir::Function *fn = *found;
  auto context = std::make_unique<llvm::LLVMContext>();
  CodegenOptions cg = jitCodegenOptions(entry, options.fastMath);
  cg.accelRegions = options.accelRegions;
  llvm::Expected<GeneratedModule> gen = generateModule(module, *context, cg);
  if (!gen)
    return gen.takeError();

  llvm::Expected<JitTarget> target = createJitTarget(options.optLevel);
  if (!target)
    return target.takeError();
  optimizeModule(*gen->module, *target->tm, options.optLevel);

  auto jit = llvm::orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(std::move(target->jtmb))
                 .create();
  if (!jit)
    return jit.takeError();
  llvm::orc::JITDylib &main = (*jit)->getMainJITDylib();
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process)
    return process.takeError();
  main.addGenerator(std::move(*process));
  llvm::orc::SymbolMap hooks;
  hooks[(*jit)->mangleAndIntern("tdl_jit_print")] = {
      llvm::orc::ExecutorAddr::fromPtr(jitPrintHook()),
      llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
  for (const auto &[name, address] : options.hostSymbols)
    hooks[(*jit)->mangleAndIntern(name)] = {
        llvm::orc::ExecutorAddr::fromPtr(address),
        llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
  if (llvm::Error e = main.define(llvm::orc::absoluteSymbols(hooks)))
    return e;
  std::vector<ir::Location> sites = gen->errorSites;
  std::vector<ir::Type> printTypes = gen->printTypes;
  if (llvm::Error e = (*jit)->addIRModule(llvm::orc::ThreadSafeModule(
          std::move(gen->module), std::move(context))))
    return e;
  auto entryAddr = (*jit)->lookup("tdl_jit_entry");
  if (!entryAddr)
    return entryAddr.takeError();
  auto errorAddr = (*jit)->lookup("tdl_last_error");
  if (!errorAddr)
    return errorAddr.takeError();
  auto shutdownAddr = (*jit)->lookup("tdl_rt_shutdown");
  if (!shutdownAddr)
    return shutdownAddr.takeError();
  // The runtime's worker threads run code in the JIT's memory: they are
  // joined before the JIT is destroyed (after the error message is read).
  auto shutdown =
      llvm::make_scope_exit([&] { shutdownAddr->toPtr<void (*)()>()(); });

  // One buffer per result leaf (8-byte aligned words).
  llvm::SmallVector<ir::Type, 8> leaves;
  for (const ir::Type &t : fn->getResultTypes())
    flattenType(t, leaves);
  std::vector<std::vector<uint64_t>> buffers;
  std::vector<void *> pointers;
  // The arguments' leaves first (read only: exported and internal functions
  // never write their parameters).
  std::function<void(const ir::RuntimeValue &)> addLeaves =
      [&](const ir::RuntimeValue &v) {
        if (v.getType().isTuple()) {
          for (const ir::RuntimeValue &e : v.getElements())
            addLeaves(e);
          return;
        }
        pointers.push_back(const_cast<uint8_t *>(v.rawData()));
      };
  for (const ir::RuntimeValue &a : args)
    addLeaves(a);
  llvm::SmallVector<ir::Type, 8> argLeaves;
  for (const ir::Type &t : fn->getArgTypes())
    flattenType(t, argLeaves);
  if (argLeaves.size() != pointers.size())
    return llvm::make_error<ir::RuntimeError>(
        ir::Location(), "'@" + entry.str() + "' takes " +
                            std::to_string(argLeaves.size()) +
                            " tensor leaves, but " +
                            std::to_string(pointers.size()) + " were given");
  for (const ir::Type &t : leaves) {
    size_t bytes = t.getNumElements() * ir::dtypeSize(t.getDType());
    buffers.emplace_back(bytes / 8 + 1);
    pointers.push_back(buffers.back().data());
  }
  auto peakAddr = (*jit)->lookup("tdl_rt_tape_peak");
  if (!peakAddr)
    return peakAddr.takeError();
  auto *tapePeak = peakAddr->toPtr<int64_t (*)(int32_t)>();
  tapePeak(1);
  auto *run = entryAddr->toPtr<int32_t (*)(void **)>();
  int32_t code;
  {
    JitPrintScope print(printTypes, printOut, options.printPrecision,
                        options.printThreshold);
    code = run(pointers.data());
  }
  if (options.tapePeakBytes)
    *options.tapePeakBytes = tapePeak(0);
  if (code != 0) {
    auto *lastError = errorAddr->toPtr<const char *(*)()>();
    ir::Location loc;
    if (code > 0 && size_t(code) <= sites.size())
      loc = sites[code - 1];
    return llvm::make_error<ir::RuntimeError>(loc, lastError());
  }
  std::vector<ir::RuntimeValue> results;
  void *const *cursor = pointers.data() + argLeaves.size();
  for (const ir::Type &t : fn->getResultTypes())
    results.push_back(valueFromLeaves(t, cursor));
  return results;
}

} // namespace tdl::cpu

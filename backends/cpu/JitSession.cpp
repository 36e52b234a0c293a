//===- JitSession.cpp - one long-lived ORC JIT for the REPL ---------------===//
//
// The runtime (the JIT copy of runtime/cpu, getCpuRuntimeJitBitcode) is
// read once per session and prepared: its local symbols are made external
// (functions compiled apart must reach each other's), thread-locals become
// plain globals (ORC here has no TLS), the empty llvm.global_ctors goes.
// Then:
//
//  * the inline part is cloned out of it: the always-inline functions
//    (elementwise ops, casts, math) and the constants and helpers they
//    reach, written once as bitcode that every input's generateModule links
//    from (CodegenOptions::runtimeBitcode) and internalizes, so generated
//    loops inline and vectorize them as in objects; everything else is a
//    declaration there;
//  * the whole module goes to the runtime dylib through ORC's
//    CompileOnDemandLayer (LLLazyJIT): each function is compiled the first
//    time it is called, once per session, behind a stub. So the first
//    matmul compiles the GEMM driver and the microkernels of the host's
//    instruction set only (not the other sets, nor the other dtypes of a
//    dispatch), and no later input compiles them again.
//
// An input's module is compiled eagerly into a dylib of its own that links
// against the runtime dylib, and freed with its JitFunction.
//
// Bit-exactness: the runtime functions are the bitcode objects link, only
// code-generated for the host CPU (as `tdlc run` does); generated code is
// the same as for `tdlc run` plus the interruption polls.
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/JitSession.h"
#include "backends/cpu/Codegen.h"
#include "backends/cpu/JitPrint.h"
#include "backends/cpu/JitSetup.h"
#include "backends/cpu/RuntimeLinker.h"
#include "backends/cpu/Target.h"

#include "ssa_ir/interp/Interpreter.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include <atomic>
#include <cstdlib>
#include <mutex>

/// The REPL's Ctrl-C flag, which generated loops and the interruptible
/// kernels (runtime/cpu/Interrupt.h) read as `tdl_rt_interrupt_flag`.
static std::atomic<int32_t> interruptFlag{0};
static_assert(std::atomic<int32_t>::is_always_lock_free,
              "the flag is set from a signal handler");

namespace tdl::cpu {

namespace orc = llvm::orc;

struct JitSession::Impl {
  JitSessionOptions options;
  std::unique_ptr<orc::LLLazyJIT> jit;
  orc::JITDylib *runtimeDylib = nullptr;
  std::unique_ptr<llvm::TargetMachine> tm; // for optimizeModule
  orc::ThreadSafeContext runtimeContext;
  std::unique_ptr<llvm::Module> runtime; // prepared, until ORC owns it
  /// Originally visible to other modules (not local, not linkonce) and not
  /// always-inline: what generated code calls; stays in the runtime dylib.
  llvm::DenseSet<const llvm::GlobalValue *> entryPoints;
  std::string inlineBitcode;
  unsigned inputCount = 0;

  llvm::Error prepareRuntime();
  llvm::Error buildInlinePart();
};

/// The global values `v` uses, through constant expressions and aggregates.
static void collectGlobals(const llvm::Value *v,
                           llvm::SmallPtrSetImpl<const llvm::Value *> &seen,
                           llvm::SmallVectorImpl<llvm::GlobalValue *> &out) {
  if (!seen.insert(v).second)
    return;
  if (auto *gv = llvm::dyn_cast<llvm::GlobalValue>(v)) {
    out.push_back(const_cast<llvm::GlobalValue *>(gv));
    return;
  }
  if (auto *c = llvm::dyn_cast<llvm::Constant>(v))
    for (const llvm::Value *op : c->operands())
      collectGlobals(op, seen, out);
}

llvm::Error JitSession::Impl::prepareRuntime() {
  runtimeContext =
      orc::ThreadSafeContext(std::make_unique<llvm::LLVMContext>());
  llvm::MemoryBufferRef buffer(getCpuRuntimeJitBitcode(),
                               "tdl-cpu-runtime-jit.bc");
  auto m = llvm::parseBitcodeFile(buffer, *runtimeContext.getContext());
  if (!m)
    return m.takeError();
  runtime = std::move(*m);
  for (llvm::GlobalVariable &gv :
       llvm::make_early_inc_range(runtime->globals()))
    if (gv.hasAppendingLinkage()) // the runtime has no constructors
      gv.eraseFromParent();
  unsigned anonymous = 0;
  auto prepare = [&](llvm::GlobalValue &gv) {
    if (gv.isDeclaration())
      return;
    auto *f = llvm::dyn_cast<llvm::Function>(&gv);
    bool inlined = f && f->hasFnAttribute(llvm::Attribute::AlwaysInline);
    if (!gv.hasLocalLinkage() && !gv.hasLinkOnceLinkage() && !inlined)
      entryPoints.insert(&gv);
    // Each definition is compiled once, on its own, and the others link
    // against it: plain external definitions (no weak or linkonce copies).
    gv.setLinkage(llvm::GlobalValue::ExternalLinkage);
    gv.setVisibility(llvm::GlobalValue::DefaultVisibility);
    if (!gv.hasName())
      gv.setName("tdl.rt.anon." + llvm::Twine(anonymous++));
    // Functions compiled apart reach each other through the GOT / PLT.
    gv.setDSOLocal(false);
    if (auto *o = llvm::dyn_cast<llvm::GlobalObject>(&gv))
      o->setComdat(nullptr);
  };
  for (llvm::Function &f : *runtime)
    prepare(f);
  for (llvm::GlobalVariable &gv : runtime->globals())
    prepare(gv);
  for (llvm::GlobalAlias &a : runtime->aliases())
    prepare(a);
  runtime->getComdatSymbolTable().clear();
  removeThreadLocals(*runtime);
  return llvm::Error::success();
}

/// The global values a definition references.
static llvm::SmallVector<llvm::GlobalValue *, 8>
referencesOf(const llvm::GlobalValue *gv) {
  llvm::SmallVector<llvm::GlobalValue *, 8> out;
  llvm::SmallPtrSet<const llvm::Value *, 32> seen;
  if (auto *f = llvm::dyn_cast<llvm::Function>(gv)) {
    for (const llvm::Instruction &i : llvm::instructions(*f))
      for (const llvm::Value *op : i.operands())
        collectGlobals(op, seen, out);
    if (f->hasPersonalityFn())
      collectGlobals(f->getPersonalityFn(), seen, out);
  } else if (auto *v = llvm::dyn_cast<llvm::GlobalVariable>(gv)) {
    if (v->hasInitializer())
      collectGlobals(v->getInitializer(), seen, out);
  } else if (auto *a = llvm::dyn_cast<llvm::GlobalAlias>(gv)) {
    collectGlobals(a->getAliasee(), seen, out);
  }
  return out;
}

static bool isDefinition(const llvm::GlobalValue *gv) {
  return !gv->isDeclaration();
}

/// A clone of `m` with the definitions `keep` and declarations of the rest.
static std::unique_ptr<llvm::Module>
cloneDefinitions(const llvm::Module &m,
                 const llvm::DenseSet<const llvm::GlobalValue *> &keep) {
  llvm::ValueToValueMapTy map;
  std::unique_ptr<llvm::Module> clone = llvm::CloneModule(
      m, map, [&](const llvm::GlobalValue *gv) { return keep.contains(gv); });
  return clone;
}

llvm::Error JitSession::Impl::buildInlinePart() {
  // The always-inline functions and what they reach, stopping at entry
  // points and at mutable state (both stay in the runtime dylib).
  llvm::DenseSet<const llvm::GlobalValue *> part;
  std::vector<llvm::GlobalValue *> work;
  for (llvm::Function &f : *runtime)
    if (isDefinition(&f) && f.hasFnAttribute(llvm::Attribute::AlwaysInline) &&
        part.insert(&f).second)
      work.push_back(&f);
  while (!work.empty()) {
    llvm::GlobalValue *gv = work.back();
    work.pop_back();
    for (llvm::GlobalValue *r : referencesOf(gv)) {
      if (!isDefinition(r) || entryPoints.contains(r))
        continue;
      if (auto *v = llvm::dyn_cast<llvm::GlobalVariable>(r);
          v && !v->isConstant())
        continue;
      if (part.insert(r).second)
        work.push_back(r);
    }
  }
  std::unique_ptr<llvm::Module> clone = cloneDefinitions(*runtime, part);
  if (llvm::verifyModule(*clone, &llvm::errs()))
    return llvm::createStringError("cpu backend: the JIT's inline runtime "
                                   "is invalid");
  llvm::raw_string_ostream os(inlineBitcode);
  llvm::WriteBitcodeToFile(*clone, os);
  return llvm::Error::success();
}

/// LLJIT's compiler with one target machine, whose codegen is not
/// reentrant: a runtime function may be first called on the runtime's
/// worker threads (a GEMM's parts) at the same time as on the main thread,
/// so compilations take turns.
class SerializedCompiler : public orc::SimpleCompiler {
public:
  explicit SerializedCompiler(std::unique_ptr<llvm::TargetMachine> tm)
      : SimpleCompiler(*tm), tm(std::move(tm)) {}
  llvm::Expected<CompileResult> operator()(llvm::Module &m) override {
    std::lock_guard<std::mutex> lock(mutex);
    return SimpleCompiler::operator()(m);
  }

private:
  std::unique_ptr<llvm::TargetMachine> tm;
  std::mutex mutex;
};

/// Where a lazily compiled function jumps when its compilation failed
/// (an internal error: the runtime is embedded).
static void lazyCompileFailed() {
  llvm::errs() << "tdlc: internal compiler error: the JIT could not compile "
                  "a function of the kernel runtime\n";
  llvm::errs().flush();
  std::_Exit(3);
}

llvm::Expected<std::unique_ptr<JitSession>>
JitSession::create(const JitSessionOptions &options) {
  std::unique_ptr<JitSession> s(new JitSession());
  s->impl = std::make_unique<Impl>();
  Impl &impl = *s->impl;
  impl.options = options;

  llvm::Expected<JitTarget> target = createJitTarget(options.optLevel);
  if (!target)
    return target.takeError();
  impl.tm = std::move(target->tm);

  auto jit =
      orc::LLLazyJITBuilder()
          .setJITTargetMachineBuilder(target->jtmb)
          .setLazyCompileFailureAddr(
              orc::ExecutorAddr::fromPtr(&lazyCompileFailed))
          .setCompileFunctionCreator(
              [](orc::JITTargetMachineBuilder b)
                  -> llvm::Expected<
                      std::unique_ptr<orc::IRCompileLayer::IRCompiler>> {
                auto tm = b.createTargetMachine();
                if (!tm)
                  return tm.takeError();
                return std::make_unique<SerializedCompiler>(std::move(*tm));
              })
          .create();
  if (!jit)
    return jit.takeError();
  impl.jit = std::move(*jit);

  orc::ExecutionSession &es = impl.jit->getExecutionSession();
  impl.runtimeDylib = &es.createBareJITDylib("tdl.runtime");
  impl.runtimeDylib->setLinkOrder(impl.jit->defaultLinkOrder());
  auto process = orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      impl.jit->getDataLayout().getGlobalPrefix());
  if (!process)
    return process.takeError();
  impl.runtimeDylib->addGenerator(std::move(*process));
  orc::SymbolMap hooks;
  auto callable =
      llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable;
  hooks[impl.jit->mangleAndIntern("tdl_jit_print")] = {
      orc::ExecutorAddr::fromPtr(jitPrintHook()), callable};
  hooks[impl.jit->mangleAndIntern("tdl_rt_interrupt_flag")] = {
      orc::ExecutorAddr::fromPtr(&interruptFlag),
      llvm::JITSymbolFlags::Exported};
  if (llvm::Error e = impl.runtimeDylib->define(orc::absoluteSymbols(hooks)))
    return e;

  if (llvm::Error e = impl.prepareRuntime())
    return e;
  if (llvm::Error e = impl.buildInlinePart())
    return e;
  // The runtime's functions are compiled one at a time, when first called.
  setTargetAttributes(*impl.runtime, *impl.tm);
  impl.entryPoints.clear();
  if (llvm::Error e = impl.jit->addLazyIRModule(
          *impl.runtimeDylib,
          orc::ThreadSafeModule(std::move(impl.runtime), impl.runtimeContext)))
    return e;
  return s;
}

JitSession::~JitSession() {
  if (!impl)
    return;
  // The pool's workers run the runtime's code: joined before it goes.
  if (impl->jit && impl->runtimeDylib) {
    auto addr = impl->jit->lookup(*impl->runtimeDylib, "tdl_rt_shutdown");
    if (addr)
      addr->toPtr<void (*)()>()();
    else
      llvm::consumeError(addr.takeError());
  }
  impl->jit.reset();
}

void JitSession::requestInterrupt() {
  interruptFlag.store(1, std::memory_order_relaxed);
}
void JitSession::clearInterrupt() {
  interruptFlag.store(0, std::memory_order_relaxed);
}
bool JitSession::interruptRequested() {
  return interruptFlag.load(std::memory_order_relaxed) != 0;
}

llvm::Expected<std::unique_ptr<JitFunction>>
JitSession::compile(const ir::Module &module, llvm::StringRef entry) {
  llvm::Expected<const ir::Function *> found = findJitEntry(module, entry);
  if (!found)
    return found.takeError();
  const ir::Function *fn = *found;
  auto context = std::make_unique<llvm::LLVMContext>();
  CodegenOptions cg = jitCodegenOptions(entry, impl->options.fastMath);
  cg.interruptible = true;
  cg.runtimeBitcode = impl->inlineBitcode;
  llvm::Expected<GeneratedModule> gen = generateModule(module, *context, cg);
  if (!gen)
    return gen.takeError();
  optimizeModule(*gen->module, *impl->tm, impl->options.optLevel);

  auto fnOut = std::unique_ptr<JitFunction>(new JitFunction());
  fnOut->session = this;
  llvm::SmallVector<ir::Type, 8> leaves;
  for (const ir::Type &t : fn->getArgTypes())
    flattenType(t, leaves);
  fnOut->argLeaves.assign(leaves.begin(), leaves.end());
  leaves.clear();
  for (const ir::Type &t : fn->getResultTypes())
    flattenType(t, leaves);
  fnOut->resultLeaves.assign(leaves.begin(), leaves.end());
  fnOut->errorSites = std::move(gen->errorSites);
  fnOut->printTypes = std::move(gen->printTypes);

  orc::ExecutionSession &es = impl->jit->getExecutionSession();
  orc::JITDylib &dylib =
      es.createBareJITDylib("tdl.input." + std::to_string(++impl->inputCount));
  orc::JITDylibSearchOrder order{
      {impl->runtimeDylib, orc::JITDylibLookupFlags::MatchExportedSymbolsOnly}};
  for (const auto &link : impl->jit->defaultLinkOrder())
    order.push_back(link);
  dylib.setLinkOrder(order);
  fnOut->dylib = &dylib;
  if (llvm::Error e = impl->jit->addIRModule(
          dylib,
          orc::ThreadSafeModule(std::move(gen->module), std::move(context))))
    return e; // (the dylib goes with fnOut)
  auto addr = impl->jit->lookup(dylib, "tdl_jit_entry");
  if (!addr)
    return addr.takeError();
  fnOut->entry = addr->toPtr<int32_t (*)(void **)>();
  return fnOut;
}

JitFunction::~JitFunction() {
  if (!dylib)
    return;
  orc::ExecutionSession &es = session->impl->jit->getExecutionSession();
  if (llvm::Error e = es.removeJITDylib(*static_cast<orc::JITDylib *>(dylib)))
    llvm::consumeError(std::move(e));
}

llvm::Error JitFunction::call(llvm::ArrayRef<void *> leaves,
                              llvm::raw_ostream &printOut,
                              const JitPrintOptions &print) const {
  assert(leaves.size() == argLeaves.size() + resultLeaves.size() &&
         "one pointer per leaf");
  std::vector<void *> pointers(leaves.begin(), leaves.end());
  int32_t code;
  {
    JitPrintScope scope(printTypes, printOut, print.precision, print.threshold);
    code = entry(pointers.data());
  }
  if (code == 0)
    return llvm::Error::success();
  auto lastError = session->impl->jit->lookup(*session->impl->runtimeDylib,
                                              "tdl_last_error");
  if (!lastError)
    return lastError.takeError();
  ir::Location loc;
  if (code > 0 && size_t(code) <= errorSites.size())
    loc = errorSites[code - 1];
  return llvm::make_error<ir::RuntimeError>(
      loc, lastError->toPtr<const char *(*)()>()());
}

} // namespace tdl::cpu

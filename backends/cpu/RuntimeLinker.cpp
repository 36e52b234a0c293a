//===- RuntimeLinker.cpp - link and internalize the kernel runtime --------===//
#include "backends/cpu/RuntimeLinker.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>

namespace tdl::cpu {

std::unique_ptr<llvm::Module> loadRuntime(llvm::LLVMContext &context,
                                          llvm::StringRef bitcode) {
  // The JIT session's part is read lazily: linking materializes only the
  // functions an input calls.
  llvm::Expected<std::unique_ptr<llvm::Module>> m =
      bitcode.empty()
          ? llvm::parseBitcodeFile(llvm::MemoryBufferRef(getCpuRuntimeBitcode(),
                                                         "tdl-cpu-runtime.bc"),
                                   context)
          : llvm::getLazyBitcodeModule(
                llvm::MemoryBufferRef(bitcode, "tdl-cpu-runtime-part.bc"),
                context);
  if (!m) // built into tdlc: a failure is a broken build
    llvm::report_fatal_error(llvm::Twine("cpu backend: cannot read the "
                                         "embedded kernel runtime: ") +
                             llvm::toString(m.takeError()));
  return std::move(*m);
}

void removeThreadLocals(llvm::Module &m) {
  for (llvm::GlobalVariable &gv : m.globals())
    if (gv.isThreadLocal())
      gv.setThreadLocal(false);
  // llvm.threadlocal.address needs a thread-local operand.
  for (llvm::Function &fn : m.functions())
    if (fn.getIntrinsicID() == llvm::Intrinsic::threadlocal_address) {
      for (llvm::User *u : llvm::make_early_inc_range(fn.users()))
        if (auto *call = llvm::dyn_cast<llvm::CallInst>(u)) {
          call->replaceAllUsesWith(call->getArgOperand(0));
          call->eraseFromParent();
        }
    }
}

/// libm functions whose results are rounded approximations (LLVM's folding
/// may round differently); sqrt, floor, ceil, nearbyint, fabs are exact.
static bool isInexactLibmFunction(llvm::StringRef name) {
  static const char *const names[] = {"exp",  "expf", "log",  "logf", "sin",
                                      "sinf", "cos",  "cosf", "tanh", "tanhf",
                                      "pow",  "powf", "fmod", "fmodf"};
  for (const char *n : names)
    if (name == n)
      return true;
  return false;
}

llvm::Error linkRuntime(llvm::Module &dest,
                        std::unique_ptr<llvm::Module> runtime,
                        const std::vector<std::string> &keep, bool jit,
                        llvm::StringRef prefix) {
  if (llvm::Linker::linkModules(dest, std::move(runtime),
                                llvm::Linker::Flags::LinkOnlyNeeded))
    return llvm::createStringError("cpu backend: linking the kernel runtime "
                                   "failed");
  auto kept = [&](const llvm::GlobalValue &gv) {
    return std::find(keep.begin(), keep.end(), gv.getName().str()) !=
           keep.end();
  };
  // Internal definitions leave their comdat (the runtime's templates, e.g.
  // tdl::rt::gemmOf<4>, come in one): a program linking this object with
  // another definition of the group would discard the local copy.
  for (llvm::Function &fn : dest.functions())
    if (!fn.isDeclaration() && !kept(fn)) {
      fn.setLinkage(llvm::GlobalValue::InternalLinkage);
      fn.setComdat(nullptr);
    }
  for (llvm::GlobalVariable &gv : dest.globals()) {
    if (!gv.isDeclaration() && !kept(gv) && !gv.hasLocalLinkage() &&
        !gv.hasAppendingLinkage()) { // llvm.global_ctors / _dtors stay
      gv.setLinkage(llvm::GlobalValue::InternalLinkage);
      gv.setComdat(nullptr);
    }
  }
  if (jit)
    removeThreadLocals(dest);
  // LLVM constant-folds libm calls it recognizes, computing float ones in
  // double and rounding: not what expf/cosf return. The interpreter calls
  // libm at run time, so the generated code must too.
  for (llvm::Function &fn : dest.functions())
    if (fn.isDeclaration() && isInexactLibmFunction(fn.getName()))
      for (llvm::User *u : fn.users())
        if (auto *call = llvm::dyn_cast<llvm::CallInst>(u))
          call->addFnAttr(llvm::Attribute::NoBuiltin);
  for (const char *name :
       {"tdl_last_error", "tdl_set_last_error", "tdl_set_print_callback"})
    if (llvm::Function *fn = dest.getFunction(name))
      fn->setName(prefix + name);
  return llvm::Error::success();
}

} // namespace tdl::cpu

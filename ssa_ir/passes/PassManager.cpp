//===- PassManager.cpp ----------------------------------------------------===//
#include "ssa_ir/passes/PassManager.h"
#include "ssa_ir/Printer.h"
#include "ssa_ir/Verifier.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Timer.h"

#include <fmt/format.h>

#include <chrono>

namespace tdl::ir {

Pass::~Pass() = default;

// Passes.def, then passes of later libraries (autodiff) registered by the
// tools that link them (registerPass), so ssa_ir never depends on them.
static std::vector<PassInfo> &passRegistry() {
  static std::vector<PassInfo> passInfos = {
#define PASS(ID, NAME, DESCRIPTION) {NAME, DESCRIPTION, create##ID##Pass},
#include "ssa_ir/passes/Passes.def"
  };
  return passInfos;
}

llvm::ArrayRef<PassInfo> getRegisteredPasses() { return passRegistry(); }

void registerPass(PassInfo info) {
  if (!lookupPass(info.name))
    passRegistry().push_back(info);
}

const PassInfo *lookupPass(llvm::StringRef name) {
  for (const PassInfo &p : passRegistry())
    if (name == p.name)
      return &p;
  return nullptr;
}

void printRegisteredPasses(llvm::raw_ostream &os) {
  for (const PassInfo &p : passRegistry())
    os << fmt::format("  {:<20} {}\n", p.name, p.description);
}

bool PassManager::add(llvm::StringRef name) {
  const PassInfo *p = lookupPass(name);
  if (!p)
    return false;
  add(p->create());
  return true;
}

bool PassManager::run(Module &m, DiagnosticEngine &diags) {
  llvm::raw_ostream &irOut = instr.irOut ? *instr.irOut : llvm::errs();
  llvm::raw_ostream &timeOut =
      instr.timingOut ? *instr.timingOut : llvm::errs();
  struct Timing {
    std::string name;
    double seconds;
  };
  std::vector<Timing> timings;
  bool ok = true;
  for (auto &pass : passes) {
    auto start = std::chrono::steady_clock::now();
    bool passOk = pass->run(m, diags);
    double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    timings.push_back({pass->getName().str(), secs});
    if (instr.printAfterAll ||
        llvm::is_contained(instr.printAfter, pass->getName().str())) {
      irOut << "// -----// IR after " << pass->getName() << " //----- //\n";
      printModule(m, irOut);
    }
    if (!passOk) {
      ok = false;
      break;
    }
    if (instr.verifyEach && !verifyModule(m, diags)) {
      diags.report(diag::IRVerifyAfterPassFailed, llvm::SMLoc(),
                   pass->getName());
      ok = false;
      break;
    }
  }
  if (instr.timePasses) {
    double total = 0;
    for (const Timing &t : timings)
      total += t.seconds;
    timeOut << "===-- pass execution timing report --===\n";
    timeOut << fmt::format("  total: {:.6f} s\n", total);
    for (const Timing &t : timings)
      timeOut << fmt::format("  {:>10.6f} s  {:5.1f}%  {}\n", t.seconds,
                             total > 0 ? 100.0 * t.seconds / total : 0.0,
                             t.name);
  }
  return ok;
}

} // namespace tdl::ir

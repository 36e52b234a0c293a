//===- AutodiffPass.cpp - fill derived declarations, then clean up
//---------===//
//
// Algorithm: for each derived declaration in module order, ADContext::fill
// generates its body (recursively filling a derived base first, and making
// cached vjp/jvp functions for the callees it meets). Then dce removes the
// forward values the pullback did not need.
//
//===----------------------------------------------------------------------===//
#include "autodiff/ADContext.h"
#include "autodiff/Autodiff.h"

namespace tdl::ad {

using namespace ir;

bool differentiateModule(Module &m, DiagnosticEngine &diags) {
  ADContext ctx(m, diags);
  std::vector<Function *> decls;
  for (auto &f : m.getFunctions())
    if (f->isDerivedDeclaration())
      decls.push_back(f.get());
  bool ok = true;
  for (Function *f : decls)
    ok &= ctx.fill(*f);
  if (!ok || ctx.hasFailed())
    return false;
  return createDCEPass()->run(m, diags);
}

namespace {

class AutodiffPass : public Pass {
public:
  llvm::StringRef getName() const override { return "autodiff"; }
  bool run(Module &m, DiagnosticEngine &diags) override {
    return differentiateModule(m, diags);
  }
};

} // namespace

std::unique_ptr<Pass> createAutodiffPass() {
  return std::make_unique<AutodiffPass>();
}

void registerAutodiffPass() {
  registerPass({"autodiff",
                "fill derived functions (grad, value_and_grad, vjp, jvp)",
                createAutodiffPass});
}

} // namespace tdl::ad

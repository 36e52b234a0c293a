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
#include "basic/SourceManager.h"

#include <fmt/format.h>

namespace tdl::ad {

using namespace ir;

static std::string locString(const Location &loc, const SourceManager *sm) {
  if (loc.hasFileLineCol())
    return fmt::format("{}:{}:{}", loc.file, loc.line, loc.col);
  if (sm && loc.pos.isValid())
    if (unsigned buf = sm->findBuffer(loc.pos)) {
      LineColumn lc = sm->getLineColumn(loc.pos);
      return fmt::format("{}:{}:{}", sm->getBufferName(buf).str(), lc.line,
                         lc.column);
    }
  return "?";
}

void printLoopReports(llvm::raw_ostream &os,
                      llvm::ArrayRef<LoopCheckpointReport> reports,
                      const SourceManager *sources) {
  if (reports.empty())
    return;
  auto num = [](int64_t v) {
    return v < 0 ? std::string("-") : std::to_string(v);
  };
  os << "ad-loop function location budget trips segments snapshots "
        "snapshot-bytes iteration-bytes unchecked-bytes peak-bytes "
        "recompute\n";
  for (const LoopCheckpointReport &r : reports) {
    std::string segs = r.dynamicSegments ? "sqrt" : "";
    for (size_t i = 0; i < r.segments.size(); ++i)
      segs += (i ? "," : "") + std::to_string(r.segments[i]);
    if (r.binomialSlots > 0)
      segs = fmt::format("binomial(s={})", r.binomialSlots);
    if (segs.empty())
      segs = "-";
    os << "ad-loop " << r.function << " " << locString(r.loc, sources) << " "
       << num(r.budget) << " " << num(r.trips) << " " << segs << " "
       << r.snapshots << " " << r.snapshotBytes << " " << r.iterationBytes
       << " " << num(r.uncheckedBytes) << " " << num(r.peakBytes) << " "
       << fmt::format("{:.2f}", r.recompute);
    if (!r.note.empty())
      os << " (" << r.note << ")";
    os << "\n";
  }
}

bool differentiateModule(Module &m, DiagnosticEngine &diags,
                         AutodiffOptions options) {
  ADContext ctx(m, diags, options);
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
  explicit AutodiffPass(AutodiffOptions options) : options(options) {}
  llvm::StringRef getName() const override { return "autodiff"; }
  bool run(Module &m, DiagnosticEngine &diags) override {
    return differentiateModule(m, diags, options);
  }

private:
  AutodiffOptions options;
};

} // namespace

std::unique_ptr<Pass> createAutodiffPass(AutodiffOptions options) {
  return std::make_unique<AutodiffPass>(options);
}

void registerAutodiffPass() {
  registerPass({"autodiff",
                "fill derived functions (grad, value_and_grad, vjp, jvp, "
                "checkpoint)",
                [] { return createAutodiffPass(); }});
}

} // namespace tdl::ad

//===- ADContext.cpp - filling derived functions, the call cache, errors
//---===//
#include "autodiff/ADContext.h"
#include "autodiff/IRHelpers.h"

#include <fmt/format.h>

namespace tdl::ad {

using namespace ir;

bool isDiffParam(const Type &t) { return isDifferentiableType(t); }

bool ADContext::fill(Function &decl) {
  if (!decl.isDerivedDeclaration())
    return true;
  Function *base = module.lookup(decl.getDerivedBase());
  assert(base && "signatures were resolved, so the base exists");
  if (base->isDerivedDeclaration() && !fill(*base))
    return false;
  return fillBody(decl, *base);
}

/// `checkpoint @base`: a function calling base, marked so that reverse mode
/// over a call of it keeps only the arguments and recomputes base in the
/// pullback (its vjp; docs/autodiff.md, "Checkpointing").
static void fillCheckpoint(Function &decl, Function &base) {
  Region &body = decl.getBody();
  Builder b(body);
  b.setLoc(decl.getLoc());
  llvm::SmallVector<Value *, 6> args;
  for (unsigned i = 0; i < base.getArgTypes().size(); ++i) {
    args.push_back(body.addArgument(base.getArgTypes()[i]));
    args.back()->setNameHint(base.getBody().getNumArguments() > i
                                 ? base.getBody().getArgument(i)->getNameHint()
                                 : "");
  }
  Operation *c = b.call(base, args);
  llvm::SmallVector<Value *, 4> results(c->getResults());
  b.ret(results);
  decl.setCheckpoint(true);
  decl.markDefined();
}

bool ADContext::fillBody(Function &decl, Function &base) {
  if (decl.getDerivedKind() == DerivedKind::Checkpoint) {
    fillCheckpoint(decl, base);
    return true;
  }
  // A derived function already being generated is referenced by a recursive
  // call: calling it is fine, its body is on the way.
  if (!inProgress.insert(&decl).second)
    return true;
  stack.push_back(&base);
  requests.push_back({madeHere.count(&decl) ? nullptr : &decl,
                      derivedKindName(decl.getDerivedKind()).str()});
  bool ok = decl.getDerivedKind() == DerivedKind::Jvp
                ? generateForward(*this, decl, base)
                : generateReverse(*this, decl, base);
  stack.pop_back();
  requests.pop_back();
  inProgress.erase(&decl);
  if (!ok) {
    failed = true;
    // Leave a valid (empty-bodied) declaration behind: drop partial code.
    Region &body = decl.getBody();
    for (auto &op : body.getOps())
      op->dropAllReferences();
    while (!body.empty())
      body.remove(body.getOps().back().get());
    while (body.getNumArguments())
      body.eraseArgument(body.getNumArguments() - 1);
    return false;
  }
  decl.markDefined();
  return true;
}

Function *ADContext::getDerived(Function &callee, DerivedKind kind,
                                llvm::ArrayRef<int64_t> wrt) {
  std::string name =
      fmt::format("{}.{}", callee.getName().str(), derivedKindName(kind).str());
  for (int64_t w : wrt)
    name += fmt::format("_{}", w);
  auto it = cache.find(name);
  if (it != cache.end())
    return it->second;
  if (Function *existing = module.lookup(name))
    return cache[name] = existing;
  auto f = std::make_unique<Function>(name, kind, callee.getName().str(), wrt,
                                      callee.getLoc());
  llvm::SmallVector<Type, 4> args, results;
  std::string err = computeDerivedSignature(kind, callee, wrt, args, results);
  assert(err.empty() && "activity only picks differentiable parameters");
  (void)err;
  f->setSignature(args, results);
  Function *fn = module.addFunction(std::move(f));
  madeHere.insert(fn);
  cache[name] = fn;
  if (!fill(*fn))
    return nullptr;
  return fn;
}

void ADContext::addNotes(DiagnosticBuilder &b) {
  // Innermost first; each function with the place its transform was
  // requested (a `fn g = grad(f)` declaration or a `grad(f)` expression)
  // when the user requested it.
  for (size_t i = stack.size(); i-- > 0;) {
    b.note(diag::ADWhileDifferentiating, stack[i]->getLoc().pos,
           stack[i]->getName().str());
    const Request &r = requests[i];
    if (r.decl && r.decl->getLoc().pos.isValid())
      b.note(diag::ADTransformAppliedHere, r.decl->getLoc().pos, r.kind,
             stack[i]->getName().str());
  }
}

void ADContext::reportNotDifferentiable(const Operation &op) {
  failed = true;
  auto b = diags.report(diag::ADNotDifferentiable, op.getLoc().pos,
                        op.getName().str());
  addNotes(b);
}

void ADContext::reportUnsupported(const Operation &op, llvm::StringRef why) {
  failed = true;
  auto b = diags.report(diag::ADUnsupported, op.getLoc().pos,
                        op.getName().str(), why.str());
  addNotes(b);
}

void ADContext::reportBadCustomRule(const Function &f, llvm::StringRef rule,
                                    llvm::StringRef why) {
  failed = true;
  auto b = diags.report(diag::ADBadCustomRule, f.getLoc().pos, rule.str(),
                        f.getName().str(), why.str());
  addNotes(b);
}

} // namespace tdl::ad

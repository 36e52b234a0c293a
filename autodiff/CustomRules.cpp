//===- CustomRules.cpp - user derivative rules in both modes --------------===//
//
// A function f may carry a user vjp rule g (custom_vjp) and a user forward
// rule h (custom_jvp). Each mode uses its own rule and, when f has only the
// other one, the other one transposed:
//
//   reverse, vjp rule:     cots = g(x, dy)
//   reverse, forward rule: h(x, t) = (y, J t) is linear in t, so the
//                          cotangents are Jᵀ dy = vjp(h wrt t)(x, 0, (0, dy))
//   forward, forward rule: (y, dy) = h(x, t)
//   forward, vjp rule:     g(x, dy) = Jᵀ dy is linear in dy, so the tangent
//                          is J t = vjp(g wrt dy)(x, 0, t), and y = f(x)
//
// The transposes are ordinary derived functions (`@g.vjp_2`), made once and
// filled by reverse mode over the rule's body; since the rule is linear in
// the differentiated arguments, the point where they are evaluated (zero)
// does not matter and its forward values are dead. Linearity is checked
// (Linearity.h) before a rule is used, in either mode.
//
//===----------------------------------------------------------------------===//
#include "autodiff/ADContext.h"
#include "autodiff/IRHelpers.h"
#include "autodiff/Linearity.h"

#include <fmt/format.h>

namespace tdl::ad {

using namespace ir;

/// The types of f's differentiable parameters, in order.
static llvm::SmallVector<Type, 6> diffParamTypes(const Function &f) {
  llvm::SmallVector<Type, 6> out;
  for (const Type &t : f.getArgTypes())
    if (isDifferentiableType(t))
      out.push_back(t);
  return out;
}

Function *ADContext::getCheckedRule(const Function &f, llvm::StringRef name,
                                    llvm::StringRef mode,
                                    llvm::ArrayRef<Type> args,
                                    llvm::ArrayRef<Type> results) {
  Function *rule = module.lookup(name);
  if (!rule) {
    reportBadCustomRule(f, name, "no such function");
    return nullptr;
  }
  if (rule->isDerivedDeclaration() && !fill(*rule))
    return nullptr;
  if (args != rule->getArgTypes() || results != rule->getResultTypes()) {
    reportBadCustomRule(f, rule->getName(),
                        fmt::format("expected type {} -> {}, it has {} -> {}",
                                    typeListToString(args),
                                    typeListToString(results),
                                    typeListToString(rule->getArgTypes()),
                                    typeListToString(rule->getResultTypes())));
    return nullptr;
  }
  std::string key = fmt::format("{} {}", mode.str(), rule->getName().str());
  if (auto it = checkedRules.find(key); it != checkedRules.end())
    return it->second ? rule : nullptr;
  // The (co)tangent arguments follow f's parameters.
  bool forward = mode == "jvp";
  LinearityQuery q;
  unsigned nparams = f.getArgTypes().size();
  for (unsigned i = nparams; i < args.size(); ++i)
    if (isDifferentiableType(args[i]))
      q.linearArgs.push_back(i);
  q.numPrimalResults = forward ? f.getResultTypes().size() : 0;
  q.pronoun = forward ? "them" : "it";
  std::optional<NonLinearity> bad = findNonLinearity(
      module, *rule, q, [&](Function &callee) { return fill(callee); });
  checkedRules[key] = !bad && !failed;
  if (!bad)
    return failed ? nullptr : rule;
  failed = true;
  llvm::SMLoc loc = bad->loc.isValid() ? bad->loc : rule->getLoc().pos;
  auto b = diags.report(diag::ADRuleNotLinear, loc, rule->getName().str(),
                        f.getName().str(), forward ? "tangents" : "cotangent",
                        bad->why);
  for (auto it = bad->calls.rbegin(); it != bad->calls.rend(); ++it)
    b.note(diag::ADRuleNotLinearCall, it->first, it->second);
  addNotes(b);
  return nullptr;
}

Function *ADContext::getCustomVjp(const Function &f) {
  llvm::SmallVector<Type, 6> args(f.getArgTypes());
  args.append(f.getResultTypes().begin(), f.getResultTypes().end());
  return getCheckedRule(f, f.getCustomVjp(), "vjp", args, diffParamTypes(f));
}

Function *ADContext::getCustomJvp(const Function &f) {
  llvm::SmallVector<Type, 6> args(f.getArgTypes()), results;
  llvm::SmallVector<Type, 6> tangents = diffParamTypes(f);
  args.append(tangents.begin(), tangents.end());
  for (unsigned k = 0; k < 2; ++k)
    results.append(f.getResultTypes().begin(), f.getResultTypes().end());
  return getCheckedRule(f, f.getCustomJvp(), "jvp", args, results);
}

bool ADContext::emitRuleReverse(Builder &b, const Function &f,
                                llvm::ArrayRef<Value *> args,
                                llvm::ArrayRef<Value *> dys,
                                llvm::SmallVectorImpl<Value *> &cots) {
  if (!f.getCustomVjp().empty()) {
    Function *rule = getCustomVjp(f);
    if (!rule)
      return false;
    llvm::SmallVector<Value *, 8> all(args);
    all.append(dys.begin(), dys.end());
    Operation *c = b.call(*rule, all);
    for (Value *r : c->getResults())
      cots.push_back(r);
    return true;
  }
  Function *rule = getCustomJvp(f);
  if (!rule)
    return false;
  llvm::SmallVector<Type, 6> tangents = diffParamTypes(f);
  if (tangents.empty())
    return true;
  // vjp of h(x, t) -> (y, ty) w.r.t. t, at t = 0, with cotangents (0, dy).
  unsigned nparams = f.getArgTypes().size();
  llvm::SmallVector<int64_t, 6> wrt;
  for (unsigned i = 0; i < tangents.size(); ++i)
    wrt.push_back(nparams + i);
  Function *transposed = getDerived(*rule, DerivedKind::Vjp, wrt);
  if (!transposed)
    return false;
  llvm::SmallVector<Value *, 12> all(args);
  for (const Type &t : tangents)
    all.push_back(zerosOf(b, t));
  for (const Type &t : f.getResultTypes())
    all.push_back(zerosOf(b, t));
  all.append(dys.begin(), dys.end());
  Operation *c = b.call(*transposed, all);
  for (Value *r : c->getResults())
    cots.push_back(r);
  return true;
}

bool ADContext::emitRuleForward(Builder &b, Function &f,
                                llvm::ArrayRef<Value *> args,
                                llvm::ArrayRef<Value *> ts,
                                llvm::SmallVectorImpl<Value *> &results,
                                llvm::SmallVectorImpl<Value *> &tangents) {
  llvm::SmallVector<Type, 6> tangentTypes = diffParamTypes(f);
  assert(ts.size() == tangentTypes.size() && "one tangent per diff param");
  llvm::SmallVector<Value *, 6> tans;
  for (size_t i = 0; i < ts.size(); ++i)
    tans.push_back(orZeros(b, ts[i], tangentTypes[i]));
  unsigned n = f.getResultTypes().size();
  if (!f.getCustomJvp().empty()) {
    Function *rule = getCustomJvp(f);
    if (!rule)
      return false;
    llvm::SmallVector<Value *, 12> all(args);
    all.append(tans.begin(), tans.end());
    Operation *c = b.call(*rule, all);
    for (unsigned k = 0; k < n; ++k) {
      results.push_back(c->getResult(k));
      tangents.push_back(c->getResult(n + k));
    }
    return true;
  }
  Function *rule = getCustomVjp(f);
  if (!rule)
    return false;
  Operation *primal = b.call(f, args);
  for (Value *r : primal->getResults())
    results.push_back(r);
  // vjp of g(x, dy) -> cotangents w.r.t. dy, at dy = 0, with cotangents t.
  unsigned nparams = f.getArgTypes().size();
  llvm::SmallVector<int64_t, 4> wrt;
  for (unsigned k = 0; k < n; ++k)
    if (isDifferentiableType(f.getResultTypes()[k]))
      wrt.push_back(nparams + k);
  Operation *c = nullptr;
  if (!wrt.empty() && !tans.empty()) {
    Function *transposed = getDerived(*rule, DerivedKind::Vjp, wrt);
    if (!transposed)
      return false;
    llvm::SmallVector<Value *, 12> all(args);
    for (const Type &t : f.getResultTypes())
      all.push_back(zerosOf(b, t));
    all.append(tans.begin(), tans.end());
    c = b.call(*transposed, all);
  }
  unsigned next = 0;
  for (unsigned k = 0; k < n; ++k) {
    const Type &t = f.getResultTypes()[k];
    bool has = c && isDifferentiableType(t);
    tangents.push_back(has ? c->getResult(next++) : zerosOf(b, t));
  }
  return true;
}

} // namespace tdl::ad

//===- DimSolver.cpp - solving dim expressions at a call ------------------===//
//
// Unification (Unify.cpp) binds plain dim names directly; a dim of a
// parameter's type that is an expression (`N + 1`, `2 * N`, `prod(S)`)
// becomes a constraint `expr == value`. The constraints are solved to a
// fixpoint: one whose names are all bound is checked; one with exactly one
// unbound dim parameter that occurs once is inverted through + - * /
// (every intermediate value is a dim, so it must be a non-negative integer,
// and `/` is exact division) and binds it, which may unblock others. What
// is still unbound at the fixpoint cannot be inferred from the arguments.
//
//===----------------------------------------------------------------------===//
#include "sema/SemaImpl.h"

#include <fmt/format.h>

namespace tdl::sema {

static void collectParams(const ast::TypeExpr *t, const TypeEnv &env,
                          std::vector<const ast::GenericParamDecl *> &out) {
  if (auto *n = llvm::dyn_cast<ast::NamedTypeExpr>(t)) {
    if (const ast::GenericParamDecl *p = env.findParam(n->getName().name))
      out.push_back(p);
  } else if (auto *c = llvm::dyn_cast<ast::DimCallExpr>(t)) {
    if (const ast::GenericParamDecl *p = env.findParam(c->getPack().name))
      out.push_back(p);
  } else if (auto *bin = llvm::dyn_cast<ast::DimBinaryExpr>(t)) {
    collectParams(bin->getLHS(), env, out);
    collectParams(bin->getRHS(), env, out);
  }
}

namespace {
enum class Inverse {
  Solved,       // the unknown has exactly one value
  NoSolution,   // no non-negative integer works
  Undetermined, // several values work (`0 * N == 0`): not inferable
  Failed,       // a known part did not evaluate (already reported)
};

struct Inverter {
  Sema &s;
  const TypeEnv &env; // with the current bindings
  const ast::GenericParamDecl *unknown;

  bool mentions(const ast::TypeExpr *t) {
    std::vector<const ast::GenericParamDecl *> ps;
    collectParams(t, env, ps);
    return llvm::is_contained(ps, unknown);
  }

  /// Solves `t == target` for the unknown, which occurs once in `t`.
  Inverse solve(const ast::TypeExpr *t, int64_t target, int64_t &out) {
    if (target < 0)
      return Inverse::NoSolution;
    if (llvm::isa<ast::NamedTypeExpr>(t)) {
      out = target;
      return Inverse::Solved;
    }
    auto *bin = llvm::dyn_cast<ast::DimBinaryExpr>(t);
    if (!bin)
      return Inverse::Undetermined;
    bool left = mentions(bin->getLHS());
    auto known = s.evalDim(left ? bin->getRHS() : bin->getLHS(), env);
    if (!known)
      return Inverse::Failed;
    int64_t k = *known, next = 0;
    switch (bin->getOp()) {
    case ast::BinaryOp::Add: // x + k == t, k + x == t
      if (__builtin_sub_overflow(target, k, &next))
        return Inverse::NoSolution;
      break;
    case ast::BinaryOp::Sub: // x - k == t, k - x == t
      if (left ? __builtin_add_overflow(target, k, &next)
               : __builtin_sub_overflow(k, target, &next))
        return Inverse::NoSolution;
      break;
    case ast::BinaryOp::Mul: // x * k == t
      if (k == 0)
        return target == 0 ? Inverse::Undetermined : Inverse::NoSolution;
      if (target % k != 0)
        return Inverse::NoSolution;
      next = target / k;
      break;
    case ast::BinaryOp::Div:
      if (left) { // x / k == t exactly: x = t * k
        if (k == 0 || __builtin_mul_overflow(target, k, &next))
          return Inverse::NoSolution;
      } else { // k / x == t exactly: x = k / t
        if (target == 0)
          return k == 0 ? Inverse::Undetermined : Inverse::NoSolution;
        if (k % target != 0 || k / target == 0)
          return Inverse::NoSolution;
        next = k / target;
      }
      break;
    default:
      return Inverse::Undetermined;
    }
    return solve(left ? bin->getLHS() : bin->getRHS(), next, out);
  }
};
} // namespace

/// "'M'" or "'N' and 'M'" or "'A', 'B' and 'C'".
static std::string
quotedList(llvm::ArrayRef<const ast::GenericParamDecl *> ps) {
  std::string s;
  for (size_t i = 0; i < ps.size(); ++i) {
    if (i)
      s += i + 1 == ps.size() ? " and " : ", ";
    s += "'" + ps[i]->getName().name.str() + "'";
  }
  return s;
}

static std::string explicitForm(llvm::StringRef callee, const TypeEnv &env) {
  std::vector<std::string> names;
  for (const ast::GenericParamDecl *p : env.params)
    names.push_back((p->isPack() ? ".." : "") + p->getName().name.str());
  return fmt::format("{}<{}>", callee.str(), fmt::join(names, ", "));
}

bool Sema::solveDeferred(const TypeEnv &env, Bindings &b,
                         llvm::StringRef callee) {
  TypeEnv e = env;
  e.bindings = &b;
  auto unboundIn = [&](const ast::TypeExpr *t) {
    std::vector<const ast::GenericParamDecl *> ps, unbound;
    collectParams(t, env, ps);
    for (const ast::GenericParamDecl *p : ps)
      if (!b.count(p))
        unbound.push_back(p);
    return unbound;
  };
  bool ok = true, progress = true;
  while (ok && progress) {
    progress = false;
    for (size_t i = 0; ok && i < deferredDims.size();) {
      const DeferredDim &d = deferredDims[i];
      std::vector<const ast::GenericParamDecl *> unbound = unboundIn(d.expr);
      if (unbound.empty()) {
        auto v = evalDim(d.expr, e);
        if (v && *v != d.actual)
          diags.report(diag::DimMismatch, d.where, d.argName, callee,
                       typeExprText(d.expr), *v, d.actual);
        ok = v && *v == d.actual;
      } else {
        const ast::GenericParamDecl *p = unbound[0];
        if (unbound.size() != 1 || roleOf(p) != GenericRole::Dim) {
          ++i;
          continue;
        }
        int64_t value = 0;
        switch (Inverter{*this, e, p}.solve(d.expr, d.actual, value)) {
        case Inverse::Solved: {
          GenericValue gv;
          gv.dim = value;
          ok = bindValue(p, gv, b, callee, d.argName, d.where);
          break;
        }
        case Inverse::NoSolution:
          diags
              .report(diag::DimUnsolvable, d.where, d.argName, callee,
                      p->getName().name, typeExprText(d.expr), d.actual)
              .note(diag::GenericParamHere, p->getName().getRange(),
                    p->getName().name);
          ok = false;
          break;
        case Inverse::Failed:
          ok = false;
          break;
        case Inverse::Undetermined:
          ++i;
          continue;
        }
      }
      deferredDims.erase(deferredDims.begin() + i);
      progress = true;
    }
  }
  if (ok && !deferredDims.empty()) {
    const DeferredDim &d = deferredDims.front();
    std::vector<const ast::GenericParamDecl *> unbound = unboundIn(d.expr);
    std::vector<const ast::GenericParamDecl *> unique;
    for (const ast::GenericParamDecl *p : unbound)
      if (!llvm::is_contained(unique, p))
        unique.push_back(p);
    DiagnosticBuilder r =
        diags.report(diag::DimUninferable, d.where,
                     (unique.size() == 1 ? "parameter " : "parameters ") +
                         quotedList(unique),
                     callee, typeExprText(d.expr), d.argName, d.actual,
                     explicitForm(callee, env));
    for (const ast::GenericParamDecl *p : unique)
      r.note(diag::GenericParamHere, p->getName().getRange(),
             p->getName().name);
    ok = false;
  }
  deferredDims.clear();
  return ok;
}

} // namespace tdl::sema

//===- ConstEval.cpp - module constants and default values ----------------===//
//
// `const X: T = e;` and parameter defaults are checked like any expression,
// in a scratch instance of their module, and must fold to a value. A const
// without a declared type stays untyped where it is used (as in Go), so
// `const LR = 0.1;` adapts to f32 or f64 operands.
//
//===----------------------------------------------------------------------===//
#include "sema/FunctionChecker.h"

#include <fmt/format.h>

namespace tdl::sema {

std::string ConstValue::str() const {
  switch (kind) {
  case Kind::Int:
    return std::to_string(i);
  case Kind::Float:
    return fmt::format("{}", f);
  case Kind::Bool:
    return b ? "true" : "false";
  case Kind::Tuple: {
    std::vector<std::string> parts;
    for (const ConstValue &e : elems)
      parts.push_back(e.str());
    return fmt::format("({})", fmt::join(parts, ", "));
  }
  }
  return "?";
}

FuncInstance *Sema::scratchInstance() {
  scratch.push_back(std::make_unique<FuncInstance>());
  scratch.back()->resultType = types.unit();
  scratch.back()->name = "<constant>";
  return scratch.back().get();
}

const ConstValue *Sema::moduleConst(const ast::ConstDecl *d, const Type **type,
                                    llvm::SMRange use) {
  if (constInProgress[d]) {
    // A cycle in constant definitions: reported at the const that closes it,
    // with a note per use along the cycle.
    auto b = diags.report(diag::ConstCycle, d->getName().getRange(),
                          d->getName().name);
    auto start = llvm::find_if(
        constStack, [&](const auto &entry) { return entry.first == d; });
    for (auto it = start; it != constStack.end(); ++it) {
      bool last = it + 1 == constStack.end();
      const ast::ConstDecl *next = last ? d : (it + 1)->first;
      llvm::SMRange at = last ? use : (it + 1)->second;
      if (at.isValid())
        b.note(diag::ConstCycleStep, at, it->first->getName().name,
               next->getName().name);
    }
    return nullptr;
  }
  auto it = constIndex.find(d);
  if (it != constIndex.end()) {
    if (it->second == SIZE_MAX)
      return nullptr;
    *type = constUseType.lookup(d);
    return &program.consts[it->second].value;
  }
  constInProgress[d] = true;
  constStack.push_back({d, use});
  constIndex[d] = SIZE_MAX; // an error unless completed below
  ModuleInfo *mi = moduleOf(d);
  FuncInstance *inst = scratchInstance();
  FunctionChecker checker(*this, *inst, mi, TypeEnv{mi, {}, nullptr}, nullptr,
                          {});
  const Type *t = checker.checkExpr(d->getInit());
  const Type *useType = t;
  if (!t->isError() && d->getDeclaredType()) {
    const Type *declared = resolveType(d->getDeclaredType(), checker.env);
    auto conv = checker.convertTo(d->getInit(), t, declared);
    if (conv == FunctionChecker::Conversion::Mismatch)
      diags.report(diag::TypeMismatch, d->getInit()->getRange(),
                   declared->str(), t->str());
    useType =
        conv == FunctionChecker::Conversion::Ok ? declared : types.error();
  }
  constInProgress[d] = false;
  constStack.pop_back();
  if (useType->isError())
    return nullptr;
  auto value = checker.constantOf(d->getInit());
  if (!value) {
    diags.report(diag::NotConstant, d->getInit()->getRange(),
                 "the initializer of const '" + d->getName().name.str() + "'");
    return nullptr;
  }
  program.consts.push_back({d, types.defaulted(useType), *value});
  constIndex[d] = program.consts.size() - 1;
  constUseType[d] = useType;
  d->type = program.consts.back().type;
  *type = useType;
  return &program.consts.back().value;
}

std::optional<ConstValue> Sema::evalDefault(const ast::ParamDecl *p,
                                            const Type *type,
                                            const TypeEnv &env) {
  FuncInstance *inst = scratchInstance();
  FunctionChecker checker(*this, *inst, env.module, env, nullptr, {});
  const Type *t = checker.checkExpr(p->getDefault());
  if (t->isError())
    return std::nullopt;
  auto conv = checker.convertTo(p->getDefault(), t, type);
  if (conv == FunctionChecker::Conversion::Mismatch)
    diags.report(diag::TypeMismatch, p->getDefault()->getRange(), type->str(),
                 t->str());
  if (conv != FunctionChecker::Conversion::Ok)
    return std::nullopt;
  auto v = checker.constantOf(p->getDefault());
  if (!v)
    diags.report(diag::NotConstant, p->getDefault()->getRange(),
                 "the default of parameter '" + p->getName().name.str() + "'");
  return v;
}

} // namespace tdl::sema

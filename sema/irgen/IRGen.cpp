//===- IRGen.cpp - the module: function shells, derived declarations ------===//
//
// Order: (1) names — exported instances take their C name, the others
// sema's instance name mangled, made unique with a `.N` suffix; (2) one IR
// function shell per instance with its flattened signature, so calls can
// refer to any function; (3) the derived-function declarations, whose
// signatures the IR computes from their bases (checked against sema's);
// (4) the bodies; (5) a forwarding function for each further C name of an
// instance exported more than once.
//
//===----------------------------------------------------------------------===//
#include "sema/irgen/IRGen.h"
#include "sema/irgen/FunctionLowering.h"
#include "sema/irgen/SourceSignatures.h"

#include "ssa_ir/Builder.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

#include <fmt/format.h>

namespace tdl::irgen {

std::string mangleInstanceName(llvm::StringRef name) {
  std::string out;
  bool pendingSeparator = false;
  for (char c : name) {
    if (llvm::isAlnum(c) || c == '_') {
      if (pendingSeparator && !out.empty())
        out += '_';
      pendingSeparator = false;
      out += c;
    } else {
      pendingSeparator = true;
    }
  }
  return out.empty() ? "fn" : out;
}

namespace {
class NameTable {
public:
  /// `base`, or `base.1`, `base.2`, ... if taken.
  std::string unique(const std::string &base) {
    std::string name = base;
    for (unsigned i = 1; taken.contains(name); ++i)
      name = fmt::format("{}.{}", base, i);
    taken.insert(name);
    return name;
  }
  bool reserve(const std::string &name) { return taken.insert(name).second; }

private:
  llvm::StringSet<> taken;
};
} // namespace

static ir::DerivedKind toIRKind(sema::TransformKind k) {
  switch (k) {
  case sema::TransformKind::Grad:
    return ir::DerivedKind::Grad;
  case sema::TransformKind::ValueAndGrad:
    return ir::DerivedKind::ValueAndGrad;
  case sema::TransformKind::VJP:
    return ir::DerivedKind::Vjp;
  case sema::TransformKind::JVP:
    return ir::DerivedKind::Jvp;
  case sema::TransformKind::Checkpoint:
    return ir::DerivedKind::Checkpoint;
  }
  llvm_unreachable("bad transform kind");
}

static void flatSignature(const sema::Type *fnType,
                          llvm::SmallVectorImpl<ir::Type> &args,
                          llvm::SmallVectorImpl<ir::Type> &results) {
  for (const sema::Type *p : fnType->getParams())
    leafTypes(p, args);
  leafTypes(fnType->getResult(), results);
}

namespace {

/// The instances lowered: every one, or what some roots reach.
struct Selection {
  bool all = true;
  llvm::DenseSet<const sema::FuncInstance *> functions;
  llvm::DenseSet<const sema::DerivedInstance *> derived;
  bool has(const sema::FuncInstance *f) const {
    return all || functions.contains(f);
  }
  bool has(const sema::DerivedInstance *d) const {
    return all || derived.contains(d);
  }
};

Selection reachableFrom(llvm::ArrayRef<const sema::FuncInstance *> roots) {
  Selection s;
  s.all = false;
  std::vector<const sema::FuncInstance *> work(roots.begin(), roots.end());
  auto addDerived = [&](const sema::DerivedInstance *d) {
    for (; d && s.derived.insert(d).second; d = d->primalDerived)
      if (d->primalFunction)
        work.push_back(d->primalFunction);
  };
  while (!work.empty()) {
    const sema::FuncInstance *f = work.back();
    work.pop_back();
    if (!f || !s.functions.insert(f).second)
      continue;
    work.push_back(f->customDerivative);
    work.push_back(f->customForwardDerivative);
    for (const auto &[call, rc] : f->calls) {
      if (rc.kind == sema::ResolvedCall::Kind::Function)
        work.push_back(rc.function);
      else if (rc.kind == sema::ResolvedCall::Kind::Derived)
        addDerived(rc.derived);
    }
  }
  return s;
}

llvm::Expected<GeneratedModule> generate(const sema::Program &program,
                                         const Selection &selected) {
  GeneratedModule out;
  out.module = std::make_unique<ir::Module>();
  ModuleContext ctx(program, *out.module);
  auto fail = [](const std::string &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
  };

  // (1) Names. Exported C names first: they are the ABI.
  NameTable names;
  llvm::DenseMap<const sema::FuncInstance *, std::string> exportName;
  llvm::DenseMap<const sema::DerivedInstance *, std::string> derivedExportName;
  std::vector<std::pair<std::string, const sema::FuncInstance *>> forwarders;
  for (const sema::ExportedFunction &e : program.exports) {
    if (!names.reserve(e.cName))
      return fail("exported name '" + e.cName + "' is used twice");
    if (e.function ? !selected.has(e.function) : !selected.has(e.derived))
      continue; // (its name stays reserved: not taken by another function)
    if (e.function) {
      if (exportName.count(e.function))
        forwarders.push_back({e.cName, e.function});
      else
        exportName[e.function] = e.cName;
    } else if (e.derived) {
      derivedExportName[e.derived] = e.cName;
    }
  }

  // (2) Function shells.
  for (const auto &inst : program.functions) {
    if (!inst->decl || !inst->decl->getBody() || !selected.has(inst.get()))
      continue;
    auto it = exportName.find(inst.get());
    std::string name = it != exportName.end()
                           ? it->second
                           : names.unique(mangleInstanceName(inst->name));
    llvm::SmallVector<ir::Type, 8> args, results;
    for (const sema::Type *p : inst->paramTypes)
      leafTypes(p, args);
    leafTypes(inst->resultType, results);
    auto fn = std::make_unique<ir::Function>(
        name, args, results, ir::Location(inst->decl->getLoc()));
    fn->setExported(it != exportName.end());
    ctx.functions[inst.get()] = out.module->addFunction(std::move(fn));
  }

  // (2b) `@derivative(of: f)` rules: the IR records them on the primal as
  // `custom_vjp @rule`, and autodiff uses the rule instead of f's body. Both
  // sides are flattened to leaves the same way, which is the rule's IR
  // signature (f's parameters, one cotangent per result leaf ->
  // one cotangent per differentiable parameter leaf).
  // A `mode: forward` rule is recorded as `custom_jvp @rule` (its IR
  // signature: f's parameters, one tangent per differentiable parameter leaf
  // -> f's result leaves, then their tangents).
  for (const auto &inst : program.functions) {
    ir::Function *primal = ctx.functions.lookup(inst.get());
    if (!selected.has(inst.get()))
      continue;
    for (bool forward : {false, true}) {
      const sema::FuncInstance *r =
          forward ? inst->customForwardDerivative : inst->customDerivative;
      if (!r)
        continue;
      ir::Function *rule = ctx.functions.lookup(r);
      if (!primal || !rule)
        return fail("derivative rule '" + r->name + "' of '" + inst->name +
                    "' has no IR function");
      if (forward)
        primal->setCustomJvp(rule->getName().str());
      else
        primal->setCustomVjp(rule->getName().str());
    }
  }

  // (3) Derived declarations, in creation order (a primal before the
  // transforms of it).
  for (const auto &d : program.derived) {
    if (!selected.has(d.get()))
      continue;
    ir::Function *base = d->primalFunction
                             ? ctx.functions.lookup(d->primalFunction)
                             : ctx.derived.lookup(d->primalDerived);
    if (!base)
      return fail("derived function '" + d->name + "' has no primal function");
    // wrt: the leaf indices of the differentiated parameters.
    llvm::SmallVector<int64_t, 4> wrt;
    llvm::ArrayRef<const sema::Type *> params = d->primalType->getParams();
    int64_t offset = 0;
    for (size_t i = 0; i < params.size(); ++i) {
      llvm::SmallVector<ir::Type, 4> leaves;
      leafTypes(params[i], leaves);
      if (llvm::is_contained(d->wrt, unsigned(i)))
        for (size_t j = 0; j < leaves.size(); ++j)
          wrt.push_back(offset + int64_t(j));
      offset += int64_t(leaves.size());
    }
    auto it = derivedExportName.find(d.get());
    std::string name = it != derivedExportName.end()
                           ? it->second
                           : names.unique(mangleInstanceName(d->name));
    auto fn = std::make_unique<ir::Function>(name, toIRKind(d->kind),
                                             base->getName().str(), wrt,
                                             ir::Location(d->loc));
    fn->setExported(it != derivedExportName.end());
    ctx.derived[d.get()] = out.module->addFunction(std::move(fn));
  }
  if (llvm::Error e = out.module->resolveDerivedSignatures())
    return fail(llvm::toString(std::move(e)));
  for (const auto &d : program.derived) {
    if (!selected.has(d.get()))
      continue;
    llvm::SmallVector<ir::Type, 8> args, results;
    flatSignature(d->type, args, results);
    ir::Function *fn = ctx.derived[d.get()];
    if (llvm::ArrayRef<ir::Type>(args) != fn->getArgTypes() ||
        llvm::ArrayRef<ir::Type>(results) != fn->getResultTypes())
      return fail(fmt::format(
          "derived function '@{}' ({}): the IR signature {} -> {} differs "
          "from sema's {}",
          fn->getName().str(), d->name, ir::typeListToString(fn->getArgTypes()),
          ir::typeListToString(fn->getResultTypes()), d->type->str()));
  }

  // (4) Bodies.
  for (const auto &inst : program.functions) {
    ir::Function *fn = ctx.functions.lookup(inst.get());
    if (!fn)
      continue;
    FunctionLowering(ctx, *inst, *fn).run();
    if (!ctx.error.empty())
      return fail(ctx.error);
  }

  // (5) Further C names of an instance: forward to it.
  for (auto &[cName, inst] : forwarders) {
    ir::Function *target = ctx.functions.lookup(inst);
    if (!target)
      return fail("exported instance '" + inst->name + "' has no IR function");
    auto fn = std::make_unique<ir::Function>(cName, target->getArgTypes(),
                                             target->getResultTypes(),
                                             target->getLoc());
    fn->setExported(true);
    ir::Function *f = out.module->addFunction(std::move(fn));
    ir::Builder b(f->getBody());
    b.setLoc(target->getLoc());
    ir::Operation *call = b.call(*target, f->getBody().getArguments());
    b.ret(call->getResults());
  }

  recordSourceSignatures(program, *out.module);
  out.functions = std::move(ctx.functions);
  return out;
}

} // namespace

llvm::Expected<GeneratedModule> generateIR(const sema::Program &program) {
  return generate(program, Selection());
}

llvm::Expected<GeneratedModule>
generateIR(const sema::Program &program,
           llvm::ArrayRef<const sema::FuncInstance *> roots) {
  return generate(program, reachableFrom(roots));
}

} // namespace tdl::irgen

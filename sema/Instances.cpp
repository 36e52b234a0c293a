//===- Instances.cpp - the analysis driver and the instance cache ---------===//
//
// run() loads the module graph, computes generic roles, registers
// @derivative rules, then checks every top-level declaration of every
// module: non-generic functions are instantiated (and so checked) at once,
// generic ones only at their uses, each distinct instance exactly once.
// Recursion is found when a call reaches a function whose body is still being
// checked; it is reported at that call with one note per step of the cycle.
//
//===----------------------------------------------------------------------===//
#include "sema/FunctionChecker.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

namespace tdl::sema {

Sema::Sema(SourceManager &sources, DiagnosticEngine &diags, Program &program,
           const SemaOptions &options, const ParseFunction &parse)
    : sources(sources), diags(diags), program(program), types(program.types),
      options(options), parse(parse) {}

std::unique_ptr<Program> analyze(const ast::Module &main,
                                 SourceManager &sources,
                                 DiagnosticEngine &diags,
                                 const SemaOptions &options,
                                 const ParseFunction &parse) {
  auto program = std::make_unique<Program>();
  Sema sema(sources, diags, *program, options, parse);
  sema.run(main);
  return program;
}

void Sema::run(const ast::Module &main) {
  std::string stem = llvm::sys::path::stem(main.getName()).str();
  // Keyed like an imported file (by its real path), so that a module that
  // imports the main file back closes a cycle instead of loading it again.
  std::string key = main.getName().str();
  llvm::SmallString<256> real;
  if (llvm::sys::fs::is_regular_file(key) &&
      !llvm::sys::fs::real_path(key, real))
    key = std::string(real);
  mainInfo = addModule(main, stem, key);
  std::vector<ModuleInfo *> loadStack;
  loadImports(mainInfo, loadStack);

  // Roles of generic parameters, before any type is resolved.
  for (auto &m : modules)
    computeRolesOf(*m->module);

  // @derivative(of: f) rules, before any primal is instantiated.
  collectDerivativeRules();

  for (auto &m : modules)
    checkTopLevel(m.get(), m.get() == mainInfo);
  checkUninstantiatedGenerics();
}

void Sema::computeRolesOf(const ast::Module &m) {
  for (const ast::Decl *d : m.getDecls())
    if (auto *f = llvm::dyn_cast<ast::FuncDecl>(d)) {
      if (f->isGeneric())
        (void)roleOf(f->getGenericParams()[0]);
    } else if (auto *s = llvm::dyn_cast<ast::StructDecl>(d)) {
      if (!s->getGenericParams().empty())
        (void)roleOf(s->getGenericParams()[0]);
    }
}

//===-- IncrementalAnalysis -----------------------------------------------===//

struct IncrementalAnalysis::Added {
  const ast::Module *module = nullptr;
  // (module consts and scratch instances are only ever added for
  // declarations of the main module: kept)
  size_t functions = 0, derived = 0, exports = 0, instances = 0;
};

IncrementalAnalysis::IncrementalAnalysis(const ast::Module &main,
                                         SourceManager &sources,
                                         DiagnosticEngine &diags,
                                         SemaOptions options_,
                                         ParseFunction parse_)
    : options(std::move(options_)), parse(std::move(parse_)),
      program_(std::make_unique<Program>()) {
  sema = std::make_unique<Sema>(sources, diags, *program_, options, parse);
  sema->run(main);
}

IncrementalAnalysis::~IncrementalAnalysis() = default;

std::vector<const FuncInstance *>
IncrementalAnalysis::check(const ast::Module &extra) {
  undo();
  added = std::make_unique<Added>();
  added->module = &extra;
  added->functions = program_->functions.size();
  added->derived = program_->derived.size();
  added->exports = program_->exports.size();
  added->instances = sema->instanceList.size();
  ModuleInfo *mi = sema->mainInfo;
  sema->addDecls(extra, mi);
  sema->computeRolesOf(extra);
  for (const ast::Decl *d : extra.getDecls()) {
    if (sema->diags.hasReachedErrorLimit())
      break;
    sema->checkDecl(d, mi);
  }
  std::vector<const FuncInstance *> out;
  for (const ast::Decl *d : extra.getDecls())
    for (size_t i = added->instances; i < sema->instanceList.size(); ++i)
      if (sema->instanceList[i].first == d)
        out.push_back(sema->instanceList[i].second);
  return out;
}

void IncrementalAnalysis::keep() { added.reset(); }

void IncrementalAnalysis::undo() {
  if (!added)
    return;
  sema->forgetDecls(*added->module, sema->mainInfo);
  sema->instanceList.resize(added->instances);
  program_->functions.resize(added->functions);
  program_->derived.resize(added->derived);
  program_->exports.resize(added->exports);
  added.reset();
}

std::vector<GenericValue> Sema::bindingsInOrder(const ast::FuncDecl *decl,
                                                const Bindings &b) {
  std::vector<GenericValue> out;
  for (const ast::GenericParamDecl *p : decl->getGenericParams()) {
    auto it = b.find(p);
    out.push_back(it == b.end() ? GenericValue() : it->second);
  }
  return out;
}

FuncInstance *
Sema::getInstance(const ast::FuncDecl *decl, const Bindings &b,
                  std::vector<std::optional<ConstValue>> constArgs,
                  llvm::SMRange callRange) {
  BindingOrigins origins = std::move(pendingInstanceOrigins);
  pendingInstanceOrigins.clear();
  // Recursion: the callee's body is being checked right now.
  for (size_t i = 0; i < activeCalls.size(); ++i) {
    if (activeCalls[i].first != decl)
      continue;
    auto report =
        diags.report(diag::RecursiveCall, callRange, decl->getName().name);
    for (size_t j = i + 1; j < activeCalls.size(); ++j)
      report.note(diag::RecursionStep, activeCalls[j].second,
                  activeCalls[j].first->getName().name,
                  activeCalls[j - 1].first->getName().name);
    return nullptr;
  }

  std::vector<GenericValue> args = bindingsInOrder(decl, b);
  for (auto &[d, inst] : instanceList)
    if (d == decl && inst->genericArgs == args && inst->constArgs == constArgs)
      return inst;

  auto owned = std::make_unique<FuncInstance>();
  FuncInstance *inst = owned.get();
  inst->decl = decl;
  inst->id = program.functions.size();
  inst->genericArgs = args;
  inst->constArgs = constArgs;
  inst->name = instanceName(decl, args);
  std::vector<std::string> constParts;
  for (size_t i = 0; i < constArgs.size(); ++i)
    if (constArgs[i])
      constParts.push_back(
          fmt::format("{}: {}", decl->getParams()[i]->getName().name.str(),
                      constArgs[i]->str()));
  if (!constParts.empty())
    inst->name += fmt::format("{{{}}}", fmt::join(constParts, ", "));
  program.functions.push_back(std::move(owned));
  instanceList.push_back({decl, inst});

  ModuleInfo *mi = moduleOf(decl);
  TypeEnv env{mi, decl->getGenericParams(), &b};
  if (decl->isGeneric()) {
    instantiatingAt = callRange;
    instantiatingName = inst->name;
  }
  auto clearInstantiating =
      llvm::make_scope_exit([&] { instantiatingAt = llvm::SMRange(); });
  for (const ast::ParamDecl *p : decl->getParams()) {
    const Type *t = resolveType(p->getParamType(), env);
    inst->paramTypes.push_back(t);
    if (!decl->isGeneric())
      p->type = t;
  }
  inst->resultType = resolveType(decl->getResultType(), env);
  instantiatingAt = llvm::SMRange();

  activeCalls.push_back({decl, callRange});
  FunctionChecker checker(*this, *inst, mi, env, decl,
                          decl->isGeneric() ? callRange : llvm::SMRange());
  checker.paramOrigins = std::move(origins);
  checker.checkFunctionBody();
  inst->checked = true;
  activeCalls.pop_back();

  if (derivativeRules.count(decl) || forwardDerivativeRules.count(decl))
    checkDerivativeRule(inst);
  return inst;
}

void Sema::checkTopLevel(ModuleInfo *mi, bool isMain) {
  for (const ast::Decl *d : mi->module->getDecls()) {
    if (diags.hasReachedErrorLimit())
      return;
    checkDecl(d, mi);
  }
  (void)isMain;
}

void Sema::checkDecl(const ast::Decl *d, ModuleInfo *mi) {
  {
    switch (d->getKind()) {
    case ast::NodeKind::ConstDecl: {
      const Type *t = nullptr;
      (void)moduleConst(llvm::cast<ast::ConstDecl>(d), &t);
      break;
    }
    case ast::NodeKind::StructDecl: {
      auto *s = llvm::cast<ast::StructDecl>(d);
      if (s->getGenericParams().empty())
        (void)instantiateStruct(s, {}, s->getName().getRange());
      break;
    }
    case ast::NodeKind::FuncDecl: {
      auto *f = llvm::cast<ast::FuncDecl>(d);
      if (!f->isGeneric())
        (void)getInstance(
            f, {},
            std::vector<std::optional<ConstValue>>(f->getParams().size()),
            f->getName().getRange());
      if (f->isExport())
        checkExport(f, mi);
      break;
    }
    case ast::NodeKind::DerivedFuncDecl: {
      auto *df = llvm::cast<ast::DerivedFuncDecl>(d);
      (void)derivedCallable(df);
      if (df->isExport())
        checkExport(df, mi);
      break;
    }
    default:
      break;
    }
  }
}

void Sema::checkExport(const ast::Decl *d, ModuleInfo *mi) {
  ExportedFunction e;
  e.decl = d;
  e.cName = d->getName().name.str();
  if (auto *f = llvm::dyn_cast<ast::FuncDecl>(d)) {
    if (f->isGeneric()) {
      diags.report(diag::ExportNotConcrete, f->getName().getRange(),
                   f->getName().name, f->getGenericParams()[0]->getName().name);
      return;
    }
    for (auto &[decl, inst] : instanceList)
      if (decl == f)
        e.function = inst;
    if (e.function && !e.function->hasErrors)
      program.exports.push_back(e);
    return;
  }
  auto *df = llvm::cast<ast::DerivedFuncDecl>(d);
  std::shared_ptr<Callable> c = derivedCallable(df);
  if (!c || c->kind == Callable::Kind::Error)
    return;
  if (c->kind == Callable::Kind::Builtin) {
    diags.report(diag::DerivedFuncInvalid, df->getName().getRange(),
                 df->getName().name);
    return;
  }
  auto concrete = concreteInstance(*c, df->getName().getRange());
  if (!concrete.first && !concrete.second) {
    if (!diags.hasErrors() || !c->func || true) {
      const Callable *root = c.get();
      while (root->kind == Callable::Kind::Transform)
        root = root->primal.get();
      if (root->func &&
          root->explicitArgs.size() < root->func->getGenericParams().size())
        diags.report(diag::ExportNotConcrete, df->getName().getRange(),
                     df->getName().name,
                     root->func->getGenericParams()[root->explicitArgs.size()]
                         ->getName()
                         .name);
    }
    return;
  }
  e.function = concrete.first;
  e.derived = concrete.second;
  program.exports.push_back(e);
  (void)mi;
}

} // namespace tdl::sema

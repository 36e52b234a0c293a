//===- Analysis.cpp -------------------------------------------------------===//
#include "tools/lsp/Analysis.h"

#include "parser/Parse.h"
#include "sema/Sema.h"

namespace tdl::lsp {

namespace {
/// Keeps every diagnostic (with its notes) for publishing.
class Collector : public DiagnosticConsumer {
public:
  explicit Collector(std::vector<Diagnostic> &out) : out(out) {}
  void handle(const Diagnostic &d) override { out.push_back(d); }

private:
  std::vector<Diagnostic> &out;
};
} // namespace

std::unique_ptr<Analysis> Analysis::run(llvm::StringRef path,
                                        llvm::StringRef text,
                                        const AnalysisOptions &options) {
  auto a = std::make_unique<Analysis>();
  a->diags.setConsumer(std::make_unique<Collector>(a->diagnostics));
  a->diags.setErrorLimit(0);
  a->mainBuffer = a->sources.addBuffer(path, text);
  a->module =
      parser::parseBuffer(a->sources, a->mainBuffer, a->diags, a->astContext);
  if (!a->module)
    return a;
  sema::SemaOptions semaOptions;
  semaOptions.includeDirs = options.includeDirs;
  semaOptions.stdlibDir = options.stdlibDir;
  Analysis *self = a.get();
  auto parse = [self](unsigned buffer) -> const ast::Module * {
    return parser::parseBuffer(self->sources, buffer, self->diags,
                               self->astContext);
  };
  a->program =
      sema::analyze(*a->module, a->sources, a->diags, semaOptions, parse);
  a->diags.finish();
  a->buildIndex();
  return a;
}

llvm::SMLoc Analysis::locAt(size_t offset) const {
  llvm::StringRef t = text();
  return llvm::SMLoc::getFromPointer(t.data() + std::min(offset, t.size()));
}

size_t Analysis::offsetOf(llvm::SMLoc loc) const {
  return size_t(loc.getPointer() - text().data());
}

bool Analysis::inMainBuffer(llvm::SMLoc loc) const {
  llvm::StringRef t = text();
  return loc.isValid() && loc.getPointer() >= t.data() &&
         loc.getPointer() <= t.data() + t.size();
}

const ast::ImportDecl *Analysis::importDecl(llvm::StringRef name) const {
  if (!module)
    return nullptr;
  for (const ast::ImportDecl *i : module->declsOf<ast::ImportDecl>())
    if (i->getName().name == name)
      return i;
  return nullptr;
}

const ast::Module *Analysis::importedModule(llvm::StringRef name) const {
  const ast::ImportDecl *i = importDecl(name);
  return i ? i->module : nullptr;
}

static const ast::Decl *findIn(const ast::Module *m, llvm::StringRef name) {
  if (!m)
    return nullptr;
  for (const ast::Decl *d : m->getDecls())
    if (!llvm::isa<ast::ImportDecl>(d) && d->getName().name == name)
      return d;
  return nullptr;
}

const ast::Decl *Analysis::lookupTopLevel(llvm::StringRef name) const {
  if (const ast::Decl *d = findIn(module, name))
    return d;
  if (!module)
    return nullptr;
  for (const ast::ImportDecl *i : module->declsOf<ast::ImportDecl>())
    if (const ast::Decl *d = findIn(i->module, name))
      return d;
  return nullptr;
}

const ast::Decl *Analysis::lookupQualified(llvm::StringRef moduleName,
                                           llvm::StringRef name) const {
  return findIn(importedModule(moduleName), name);
}

void Analysis::buildIndex() {
  if (!program)
    return;
  for (const auto &f : program->functions) {
    const sema::FuncInstance *inst = f.get();
    for (auto &[e, t] : inst->exprTypes)
      exprTypes[e].push_back({inst, t});
    for (auto &[v, t] : inst->varTypes)
      declTypes[v].push_back({inst, t});
    if (inst->decl)
      for (size_t i = 0;
           i < inst->decl->getParams().size() && i < inst->paramTypes.size();
           ++i)
        declTypes[inst->decl->getParams()[i]].push_back(
            {inst, inst->paramTypes[i]});
    for (auto &[c, r] : inst->calls)
      calls[c].push_back({inst, &r});
    for (auto &[fe, access] : inst->fields)
      fields.try_emplace(fe, &access, inst->typeOf(fe->getBase()));
  }
  // Instances are created in first-use order; show them in that order.
  auto byId = [](const TypedIn &a, const TypedIn &b) {
    return a.instance->id < b.instance->id;
  };
  for (auto &entry : exprTypes)
    llvm::sort(entry.second, byId);
  for (auto &entry : declTypes)
    llvm::sort(entry.second, byId);
}

llvm::SmallVector<TypedIn, 2> Analysis::typesOf(const ast::Expr *e) const {
  auto it = exprTypes.find(e);
  if (it != exprTypes.end())
    return it->second;
  if (e && e->type)
    return {TypedIn{nullptr, e->type}};
  return {};
}

llvm::SmallVector<TypedIn, 2> Analysis::typesOfDecl(const ast::Decl *d) const {
  auto it = declTypes.find(d);
  if (it != declTypes.end())
    return it->second;
  const sema::Type *slot = nullptr;
  if (auto *v = llvm::dyn_cast_or_null<ast::VarDecl>(d))
    slot = v->type;
  else if (auto *p = llvm::dyn_cast_or_null<ast::ParamDecl>(d))
    slot = p->type;
  else if (auto *c = llvm::dyn_cast_or_null<ast::ConstDecl>(d))
    slot = c->type;
  if (slot)
    return {TypedIn{nullptr, slot}};
  if (auto *c = llvm::dyn_cast_or_null<ast::ConstDecl>(d))
    if (const sema::ModuleConst *mc = moduleConst(c))
      return {TypedIn{nullptr, mc->type}};
  return {};
}

llvm::SmallVector<
    std::pair<const sema::FuncInstance *, const sema::ResolvedCall *>, 2>
Analysis::callsOf(const ast::CallExpr *c) const {
  auto it = calls.find(c);
  if (it == calls.end())
    return {};
  auto out = it->second;
  llvm::sort(out, [](auto &a, auto &b) { return a.first->id < b.first->id; });
  return out;
}

const sema::FieldAccess *Analysis::fieldAccess(const ast::FieldExpr *f,
                                               const sema::Type **base) const {
  auto it = fields.find(f);
  if (it == fields.end())
    return nullptr;
  if (base)
    *base = it->second.second;
  return it->second.first;
}

llvm::SmallVector<const sema::FuncInstance *, 2>
Analysis::instancesOf(const ast::FuncDecl *f) const {
  llvm::SmallVector<const sema::FuncInstance *, 2> out;
  if (program)
    for (const auto &inst : program->functions)
      if (inst->decl == f)
        out.push_back(inst.get());
  return out;
}

const sema::ModuleConst *Analysis::moduleConst(const ast::ConstDecl *c) const {
  if (program)
    for (const sema::ModuleConst &mc : program->consts)
      if (mc.decl == c)
        return &mc;
  return nullptr;
}

} // namespace tdl::lsp

//===- Names.cpp - top-level name lookup ----------------------------------===//
//
// Unqualified lookup from module M: M's own declarations win; otherwise the
// name is looked up in every module M imports (not transitively). One match
// is the answer, two or more are an ambiguity reported with a note at every
// candidate. Builtins come last (they are a prelude: a module may shadow
// them). Unknown names get the closest visible name by edit distance.
//
//===----------------------------------------------------------------------===//
#include "sema/SemaImpl.h"

namespace tdl::sema {

llvm::StringRef textOf(llvm::SMRange r) {
  if (!r.isValid() || r.End.getPointer() < r.Start.getPointer())
    return {};
  return llvm::StringRef(r.Start.getPointer(),
                         r.End.getPointer() - r.Start.getPointer());
}

const ast::Decl *Sema::lookupTopLevel(ModuleInfo *mi, const ast::Ident &id,
                                      bool &ambiguous) {
  ambiguous = false;
  if (const ast::Decl *d = mi->decls.lookup(id.name))
    return d;
  std::vector<std::pair<const ast::Decl *, ModuleInfo *>> found;
  for (const ModuleInfo::Import &imp : mi->imports)
    if (const ast::Decl *d = imp.module->decls.lookup(id.name))
      found.push_back({d, imp.module});
  if (found.empty())
    return nullptr;
  if (found.size() == 1)
    return found[0].first;
  ambiguous = true;
  auto b =
      diags.report(diag::AmbiguousName, id.getRange(), id.name,
                   found[0].second->dottedName, found[1].second->dottedName);
  for (auto &[d, m] : found)
    b.note(diag::AmbiguousCandidate, d->getName().getRange(), id.name,
           m->dottedName);
  return nullptr;
}

const ast::Decl *Sema::lookupQualified(ModuleInfo *mi, const ast::Ident &module,
                                       const ast::Ident &name, bool report) {
  ModuleInfo *target = mi->findImport(module.name);
  if (!target)
    return nullptr;
  if (const ast::Decl *d = target->decls.lookup(name.name))
    return d;
  if (report) {
    std::vector<llvm::StringRef> members;
    for (auto &e : target->decls)
      members.push_back(e.getKey());
    reportMisspelled(diag::UnknownInModule, diag::UnknownInModuleSuggest, name,
                     members, target->dottedName, name.name);
  }
  return nullptr;
}

void Sema::collectTopLevelNames(ModuleInfo *mi,
                                std::vector<llvm::StringRef> &out) {
  for (auto &e : mi->decls)
    out.push_back(e.getKey());
  for (const ModuleInfo::Import &imp : mi->imports) {
    out.push_back(imp.name);
    for (auto &e : imp.module->decls)
      out.push_back(e.getKey());
  }
  for (unsigned i = 0; i < unsigned(BuiltinId::NumBuiltins); ++i)
    out.push_back(getBuiltinName(BuiltinId(i)));
}

void Sema::reportUnknown(const ast::Ident &id,
                         const std::vector<llvm::StringRef> &candidates) {
  reportMisspelled(diag::UnknownName, diag::UnknownNameSuggest, id, candidates,
                   id.name);
}

} // namespace tdl::sema

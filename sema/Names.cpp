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

/// Where `import <dotted>;` goes in `m`: on the line after its last import,
/// else at the top of the file. The location and the text to insert.
static std::pair<llvm::SMLoc, std::string>
importInsertion(SourceManager &sources, const ast::Module &m,
                llvm::StringRef dotted) {
  std::string line = "import " + dotted.str() + ";";
  llvm::StringRef text = sources.getBufferText(m.getBufferId());
  const char *afterImports = nullptr;
  for (const ast::ImportDecl *i : m.declsOf<ast::ImportDecl>())
    afterImports = std::max(afterImports, i->getRange().End.getPointer());
  if (!afterImports)
    return {llvm::SMLoc::getFromPointer(text.begin()), line + "\n"};
  size_t newline = text.find('\n', afterImports - text.begin());
  if (newline == llvm::StringRef::npos)
    return {llvm::SMLoc::getFromPointer(text.end()), "\n" + line};
  return {llvm::SMLoc::getFromPointer(text.begin() + newline + 1), line + "\n"};
}

std::optional<Sema::ImportHint> Sema::findMissingImport(const ast::Ident &id) {
  unsigned buffer = sources.findBuffer(id.loc);
  auto where = llvm::find_if(modules, [&](const auto &m) {
    return m->module->getBufferId() == buffer;
  });
  if (where == modules.end())
    return std::nullopt;
  const ModuleInfo &mi = **where;
  auto missing = [&](const StdlibModule &m) {
    return llvm::none_of(mi.imports, [&](const ModuleInfo::Import &i) {
      return i.module->dottedName == m.dottedName;
    });
  };
  // `nn` of `nn.softmax` first, then a declaration of a module (in the
  // modules' sorted order: std.math before std.nn).
  for (const StdlibModule &m : stdlibModules())
    if (missing(m) && !mi.findImport(id.name) &&
        llvm::StringRef(m.dottedName).rsplit('.').second == id.name)
      return ImportHint{&mi, &m, true};
  for (const StdlibModule &m : stdlibModules())
    if (missing(m) && llvm::is_contained(m.names, id.name))
      return ImportHint{&mi, &m, false};
  return std::nullopt;
}

bool Sema::noteMissingImport(DiagnosticBuilder &b, const ast::Ident &id) {
  std::optional<ImportHint> hint = findMissingImport(id);
  if (!hint)
    return false;
  llvm::StringRef dotted = hint->module->dottedName;
  auto [at, text] = importInsertion(sources, *hint->in->module, dotted);
  if (hint->namesModule)
    b.note(diag::ModuleNotImported, at, id.name, dotted);
  else
    b.note(diag::DeclaredInUnimportedModule, at, id.name, dotted);
  b.noteFixIt(llvm::SMRange(at, at), text);
  return true;
}

void noteImmutable(DiagnosticBuilder &b, const ast::Decl *decl,
                   llvm::StringRef name) {
  auto *v = llvm::dyn_cast<ast::VarDecl>(decl);
  if (!v || v->getVarKind() != ast::VarDecl::Kind::Let ||
      !v->getKeywordLoc().isValid()) {
    b.note(diag::DeclaredHere, decl->getName().getRange(), name);
    return;
  }
  llvm::SMLoc let = v->getKeywordLoc();
  llvm::SMRange keyword(let, llvm::SMLoc::getFromPointer(let.getPointer() + 3));
  b.note(diag::ChangeLetToVar, keyword, name).noteFixIt(keyword, "var");
}

void Sema::reportUnknown(const ast::Ident &id,
                         const std::vector<llvm::StringRef> &candidates) {
  // A declaration of a module that is not imported is no typo.
  if (findMissingImport(id)) {
    DiagnosticBuilder b =
        diags.report(diag::UnknownName, id.getRange(), id.name);
    noteMissingImport(b, id);
    return;
  }
  reportMisspelled(diag::UnknownName, diag::UnknownNameSuggest, id, candidates,
                   id.name);
}

} // namespace tdl::sema

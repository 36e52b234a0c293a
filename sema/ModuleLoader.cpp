//===- ModuleLoader.cpp - imports and top-level name tables ---------------===//
//
// `import a.b;` names the file a/b.tdl, searched (1) next to the importing
// file, (2) in each -I directory in order, (3) in the standard library:
// --stdlib DIR if given, else the copies embedded in tdlc at build time. A
// module is loaded once (keyed by its resolved path) however often it is
// imported. Imports are followed depth first with a stack of modules being
// loaded; meeting one of them again is a cycle, reported at the import that
// closes it with one note per edge of the cycle.
//
//===----------------------------------------------------------------------===//
#include "sema/SemaImpl.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

namespace tdl::sema {

static std::string dottedPath(const ast::ImportDecl *d) {
  std::string s;
  for (const ast::Ident &id : d->getPath())
    s += (s.empty() ? "" : ".") + id.name.str();
  return s;
}

ModuleInfo *Sema::addModule(const ast::Module &m, std::string dottedName,
                            std::string key) {
  modules.push_back(std::make_unique<ModuleInfo>());
  ModuleInfo *mi = modules.back().get();
  mi->module = &m;
  mi->dottedName = std::move(dottedName);
  modulesByKey[key] = mi;
  program.modules.push_back(&m);
  addDecls(m, mi);
  return mi;
}

void Sema::addDecls(const ast::Module &m, ModuleInfo *mi) {
  for (const ast::Decl *d : m.getDecls()) {
    declModule[d] = mi;
    if (llvm::isa<ast::ImportDecl>(d))
      continue;
    llvm::StringRef name = d->getName().name;
    auto [it, inserted] = mi->decls.try_emplace(name, d);
    if (!inserted) {
      diags.report(diag::Redefinition, d->getName().getRange(), name)
          .note(diag::PreviousDefinition, it->second->getName().getRange(),
                name);
      continue;
    }
    if (auto *f = llvm::dyn_cast<ast::FuncDecl>(d)) {
      for (const ast::ParamDecl *p : f->getParams())
        declModule[p] = mi;
      for (const ast::GenericParamDecl *g : f->getGenericParams())
        declModule[g] = mi;
    }
  }
}

void Sema::forgetDecls(const ast::Module &m, ModuleInfo *mi) {
  for (const ast::Decl *d : m.getDecls()) {
    declModule.erase(d);
    if (auto *f = llvm::dyn_cast<ast::FuncDecl>(d)) {
      for (const ast::ParamDecl *p : f->getParams())
        declModule.erase(p);
      for (const ast::GenericParamDecl *g : f->getGenericParams())
        declModule.erase(g);
    }
    if (auto *df = llvm::dyn_cast<ast::DerivedFuncDecl>(d)) {
      derivedCache.erase(df);
      derivedInProgress.erase(df);
    }
    if (llvm::isa<ast::ImportDecl>(d))
      continue;
    auto it = mi->decls.find(d->getName().name);
    if (it != mi->decls.end() && it->second == d)
      mi->decls.erase(it);
  }
}

ModuleInfo *Sema::moduleOf(const ast::Decl *d) const {
  auto it = declModule.find(d);
  return it == declModule.end() ? nullptr : it->second;
}

ModuleInfo *Sema::findOrLoad(const ast::ImportDecl *import, ModuleInfo *from,
                             std::vector<ModuleInfo *> &loadStack) {
  llvm::SmallString<128> rel;
  for (const ast::Ident &id : import->getPath())
    llvm::sys::path::append(rel, id.name);
  rel += ".tdl";

  // Candidate files in search order.
  std::vector<std::string> candidates;
  llvm::StringRef fromName = from->module->getName();
  llvm::SmallString<256> here(llvm::sys::path::parent_path(fromName));
  if (!fromName.starts_with("<stdlib>")) {
    llvm::sys::path::append(here, rel);
    candidates.push_back(std::string(here));
  }
  for (const std::string &dir : options.includeDirs) {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, rel);
    candidates.push_back(std::string(p));
  }
  if (!options.stdlibDir.empty()) {
    llvm::SmallString<256> p(options.stdlibDir);
    llvm::sys::path::append(p, rel);
    candidates.push_back(std::string(p));
  }

  std::string key;
  std::optional<unsigned> buffer;
  for (const std::string &c : candidates) {
    if (!llvm::sys::fs::is_regular_file(c))
      continue;
    llvm::SmallString<256> real;
    key = llvm::sys::fs::real_path(c, real) ? c : std::string(real);
    if (ModuleInfo *known = modulesByKey.lookup(key))
      return known;
    auto id = sources.addFile(c);
    if (!id) {
      llvm::consumeError(id.takeError());
      continue;
    }
    buffer = *id;
    break;
  }
  if (!buffer && options.stdlibDir.empty()) {
    std::string embeddedName = std::string(rel.str());
    std::replace(embeddedName.begin(), embeddedName.end(), '\\', '/');
    llvm::StringRef text = findEmbeddedStdlibSource(embeddedName);
    if (!text.empty()) {
      key = "<stdlib>/" + embeddedName;
      if (ModuleInfo *known = modulesByKey.lookup(key))
        return known;
      buffer = sources.addBuffer(key, text);
    }
  }
  if (!buffer) {
    diags.report(diag::ImportNotFound, import->getRange(), dottedPath(import));
    return nullptr;
  }
  const ast::Module *m = parse(*buffer);
  if (!m)
    return nullptr;
  ModuleInfo *mi = addModule(*m, dottedPath(import), key);
  import->module = m; // the cycle notes follow these edges
  loadImports(mi, loadStack);
  return mi;
}

void Sema::loadImports(ModuleInfo *mi, std::vector<ModuleInfo *> &loadStack) {
  loadStack.push_back(mi);
  for (const ast::ImportDecl *imp : mi->module->declsOf<ast::ImportDecl>()) {
    // A module still on the stack imported again closes a cycle.
    ModuleInfo *target = findOrLoad(imp, mi, loadStack);
    if (!target)
      continue;
    auto onStack = llvm::find(loadStack, target);
    if (onStack != loadStack.end()) {
      std::string cycle;
      for (auto it = onStack; it != loadStack.end(); ++it)
        cycle += (*it)->dottedName + " -> ";
      cycle += target->dottedName;
      auto b = diags.report(diag::ImportCycle, imp->getRange(), cycle);
      // One note per edge, from the start of the cycle.
      for (auto it = onStack; it + 1 != loadStack.end(); ++it) {
        ModuleInfo *next = *(it + 1);
        for (const ast::ImportDecl *e :
             (*it)->module->declsOf<ast::ImportDecl>())
          if (e->module == next->module) {
            b.note(diag::ImportCycleStep, e->getRange(), (*it)->dottedName,
                   next->dottedName);
            break;
          }
      }
      continue;
    }
    imp->module = target->module;
    llvm::StringRef visible = imp->getName().name;
    if (ModuleInfo *prev = mi->findImport(visible)) {
      if (prev != target) {
        const ast::ImportDecl *prevDecl = nullptr;
        for (auto &i : mi->imports)
          if (i.name == visible)
            prevDecl = i.decl;
        diags.report(diag::Redefinition, imp->getName().getRange(), visible)
            .note(diag::PreviousDefinition, prevDecl->getRange(), visible);
      }
      continue;
    }
    if (const ast::Decl *clash = mi->decls.lookup(visible)) {
      diags.report(diag::Redefinition, clash->getName().getRange(), visible)
          .note(diag::PreviousDefinition, imp->getRange(), visible);
      continue;
    }
    mi->imports.push_back({visible, target, imp});
  }
  loadStack.pop_back();
}

const std::vector<Sema::StdlibModule> &Sema::stdlibModules() {
  if (stdlibCache)
    return *stdlibCache;
  stdlibCache.emplace();
  for (llvm::StringRef rel : embeddedStdlibPaths()) {
    // The file findOrLoad would read for `import std.<name>;` from a
    // module of the standard library (no -I path applies there).
    std::string key;
    std::optional<unsigned> buffer;
    if (!options.stdlibDir.empty()) {
      llvm::SmallString<256> p(options.stdlibDir);
      llvm::sys::path::append(p, rel);
      llvm::SmallString<256> real;
      key = llvm::sys::fs::real_path(p, real) ? std::string(p)
                                              : std::string(real);
      if (!modulesByKey.lookup(key) && llvm::sys::fs::is_regular_file(p)) {
        auto id = sources.addFile(p);
        if (id)
          buffer = *id;
        else
          llvm::consumeError(id.takeError());
      }
    } else {
      key = ("<stdlib>/" + rel).str();
      if (!modulesByKey.lookup(key))
        buffer = sources.addBuffer(key, findEmbeddedStdlibSource(rel));
    }
    std::string dotted = rel.drop_back(4).str(); // "std/nn"
    std::replace(dotted.begin(), dotted.end(), '/', '.');
    StdlibModule m{dotted, {}};
    const ast::Module *ast = nullptr;
    if (ModuleInfo *known = modulesByKey.lookup(key))
      ast = known->module;
    else if (buffer)
      ast = parse(*buffer);
    if (!ast)
      continue;
    for (const ast::Decl *d : ast->getDecls())
      if (!llvm::isa<ast::ImportDecl>(d))
        m.names.push_back(d->getName().name);
    stdlibCache->push_back(std::move(m));
  }
  return *stdlibCache;
}

} // namespace tdl::sema

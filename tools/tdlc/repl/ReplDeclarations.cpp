//===- ReplDeclarations.cpp - fn / struct / const / import inputs, :load
//---===//
//
// A declaration input is parsed on its own first (syntax errors point into
// it directly), split into one entry per declaration, and merged into the
// live declarations: an entry with the name of an existing one replaces it.
// The merged program is then analyzed and lowered; only if that succeeds is
// it kept. Bindings whose type names a redefined struct are dropped, since
// their stored values were laid out for the old definition.
//
//===----------------------------------------------------------------------===//
#include "tools/tdlc/repl/InputScanner.h"
#include "tools/tdlc/repl/ReplLowering.h"

#include "tools/tdlc/driver/CrashHandler.h"
#include "tools/tdlc/driver/DriverOptions.h"
#include "tools/tdlc/driver/Frontend.h"

#include "parser/Parse.h"
#include "sema/Sema.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

#include <algorithm>
#include <set>

namespace tdl::repl {

/// The source an import reads, looked up as sema does for the REPL's
/// program (the current directory, -I, --stdlib, the embedded stdlib).
static std::optional<std::string>
importSource(llvm::ArrayRef<ast::Ident> path) {
  llvm::SmallString<128> rel;
  for (const ast::Ident &id : path)
    llvm::sys::path::append(rel, id.name);
  rel += ".tdl";
  std::vector<std::string> candidates{std::string(rel)};
  for (const std::string &dir : opts::IncludeDirs) {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, rel);
    candidates.push_back(std::string(p));
  }
  if (!opts::StdlibDir.empty()) {
    llvm::SmallString<256> p(opts::StdlibDir);
    llvm::sys::path::append(p, rel);
    candidates.push_back(std::string(p));
  }
  for (const std::string &c : candidates) {
    if (!llvm::sys::fs::is_regular_file(c))
      continue;
    auto buffer = llvm::MemoryBuffer::getFile(c);
    if (buffer)
      return (*buffer)->getBuffer().str();
  }
  if (!opts::StdlibDir.empty())
    return std::nullopt;
  std::string embedded(rel.str());
  std::replace(embedded.begin(), embedded.end(), '\\', '/');
  llvm::StringRef text = sema::findEmbeddedStdlibSource(embedded);
  if (text.empty())
    return std::nullopt;
  return text.str();
}

/// What `import` makes visible: its module name and the top-level names of
/// the module and of the modules it imports. Empty when a module cannot be
/// read or parsed (the import is then always compiled).
static std::vector<std::string> importedNames(const ast::ImportDecl *import) {
  std::vector<std::string> names{import->getName().name.str()};
  SourceManager sources;
  DiagnosticEngine diags(sources);
  diags.setConsumer(std::make_unique<CollectingConsumer>());
  ast::ASTContext ctx;
  std::vector<const ast::ImportDecl *> work{import};
  std::set<std::string> seen;
  while (!work.empty()) {
    const ast::ImportDecl *i = work.back();
    work.pop_back();
    std::string dotted;
    for (const ast::Ident &id : i->getPath())
      dotted += (dotted.empty() ? "" : ".") + id.name.str();
    if (!seen.insert(dotted).second)
      continue;
    std::optional<std::string> text = importSource(i->getPath());
    if (!text)
      return {};
    unsigned buffer = sources.addBuffer(dotted, *text);
    const ast::Module *m = parser::parseBuffer(sources, buffer, diags, ctx);
    if (!m || diags.hasErrors())
      return {};
    for (const ast::Decl *d : m->getDecls()) {
      if (auto *inner = llvm::dyn_cast<ast::ImportDecl>(d))
        work.push_back(inner);
      names.push_back(d->getName().name.str());
    }
  }
  return names;
}

static std::string keyOf(const ast::Decl *d) {
  if (auto *imp = llvm::dyn_cast<ast::ImportDecl>(d)) {
    std::string path;
    for (const ast::Ident &part : imp->getPath())
      path += (path.empty() ? "" : ".") + part.name.str();
    return "import " + path;
  }
  return d->getName().name.str();
}

bool ReplSession::addDeclarations(unsigned display) {
  llvm::StringRef text = sources.getBufferText(display);
  ast::ASTContext ctx;
  DiagnosticEngine diags(sources);
  diags.setConsumer(std::make_unique<ForwardingConsumer>(printer));
  diags.setErrorLimit(opts::ErrorLimit);
  const ast::Module *m;
  {
    CompilerStage stage("parsing");
    m = parser::parseBuffer(sources, display, diags, ctx);
  }
  if (diags.hasErrors() || !m)
    return false;

  std::vector<Declaration> added;
  std::vector<std::pair<size_t, size_t>> ranges = splitDeclarations(text);
  llvm::ArrayRef<ast::Decl *> decls = m->getDecls();
  if (decls.empty())
    return true; // only comments
  if (ranges.size() != decls.size())
    ranges = {{0, text.size()}}; // could not split: keep it as one unit
  for (size_t i = 0; i < ranges.size(); ++i) {
    const ast::Decl *d = decls[ranges.size() == decls.size() ? i : 0];
    Declaration decl;
    decl.key = keyOf(d);
    decl.text = text.slice(ranges[i].first, ranges[i].second).str();
    decl.displayBuffer = display;
    decl.displayOffset = ranges[i].first;
    decl.isStruct = llvm::isa<ast::StructDecl>(d);
    decl.isFunction =
        llvm::isa<ast::FuncDecl>(d) || llvm::isa<ast::DerivedFuncDecl>(d);
    decl.mentions = identifiersIn(decl.text);
    if (auto *imp = llvm::dyn_cast<ast::ImportDecl>(d))
      decl.provides = importedNames(imp);
    else if (ranges.size() == decls.size())
      decl.provides = {decl.key};
    added.push_back(std::move(decl));
  }

  std::vector<Declaration> merged;
  for (const Declaration &old : declarations)
    if (llvm::none_of(added,
                      [&](const Declaration &n) { return n.key == old.key; }))
      merged.push_back(old);
  merged.insert(merged.end(), added.begin(), added.end());

  // Checked with the declarations they reach and those that reach them (a
  // caller of a replaced function must still compile); new imports and
  // rules (and input that could not be split) with everything. On an
  // error, reported as with every declaration present.
  llvm::StringSet<> affected;
  bool everything = false;
  for (const Declaration &n : added) {
    affected.insert(n.key);
    everything |= n.provides.size() != 1 || n.provides[0] != n.key ||
                  llvm::StringRef(n.text).ltrim().starts_with("@");
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (const Declaration &d : merged)
      if (!affected.contains(d.key) &&
          llvm::any_of(d.mentions, [&](const auto &m) {
            return affected.contains(m.getKey());
          })) {
        affected.insert(d.key);
        changed = true;
      }
  }
  std::vector<Declaration> checked =
      everything ? merged : reachableDeclarations(merged, affected);
  CollectingConsumer diagnostics;
  std::unique_ptr<CompiledProgram> cp =
      compile(buildProgram(checked, nullptr, false), false, true, &diagnostics);
  if (!cp && checked.size() != merged.size()) {
    cp = compile(buildProgram(merged, nullptr, false), false, true);
  } else {
    for (const Diagnostic &d : diagnostics.collected)
      printer.handle(d);
  }
  if (!cp)
    return false;
  irgen::GeneratedModule ir;
  if (generateVerifiedIR(*cp->program, ir) != ExitOk)
    return false;

  for (const Declaration &n : added) {
    if (!n.isStruct)
      continue;
    bool existed = llvm::any_of(
        declarations, [&](const Declaration &o) { return o.key == n.key; });
    if (!existed)
      continue;
    for (auto it = bindings.begin(); it != bindings.end();) {
      if (mentionsIdentifier(it->second.typeText, n.key)) {
        out.flush();
        llvm::WithColor::note(llvm::errs(), "tdlc")
            << "binding '" << it->first << "' was dropped: its type '"
            << it->second.typeText << "' uses the redefined struct '" << n.key
            << "'\n";
        it = bindings.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Only new functions, structs, constants: analyzed on their own and added
  // to the analyzed declarations. Else (a redefinition, an import, a
  // derivative rule) every declaration is analyzed again, once, by the
  // next input.
  bool onlyNew = llvm::all_of(added, [&](const Declaration &n) {
    return n.provides.size() == 1 && n.provides[0] == n.key &&
           !llvm::StringRef(n.text).ltrim().starts_with("@") &&
           llvm::none_of(declarations,
                         [&](const Declaration &o) { return o.key == n.key; });
  });
  declarations = std::move(merged);
  if (!onlyNew || !extendAnalysis(added))
    invalidateAnalysis();
  return true;
}

bool ReplSession::loadFile(llvm::StringRef path) {
  llvm::Expected<unsigned> id = sources.addFile(path);
  if (!id) {
    out.flush();
    llvm::WithColor::error(llvm::errs(), "tdlc")
        << llvm::toString(id.takeError()) << '\n';
    return false;
  }
  // The file's imports are looked up next to it, as when it is compiled on
  // its own; its declarations live in the synthesized program, so its
  // directory joins the -I paths for the rest of the session.
  llvm::SmallString<128> dir(path);
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_filename(dir);
  if (!llvm::is_contained(opts::IncludeDirs, std::string(dir)))
    opts::IncludeDirs.push_back(std::string(dir));
  return addDeclarations(*id);
}

std::unique_ptr<ReplSession::Lowered> ReplSession::lower(const Wrapper &w) {
  auto low = std::make_unique<Lowered>();
  // Against the declarations analyzed once, lowering only the wrapper and
  // what it reaches; failing that, with the declarations it reaches.
  low->compiled = compileAgainstDeclarations(w, /*withResults=*/true,
                                             /*forwardWarnings=*/false);
  if (low->compiled) {
    const sema::FuncInstance *wrapper = low->compiled->wrapper;
    int status = generateVerifiedIR(*low->compiled->shared, {wrapper}, low->ir);
    ir::Function *fn = low->ir.functions.lookup(wrapper);
    release(*low->compiled);
    if (status != ExitOk)
      return nullptr;
    low->ir.functions.clear(); // (keyed by instances that are gone)
    if (!fn) {
      reportInternalError("repl", "the wrapper function has no ir function");
      return nullptr;
    }
    low->functionName = fn->getName().str();
  } else {
    low->compiled = compile(buildProgram(w.declarations, &w, true), false,
                            /*forwardWarnings=*/false);
    if (!low->compiled)
      return nullptr;
    if (generateVerifiedIR(*low->compiled->program, low->ir) != ExitOk)
      return nullptr;
    const sema::FuncInstance *inst = findInstance(*low->compiled, kWrapperName);
    ir::Function *fn = inst ? low->ir.functions.lookup(inst) : nullptr;
    if (!fn) {
      reportInternalError("repl", "the wrapper function has no ir function");
      return nullptr;
    }
    low->functionName = fn->getName().str();
  }
  DiagnosticEngine diags(sources);
  diags.setConsumer(std::make_unique<RemappingConsumer>(
      sources, low->compiled->synthesizedBuffers(), printer, false));
  if (runOptimizationPipeline(diags, *low->ir.module, opts::optLevel()) !=
      ExitOk)
    return nullptr;
  return low;
}

} // namespace tdl::repl

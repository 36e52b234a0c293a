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

#include "tools/tdlc/CrashHandler.h"
#include "tools/tdlc/DriverOptions.h"
#include "tools/tdlc/Frontend.h"

#include "parser/Parse.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

namespace tdl::repl {

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
    added.push_back(std::move(decl));
  }

  std::vector<Declaration> merged;
  for (const Declaration &old : declarations)
    if (llvm::none_of(added,
                      [&](const Declaration &n) { return n.key == old.key; }))
      merged.push_back(old);
  merged.insert(merged.end(), added.begin(), added.end());

  std::unique_ptr<CompiledProgram> cp =
      compile(buildProgram(merged, nullptr, false), false, true);
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
  declarations = std::move(merged);
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
  low->compiled = compile(buildProgram(declarations, &w, true), false,
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
  DiagnosticEngine diags(sources);
  diags.setConsumer(std::make_unique<RemappingConsumer>(
      sources, low->compiled->buffer, low->compiled->segments, printer, false));
  if (runOptimizationPipeline(diags, *low->ir.module, opts::optLevel()) !=
      ExitOk)
    return nullptr;
  return low;
}

} // namespace tdl::repl

//===- Analysis.h - one document parsed and analyzed --------------*- C++
//-*-===//
//
// An Analysis is what the compiler knows about one version of a document:
// the parser and sema run exactly as `tdlc check` runs them (same imports,
// -I and --stdlib options), but with no error limit and every diagnostic
// collected instead of printed. Sema keeps going after errors, so a
// half-typed file still yields types for everything that checked.
//
// The queries below read sema's side tables (sema/Program.h): a generic
// function has one FuncInstance per set of generic arguments, so the type
// of an expression inside it is a list, one entry per instance.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TOOLS_LSP_ANALYSIS_H
#define TDL_TOOLS_LSP_ANALYSIS_H

#include "basic/Diagnostic.h"
#include "lang/ASTContext.h"
#include "sema/Program.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <string>
#include <vector>

namespace tdl::lsp {

struct AnalysisOptions {
  std::vector<std::string> includeDirs; // -I
  std::string stdlibDir;                // --stdlib
};

/// A type an expression or binding has in one instance of its function
/// (`instance` null: outside any function, or a non-generic one's slot).
struct TypedIn {
  const sema::FuncInstance *instance = nullptr;
  const sema::Type *type = nullptr;
};

class Analysis {
public:
  /// Parses and analyzes `text`, named `path` (imports are looked up next
  /// to it, as the compiler does). Never fails: errors are diagnostics.
  static std::unique_ptr<Analysis> run(llvm::StringRef path,
                                       llvm::StringRef text,
                                       const AnalysisOptions &options);

  SourceManager sources;
  DiagnosticEngine diags{sources};
  ast::ASTContext astContext;
  unsigned mainBuffer = 0;
  const ast::Module *module = nullptr;
  std::unique_ptr<sema::Program> program;
  std::vector<Diagnostic> diagnostics;

  llvm::StringRef text() const { return sources.getBufferText(mainBuffer); }
  llvm::SMLoc locAt(size_t offset) const;
  /// Byte offset of `loc` in the main buffer (it must be in it).
  size_t offsetOf(llvm::SMLoc loc) const;
  bool inMainBuffer(llvm::SMLoc loc) const;

  /// The imported module visible as `name` from the main module (`nn`).
  const ast::Module *importedModule(llvm::StringRef name) const;
  const ast::ImportDecl *importDecl(llvm::StringRef name) const;
  /// Top-level declarations visible unqualified from the main module, by
  /// name: its own first, then those of each import.
  const ast::Decl *lookupTopLevel(llvm::StringRef name) const;
  /// `module.name`.
  const ast::Decl *lookupQualified(llvm::StringRef module,
                                   llvm::StringRef name) const;

  /// Types of `e` in every instance that checked it.
  llvm::SmallVector<TypedIn, 2> typesOf(const ast::Expr *e) const;
  /// Types of a local binding or parameter in every instance.
  llvm::SmallVector<TypedIn, 2> typesOfDecl(const ast::Decl *d) const;
  /// What each instance resolved the call `c` to.
  llvm::SmallVector<
      std::pair<const sema::FuncInstance *, const sema::ResolvedCall *>, 2>
  callsOf(const ast::CallExpr *c) const;
  /// The field access sema recorded for `f`, with the type of its base.
  const sema::FieldAccess *fieldAccess(const ast::FieldExpr *f,
                                       const sema::Type **baseType) const;
  /// The instances of `f`, in creation order.
  llvm::SmallVector<const sema::FuncInstance *, 2>
  instancesOf(const ast::FuncDecl *f) const;
  /// The value of a module constant.
  const sema::ModuleConst *moduleConst(const ast::ConstDecl *c) const;

private:
  void buildIndex();
  llvm::DenseMap<const ast::Expr *, llvm::SmallVector<TypedIn, 2>> exprTypes;
  llvm::DenseMap<const ast::Decl *, llvm::SmallVector<TypedIn, 2>> declTypes;
  llvm::DenseMap<
      const ast::CallExpr *,
      llvm::SmallVector<
          std::pair<const sema::FuncInstance *, const sema::ResolvedCall *>, 2>>
      calls;
  llvm::DenseMap<const ast::FieldExpr *,
                 std::pair<const sema::FieldAccess *, const sema::Type *>>
      fields;
};

} // namespace tdl::lsp

#endif

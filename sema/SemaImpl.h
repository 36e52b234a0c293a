//===- SemaImpl.h - sema's internal state (not for other phases) -*- C++
//-*-===//
//
// Sema holds the module tables, the instance cache and everything global to
// one analysis; FunctionChecker type-checks one body (a function instance,
// a const initializer or a default value) against one set of generic
// bindings. The files of sema/ each implement one part:
//
//   ModuleLoader.cpp   imports, the module graph, top-level name tables
//   Names.cpp          top-level lookup, ambiguity, "did you mean", imports
//                      to suggest, `let` to make `var`
//   Generics.cpp       generic roles, type resolution, dim evaluation
//   Unify.cpp          inference of generic arguments at a call
//   DimSolver.cpp      dim-expression constraints (`2 * N + 1 == 7`)
//   Instances.cpp      function instances, the cache, recursion, exports
//   Transforms.cpp     grad / value_and_grad / vjp / jvp signatures, rules
//   CheckExpr.cpp      expressions; CheckOperators.cpp unary/binary/cast
//   CheckCall.cpp      calls and callee resolution
//   CheckStmt.cpp      statements, scopes, returns
//   Literals.cpp       untyped literals: folding, conversion, range checks
//   Builtin*.cpp       the shape rule of every Builtins.def entry
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SEMA_SEMAIMPL_H
#define TDL_SEMA_SEMAIMPL_H

#include "sema/Sema.h"

#include "basic/Suggest.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

#include <map>
#include <set>

namespace tdl::sema {

struct ModuleInfo {
  const ast::Module *module = nullptr;
  std::string dottedName; // "std.nn"; the file stem for the main module
  llvm::StringMap<const ast::Decl *> decls;
  /// Imported modules in import order, by visible name ("nn").
  struct Import {
    llvm::StringRef name;
    ModuleInfo *module;
    const ast::ImportDecl *decl;
  };
  std::vector<Import> imports;
  ModuleInfo *findImport(llvm::StringRef name) const {
    for (const Import &i : imports)
      if (i.name == name)
        return i.module;
    return nullptr;
  }
};

/// Reports the misspelled name `typo` through `report` (Sema's
/// diags.report or FunctionChecker::error): the kind `plain`, or, when one
/// of `candidates` is close (closestName), `suggesting` with that candidate
/// as its last argument and a fix-it replacing the typo with it.
template <typename Report, typename... Args>
DiagnosticBuilder reportMisspelled(
    Report &&report, diag::Kind<void(Args...)> plain,
    std::type_identity_t<diag::Kind<void(Args..., std::string_view)>>
        suggesting,
    const ast::Ident &typo, llvm::ArrayRef<llvm::StringRef> candidates,
    std::type_identity_t<Args>... args) {
  llvm::StringRef best = closestName(typo.name, candidates);
  if (best.empty())
    return report(plain, typo.getRange(), args...);
  DiagnosticBuilder b =
      report(suggesting, typo.getRange(), args..., std::string_view(best));
  b.fixIt(typo.getRange(), best.str());
  return b;
}

enum class GenericRole : uint8_t { Dim, Pack, DType };
using Bindings = std::map<const ast::GenericParamDecl *, GenericValue>;

/// What type expressions are resolved against: a module for struct names,
/// the generic parameters in scope and (once known) their values.
struct TypeEnv {
  ModuleInfo *module = nullptr;
  llvm::ArrayRef<ast::GenericParamDecl *> params;
  const Bindings *bindings = nullptr;
  const ast::GenericParamDecl *findParam(llvm::StringRef name) const;
};

/// What a callee expression denotes.
struct Callable {
  enum class Kind : uint8_t { Error, Function, Builtin, Transform };
  Kind kind = Kind::Error;
  std::string name; // for messages
  const ast::FuncDecl *func = nullptr;
  ModuleInfo *module = nullptr;           // the function's module
  std::vector<GenericValue> explicitArgs; // from f<...>
  llvm::SMRange explicitRange;
  BuiltinId builtin = BuiltinId::NumBuiltins;
  TransformKind transform = TransformKind::Grad;
  std::shared_ptr<Callable> primal;
  const ast::Expr *wrt = nullptr; // the `wrt:` expression, or null
  llvm::SMRange range;            // where the callee was written
};

/// One argument as matched to a callee parameter.
struct ArgSlot {
  const ast::Expr *expr = nullptr; // null: not given
  const Type *type = nullptr;      // as checked (may be untyped)
  llvm::SMRange range;
};

class FuncInstanceKey;

/// How a generic parameter got its value at one call: for the notes that
/// say where an operand's shape came from (ShapeOrigins.cpp).
struct BindingOrigin {
  enum class Kind : uint8_t { Argument, Explicit, LiteralDefault };
  Kind kind = Kind::Argument;
  std::string argName;
  llvm::SMRange where; // the argument, or the `f<...>`
};
using BindingOrigins = std::map<const ast::GenericParamDecl *, BindingOrigin>;

/// "N = 3 inferred from argument 'x'" for the parameters `ps` (others
/// skipped when unbound), grouped by where they came from.
std::string describeBindings(llvm::ArrayRef<const ast::GenericParamDecl *> ps,
                             const Bindings &b, const BindingOrigins &o);
/// The generic parameters of `env` that type expression `t` mentions, once
/// each, in order of appearance.
std::vector<const ast::GenericParamDecl *>
paramsMentioned(const ast::TypeExpr *t, const TypeEnv &env);

class Sema {
public:
  Sema(SourceManager &sources, DiagnosticEngine &diags, Program &program,
       const SemaOptions &options, const ParseFunction &parse);
  void run(const ast::Module &main);
  /// The main module's tables (set by run).
  ModuleInfo *mainInfo = nullptr;
  /// Registers the declarations of `m` in the table of `mi` (a module's
  /// own, or more declarations for the main one: IncrementalAnalysis).
  void addDecls(const ast::Module &m, ModuleInfo *mi);
  /// Computes the generic roles of the declarations of `m`.
  void computeRolesOf(const ast::Module &m);
  /// checkTopLevel for one declaration.
  void checkDecl(const ast::Decl *d, ModuleInfo *mi);

  SourceManager &sources;
  DiagnosticEngine &diags;
  Program &program;
  TypeContext &types;
  const SemaOptions &options;
  const ParseFunction &parse;

  // ModuleLoader.cpp
  ModuleInfo *addModule(const ast::Module &m, std::string dottedName,
                        std::string key);
  /// Finds and parses the module `import` names; null if not found.
  ModuleInfo *findOrLoad(const ast::ImportDecl *import, ModuleInfo *from,
                         std::vector<ModuleInfo *> &loadStack);
  llvm::StringMap<ModuleInfo *> modulesByKey;
  void loadImports(ModuleInfo *mi, std::vector<ModuleInfo *> &loadStack);
  ModuleInfo *moduleOf(const ast::Decl *d) const;
  /// A standard library module ("std.nn") with its top-level names.
  struct StdlibModule {
    std::string dottedName;
    std::vector<llvm::StringRef> names;
  };
  /// Every standard library module, read (--stdlib DIR, else the embedded
  /// copy) and parsed on first use: only a name that is not found needs it.
  const std::vector<StdlibModule> &stdlibModules();
  std::optional<std::vector<StdlibModule>> stdlibCache;

  // Names.cpp
  /// Resolves an unqualified top-level name seen from `mi`: the module's own
  /// declarations first, then every imported module (two or more: ambiguity).
  /// Returns null if not found (reports nothing) and `ambiguous` = true when
  /// it reported an ambiguity.
  const ast::Decl *lookupTopLevel(ModuleInfo *mi, const ast::Ident &id,
                                  bool &ambiguous);
  /// `nn.softmax`: a declaration of an imported module.
  const ast::Decl *lookupQualified(ModuleInfo *mi, const ast::Ident &module,
                                   const ast::Ident &name, bool report);
  /// Reports an unknown name with the closest candidate, if any is close.
  void reportUnknown(const ast::Ident &id,
                     const std::vector<llvm::StringRef> &candidates);
  /// reportMisspelled through diags.report.
  template <typename... Args>
  DiagnosticBuilder reportMisspelled(
      diag::Kind<void(Args...)> plain,
      std::type_identity_t<diag::Kind<void(Args..., std::string_view)>>
          suggesting,
      const ast::Ident &typo, llvm::ArrayRef<llvm::StringRef> candidates,
      std::type_identity_t<Args>... args) {
    auto report = [&](auto kind, llvm::SMRange r, auto... a) {
      return diags.report(kind, r, a...);
    };
    return sema::reportMisspelled(report, plain, suggesting, typo, candidates,
                                  args...);
  }
  void collectTopLevelNames(ModuleInfo *mi, std::vector<llvm::StringRef> &out);
  /// When `id`, unknown where it is written, names a standard library
  /// module or one of its declarations and that module is not imported:
  /// adds a note at the place for the import, with a fix-it inserting
  /// `import std.nn;` there. Returns whether it did.
  bool noteMissingImport(DiagnosticBuilder &b, const ast::Ident &id);
  struct ImportHint {
    const ModuleInfo *in;       // where `id` is written
    const StdlibModule *module; // what it should import
    bool namesModule;           // `nn` rather than `softmax`
  };
  std::optional<ImportHint> findMissingImport(const ast::Ident &id);

  // Generics.cpp
  GenericRole roleOf(const ast::GenericParamDecl *p);
  const Type *resolveType(const ast::TypeExpr *t, const TypeEnv &env);
  std::optional<int64_t> evalDim(const ast::TypeExpr *t, const TypeEnv &env);
  /// Evaluates one dims-list entry, appending to `shape` (packs splice).
  bool appendDims(const ast::TypeExpr *t, const TypeEnv &env, Shape &shape);
  const StructInstance *instantiateStruct(const ast::StructDecl *decl,
                                          std::vector<GenericValue> args,
                                          llvm::SMRange where);
  /// Evaluates `f<...>` generic arguments against the callee's parameters.
  bool evalGenericArgs(llvm::ArrayRef<ast::TypeExpr *> args,
                       llvm::ArrayRef<ast::GenericParamDecl *> params,
                       const TypeEnv &env, llvm::StringRef calleeName,
                       llvm::SMRange where, std::vector<GenericValue> &out);
  std::string typeExprText(const ast::Node *t) const;
  /// While an instance's signature is resolved: where it was required, so
  /// errors in its dim expressions get an "in instance" note.
  llvm::SMRange instantiatingAt;
  std::string instantiatingName;
  template <typename... Args>
  DiagnosticBuilder reportInInstance(diag::Kind<void(Args...)> kind,
                                     llvm::SMRange r,
                                     std::type_identity_t<Args>... args) {
    DiagnosticBuilder b = diags.report(kind, r, args...);
    if (instantiatingAt.isValid())
      b.note(diag::InstantiatedFrom, instantiatingAt, instantiatingName);
    return b;
  }
  llvm::DenseSet<const StructInstance *> structsInProgress;
  std::set<std::pair<const char *, DiagId>> reportedInGenerics;

  // Unify.cpp, DimSolver.cpp
  /// Binds generic parameters so that `pattern` (a parameter's declared type)
  /// matches `actual`. Reports a conflict or mismatch at `where` and returns
  /// false. Untyped elements do not bind dtype parameters (see Literals.cpp).
  bool unify(const ast::TypeExpr *pattern, const Type *actual,
             const TypeEnv &env, Bindings &b, llvm::StringRef calleeName,
             llvm::StringRef argName, llvm::SMRange where);
  /// Dims of `pattern` that are expressions (N + 1) become constraints
  /// `expr == actual`; DimSolver.cpp checks them, or solves them for their
  /// one unbound parameter, to a fixpoint once every argument is unified.
  struct DeferredDim {
    const ast::TypeExpr *expr;
    int64_t actual;
    std::string argName;
    llvm::SMRange where;
  };
  std::vector<DeferredDim> deferredDims;
  bool solveDeferred(const TypeEnv &env, Bindings &b, llvm::StringRef callee);
  /// Binds still-unbound dtype parameters that only untyped arguments met.
  std::vector<std::pair<const ast::GenericParamDecl *, Elem>> untypedDTypes;
  bool bindValue(const ast::GenericParamDecl *p, const GenericValue &v,
                 Bindings &b, llvm::StringRef calleeName,
                 llvm::StringRef argName, llvm::SMRange where);
  /// Where each parameter bound by the unification in progress got its
  /// value (reset with deferredDims).
  BindingOrigins bindingOrigins;
  /// Handed from a call to getInstance: the origins of the bindings of the
  /// instance it is about to create (the first call that needs it).
  BindingOrigins pendingInstanceOrigins;

  // Instances.cpp
  /// The instance of `decl` for these bindings and const arguments, created
  /// and checked on first use. `callLoc` is where it is needed (recursion).
  FuncInstance *getInstance(const ast::FuncDecl *decl, const Bindings &b,
                            std::vector<std::optional<ConstValue>> constArgs,
                            llvm::SMRange callRange);
  std::vector<GenericValue> bindingsInOrder(const ast::FuncDecl *decl,
                                            const Bindings &b);
  /// Functions whose bodies are being checked, innermost last, with the call
  /// that entered each (recursion detection).
  std::vector<std::pair<const ast::FuncDecl *, llvm::SMRange>> activeCalls;
  std::vector<std::pair<const ast::FuncDecl *, FuncInstance *>> instanceList;
  llvm::DenseMap<const ast::FuncDecl *, const ast::FuncDecl *> derivativeRules;
  /// The `mode: forward` rules.
  llvm::DenseMap<const ast::FuncDecl *, const ast::FuncDecl *>
      forwardDerivativeRules;
  /// DerivativeRules.cpp: finds the @derivative(of: f) rules of every
  /// module (before any primal is instantiated).
  void collectDerivativeRules();
  /// DerivativeRules.cpp: the rules of an instance of their primal.
  void checkDerivativeRule(FuncInstance *primal);
  /// DerivativeRules.cpp: the rule's signature against a generic primal's,
  /// on the written types, at the declaration. False if reported.
  bool checkDerivativeRuleGeneric(const ast::FuncDecl *primal,
                                  const ast::FuncDecl *rule, bool forward);
  /// DerivativeRules.cpp: instantiates `rule` for `primal` from the
  /// expected parameter types; null after reporting.
  FuncInstance *instantiateRule(FuncInstance *primal, const ast::FuncDecl *rule,
                                const std::vector<const Type *> &expected,
                                llvm::StringRef paramsWhat);
  void checkTopLevel(ModuleInfo *mi, bool isMain);
  /// IncrementalAnalysis::undo: drops the bookkeeping of the declarations
  /// of an extra module.
  void forgetDecls(const ast::Module &m, ModuleInfo *mi);

  /// GenericBodyNames.cpp: resolves the names of generic functions that no
  /// call instantiated (their bodies are otherwise unchecked).
  void checkUninstantiatedGenerics();
  void checkExport(const ast::Decl *d, ModuleInfo *mi);
  /// `use` is where the const is named (empty for the module-level check);
  /// it locates the notes of a cycle in constant definitions.
  const ConstValue *moduleConst(const ast::ConstDecl *d, const Type **type,
                                llvm::SMRange use = {});
  llvm::DenseMap<const ast::ConstDecl *, size_t> constIndex;
  llvm::DenseMap<const ast::ConstDecl *, const Type *> constUseType;
  llvm::DenseMap<const ast::ConstDecl *, bool> constInProgress;
  /// The consts being evaluated, outermost first, each with where it was
  /// named (by the previous one, or by a function).
  std::vector<std::pair<const ast::ConstDecl *, llvm::SMRange>> constStack;
  llvm::DenseMap<const ast::Decl *, ModuleInfo *> declModule;

  /// Instances that are not part of the program: the context in which const
  /// initializers, default values and derived definitions are checked.
  FuncInstance *scratchInstance();
  std::vector<std::unique_ptr<FuncInstance>> scratch;
  /// Evaluates a parameter's default value in its function's context.
  std::optional<ConstValue> evalDefault(const ast::ParamDecl *p,
                                        const Type *type, const TypeEnv &env);

  // Transforms.cpp
  std::pair<FuncInstance *, DerivedInstance *>
  concreteInstance(const Callable &c, llvm::SMRange where);
  /// Resolves `fn g = <definition>;` to what calling `g` means (cached).
  std::shared_ptr<Callable> derivedCallable(const ast::DerivedFuncDecl *d);
  llvm::DenseMap<const ast::DerivedFuncDecl *, std::shared_ptr<Callable>>
      derivedCache;
  llvm::DenseMap<const ast::DerivedFuncDecl *, bool> derivedInProgress;
  /// The derived instance of `kind` over a concrete primal.
  DerivedInstance *makeDerived(TransformKind kind, FuncInstance *primalFn,
                               DerivedInstance *primalDerived,
                               const ast::Expr *wrt, llvm::SMRange where);
  std::vector<std::string> paramNamesOf(FuncInstance *f,
                                        DerivedInstance *d) const;

private:
  std::vector<std::unique_ptr<ModuleInfo>> modules;
  llvm::DenseMap<const ast::GenericParamDecl *, GenericRole> roles;
  llvm::DenseSet<const ast::GenericParamDecl *> roleConflictReported;
  void computeRoles(llvm::ArrayRef<ast::GenericParamDecl *> params,
                    llvm::ArrayRef<const ast::TypeExpr *> uses, ModuleInfo *mi);
};

/// Explains why the local `decl` cannot be assigned: a `let` binding gets
/// "change 'let' to 'var'" with that fix-it, others "declared here".
void noteImmutable(DiagnosticBuilder &b, const ast::Decl *decl,
                   llvm::StringRef name);

/// `grad`, `value_and_grad`, `vjp`, `jvp`.
std::optional<TransformKind> transformNamed(llvm::StringRef name);

/// The diagnostic-friendly name of an instance: "dense<32, 784, 128>".
std::string instanceName(const ast::FuncDecl *decl,
                         llvm::ArrayRef<GenericValue> args);
llvm::StringRef textOf(llvm::SMRange r);

} // namespace tdl::sema

#endif

//===- FunctionChecker.h - type-checks one body -------------------*- C++
//-*-===//
//
// A FunctionChecker walks one function instance's body (or one constant
// expression: a const initializer, a default value) under fixed generic
// bindings and fills the instance's side tables (Program.h).
//
// Untyped literals (Literals.cpp): checkExpr gives a literal, and any
// expression built only from literals, an UntypedInt / UntypedFloat type and
// records its folded value in `constants`. Where a context supplies a type
// (the other operand, a declared type, a parameter), convertTo() gives the
// whole untyped subtree that dtype and range-checks the value; where none
// does, materialize() applies the defaults (i32, f32).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SEMA_FUNCTIONCHECKER_H
#define TDL_SEMA_FUNCTIONCHECKER_H

#include "sema/SemaImpl.h"

namespace tdl::sema {

class BuiltinCall;

class FunctionChecker {
public:
  FunctionChecker(Sema &sema, FuncInstance &instance, ModuleInfo *module,
                  TypeEnv env, const ast::FuncDecl *decl,
                  llvm::SMRange instantiatedFrom);

  /// Checks the body of `decl` (parameters already typed in the instance).
  void checkFunctionBody();

  // ---- expressions (CheckExpr.cpp)
  /// The type of `e`; may hold untyped elements.
  const Type *checkExpr(const ast::Expr *e);
  /// checkExpr then materialize: never untyped.
  const Type *checkValue(const ast::Expr *e);
  std::optional<ConstValue> constantOf(const ast::Expr *e) const;

  // ---- untyped literals (Literals.cpp)
  enum class Conversion { Ok, Mismatch, Reported };
  /// Makes `e` (of type `actual`) have type `target`: gives untyped
  /// literals the target dtype (with range checks). Mismatch is left for the
  /// caller to report in its own words.
  Conversion convertTo(const ast::Expr *e, const Type *actual,
                       const Type *target);
  /// Defaults any untyped literal in `e` (int -> i32, float -> f32).
  const Type *materialize(const ast::Expr *e, const Type *actual);
  /// Fixes an untyped subtree to `elem` (shapes unchanged).
  void finalize(const ast::Expr *e, Elem elem, bool checkRange);
  bool checkLiteralRange(const ast::Expr *e, const ConstValue &v, Elem elem);
  /// `let n = 200;`: a local bound (by `let`/`var` without a type) to an
  /// untyped value stays untyped until a use gives it a dtype, as Rust
  /// infers integer literals; a use that needs a dtype and gives none, or
  /// the end of its scope, applies the default (docs/language.md).
  struct UntypedLocal {
    /// The initializer and every value assigned while it was untyped: they
    /// take the dtype the local takes.
    llvm::SmallVector<const ast::Expr *, 2> values;
    /// Its names checked while it was untyped (assignment targets too).
    llvm::SmallVector<const ast::Expr *, 4> uses;
    std::optional<Elem> fixed;
    bool defaulted = false;
    llvm::SMRange fixedAt; // the use that gave the dtype
  };
  llvm::DenseMap<const ast::VarDecl *, UntypedLocal> untypedLocals;
  bool defaulting = false; // inside materialize()
  /// Gives the untyped local `v`, used at `use`, the dtype `elem`.
  void fixLocal(llvm::SMRange use, const ast::VarDecl *v, Elem elem);
  /// Defaults the untyped locals of the innermost scope and leaves it.
  void popScope();
  /// "'n' has type i32: its literal took the default at its first use
  /// here", when `operand` names such a local.
  void noteLiteralDefault(DiagnosticBuilder &d, const ast::Expr *operand);
  /// Folds an operator over untyped constants; nullopt if not foldable.
  std::optional<ConstValue> foldBinary(const ast::BinaryExpr *e,
                                       const ConstValue &a, const ConstValue &b,
                                       bool isFloat);

  // ---- operators (CheckOperators.cpp)
  const Type *checkUnary(const ast::UnaryExpr *e);
  const Type *checkBinary(const ast::BinaryExpr *e);
  const Type *checkCast(const ast::CastExpr *e);
  /// Brings two operand types to one element type (literals adapt); reports
  /// a dtype clash naming `op`. Returns the common elem or nullopt.
  std::optional<Elem> unifyElems(const ast::Expr *a, const Type *&ta,
                                 const ast::Expr *b, const Type *&tb,
                                 llvm::StringRef op, llvm::SMRange where);
  /// Broadcast shapes of two operands or report at `where`.
  std::optional<Shape> broadcastOrReport(const ast::Expr *a, const Type *ta,
                                         const ast::Expr *b, const Type *tb,
                                         llvm::StringRef op,
                                         llvm::SMRange where);

  // ---- calls (CheckCall.cpp)
  const Type *checkCall(const ast::CallExpr *e);
  Callable resolveCallee(const ast::Expr *callee);
  const Type *callCallable(const Callable &c, const ast::CallExpr *call,
                           llvm::ArrayRef<ast::Argument> args,
                           ResolvedCall &out);
  /// Calls a user function: matches arguments, infers generics, instantiates.
  FuncInstance *callFunction(const Callable &c, const ast::CallExpr *call,
                             llvm::ArrayRef<ast::Argument> args,
                             ResolvedCall &out);
  const Type *callTransform(const Callable &c, const ast::CallExpr *call,
                            llvm::ArrayRef<ast::Argument> args,
                            ResolvedCall &out);
  /// Instantiates a transform's primal from the leading arguments.
  bool instantiatePrimal(const Callable &c, const ast::CallExpr *call,
                         llvm::ArrayRef<ast::Argument> args, FuncInstance *&fn,
                         DerivedInstance *&derived);
  const Type *checkStructLiteral(const ast::StructLiteralExpr *e);

  // ---- builtins (BuiltinRules*.cpp)
  const Type *callBuiltin(BuiltinId id, const ast::CallExpr *call,
                          llvm::ArrayRef<ast::Argument> args,
                          ResolvedCall &out);

  // ---- where operand types came from (ShapeOrigins.cpp)
  /// A value whose type a generic call produced: `pair(zeros([3]))`.
  struct ShapeOrigin {
    std::string instance; // "pair<3>"
    std::string how;      // "N = 3 inferred from argument 'x'"
    llvm::SMRange call;
  };
  llvm::DenseMap<const ast::Expr *, ShapeOrigin> callOrigins;
  llvm::DenseMap<const ast::Decl *, ShapeOrigin> localOrigins;
  /// Set by callFunction for callCallable: the origin of the call's result.
  std::optional<ShapeOrigin> lastCallOrigin;
  /// How this instance's generic parameters got their values at the call
  /// that created it.
  BindingOrigins paramOrigins;
  /// `let a = pair(...)`: `a` keeps the origin of its initializer.
  void propagateOrigin(const ast::Pattern *p, const ast::Expr *init);
  /// Adds a note saying where `operand`'s type came from, when a generic
  /// call or this instance's generic parameters determined it. `subject`
  /// names the operand when it is not a plain name ("the left operand").
  void noteOrigin(DiagnosticBuilder &d, const ast::Expr *operand, const Type *t,
                  llvm::StringRef subject);

  // ---- statements (CheckStmt.cpp)
  void checkBlock(const ast::BlockStmt *b, bool newScope = true);
  void checkStmt(const ast::Stmt *s);
  void bindPattern(const ast::Pattern *p, const Type *t, bool isVar);
  void declareLocal(const ast::VarDecl *v, const Type *t);
  bool alwaysReturns(const ast::Stmt *s) const;

  // ---- names (CheckExpr.cpp)
  struct Local {
    const ast::Decl *decl = nullptr;
    const Type *type = nullptr;
    bool isMutable = false;
    std::optional<ConstValue> value; // const parameters
  };
  const Local *lookupLocal(llvm::StringRef name) const;
  std::vector<llvm::StringRef> visibleNames() const;

  void setType(const ast::Expr *e, const Type *t);
  const Type *typeOf(const ast::Expr *e) const { return instance.typeOf(e); }
  /// Adds "in instance ... required here" to diagnostics inside a generic
  /// instance, so a shape clash shows where the shapes came from.
  template <typename... Args>
  DiagnosticBuilder error(diag::Kind<void(Args...)> kind, llvm::SMRange r,
                          std::type_identity_t<Args>... args) {
    instance.hasErrors = true;
    // A mistake in a generic body is reported for the first instance that
    // hits it, not once per instance.
    if (instantiatedFrom.isValid() &&
        !sema.reportedInGenerics.insert({r.Start.getPointer(), kind.id}).second)
      return DiagnosticBuilder(nullptr, Diagnostic());
    DiagnosticBuilder b = sema.diags.report(kind, r, args...);
    if (instantiatedFrom.isValid())
      b.note(diag::InstantiatedFrom, instantiatedFrom, instance.name);
    return b;
  }

  /// reportMisspelled through error().
  template <typename... Args>
  DiagnosticBuilder errorMisspelled(
      diag::Kind<void(Args...)> plain,
      std::type_identity_t<diag::Kind<void(Args..., std::string_view)>>
          suggesting,
      const ast::Ident &typo, llvm::ArrayRef<llvm::StringRef> candidates,
      std::type_identity_t<Args>... args) {
    auto report = [&](auto kind, llvm::SMRange r, auto... a) {
      return error(kind, r, a...);
    };
    return reportMisspelled(report, plain, suggesting, typo, candidates,
                            args...);
  }

  Sema &sema;
  TypeContext &types;
  FuncInstance &instance;
  ModuleInfo *module;
  TypeEnv env;
  const ast::FuncDecl *decl;
  llvm::SMRange instantiatedFrom;
  std::vector<llvm::StringMap<Local>> scopes;
  unsigned loopDepth = 0;
};

} // namespace tdl::sema

#endif

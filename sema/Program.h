//===- Program.h - sema's output: the typed, monomorphized program -*- C++
//-*-===//
//
// IR generation lowers a Program with no further inference. The design:
//
//  * A FuncInstance is one FuncDecl with every generic parameter and every
//    `const` parameter bound. One generic FuncDecl may have several instances,
//    so everything instance-specific lives in side tables of the instance,
//    keyed by AST node, never in the AST (the AST `type` slots are filled only
//    for non-generic code, as a convenience for the dumper):
//      - exprTypes: the concrete type of EVERY value expression of the
//        body, including each literal's final dtype (no untyped element
//        remains) and each SliceExpr/TensorLiteral used as a shape list
//        (i64[n]). Callee expressions are not values and have no entry: the
//        function name or `nn.f` of a call, `f<...>`, the `grad(f, wrt: w)`
//        of `grad(f, wrt: w)(x)` and its arguments, and the `S` of `prod(S)`;
//        the call's ResolvedCall (or `constants`) says what they denote;
//      - varTypes: the type of every let/var/for binding;
//      - calls: for every CallExpr, what is called (a FuncInstance, a
//        builtin with its normalized static attributes, or a derived-function
//        instance) and the argument for each callee parameter in parameter
//        order (named arguments and defaults already placed);
//      - constants: expressions sema folded to compile-time values (a dim
//        parameter or `const` parameter used as a value, a module `const`,
//        `prod(S)` / `rank(S)`); irgen emits these as constants;
//      - fields: what each FieldExpr is (tuple element, struct field, `.T`,
//        or a module-qualified name);
//      - indexes: for every IndexExpr, per index: a constant index (already
//        normalized to 0..dim-1), a dynamic i64 index (bounds-checked at run
//        time), or a slice with both bounds resolved (negatives counted from
//        the end, omitted bounds filled in, clamped like NumPy).
//  * Implicit broadcasting: for an elementwise BinaryExpr / builtin, an
//    operand whose type (exprTypes) differs in shape from the result type is
//    broadcast to it (NumPy rules, already validated). Untyped literals
//    already carry the dtype of their context.
//  * Struct and tuple arithmetic (`p - lr * g`): a BinaryExpr whose result
//    type is a struct or tuple is fieldwise; a scalar operand is applied to
//    every leaf.
//  * DerivedInstance: `grad` / `value_and_grad` / `vjp` / `jvp` of a primal
//    (a FuncInstance or another DerivedInstance), with the differentiated
//    parameter indices and the derived signature (a function Type).
//  * Exports: the C symbol name and the instance, for `export fn` and
//    `export fn d = f<...>;` / exported transforms.
//
// Everything is deterministic: instances are numbered in creation order.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SEMA_PROGRAM_H
#define TDL_SEMA_PROGRAM_H

#include "lang/AST.h"
#include "sema/ShapeRules.h"
#include "sema/Type.h"

#include "llvm/ADT/DenseMap.h"

#include <memory>
#include <string>
#include <vector>

namespace tdl::sema {

/// A compile-time value: an integer, float, bool, or a tuple / list of them.
struct ConstValue {
  enum class Kind : uint8_t { Int, Float, Bool, Tuple } kind = Kind::Int;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::vector<ConstValue> elems;
  static ConstValue ofInt(int64_t v) {
    ConstValue c;
    c.i = v;
    return c;
  }
  static ConstValue ofFloat(double v) {
    ConstValue c;
    c.kind = Kind::Float;
    c.f = v;
    return c;
  }
  static ConstValue ofBool(bool v) {
    ConstValue c;
    c.kind = Kind::Bool;
    c.b = v;
    return c;
  }
  double asDouble() const { return kind == Kind::Float ? f : double(i); }
  std::string str() const;
  bool operator==(const ConstValue &o) const {
    return kind == o.kind && i == o.i && f == o.f && b == o.b &&
           elems == o.elems;
  }
};

enum class BuiltinId : uint16_t {
#define BUILTIN(ID, NAME, RULE) ID,
#include "sema/Builtins.def"
  NumBuiltins
};
llvm::StringRef getBuiltinName(BuiltinId id);

/// A builtin call's static attributes, normalized (negative axes resolved,
/// defaults filled in). Which fields are meaningful depends on the builtin;
/// Builtins.def documents it per entry.
struct BuiltinAttrs {
  llvm::SmallVector<unsigned, 4> axes; // reductions, squeeze, expand_dims,
                                       // flip, concat/stack/iota/one_hot axis
  bool keepdims = false;
  llvm::SmallVector<int64_t, 4> perm; // transpose
  Shape shape;                        // reshape / broadcast_to / creation
  llvm::SmallVector<std::pair<int64_t, int64_t>, 4> padding; // pad
  shapes::Conv2DParams conv;        // conv2d / pools (stride, padding...)
  int64_t windowH = 0, windowW = 0; // pools
  std::optional<Elem> dtype;        // creation dtype, argmax's i64 ...
  std::vector<ConstValue> values;   // full's fill, pad value, lo/hi
  int64_t count = 0;                // one_hot depth, eye size
};

class FuncInstance;
class DerivedInstance;

/// One argument of a resolved call, in callee-parameter order.
struct CallArg {
  const ast::Expr *expr = nullptr; // null when the default was used
  std::optional<ConstValue> value; // the constant (defaults, const params)
  const Type *type = nullptr;
};

struct ResolvedCall {
  enum class Kind : uint8_t {
    Function,
    Builtin,
    Derived
  } kind = Kind::Function;
  FuncInstance *function = nullptr;
  BuiltinId builtin = BuiltinId::NumBuiltins;
  BuiltinAttrs attrs;
  DerivedInstance *derived = nullptr;
  /// Function/Derived: one entry per callee parameter. Builtin: the tensor
  /// operands in the order Builtins.def lists them.
  std::vector<CallArg> args;
  /// Builtin: an elementwise call whose operands are all untyped literal
  /// expressions (`exp(-4.0)`). The call stays untyped and its operands take
  /// the dtype its context gives it (Literals.cpp, finalize).
  bool untypedResult = false;
};

struct FieldAccess {
  enum class Kind : uint8_t { TupleElement, StructField, Transpose, Qualified };
  Kind kind = Kind::TupleElement;
  unsigned index = 0;
};

struct IndexEntry {
  enum class Kind : uint8_t { Const, Dynamic, Slice } kind = Kind::Const;
  int64_t index = 0;               // Const: normalized
  int64_t lo = 0, hi = 0;          // Slice: normalized, 0 <= lo <= hi <= dim
  const ast::Expr *expr = nullptr; // Dynamic: the i64 index expression
};

class FuncInstance {
public:
  const ast::FuncDecl *decl = nullptr;
  unsigned id = 0;
  std::string name; // "dense<32, 784, 128>", "softmax<[2, 3]>{axis: 0}"
  std::vector<GenericValue> genericArgs;            // declaration order
  std::vector<std::optional<ConstValue>> constArgs; // per parameter
  std::vector<const Type *> paramTypes;
  const Type *resultType = nullptr;
  /// The @derivative rule instance for this primal instance, if any.
  FuncInstance *customDerivative = nullptr;
  /// The @derivative(of: f, mode: forward) rule instance, if any.
  FuncInstance *customForwardDerivative = nullptr;
  bool checked = false; // the body was type-checked (once per instance)
  bool hasErrors = false;

  llvm::DenseMap<const ast::Expr *, const Type *> exprTypes;
  llvm::DenseMap<const ast::VarDecl *, const Type *> varTypes;
  llvm::DenseMap<const ast::CallExpr *, ResolvedCall> calls;
  llvm::DenseMap<const ast::Expr *, ConstValue> constants;
  llvm::DenseMap<const ast::FieldExpr *, FieldAccess> fields;
  llvm::DenseMap<const ast::IndexExpr *, std::vector<IndexEntry>> indexes;

  const Type *typeOf(const ast::Expr *e) const {
    auto it = exprTypes.find(e);
    return it == exprTypes.end() ? nullptr : it->second;
  }
  const Type *getFunctionType(TypeContext &types) const {
    return types.function(paramTypes, resultType);
  }
};

/// `checkpoint(f)` is f whose calls reverse mode recomputes instead of
/// storing its residuals (docs/autodiff.md, "Checkpointing").
enum class TransformKind : uint8_t { Grad, ValueAndGrad, VJP, JVP, Checkpoint };
llvm::StringRef getTransformName(TransformKind k);

class DerivedInstance {
public:
  TransformKind kind = TransformKind::Grad;
  FuncInstance *primalFunction = nullptr; // exactly one of these two
  DerivedInstance *primalDerived = nullptr;
  std::vector<unsigned> wrt;        // primal parameter indices
  const Type *primalType = nullptr; // fn(params) -> result
  const Type *type = nullptr;       // the derived signature
  std::string name;                 // "grad(loss, wrt: (0, 1))"
  unsigned id = 0;
  llvm::SMLoc loc; // the first place the transform is applied (AD notes)
};

struct ExportedFunction {
  std::string cName;
  const ast::Decl *decl = nullptr;
  FuncInstance *function = nullptr; // exactly one of these two
  DerivedInstance *derived = nullptr;
};

struct ModuleConst {
  const ast::ConstDecl *decl = nullptr;
  const Type *type = nullptr;
  ConstValue value;
};

class Program {
public:
  TypeContext types;
  std::vector<std::unique_ptr<FuncInstance>> functions;
  std::vector<std::unique_ptr<DerivedInstance>> derived;
  std::vector<ModuleConst> consts;
  std::vector<ExportedFunction> exports;
  /// Every module, the main one first, then imports in load order.
  std::vector<const ast::Module *> modules;
};

} // namespace tdl::sema

#endif

//===- Type.h - sema's concrete types ----------------------------*- C++
//-*-===//
//
// The types of a fully monomorphized program: tensors (element type and a
// static shape), tuples, struct instances and function types (the values of
// transforms such as `grad(f)`). Types are interned in a TypeContext, so two
// types are equal iff their pointers are equal.
//
// Two element kinds exist only during checking: UntypedInt and UntypedFloat,
// the types of literals that have not yet met a context (Go-style constants).
// Sema resolves every one of them before it hands out a Program: IR
// generation never sees an untyped element.
//
// The Error type stands in after a diagnostic; every rule that meets it
// yields Error silently, so one mistake gives one diagnostic.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SEMA_TYPE_H
#define TDL_SEMA_TYPE_H

#include "lang/ASTBase.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tdl::ast {
class StructDecl;
}

namespace tdl::sema {

/// The dtypes of LANGUAGE.md section 2, plus the two literal kinds.
enum class Elem : uint8_t {
  Bool,
  I8,
  I32,
  I64,
  F32,
  F64,
  UntypedInt,
  UntypedFloat
};

Elem fromDType(ast::DType t);
/// The ast::DType of a concrete element; asserts on an untyped one.
ast::DType toDType(Elem e);
llvm::StringRef elemName(Elem e);
inline bool isFloat(Elem e) {
  return e == Elem::F32 || e == Elem::F64 || e == Elem::UntypedFloat;
}
inline bool isInt(Elem e) {
  return e == Elem::I8 || e == Elem::I32 || e == Elem::I64 ||
         e == Elem::UntypedInt;
}
inline bool isUntyped(Elem e) {
  return e == Elem::UntypedInt || e == Elem::UntypedFloat;
}
/// The dtype an untyped literal takes without context (int -> i32, float ->
/// f32).
Elem defaultElem(Elem e);

using Shape = llvm::SmallVector<int64_t, 4>;
/// The most elements a tensor type may have (docs/language.md "Limits"):
/// 2^40, beyond any memory, and far from int64 overflow in byte counts.
constexpr int64_t kMaxTensorElements = int64_t(1) << 40;

/// The element count of `shape`, or nullopt when it exceeds
/// kMaxTensorElements (no overflow on the way).
std::optional<int64_t> boundedNumElements(llvm::ArrayRef<int64_t> shape);

class Type;
/// The first tensor in `t` (a tensor, or inside a tuple or struct) whose
/// element count exceeds the limit, or null.
const Type *oversizedTensorIn(const Type *t);

std::string shapeToString(llvm::ArrayRef<int64_t> shape); // "[2, 3]"

class StructInstance;

class Type {
public:
  enum class Kind : uint8_t { Error, Tensor, Tuple, Struct, Function };
  Kind getKind() const { return kind; }
  bool isError() const { return kind == Kind::Error; }
  bool isTensor() const { return kind == Kind::Tensor; }
  bool isTuple() const { return kind == Kind::Tuple; }
  bool isStruct() const { return kind == Kind::Struct; }
  bool isFunction() const { return kind == Kind::Function; }

  // Tensor
  Elem getElem() const { return elem; }
  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  unsigned getRank() const { return shape.size(); }
  bool isScalar() const { return isTensor() && shape.empty(); }
  int64_t getNumElements() const;
  /// True if this type or a part of it still holds an untyped element.
  bool hasUntyped() const;

  // Tuple: the elements. Function: the parameter types.
  llvm::ArrayRef<const Type *> getElements() const { return elements; }
  // Function
  llvm::ArrayRef<const Type *> getParams() const { return elements; }
  const Type *getResult() const { return result; }
  // Struct
  const StructInstance *getStruct() const { return structInst; }

  /// `f32[2, 3]`, `f32`, `(f32[3], i32)`, `Dense<4, 3>`, `fn(f32) -> f32`.
  std::string str() const;

private:
  std::string strNested() const;
  friend class TypeContext;
  explicit Type(Kind k) : kind(k) {}
  Kind kind;
  Elem elem = Elem::F32;
  Shape shape;
  std::vector<const Type *> elements;
  const Type *result = nullptr;
  const StructInstance *structInst = nullptr;
};

/// One generic argument value: a dim, a shape (for a pack) or a dtype.
struct GenericValue {
  enum class Kind : uint8_t { Dim, Pack, DType } kind = Kind::Dim;
  int64_t dim = 0;
  Shape pack;
  Elem dtype = Elem::F32;
  std::string str() const; // "32", "[2, 3]", "f32"
  bool operator==(const GenericValue &o) const {
    return kind == o.kind && dim == o.dim && pack == o.pack && dtype == o.dtype;
  }
};

/// A struct declaration with every generic parameter bound.
class StructInstance {
public:
  const ast::StructDecl *decl = nullptr;
  std::vector<GenericValue> genericArgs; // in declaration order
  std::vector<llvm::StringRef> fieldNames;
  std::vector<const Type *> fieldTypes; // concrete, in declaration order
  std::string name;                     // "Dense<4, 3>"
  std::optional<unsigned> findField(llvm::StringRef n) const;
};

/// Owns and interns every type and struct instance of one compilation.
class TypeContext {
public:
  TypeContext();
  const Type *error() const { return errorType; }
  const Type *tensor(Elem e, llvm::ArrayRef<int64_t> shape);
  const Type *scalar(Elem e) { return tensor(e, {}); }
  const Type *tuple(llvm::ArrayRef<const Type *> elements);
  const Type *unit() { return tuple({}); }
  const Type *function(llvm::ArrayRef<const Type *> params, const Type *result);
  const Type *structType(const StructInstance *s);
  /// The instance of `decl` with these arguments, or null if none yet.
  StructInstance *findStruct(const ast::StructDecl *decl,
                             llvm::ArrayRef<GenericValue> args);
  StructInstance *createStruct(const ast::StructDecl *decl,
                               llvm::ArrayRef<GenericValue> args);
  llvm::ArrayRef<std::unique_ptr<StructInstance>> getStructs() const {
    return structs;
  }

  /// The same type with every element replaced by `e` (tensors only).
  const Type *withElem(const Type *t, Elem e);
  /// Replaces untyped elements by their defaults, recursively.
  const Type *defaulted(const Type *t);

private:
  const Type *intern(std::unique_ptr<Type> t);
  llvm::StringMap<std::unique_ptr<Type>> types;
  std::vector<std::unique_ptr<StructInstance>> structs;
  const Type *errorType;
};

/// True if every leaf of `t` is a floating tensor (struct / tuple arithmetic,
/// differentiable parameters).
bool isFloatLeaves(const Type *t);
/// True if `t` contains an Error type anywhere.
bool containsError(const Type *t);

} // namespace tdl::sema

#endif

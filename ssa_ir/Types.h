//===- Types.h - IR types: tensors (dtype + static shape) and tuples -*- C++
//-*-===//
//
// Types are small value objects compared structurally (no context, no
// uniquing): a TensorType is a dtype plus a static shape (rank 0 = scalar), a
// tuple holds element types. Copying a Type copies its shape / elements, which
// is cheap for the ranks and tuple sizes programs use; equality is `==`.
//
// Text: `f32[2,3]`, `f32` (scalar), `(f32[3], i32)`, `()`.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_TYPES_H
#define TDL_SSA_IR_TYPES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tdl::ir {

enum class DType : uint8_t { Bool, I8, I32, I64, F32, F64 };

llvm::StringRef dtypeName(DType t);
std::optional<DType> parseDType(llvm::StringRef name);
bool isFloat(DType t);
bool isInteger(DType t);     // signed integers i8 i32 i64 (not bool)
unsigned dtypeSize(DType t); // bytes per element
unsigned dtypeBits(DType t); // 1 for bool

using Shape = llvm::SmallVector<int64_t, 4>;

/// Number of elements of a shape (1 for rank 0).
int64_t numElements(llvm::ArrayRef<int64_t> shape);
/// `[2,3]`, `[]` for rank 0.
std::string shapeToString(llvm::ArrayRef<int64_t> shape);

class Type {
public:
  enum class Kind : uint8_t { Tensor, Tuple, Tape };

  /// A rank-0 f32 tensor; exists so containers can default-construct.
  Type() = default;
  static Type tensor(DType dtype, llvm::ArrayRef<int64_t> shape = {});
  static Type scalar(DType dtype) { return tensor(dtype, {}); }
  static Type tuple(llvm::ArrayRef<Type> elements);
  /// `tape<T>`: a stack of T values (reverse-mode AD of loops; docs/ir.md).
  static Type tape(const Type &element);

  Kind getKind() const { return kind; }
  bool isTensor() const { return kind == Kind::Tensor; }
  bool isTuple() const { return kind == Kind::Tuple; }
  bool isTape() const { return kind == Kind::Tape; }
  /// The element type of a tape (asserts isTape()).
  const Type &getTapeElement() const;

  // Tensor accessors (assert isTensor()).
  DType getDType() const;
  llvm::ArrayRef<int64_t> getShape() const;
  unsigned getRank() const { return getShape().size(); }
  int64_t getNumElements() const { return numElements(getShape()); }
  bool isScalar() const { return isTensor() && shape.empty(); }
  bool isScalarOf(DType t) const { return isScalar() && dtype == t; }
  /// The same shape with another dtype.
  Type withDType(DType t) const;
  Type withShape(llvm::ArrayRef<int64_t> s) const;

  // Tuple accessors (assert isTuple()).
  llvm::ArrayRef<Type> getElements() const;

  bool operator==(const Type &o) const;
  bool operator!=(const Type &o) const { return !(*this == o); }

  void print(llvm::raw_ostream &os) const;
  std::string str() const;

private:
  Kind kind = Kind::Tensor;
  DType dtype = DType::F32;
  Shape shape;
  std::vector<Type> elements;
};

inline llvm::raw_ostream &operator<<(llvm::raw_ostream &os, const Type &t) {
  t.print(os);
  return os;
}

/// `(a, b)` for printing lists of types in messages.
std::string typeListToString(llvm::ArrayRef<Type> types);

} // namespace tdl::ir

#endif

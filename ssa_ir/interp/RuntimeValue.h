//===- RuntimeValue.h - values the interpreter computes with -------*- C++
//-*-===//
//
// A tensor is a Type plus a flat row-major buffer held by shared_ptr: values
// are immutable once built, so copies share storage (a reshape or a
// stop_gradient shares its operand's buffer). A tuple holds element values.
// Element storage: bool = 1 byte (0/1), i8 int8_t, i32 int32_t, i64 int64_t,
// f32 float, f64 double.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_INTERP_RUNTIMEVALUE_H
#define TDL_SSA_IR_INTERP_RUNTIMEVALUE_H

#include "runtime/TensorFormat.h"
#include "ssa_ir/Types.h"

#include <cassert>
#include <cstring>
#include <memory>
#include <vector>

namespace tdl::ir {

/// The C++ element type of a dtype.
template <DType D> struct ElemOf;
template <> struct ElemOf<DType::Bool> { using type = uint8_t; };
template <> struct ElemOf<DType::I8> { using type = int8_t; };
template <> struct ElemOf<DType::I32> { using type = int32_t; };
template <> struct ElemOf<DType::I64> { using type = int64_t; };
template <> struct ElemOf<DType::F32> { using type = float; };
template <> struct ElemOf<DType::F64> { using type = double; };

/// Calls `f.template operator()<T>()` with T the element type of `dt`.
template <typename F> decltype(auto) dispatchDType(DType dt, F &&f) {
  switch (dt) {
  case DType::Bool:
    return f.template operator()<uint8_t>();
  case DType::I8:
    return f.template operator()<int8_t>();
  case DType::I32:
    return f.template operator()<int32_t>();
  case DType::I64:
    return f.template operator()<int64_t>();
  case DType::F32:
    return f.template operator()<float>();
  case DType::F64:
    return f.template operator()<double>();
  }
  llvm_unreachable("bad dtype");
}

/// The element type runtime/ (TensorFormat, Npy) calls `d`.
rt::ElemType toElemType(DType d);

/// Tape memory: the bytes of the values held by live tape cells (a pushed
/// value's tensor bytes, which the cpu backend copies into its cell), now
/// and at most since the last resetTapePeak(). Process-wide.
struct TapeMemory {
  int64_t live = 0, peak = 0;
};
TapeMemory tapeMemory();
void resetTapePeak();

class RuntimeValue {
public:
  RuntimeValue() = default;
  /// A zero-filled tensor of type `t`.
  static RuntimeValue zeros(const Type &t);
  static RuntimeValue tuple(std::vector<RuntimeValue> elements);

  /// Tapes are persistent stacks (a cons list over shared cells): push and
  /// pop are O(1) and never change the tape they start from.
  static RuntimeValue emptyTape(const Type &tapeType) {
    assert(tapeType.isTape() && "not a tape type");
    RuntimeValue v;
    v.type = tapeType;
    return v;
  }
  bool isTape() const { return type.isTape(); }
  bool isEmptyTape() const { return isTape() && !elements; }
  /// The cell holding `top` counts its bytes in tapeMemory() while it
  /// lives.
  RuntimeValue tapePushed(RuntimeValue top) const;
  /// The top value / the tape below it (assert the tape is not empty).
  const RuntimeValue &tapeTop() const {
    assert(!isEmptyTape() && "top of an empty tape");
    return (*elements)[0];
  }
  const RuntimeValue &tapeRest() const {
    assert(!isEmptyTape() && "pop of an empty tape");
    return (*elements)[1];
  }
  template <typename T>
  static RuntimeValue fromVector(const Type &t, llvm::ArrayRef<T> values) {
    assert(t.isTensor() && size_t(t.getNumElements()) == values.size() &&
           dtypeSize(t.getDType()) == sizeof(T) && "fromVector size mismatch");
    RuntimeValue v = zeros(t);
    if (!values.empty())
      std::memcpy(v.buf.get(), values.data(), values.size() * sizeof(T));
    return v;
  }
  template <typename T> static RuntimeValue scalar(DType dt, T value) {
    return fromVector<T>(Type::scalar(dt), llvm::ArrayRef<T>(value));
  }
  /// The same data viewed with another shape (same element count).
  RuntimeValue reshaped(llvm::ArrayRef<int64_t> shape) const;

  const Type &getType() const { return type; }
  bool isTuple() const { return type.isTuple(); }
  DType getDType() const { return type.getDType(); }
  llvm::ArrayRef<int64_t> getShape() const { return type.getShape(); }
  int64_t numElements() const { return type.getNumElements(); }
  const std::vector<RuntimeValue> &getElements() const {
    assert(isTuple() && "not a tuple");
    return *elements;
  }

  template <typename T> const T *data() const {
    assert(isTensor() && dtypeSize(type.getDType()) == sizeof(T) &&
           "element type mismatch");
    return reinterpret_cast<const T *>(buf.get());
  }
  /// Writable data: only while the value is being built (not yet shared).
  template <typename T> T *mutableData() { return const_cast<T *>(data<T>()); }
  const uint8_t *rawData() const { return buf.get(); }
  uint8_t *mutableRawData() { return buf.get(); }
  template <typename T> std::vector<T> toVector() const {
    const T *p = data<T>();
    return std::vector<T>(p, p + numElements());
  }
  /// Element i as a double (for tests and messages).
  double getAsDouble(int64_t i) const;
  /// A scalar i64 / bool.
  int64_t getScalarInt() const;

  /// NumPy style: `f32[2] [1, 2]`; tuples as `(f32 1, i64 2)`.
  /// More than `threshold` elements are summarized with `...`.
  std::string format(int precision = 8, int64_t threshold = 1000) const;

private:
  bool isTensor() const { return type.isTensor(); }
  Type type;
  std::shared_ptr<uint8_t[]> buf;
  std::shared_ptr<std::vector<RuntimeValue>> elements;
};

} // namespace tdl::ir

#endif

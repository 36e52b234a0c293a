//===- Types.cpp ----------------------------------------------------------===//
#include "ssa_ir/Types.h"

#include <cassert>

namespace tdl::ir {

llvm::StringRef dtypeName(DType t) {
  switch (t) {
  case DType::Bool:
    return "bool";
  case DType::I8:
    return "i8";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  }
  llvm_unreachable("bad dtype");
}

std::optional<DType> parseDType(llvm::StringRef name) {
  for (DType t :
       {DType::Bool, DType::I8, DType::I32, DType::I64, DType::F32, DType::F64})
    if (dtypeName(t) == name)
      return t;
  return std::nullopt;
}

bool isFloat(DType t) { return t == DType::F32 || t == DType::F64; }
bool isInteger(DType t) {
  return t == DType::I8 || t == DType::I32 || t == DType::I64;
}

unsigned dtypeSize(DType t) {
  switch (t) {
  case DType::Bool:
  case DType::I8:
    return 1;
  case DType::I32:
  case DType::F32:
    return 4;
  case DType::I64:
  case DType::F64:
    return 8;
  }
  llvm_unreachable("bad dtype");
}

unsigned dtypeBits(DType t) { return t == DType::Bool ? 1 : dtypeSize(t) * 8; }

int64_t numElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string shapeToString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Type Type::tensor(DType dtype, llvm::ArrayRef<int64_t> shape) {
  Type t;
  t.kind = Kind::Tensor;
  t.dtype = dtype;
  t.shape.assign(shape.begin(), shape.end());
  return t;
}

Type Type::tuple(llvm::ArrayRef<Type> elements) {
  Type t;
  t.kind = Kind::Tuple;
  t.elements.assign(elements.begin(), elements.end());
  return t;
}

Type Type::tape(const Type &element) {
  Type t;
  t.kind = Kind::Tape;
  t.elements.assign(1, element);
  return t;
}

const Type &Type::getTapeElement() const {
  assert(isTape() && "element of a non-tape type");
  return elements[0];
}

DType Type::getDType() const {
  assert(isTensor() && "dtype of a tuple type");
  return dtype;
}
llvm::ArrayRef<int64_t> Type::getShape() const {
  assert(isTensor() && "shape of a tuple type");
  return shape;
}
llvm::ArrayRef<Type> Type::getElements() const {
  assert(isTuple() && "elements of a tensor type");
  return elements;
}
Type Type::withDType(DType t) const { return tensor(t, getShape()); }
Type Type::withShape(llvm::ArrayRef<int64_t> s) const {
  return tensor(getDType(), s);
}

bool Type::operator==(const Type &o) const {
  if (kind != o.kind)
    return false;
  if (kind == Kind::Tensor)
    return dtype == o.dtype && shape == o.shape;
  return elements == o.elements;
}

void Type::print(llvm::raw_ostream &os) const {
  if (isTensor()) {
    os << dtypeName(dtype);
    if (!shape.empty())
      os << shapeToString(shape);
    return;
  }
  if (isTape()) {
    os << "tape<";
    elements[0].print(os);
    os << '>';
    return;
  }
  os << '(';
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i)
      os << ", ";
    elements[i].print(os);
  }
  os << ')';
}

std::string Type::str() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  print(os);
  return s;
}

std::string typeListToString(llvm::ArrayRef<Type> types) {
  return Type::tuple(types).str();
}

} // namespace tdl::ir

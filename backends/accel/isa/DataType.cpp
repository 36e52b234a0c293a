//===- DataType.cpp -------------------------------------------------------===//
#include "backends/accel/isa/DataType.h"

#include "llvm/ADT/StringSwitch.h"

#include <cstring>

namespace tdl::accel {

std::optional<DType> parseDType(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<DType>>(name)
      .Case("i8", DType::I8)
      .Case("u8", DType::U8)
      .Case("i16", DType::I16)
      .Case("u16", DType::U16)
      .Case("i32", DType::I32)
      .Case("u32", DType::U32)
      .Default(std::nullopt);
}

llvm::StringRef dtypeName(DType t) {
  switch (t) {
  case DType::I8:
    return "i8";
  case DType::U8:
    return "u8";
  case DType::I16:
    return "i16";
  case DType::U16:
    return "u16";
  case DType::I32:
    return "i32";
  case DType::U32:
    return "u32";
  }
  return "?";
}

llvm::StringRef npyDescr(DType t) {
  switch (t) {
  case DType::I8:
    return "|i1";
  case DType::U8:
    return "|u1";
  case DType::I16:
    return "<i2";
  case DType::U16:
    return "<u2";
  case DType::I32:
    return "<i4";
  case DType::U32:
    return "<u4";
  }
  return "?";
}

unsigned dtypeBytes(DType t) {
  switch (t) {
  case DType::I8:
  case DType::U8:
    return 1;
  case DType::I16:
  case DType::U16:
    return 2;
  case DType::I32:
  case DType::U32:
    return 4;
  }
  return 1;
}

int64_t dtypeMin(DType t) {
  switch (t) {
  case DType::I8:
    return INT8_MIN;
  case DType::I16:
    return INT16_MIN;
  case DType::I32:
    return INT32_MIN;
  case DType::U8:
  case DType::U16:
  case DType::U32:
    return 0;
  }
  return 0;
}

int64_t dtypeMax(DType t) {
  switch (t) {
  case DType::I8:
    return INT8_MAX;
  case DType::U8:
    return UINT8_MAX;
  case DType::I16:
    return INT16_MAX;
  case DType::U16:
    return UINT16_MAX;
  case DType::I32:
    return INT32_MAX;
  case DType::U32:
    return UINT32_MAX;
  }
  return 0;
}

int64_t readElement(DType t, const uint8_t *data, uint64_t i) {
  switch (t) {
  case DType::I8:
    return int8_t(data[i]);
  case DType::U8:
    return data[i];
  case DType::I16: {
    int16_t v;
    std::memcpy(&v, data + 2 * i, 2);
    return v;
  }
  case DType::U16: {
    uint16_t v;
    std::memcpy(&v, data + 2 * i, 2);
    return v;
  }
  case DType::I32: {
    int32_t v;
    std::memcpy(&v, data + 4 * i, 4);
    return v;
  }
  case DType::U32: {
    uint32_t v;
    std::memcpy(&v, data + 4 * i, 4);
    return v;
  }
  }
  return 0;
}

void writeElement(DType t, uint8_t *data, uint64_t i, int64_t v) {
  unsigned n = dtypeBytes(t);
  uint64_t bits = uint64_t(v);
  for (unsigned b = 0; b < n; ++b) // little-endian regardless of the host
    data[i * n + b] = uint8_t(bits >> (8 * b));
}

static void printDims(llvm::raw_ostream &os, DType t,
                      llvm::ArrayRef<uint64_t> shape, const uint8_t *data,
                      uint64_t &i) {
  if (shape.empty()) {
    os << readElement(t, data, i++);
    return;
  }
  os << '[';
  for (uint64_t k = 0; k < shape[0]; ++k) {
    if (k)
      os << ", ";
    printDims(os, t, shape.drop_front(), data, i);
  }
  os << ']';
}

void printTensor(llvm::raw_ostream &os, DType t, llvm::ArrayRef<uint64_t> shape,
                 const uint8_t *data) {
  os << dtypeName(t) << '[';
  for (size_t d = 0; d < shape.size(); ++d)
    os << (d ? "," : "") << shape[d];
  os << "] ";
  uint64_t i = 0;
  printDims(os, t, shape, data, i);
}

} // namespace tdl::accel

//===- TensorFormat.h - NumPy-style text for tensors ---------------*- C++
//-*-===//
//
// How `print` and `tdlc run` show values (docs/output-format.md):
//   f32[2,3] [[1, 2, 3], [4, 5, 6]]     f32 1.5     bool[2] [true, false]
// Floats as NumPy's repr with at most `precision` fraction digits (shortest
// text that round-trips in the element type, trailing zeros and '.' trimmed),
// nan / inf / -inf, scientific notation where NumPy uses it. More than
// `threshold` elements are summarized with `...` and `edgeItems` per axis.
// Shared by the interpreter and the CPU backend's runtime: no LLVM here.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_TENSORFORMAT_H
#define TDL_RUNTIME_TENSORFORMAT_H

#include <cstdint>
#include <string>

namespace tdl::rt {

enum class ElemType : uint8_t { Bool, I8, I32, I64, F32, F64 };

struct FormatOptions {
  int precision = 8;
  int64_t threshold = 1000;
  int64_t edgeItems = 3;
};

/// `data` is row-major; bool elements are one byte (0 or 1).
std::string formatTensor(ElemType type, const int64_t *shape, unsigned rank,
                         const void *data, const FormatOptions &opts = {});

/// One float as it appears in a tensor; `isF32` picks the shortest text
/// that round-trips as a float rather than a double. `scalar`: a rank-0
/// value, whose integer digits are the shortest ones too (NumPy).
std::string formatFloat(double v, bool isF32, bool scientific, int precision,
                        bool scalar = false);

/// `f32`, `i64`, ...
const char *elemTypeName(ElemType t);

} // namespace tdl::rt

#endif

//===- Npy.h - NumPy .npy files ------------------------------------*- C++
//-*-===//
//
// `tdlc run --arg x=data.npy` reads tensors from .npy files and `--save DIR`
// writes results as .npy (docs/cli.md). The format is NumPy's
// (numpy.lib.format): the magic "\x93NUMPY", a version (1.0, 2.0 or 3.0),
// a little-endian header length (2 bytes in 1.0, 4 after), and an ASCII
// Python dict literal with 'descr', 'fortran_order' and 'shape', padded
// to a multiple of 64 bytes; then the raw elements, C order.
//
// The reader is written for hostile input: every length is checked against
// the bytes present, shapes are checked for overflow and against a limit,
// and anything it does not support (big-endian or other element types,
// Fortran order, object arrays) is an error message, never a crash.
// No LLVM here: applications and fuzzers use it as it is.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_NPY_H
#define TDL_RUNTIME_NPY_H

#include "runtime/TensorFormat.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tdl::rt {

struct NpyArray {
  ElemType type = ElemType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data; // C order; bool as one byte 0/1
};

/// Largest element count a .npy may declare (2^40: beyond any tensor TDL
/// compiles; what is actually read is bounded by the file's size).
constexpr int64_t kNpyMaxElements = int64_t(1) << 40;

/// Parses a whole .npy file. On failure returns false and sets `error` to a
/// message that says what is wrong (no file name: the caller adds it).
bool parseNpy(const uint8_t *bytes, size_t size, NpyArray &out,
              std::string &error);

/// The bytes of a version 1.0 .npy file (2.0 when the header needs it).
std::string writeNpy(ElemType type, const int64_t *shape, unsigned rank,
                     const void *data);

/// Bytes per element of `type`.
size_t elemTypeSize(ElemType type);

} // namespace tdl::rt

#endif

//===- DataType.h - element types of DRAM buffers ----------------*- C++
//-*-===//
#ifndef TDL_BACKENDS_ACCEL_ISA_DATATYPE_H
#define TDL_BACKENDS_ACCEL_ISA_DATATYPE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>

namespace tdl::accel {

enum class DType : uint8_t { I8, U8, I16, U16, I32, U32 };

std::optional<DType> parseDType(llvm::StringRef name);
llvm::StringRef dtypeName(DType t); // "i8", ...
llvm::StringRef npyDescr(DType t);  // "|i1", "<i4", ...
unsigned dtypeBytes(DType t);
int64_t dtypeMin(DType t);
int64_t dtypeMax(DType t);
/// Element `i` of little-endian data as a 64-bit integer.
int64_t readElement(DType t, const uint8_t *data, uint64_t i);
/// Stores `v` (already range-checked) as element `i`.
void writeElement(DType t, uint8_t *data, uint64_t i, int64_t v);

/// NumPy-style printing: `i8[2,3] [[1, 2, 3], [4, 5, 6]]`.
void printTensor(llvm::raw_ostream &os, DType t, llvm::ArrayRef<uint64_t> shape,
                 const uint8_t *data);

/// The documented generator of `random(seed)` fills: SplitMix64.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform-ish in [lo, hi]: lo + next() % (hi - lo + 1).
  int64_t nextInRange(int64_t lo, int64_t hi) {
    uint64_t span = uint64_t(hi - lo) + 1;
    return lo + int64_t(next() % span);
  }

private:
  uint64_t state;
};

} // namespace tdl::accel

#endif

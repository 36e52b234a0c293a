//===- ConvPool.h - a pool fused into a conv's program ----------*- C++ -*-===//
//
// A `max_pool2d` or `avg_pool2d` of the conv's i8 result, run in the conv's
// program: each output tile of the conv is the set of conv pixels a tile of
// pooled outputs reads (overlapping windows recompute their shared conv
// rows in both tiles), and after the epilogue the ALU combines shifted
// views of the tile into a pooled area of ACC that STORE writes. Each
// window offset only reads the pooled outputs whose conv pixel exists
// (runtime/kernels/Window.h): max pooling ignores padding — the pooled area
// starts at -128, the i8 lowest —, average pooling counts it as zeros — the
// area starts at 0, the views are ADDed, then ADD area/2 and SHR
// log2(area) give floor((sum + area/2) / area) exactly, for a power-of-two
// window area only (the ALU has no division).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_CONV_CONVPOOL_H
#define TDL_BACKENDS_ACCEL_MAPPING_CONV_CONVPOOL_H

#include <algorithm>
#include <cstdint>
#include <utility>

namespace tdl::accel {

/// The pool's window; kh == 0 means no pool.
struct ConvPool {
  uint32_t kh = 0, kw = 0, strideH = 1, strideW = 1;
  uint32_t padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
  bool average = false; // avg_pool2d, else max_pool2d
  bool present() const { return kh != 0; }
  bool operator==(const ConvPool &) const = default;
};

/// Pooled outputs along one axis of `in` conv outputs (0 when none fit).
inline uint32_t pooledSize(uint32_t in, uint32_t kernel, uint32_t stride,
                           uint32_t pad0, uint32_t pad1) {
  int64_t padded = int64_t(in) + pad0 + pad1;
  return padded < kernel ? 0 : uint32_t((padded - kernel) / stride + 1);
}

/// The conv outputs [first, first + count) that pooled outputs
/// [p0, p0 + n) read along one axis of `in` conv outputs.
struct PoolSpan {
  uint32_t first = 0, count = 0;
};
inline PoolSpan poolSpan(uint32_t p0, uint32_t n, uint32_t in, uint32_t kernel,
                         uint32_t stride, uint32_t pad0) {
  int64_t lo = int64_t(p0) * stride - pad0;
  int64_t hi = int64_t(p0 + n - 1) * stride - pad0 + kernel;
  lo = std::max<int64_t>(lo, 0);
  hi = std::min<int64_t>(hi, in);
  return hi > lo ? PoolSpan{uint32_t(lo), uint32_t(hi - lo)} : PoolSpan{};
}

/// For window offset `a`, the pooled outputs p in [0, n) of a tile starting
/// at pooled p0 whose conv position (p0 + p)·stride − pad0 + a lies in
/// [0, in): [lo, hi), empty when lo >= hi.
inline std::pair<uint32_t, uint32_t> poolReads(uint32_t p0, uint32_t n,
                                               uint32_t in, uint32_t stride,
                                               uint32_t pad0, uint32_t a) {
  auto pos = [&](int64_t p) { return (int64_t(p0) + p) * stride - pad0 + a; };
  uint32_t lo = 0, hi = n;
  while (lo < n && pos(lo) < 0)
    ++lo;
  while (hi > lo && pos(hi - 1) >= int64_t(in))
    --hi;
  return {lo, hi};
}

} // namespace tdl::accel

#endif

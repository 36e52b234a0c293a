//===- CpuRuntime.cpp - the kernel runtime of the cpu backend -------------===//
//
// Compiled at build time to LLVM bitcode with clang (backends/cpu/
// CMakeLists.txt), embedded in tdlc and linked into every generated module
// (only what the module calls, then internalized), so an object tdlc writes
// needs nothing but libc and libm. Hence: C ABI entry points, no C++ runtime
// (no exceptions, RTTI, new/delete or static constructors), no globals but
// the thread-local error message and the cached cpu feature level
// (GemmKernels.cpp). The other files: Gemm.cpp (matmul), GemmKernels.cpp
// (its microkernels per instruction set), Conv.cpp (conv2d).
//
// Semantics are the reference interpreter's: elementwise ops, reductions,
// pooling, argmax and the math functions come from the header-only kernel
// layer both compile (runtime/kernels/); matmul and conv2d keep the
// interpreter's accumulation order in their blocked kernels. The files are
// compiled with -ffp-contract=off (no fused multiply-adds; only matmul and
// conv2d under -ffast-math use FMA kernels, explicitly).
//
// Dtype codes are ir::DType's: 0 bool, 1 i8, 2 i32, 3 i64, 4 f32, 5 f64.
//
//===----------------------------------------------------------------------===//
#include "runtime/cpu/Gemm.h"
#include "runtime/cpu/Interrupt.h"
#include "runtime/kernels/ArgReduce.h"
#include "runtime/kernels/Elementwise.h"
#include "runtime/kernels/Philox.h"
#include "runtime/kernels/Reduce.h"
#include "runtime/kernels/ScalarSemantics.h"
#include "runtime/kernels/Window.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <limits>
#include <type_traits>

#define TDL_RT extern "C" __attribute__((visibility("default")))
#define TDL_INLINE extern "C" __attribute__((always_inline))

/// The message of the last run-time error on this thread. Every tdlc object
/// of a program carries a copy of the runtime; this one buffer (a weak
/// definition the runtime linker keeps, docs/cpu-backend.md "Several
/// modules in one program") is shared by all of them, so whichever
/// object's tdl_last_error the program calls sees every module's errors.
extern "C" __attribute__((
    weak,
    visibility("default"))) thread_local char tdl_rt_last_error_text[512] = {};

namespace {

template <typename F> void dispatch(int32_t dtype, F &&f) {
  switch (dtype) {
  case 0:
    f.template operator()<uint8_t>();
    break;
  case 1:
    f.template operator()<int8_t>();
    break;
  case 2:
    f.template operator()<int32_t>();
    break;
  case 3:
    f.template operator()<int64_t>();
    break;
  case 4:
    f.template operator()<float>();
    break;
  case 5:
    f.template operator()<double>();
    break;
  }
}

} // namespace

//===-- Errors ------------------------------------------------------------===//

/// The message of the last run-time error on this thread (`--prefix`
/// renames it with the exported functions; weak, so objects of several
/// modules link together: every copy reads the shared buffer).
TDL_RT __attribute__((weak)) const char *tdl_last_error(void) {
  return tdl_rt_last_error_text;
}

/// Sets the message (the header's wrappers report a size mismatch here).
TDL_RT __attribute__((weak)) void tdl_set_last_error(const char *message) {
  snprintf(tdl_rt_last_error_text, sizeof(tdl_rt_last_error_text), "%s",
           message ? message : "");
}

TDL_RT void tdl_rt_error_index(int64_t i, int64_t dim, int64_t size,
                               int64_t window) {
  // The interpreter's words (MovementKernels.cpp): a scalar index names
  // the valid range, a window the last index where it still fits.
  if (window == 1)
    snprintf(tdl_rt_last_error_text, sizeof(tdl_rt_last_error_text),
             "index %lld out of range for dim %lld of size %lld (valid: 0 to "
             "%lld)",
             (long long)i, (long long)dim, (long long)size,
             (long long)(size - 1));
  else
    snprintf(tdl_rt_last_error_text, sizeof(tdl_rt_last_error_text),
             "index %lld out of range for dim %lld of size %lld: a window of "
             "%lld starting there needs an index from 0 to %lld",
             (long long)i, (long long)dim, (long long)size, (long long)window,
             (long long)(size - window));
}

/// Generated code's error messages (a constant per failing op).
TDL_RT void tdl_rt_error_message(const char *message) {
  tdl_set_last_error(message);
}

/// The instruction set of this machine for generated code compiled per
/// instruction set (backends/cpu/IsaDispatch.h): 0 baseline, 1 AVX2 with
/// FMA, 2 AVX-512 -- the GEMM kernels' choice (cpuid, cached).
TDL_RT int32_t tdl_rt_isa_level(void) { return int32_t(tdl::rt::hostIsa()); }

/// 1 if one of the n divisors is zero (integer div / rem fail on it).
TDL_RT int32_t tdl_rt_has_zero(int32_t dtype, int64_t n, const void *data) {
  int32_t found = 0;
  dispatch(dtype, [&]<typename T>() {
    const T *p = static_cast<const T *>(data);
    for (int64_t i = 0; i < n; ++i)
      if (p[i] == T(0))
        found = 1;
  });
  return found;
}

//===-- Elementwise scalar functions --------------------------------------===//
//
// One function per (op, dtype), always inlined into the loops the code
// generator writes, so they vectorize with them. The semantics are
// runtime/kernels/Elementwise.h's, shared with the interpreter.

namespace ew = tdl::kernels::ew;

#define TDL_FOR_INT_TYPES(M) M(i8, int8_t) M(i32, int32_t) M(i64, int64_t)
#define TDL_FOR_FLOAT_TYPES(M) M(f32, float) M(f64, double)
#define TDL_FOR_NUM_TYPES(M) TDL_FOR_INT_TYPES(M) TDL_FOR_FLOAT_TYPES(M)
#define TDL_FOR_ALL_TYPES(M) M(bool, uint8_t) TDL_FOR_NUM_TYPES(M)

#define TDL_UNARY(NAME, FN, SUF, T)                                            \
  TDL_INLINE T tdl_ew_##NAME##_##SUF(T a) { return ew::FN(a); }
#define TDL_BINARY(NAME, FN, SUF, T)                                           \
  TDL_INLINE T tdl_ew_##NAME##_##SUF(T a, T b) { return ew::FN(a, b); }
#define TDL_COMPARE(NAME, SUF, T)                                              \
  TDL_INLINE uint8_t tdl_ew_##NAME##_##SUF(T a, T b) { return ew::NAME(a, b); }

#define TDL_NUM_OPS(SUF, T)                                                    \
  TDL_UNARY(neg, neg, SUF, T)                                                  \
  TDL_UNARY(abs, abs, SUF, T)                                                  \
  TDL_UNARY(sign, sign, SUF, T)                                                \
  TDL_BINARY(add, add, SUF, T)                                                 \
  TDL_BINARY(sub, sub, SUF, T)                                                 \
  TDL_BINARY(mul, mul, SUF, T)                                                 \
  TDL_BINARY(div, div, SUF, T)                                                 \
  TDL_BINARY(rem, rem, SUF, T)                                                 \
  TDL_BINARY(pow, pow, SUF, T)                                                 \
  TDL_BINARY(max, max, SUF, T)                                                 \
  TDL_BINARY(min, min, SUF, T)                                                 \
  TDL_COMPARE(lt, SUF, T)                                                      \
  TDL_COMPARE(le, SUF, T)                                                      \
  TDL_COMPARE(gt, SUF, T)                                                      \
  TDL_COMPARE(ge, SUF, T)
TDL_FOR_NUM_TYPES(TDL_NUM_OPS)

#define TDL_EQ_OPS(SUF, T)                                                     \
  TDL_COMPARE(eq, SUF, T)                                                      \
  TDL_COMPARE(ne, SUF, T)
TDL_FOR_ALL_TYPES(TDL_EQ_OPS)

#define TDL_FLOAT_OPS(SUF, T)                                                  \
  TDL_UNARY(exp, exp, SUF, T)                                                  \
  TDL_UNARY(log, log, SUF, T)                                                  \
  TDL_UNARY(sqrt, sqrt, SUF, T)                                                \
  TDL_UNARY(rsqrt, rsqrt, SUF, T)                                              \
  TDL_UNARY(sin, sin, SUF, T)                                                  \
  TDL_UNARY(cos, cos, SUF, T)                                                  \
  TDL_UNARY(tanh, tanh, SUF, T)                                                \
  TDL_UNARY(sigmoid, sigmoid, SUF, T)                                          \
  TDL_UNARY(floor, floor, SUF, T)                                              \
  TDL_UNARY(ceil, ceil, SUF, T)                                                \
  TDL_UNARY(round, round, SUF, T)                                              \
  TDL_INLINE uint8_t tdl_ew_isnan_##SUF(T a) { return ew::isNaN(a); }
TDL_FOR_FLOAT_TYPES(TDL_FLOAT_OPS)

#define TDL_LOGIC_OPS(SUF, T)                                                  \
  TDL_UNARY(not, logicalNot, SUF, T)                                           \
  TDL_BINARY(and, bitAnd, SUF, T)                                              \
  TDL_BINARY(or, bitOr, SUF, T)                                                \
  TDL_BINARY(xor, bitXor, SUF, T)
TDL_LOGIC_OPS(bool, uint8_t)
TDL_FOR_INT_TYPES(TDL_LOGIC_OPS)

#define TDL_SHIFT_OPS(SUF, T)                                                  \
  TDL_BINARY(shl, shl, SUF, T)                                                 \
  TDL_BINARY(shr, shr, SUF, T)
TDL_FOR_INT_TYPES(TDL_SHIFT_OPS)

#define TDL_CAST_TO(SUF2, T2, SUF1, T1)                                        \
  TDL_INLINE T2 tdl_cast_##SUF1##_##SUF2(T1 a) {                               \
    return tdl::scalar::convert<T2>(a);                                        \
  }
#define TDL_CAST_FROM(SUF1, T1)                                                \
  TDL_CAST_TO(bool, uint8_t, SUF1, T1)                                         \
  TDL_CAST_TO(i8, int8_t, SUF1, T1)                                            \
  TDL_CAST_TO(i32, int32_t, SUF1, T1)                                          \
  TDL_CAST_TO(i64, int64_t, SUF1, T1)                                          \
  TDL_CAST_TO(f32, float, SUF1, T1) TDL_CAST_TO(f64, double, SUF1, T1)
TDL_FOR_ALL_TYPES(TDL_CAST_FROM)

//===-- Data movement -----------------------------------------------------===//

namespace {

/// Elements of a tensor of `shape` (rank dims).
int64_t elementCount(int64_t rank, const int64_t *shape) {
  int64_t n = 1;
  for (int64_t d = 0; d < rank; ++d)
    n *= shape[d];
  return n;
}

/// Rows [0, rows) x columns [0, cols) of out (rows outStride apart) from
/// in, whose element (r, c) is in[r + c * inStride]: a transpose. Walked in
/// tiles of 64 rows x 8 columns: a tile reads 8 source lines, which stay
/// in L1 while its rows are written even when the source rows are a power
/// of two apart (all in one cache set; more columns evicted each other).
/// Column by column each element was a cache and TLB miss: a 2048 x 2048
/// f32 transpose took 48 ms, now ~4 ms (PyTorch ~11 ms).
template <typename E>
void transposeTiles(E *out, int64_t outStride, const E *in, int64_t inStride,
                    int64_t rows, int64_t cols) {
  constexpr int64_t kTileRows = 64, kTileCols = 8;
  for (int64_t r0 = 0; r0 < rows; r0 += kTileRows) {
    int64_t r1 = r0 + kTileRows < rows ? r0 + kTileRows : rows;
    for (int64_t c0 = 0; c0 < cols; c0 += kTileCols) {
      int64_t c1 = c0 + kTileCols < cols ? c0 + kTileCols : cols;
      for (int64_t r = r0; r < r1; ++r)
#pragma clang loop vectorize(disable) // gathers of 8 lines: slower
        for (int64_t c = c0; c < c1; ++c)
          out[r * outStride + c] = in[r + c * inStride];
    }
  }
}

/// gatherT for a strided innermost dim when an outer dim `t` reads the
/// source contiguously (a transpose): every other dim in row-major order,
/// dims t and rank - 1 as tiles.
template <typename E>
void gatherTransposed(E *out, const E *in, int64_t rank,
                      const int64_t *outShape, const int64_t *inStrides,
                      int64_t base, int64_t t) {
  int64_t outStrides[16];
  int64_t stride = 1;
  for (int64_t d = rank - 1; d >= 0; --d) {
    outStrides[d] = stride;
    stride *= outShape[d];
  }
  int64_t idx[16] = {0};
  for (;;) {
    int64_t src = base, dst = 0;
    for (int64_t d = 0; d < rank; ++d) {
      src += idx[d] * inStrides[d];
      dst += idx[d] * outStrides[d];
    }
    transposeTiles(out + dst, outStrides[t], in + src, inStrides[rank - 1],
                   outShape[t], outShape[rank - 1]);
    int64_t d = rank - 2;
    for (; d >= 0; --d) {
      if (d == t)
        continue;
      if (++idx[d] < outShape[d])
        break;
      idx[d] = 0;
    }
    if (d < 0)
      return;
  }
}

template <typename E>
void gatherT(E *out, const E *in, int64_t rank, const int64_t *outShape,
             const int64_t *inStrides, int64_t base) {
  int64_t n = elementCount(rank, outShape);
  if (n == 0)
    return;
  if (rank == 0) {
    out[0] = in[base];
    return;
  }
  if (inStrides[rank - 1] != 1 && outShape[rank - 1] > 1)
    for (int64_t t = rank - 2; t >= 0; --t)
      if (inStrides[t] == 1 && outShape[t] > 1)
        return gatherTransposed(out, in, rank, outShape, inStrides, base, t);
  int64_t idx[16] = {0};
  int64_t inner = outShape[rank - 1], innerStride = inStrides[rank - 1];
  int64_t offset = base;
  for (int64_t o = 0; o < n; o += inner) {
    const E *src = in + offset;
    if (innerStride == 1)
      memcpy(out + o, src, inner * sizeof(E));
    else
      for (int64_t j = 0; j < inner; ++j)
        out[o + j] = src[j * innerStride];
    for (int64_t d = rank - 2; d >= 0; --d) {
      offset += inStrides[d];
      if (++idx[d] < outShape[d])
        break;
      offset -= inStrides[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

} // namespace

/// out[idx] = in[base + sum_d idx[d] * inStrides[d]] (strides in elements;
/// 0 broadcasts, negative flips). Ranks up to 16.
TDL_RT void tdl_rt_gather(int64_t elemSize, int64_t rank,
                          const int64_t *outShape, const int64_t *inStrides,
                          int64_t base, const void *in, void *out) {
  switch (elemSize) {
  case 1:
    gatherT((uint8_t *)out, (const uint8_t *)in, rank, outShape, inStrides,
            base);
    break;
  case 4:
    gatherT((uint32_t *)out, (const uint32_t *)in, rank, outShape, inStrides,
            base);
    break;
  case 8:
    gatherT((uint64_t *)out, (const uint64_t *)in, rank, outShape, inStrides,
            base);
    break;
  }
}

// Streaming stores (Stream.cpp).
extern "C" int32_t tdl_rt_stream_wanted(int64_t total);
extern "C" void tdl_rt_store_block(char *dst, const char *src, int64_t bytes);
extern "C" void tdl_rt_stream_fence(void);

/// Copies the dense block `src` (shape `shape`) into dst at element offset
/// `base` with dst strides (the innermost is 1). `dstBytes`: the size of a
/// fresh result that the copies fill (concat's), or 0. One of at least
/// half the last-level cache is written with streaming stores, as a large
/// loop nest's result is (Stream.cpp): it would be evicted before anyone
/// read it, and ordinary stores read every line first.
TDL_RT void tdl_rt_scatter(int64_t elemSize, int64_t rank, const int64_t *shape,
                           const int64_t *dstStrides, int64_t base,
                           const void *src, void *dst, int64_t dstBytes) {
  int64_t n = elementCount(rank, shape);
  if (n == 0)
    return;
  int64_t idx[16] = {0};
  int64_t inner = rank ? shape[rank - 1] : 1;
  int64_t offset = base;
  bool stream = dstBytes > 0 && inner * elemSize >= 1024 &&
                tdl_rt_stream_wanted(dstBytes);
  for (int64_t s = 0; s < n; s += inner) {
    if (stream)
      tdl_rt_store_block((char *)dst + offset * elemSize,
                         (const char *)src + s * elemSize, inner * elemSize);
    else
      memcpy((char *)dst + offset * elemSize, (const char *)src + s * elemSize,
             inner * elemSize);
    for (int64_t d = rank - 2; d >= 0; --d) {
      offset += dstStrides[d];
      if (++idx[d] < shape[d])
        break;
      offset -= dstStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
  if (stream)
    tdl_rt_stream_fence();
}

namespace {

/// n copies of v: typed stores, which the compiler turns into vector
/// stores (a memcpy per element was ~10x slower).
template <typename E> void fillT(E *out, int64_t n, E v) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = v;
}

/// fillT for an element of elemSize bytes at `value`.
void fillBytes(void *out, int64_t elemSize, int64_t n, const void *value) {
  switch (elemSize) {
  case 1:
    return fillT((uint8_t *)out, n, *(const uint8_t *)value);
  case 4: {
    uint32_t v;
    memcpy(&v, value, 4);
    return fillT((uint32_t *)out, n, v);
  }
  case 8: {
    uint64_t v;
    memcpy(&v, value, 8);
    return fillT((uint64_t *)out, n, v);
  }
  }
  for (int64_t i = 0; i < n; ++i)
    memcpy((char *)out + i * elemSize, value, elemSize);
}

} // namespace

/// n copies of the element at `value`.
TDL_RT void tdl_rt_fill(int64_t elemSize, int64_t n, const void *value,
                        void *out) {
  fillBytes(out, elemSize, n, value);
}

/// out (outShape) = in (inShape) with lo[d] elements of `value` before it
/// along each dim d and the rest after: one pass over the output, each
/// innermost row written once (padding, the input's row, padding). Filling
/// all of out first and copying the input over it wrote the interior twice
/// (a 2048 x 2048 pad took 2-3x NumPy's time).
TDL_RT void tdl_rt_pad(int64_t elemSize, int64_t rank, const int64_t *outShape,
                       const int64_t *inShape, const int64_t *lo,
                       const void *value, const void *in, void *out) {
  int64_t n = elementCount(rank, outShape);
  if (n == 0)
    return;
  if (rank == 0) {
    memcpy(out, in, elemSize);
    return;
  }
  int64_t row = outShape[rank - 1], inRow = inShape[rank - 1];
  int64_t before = lo[rank - 1], after = row - before - inRow;
  int64_t idx[16] = {0};
  char *o = (char *)out;
  const char *src = (const char *)in;
  for (int64_t r = 0; r < n; r += row, o += row * elemSize) {
    bool inside = true; // every outer index within the input's extent
    for (int64_t d = 0; d + 1 < rank; ++d)
      inside &= idx[d] >= lo[d] && idx[d] < lo[d] + inShape[d];
    if (!inside || inRow == 0) {
      fillBytes(o, elemSize, row, value);
    } else {
      fillBytes(o, elemSize, before, value);
      memcpy(o + before * elemSize, src, inRow * elemSize);
      fillBytes(o + (before + inRow) * elemSize, elemSize, after, value);
      src += inRow * elemSize; // inside rows come in the input's order
    }
    for (int64_t d = rank - 2; d >= 0; --d) {
      if (++idx[d] < outShape[d])
        break;
      idx[d] = 0;
    }
  }
}
//===-- Creation ----------------------------------------------------------===//

TDL_RT void tdl_rt_iota(int32_t dtype, int64_t n, int64_t len, int64_t inner,
                        void *out) {
  dispatch(dtype, [&]<typename T>() {
    T *o = static_cast<T *>(out);
    for (int64_t i = 0; i < n; ++i)
      o[i] = T((i / inner) % len);
  });
}

TDL_RT void tdl_rt_rng(int32_t dtype, int32_t normal, int64_t seed, int64_t n,
                       void *out) {
  if (dtype == 4) {
    float *o = static_cast<float *>(out);
    for (int64_t i = 0; i < n; ++i)
      o[i] = normal ? float(tdl_normal_f64(seed, uint64_t(i)))
                    : tdl_uniform_f32(seed, uint64_t(i));
  } else {
    double *o = static_cast<double *>(out);
    for (int64_t i = 0; i < n; ++i)
      o[i] = normal ? tdl_normal_f64(seed, uint64_t(i))
                    : tdl_uniform_f64(seed, uint64_t(i));
  }
}

//===-- Reductions --------------------------------------------------------===//

/// kind: tdl::kernels::ReduceKind (0 sum, 1 max, 2 min, 3 prod). outStrides
/// has one entry per input dim (0 for reduced dims).
TDL_RT void tdl_rt_reduce(int32_t dtype, int32_t kind, int64_t rank,
                          const int64_t *shape, const int64_t *outStrides,
                          int64_t outN, const void *in, void *out) {
  dispatch(dtype, [&]<typename T>() {
    // The REPL's Ctrl-C every 65536 elements (Interrupt.h; nothing in
    // objects): the generated code then fails with "interrupted".
    tdl::kernels::reduce<T>(tdl::kernels::ReduceKind(kind),
                            static_cast<const T *>(in), rank, shape, outStrides,
                            static_cast<T *>(out), outN,
                            [] { return TDL_RT_INTERRUPTED(); });
  });
}

TDL_RT void tdl_rt_argreduce(int32_t dtype, int32_t isMax, int64_t outer,
                             int64_t len, int64_t inner, const void *in,
                             int64_t *o) {
  dispatch(dtype, [&]<typename T>() {
    tdl::kernels::argReduce<T>(static_cast<const T *>(in), outer, len, inner,
                               isMax != 0, o);
  });
}

//===-- Matmul ------------------------------------------------------------===//

namespace {

/// Batched matmul: `batch` (batchRank dims) of [m,k] @ [k,n]; sa / sb are
/// the batch strides of a and b in matrices (0 where a dim broadcasts).
/// `flags` (MatmulFlags): -ffast-math, and whether a holds [k,m] matrices
/// and b [n,k] ones (transposes folded into the product). Each matrix
/// product is tdl::rt::gemmOf (runtime/cpu/Gemm.cpp); when every batch
/// shares one b and the row-major a matrices are consecutive, the batch is
/// one GEMM with batch*m rows (the same sums).
template <int32_t Dtype>
void matmulBatched(int32_t flags, int64_t batchRank, const int64_t *batch,
                   const int64_t *sa, const int64_t *sb, int64_t m, int64_t k,
                   int64_t n, const void *a, const void *b, void *out) {
  constexpr int64_t elem = Dtype == 1 ? 1 : Dtype == 2 || Dtype == 4 ? 4 : 8;
  constexpr int64_t outElem = Dtype == 1 ? 4 : elem;
  using tdl::rt::GemmOperand;
  tdl::rt::Isa isa = tdl::rt::hostIsa();
  bool fast = flags & tdl::rt::kMatmulFast;
  bool ta = flags & tdl::rt::kMatmulTransposedA,
       tb = flags & tdl::rt::kMatmulTransposedB;
  int64_t lda = ta ? m : k, ldb = tb ? k : n;
  int64_t numBatches = 1;
  bool sharedB = true, denseA = !ta;
  for (int64_t d = batchRank - 1; d >= 0; --d) {
    sharedB = sharedB && sb[d] == 0;
    denseA = denseA && (batch[d] == 1 || sa[d] == numBatches);
    numBatches *= batch[d];
  }
  if (sharedB && denseA) {
    tdl::rt::gemmOf<Dtype>(isa, fast, numBatches * m, k, n, GemmOperand{a, lda},
                           GemmOperand{b, ldb, tb}, out, n);
    return;
  }
  int64_t idx[16] = {0};
  for (int64_t bi = 0; bi < numBatches; ++bi) {
    int64_t offA = 0, offB = 0;
    for (int64_t d = 0; d < batchRank; ++d) {
      offA += idx[d] * sa[d];
      offB += idx[d] * sb[d];
    }
    tdl::rt::gemmOf<Dtype>(
        isa, fast, m, k, n,
        GemmOperand{(const char *)a + offA * m * k * elem, lda, ta},
        GemmOperand{(const char *)b + offB * k * n * elem, ldb, tb},
        (char *)out + bi * m * n * outElem, n);
    for (int64_t d = batchRank - 1; d >= 0; --d) {
      if (++idx[d] < batch[d])
        break;
      idx[d] = 0;
    }
  }
}

} // namespace

/// One entry point per dtype (tdl_rt_matmul_f32, ...): a module links only
/// the kernels of the dtypes it multiplies.
#define TDL_MATMUL(SUF, DT)                                                    \
  TDL_RT void tdl_rt_matmul_##SUF(                                             \
      int32_t flags, int64_t batchRank, const int64_t *batch,                  \
      const int64_t *sa, const int64_t *sb, int64_t m, int64_t k, int64_t n,   \
      const void *a, const void *b, void *out) {                               \
    matmulBatched<DT>(flags, batchRank, batch, sa, sb, m, k, n, a, b, out);    \
  }
TDL_MATMUL(i8, 1)
TDL_MATMUL(i32, 2)
TDL_MATMUL(i64, 3)
TDL_MATMUL(f32, 4)
TDL_MATMUL(f64, 5)

/// tdl_rt_matmul_<dtype> by dtype code (tests).
TDL_RT void tdl_rt_matmul(int32_t dtype, int32_t flags, int64_t batchRank,
                          const int64_t *batch, const int64_t *sa,
                          const int64_t *sb, int64_t m, int64_t k, int64_t n,
                          const void *a, const void *b, void *out) {
  switch (dtype) {
  case 1:
    return tdl_rt_matmul_i8(flags, batchRank, batch, sa, sb, m, k, n, a, b,
                            out);
  case 2:
    return tdl_rt_matmul_i32(flags, batchRank, batch, sa, sb, m, k, n, a, b,
                             out);
  case 3:
    return tdl_rt_matmul_i64(flags, batchRank, batch, sa, sb, m, k, n, a, b,
                             out);
  case 4:
    return tdl_rt_matmul_f32(flags, batchRank, batch, sa, sb, m, k, n, a, b,
                             out);
  case 5:
    return tdl_rt_matmul_f64(flags, batchRank, batch, sa, sb, m, k, n, a, b,
                             out);
  }
}

//===-- Pooling (conv2d: Conv.cpp) ----------------------------------------===//

/// params: N C H W, OH OW, window h w, stride h w, padding t b l r.
TDL_RT void tdl_rt_pool2d(int32_t dtype, int32_t isMax, const int64_t *params,
                          const void *x, void *out) {
  dispatch(dtype, [&]<typename T>() {
    const int64_t *p = params;
    tdl::kernels::PoolShape s{p[0] * p[1], p[2], p[3], p[4],  p[5], p[6],
                              p[7],        p[8], p[9], p[10], p[12]};
    tdl::kernels::pool2d<T>((const T *)x, (T *)out, s, isMax != 0);
  });
}

/// The pullback of pooling (max_pool2d_grad / avg_pool2d_grad), params as
/// tdl_rt_pool2d's; `y` is null for average pooling. Floats only.
TDL_RT void tdl_rt_pool2d_grad(int32_t dtype, int32_t isMax,
                               const int64_t *params, const void *x,
                               const void *y, const void *dy, void *dx) {
  const int64_t *p = params;
  tdl::kernels::PoolShape s{p[0] * p[1], p[2], p[3], p[4],  p[5], p[6],
                            p[7],        p[8], p[9], p[10], p[12]};
  if (dtype == 4)
    tdl::kernels::pool2dGrad<float>((const float *)x, (const float *)y,
                                    (const float *)dy, (float *)dx, s,
                                    isMax != 0);
  else
    tdl::kernels::pool2dGrad<double>((const double *)x, (const double *)y,
                                     (const double *)dy, (double *)dx, s,
                                     isMax != 0);
}

//===- Gemm.h - the cpu runtime's matrix multiply -------------------------===//
//
// C[m,n] = A[m,k] @ B[k,n] on row-major matrices with leading dimensions,
// for every matmul dtype: f32, f64, i32, i64 (wrapping) and i8 x i8 -> i32.
// Used by tdl_rt_matmul and by conv2d (im2col), compiled into the runtime's
// bitcode (backends/cpu/CMakeLists.txt). docs/cpu-backend.md "Matmul"
// describes the blocking and the numerical contract.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_CPU_GEMM_H
#define TDL_RUNTIME_CPU_GEMM_H

#include <stdint.h>
#include <type_traits>

namespace tdl::rt {

/// Accumulator arithmetic of result type R: unsigned for integers (wraps).
template <typename R, bool = std::is_integral_v<R>> struct Acc {
  using type = R;
};
template <typename R> struct Acc<R, true> {
  using type = std::make_unsigned_t<R>;
};

/// Instruction sets with their own microkernels, best last.
enum class Isa : int32_t { Generic = 0, Avx2 = 1, Avx512 = 2 };

/// The best instruction set this machine runs (cpuid, cached).
Isa hostIsa();

/// One microkernel: c[MR x NR] (leading dim ldc) = (accumulate ? c : 0) +
/// packed A panel (kc x MR) @ B panel (kc rows of NR, ldb apart: NR when
/// packed, B's leading dim when read in place), k in order.
using MicroKernelFn = void (*)(int64_t kc, const void *a, const void *b,
                               int64_t ldb, void *c, int64_t ldc,
                               bool accumulate);
struct MicroKernel {
  MicroKernelFn fn;
  int32_t mr, nr;
  /// Kernels for a last row tile of fewer rows (reading the same MR-row
  /// panels), fewest rows first; rows 0 ends the list.
  struct Edge {
    MicroKernelFn fn;
    int32_t rows;
  } edges[2] = {{nullptr, 0}, {nullptr, 0}};
  /// MR rows by NR/2 columns (one vector fewer), for a last column panel
  /// of at most NR/2 columns; null if none.
  MicroKernelFn half = nullptr;

  /// The kernel for a tile of `rows` rows and how many it computes.
  Edge forRows(int64_t rows) const {
    for (const Edge &e : edges)
      if (e.rows >= rows)
        return e;
    return {fn, mr};
  }
};

/// C = (accumulate ? C : 0) + A @ B for a few rows, unpacked; C's element
/// is the accumulator type.
using RowsKernelFn = void (*)(int64_t m, int64_t k, int64_t n, const void *a,
                              int64_t lda, const void *b, int64_t ldb, void *c,
                              int64_t ldc, bool accumulate);

/// The kernels of one operand dtype (1 i8, 2 i32, 3 i64, 4 f32, 5 f64;
/// i8 computes in i32), defined in GemmKernels.cpp. Per dtype, so a module
/// that multiplies f32 links (and compiles) only the f32 kernels.
template <int32_t Dtype> struct GemmKernels {
  /// The microkernel on `isa`; `fast` allows fused multiply-adds.
  static MicroKernel micro(bool fast, Isa isa);
  /// The unpacked kernel for a few rows (gemmRows in GemmMicroKernel.h).
  static RowsKernelFn rows(Isa isa);
};

/// A B operand that is never materialized: `pack` writes B[p0 + p][j0 + j]
/// for p < kc, j < nc as NR-column panels of the accumulator type, the
/// layout of a packed B (panel after panel, kc rows of nr in each, zeros
/// past nc). conv2d packs its im2col matrix straight from the image
/// (Conv.cpp).
struct GemmPacker {
  void (*pack)(const void *ctx, int64_t p0, int64_t kc, int64_t j0, int64_t nc,
               int64_t nr, void *dst);
  const void *ctx;
};

/// A matrix operand: element (r, c) at p[r * ld + c], or, when
/// `transposed`, at p[c * ld + r] (the buffer holds the transpose in
/// row-major order; packing reads it in place). A B operand may instead be
/// `packer`'s, from its column `col0` on (p and ld unused).
struct GemmOperand {
  const void *p;
  int64_t ld;
  bool transposed = false;
  const GemmPacker *packer = nullptr;
  int64_t col0 = 0;
};

/// C = A @ B for operands of `Dtype` (C is i32 for i8), C row-major with
/// leading dimension ldc, on `isa`. Each C element is sum_{p<k} A[i,p] *
/// B[p,j] accumulated from +0 in increasing p with kernels::mulAdd (one
/// fused multiply-add for floats), like the interpreter; `fast` allows
/// reassociation. With `accumulate`, each element continues from the value
/// in C instead of +0 (a longer k chain split over calls: the same bits).
template <int32_t Dtype>
void gemmOf(Isa isa, bool fast, int64_t m, int64_t k, int64_t n, GemmOperand a,
            GemmOperand b, void *c, int64_t ldc, bool accumulate = false);
/// The same with row-major operands.
template <int32_t Dtype>
void gemmOf(Isa isa, bool fast, int64_t m, int64_t k, int64_t n, const void *a,
            int64_t lda, const void *b, int64_t ldb, void *c, int64_t ldc) {
  gemmOf<Dtype>(isa, fast, m, k, n, GemmOperand{a, lda}, GemmOperand{b, ldb}, c,
                ldc);
}

/// The first argument of tdl_rt_matmul_<dtype> (CpuRuntime.cpp): -ffast-math,
/// and which operands the buffers hold transposed (the last two dims
/// swapped, a `transpose` the cpu backend folds into the matmul).
enum MatmulFlags : int32_t {
  kMatmulFast = 1,
  kMatmulTransposedA = 2,
  kMatmulTransposedB = 4,
};

/// Up to this many MR-row tiles of C, a row-major B of the accumulator's
/// width is read in place, not packed (Gemm.cpp gemmSerial).
inline constexpr int64_t kDirectBTiles = 4;

/// Largest microkernel tile on any instruction set.
inline constexpr int64_t kMaxMR = 16, kMaxNR = 64;
/// Block sizes of the GEMM loop nest (Gemm.cpp), in microkernel tiles.
inline constexpr int64_t kKC = 256, kMCTiles = 12, kNCTiles = 64;

/// An upper bound of the scratch bytes (frame stack, Scratch.h) gemmOf
/// takes for C[m,n] = A[m,k] @ B[k,n] with `accBytes`-byte accumulators,
/// on any instruction set: its packed A block and B panel.
inline int64_t gemmScratchBound(int64_t m, int64_t k, int64_t n,
                                int64_t accBytes) {
  auto align = [](int64_t v) { return (v + 63) / 64 * 64; };
  auto lesser = [](int64_t a, int64_t b) { return a < b ? a : b; };
  auto packed = [&](int64_t m, int64_t k, int64_t n) {
    int64_t kc = lesser(kKC, k);
    int64_t mc = lesser(kMCTiles * kMaxMR, m + kMaxMR - 1);
    int64_t nc = lesser(kNCTiles * kMaxNR, n + kMaxNR - 1);
    return align(mc * kc * accBytes) + align(kc * nc * accBytes);
  };
  int64_t bound = packed(m, k, n);
  // A narrow C is computed transposed in scratch (Gemm.cpp gemmT), or by
  // the row kernel with B's rows padded to a vector (at most 64 bytes).
  if (2 * n <= kMaxNR) {
    int64_t narrow = align(n * m * accBytes) + packed(n, k, m);
    narrow = narrow > align(k * 64) ? narrow : align(k * 64);
    bound = narrow > bound ? narrow : bound;
  }
  return bound;
}

/// gemmOf with the dtype as a value (tests).
void gemmOn(Isa isa, int32_t dtype, bool fast, int64_t m, int64_t k, int64_t n,
            GemmOperand a, GemmOperand b, void *c, int64_t ldc,
            bool accumulate = false);
inline void gemmOn(Isa isa, int32_t dtype, bool fast, int64_t m, int64_t k,
                   int64_t n, const void *a, int64_t lda, const void *b,
                   int64_t ldb, void *c, int64_t ldc) {
  gemmOn(isa, dtype, fast, m, k, n, GemmOperand{a, lda}, GemmOperand{b, ldb}, c,
         ldc);
}

} // namespace tdl::rt

#endif

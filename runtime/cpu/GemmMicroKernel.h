//===- GemmMicroKernel.h - the GEMM's register-blocked inner kernel -------===//
//
// One MR x NR tile of C += (packed A panel) @ (packed B panel), written once
// with clang vector extensions and instantiated per instruction set by
// GemmKernels.cpp (each instantiation is inlined into a function compiled
// for that set, so the same source becomes SSE2, AVX2 or AVX-512 code).
//
// The accumulators are MR x NV vectors of VB bytes (NR = NV lanes-per-vector
// columns) held in registers across the whole k loop. Floats accumulate with
// one fused multiply-add per product (Fma), in increasing k: the defined
// step of runtime/kernels/MulAdd.h, so every element of C is the
// interpreter's, bit for bit. Integers use the unsigned type of their
// width: wrapping multiply and add.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_CPU_GEMMMICROKERNEL_H
#define TDL_RUNTIME_CPU_GEMMMICROKERNEL_H

#include "runtime/cpu/GemvKernel.h"
#include "runtime/cpu/Scratch.h"
#include "runtime/kernels/MulAdd.h"

#include <stdint.h>
#include <string.h>
#include <type_traits>

namespace tdl::rt {

/// c[i*ldc + j] (i < MR, j < NR) = (accumulate ? c : 0) + sum over p < kc of
/// a[p*AS + i] * b[p*ldb + j], p in increasing order. AS, the packed A
/// panel's row count, exceeds MR for an edge kernel: the first MR rows of a
/// panel whose last tile has fewer rows than the main kernel's.
template <typename Ac, int VB, int MR, int NV, bool Fma, int AS = MR>
__attribute__((always_inline)) inline void
microKernel(int64_t kc, const Ac *__restrict a, const Ac *__restrict b,
            int64_t ldb, Ac *__restrict c, int64_t ldc, bool accumulate) {
  typedef Ac V __attribute__((vector_size(VB)));
  constexpr int L = VB / int(sizeof(Ac));
  V acc[MR][NV];
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; ++i)
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; ++v) {
      if (accumulate)
        memcpy(&acc[i][v], c + i * ldc + v * L, VB);
      else
        acc[i][v] = V{};
    }
  for (int64_t p = 0; p < kc; ++p) {
    V bv[NV];
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; ++v)
      memcpy(&bv[v], b + p * ldb + v * L, VB); // a vector load
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; ++i) {
      Ac ai = a[p * AS + i];
      if constexpr (Fma) { // floats: the defined accumulation step
        V av;
#pragma clang loop unroll(full)
        for (int l = 0; l < L; ++l)
          av[l] = ai;
#pragma clang loop unroll(full)
        for (int v = 0; v < NV; ++v)
          acc[i][v] = __builtin_elementwise_fma(av, bv[v], acc[i][v]);
      } else {
#pragma clang loop unroll(full)
        for (int v = 0; v < NV; ++v)
          acc[i][v] = acc[i][v] + bv[v] * ai; // integers (wrapping)
      }
    }
  }
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; ++i)
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; ++v)
      memcpy(c + i * ldc + v * L, &acc[i][v], VB);
}

/// RB rows of C (from row i, columns j0..j0+nj) accumulated over p in
/// increasing order from zero; the RB rows share each load of B.
template <int RB, typename T, typename R, typename Ac>
__attribute__((always_inline)) inline void
rowsBlock(int64_t i, int64_t j0, int64_t nj, int64_t k, const T *__restrict a,
          int64_t lda, const T *__restrict b, int64_t ldb, Ac *__restrict c,
          int64_t ldc, bool accumulate) {
  Ac *crow[RB];
  for (int r = 0; r < RB; ++r) {
    crow[r] = c + (i + r) * ldc + j0;
    if (!accumulate)
      for (int64_t j = 0; j < nj; ++j)
        crow[r][j] = Ac(0);
  }
  for (int64_t p = 0; p < k; ++p) {
    Ac ap[RB];
    for (int r = 0; r < RB; ++r)
      ap[r] = Ac(R(a[(i + r) * lda + p]));
    const T *brow = b + p * ldb + j0;
    for (int64_t j = 0; j < nj; ++j) {
      Ac bj = Ac(R(brow[j]));
#pragma clang loop unroll(full)
      for (int r = 0; r < RB; ++r)
        crow[r][j] = kernels::mulAdd(crow[r][j], ap[r], bj);
    }
  }
}

/// RB rows of C (from row i) times NV vectors of VB bytes of columns (from
/// j0), accumulators in registers across the whole k loop: A and B read in
/// place (A's element broadcast, B's row a vector load), each element summed
/// over p in increasing order from zero with the defined step.
template <int RB, int NV, int VB, typename Ac, bool Fma>
__attribute__((always_inline)) inline void
rowsPanel(int64_t i, int64_t j0, int64_t k, const Ac *__restrict a, int64_t lda,
          const Ac *__restrict b, int64_t ldb, Ac *__restrict c, int64_t ldc,
          bool accumulate) {
  typedef Ac V __attribute__((vector_size(VB)));
  constexpr int L = VB / int(sizeof(Ac));
  V acc[RB][NV];
#pragma clang loop unroll(full)
  for (int r = 0; r < RB; ++r)
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; ++v) {
      if (accumulate) // continue the sums in C (gemmOf's `accumulate`)
        memcpy(&acc[r][v], c + (i + r) * ldc + j0 + v * L, VB);
      else
        acc[r][v] = V{};
    }
  const Ac *arow = a + i * lda;
  const Ac *bp = b + j0;
  for (int64_t p = 0; p < k; ++p, bp += ldb) {
    V bv[NV];
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; ++v)
      memcpy(&bv[v], bp + v * L, VB);
#pragma clang loop unroll(full)
    for (int r = 0; r < RB; ++r) {
      Ac ar = arow[r * lda + p];
#pragma clang loop unroll(full)
      for (int v = 0; v < NV; ++v) {
        if constexpr (Fma) {
          V av;
#pragma clang loop unroll(full)
          for (int l = 0; l < L; ++l)
            av[l] = ar;
          acc[r][v] = __builtin_elementwise_fma(av, bv[v], acc[r][v]);
        } else {
          acc[r][v] = acc[r][v] + bv[v] * ar; // integers (wrapping)
        }
      }
    }
  }
#pragma clang loop unroll(full)
  for (int r = 0; r < RB; ++r)
#pragma clang loop unroll(full)
    for (int v = 0; v < NV; ++v)
      memcpy(c + (i + r) * ldc + j0 + v * L, &acc[r][v], VB);
}

/// RB rows of C, the last `tail` (< one vector) columns from j0: one vector
/// of accumulators in registers over rows 0..k-2 of B, each load reading
/// past the tail into the row's padding or the next row (inside B; those
/// lanes are never stored), then B's last row, whose elements past the
/// tail may be outside B, element by element; the sums are the same. Needs
/// ldb >= one vector and k >= 1.
template <int RB, int VB, typename Ac, bool Fma>
__attribute__((always_inline)) inline void
rowsPanelTail(int64_t i, int64_t j0, int64_t tail, int64_t k,
              const Ac *__restrict a, int64_t lda, const Ac *__restrict b,
              int64_t ldb, Ac *__restrict c, int64_t ldc, bool accumulate) {
  typedef Ac V __attribute__((vector_size(VB)));
  constexpr int L = VB / int(sizeof(Ac));
  V acc[RB];
#pragma clang loop unroll(full)
  for (int r = 0; r < RB; ++r) {
    acc[r] = V{};
    if (accumulate) // only the tail's lanes: C's row may end there
      for (int64_t l = 0; l < tail; ++l)
        acc[r][l] = c[(i + r) * ldc + j0 + l];
  }
  const Ac *arow = a + i * lda;
  const Ac *bp = b + j0;
  for (int64_t p = 0; p + 1 < k; ++p, bp += ldb) {
    V bv;
    memcpy(&bv, bp, VB);
#pragma clang loop unroll(full)
    for (int r = 0; r < RB; ++r) {
      Ac ar = arow[r * lda + p];
      if constexpr (Fma) {
        V av;
#pragma clang loop unroll(full)
        for (int l = 0; l < L; ++l)
          av[l] = ar;
        acc[r] = __builtin_elementwise_fma(av, bv, acc[r]);
      } else {
        acc[r] = acc[r] + bv * ar;
      }
    }
  }
  Ac last[RB][L];
  memcpy(last, acc, sizeof(last));
  for (int r = 0; r < RB; ++r) {
    Ac ar = arow[r * lda + k - 1];
    for (int64_t l = 0; l < tail; ++l)
      c[(i + r) * ldc + j0 + l] = kernels::mulAdd(last[r][l], ar, bp[l]);
  }
}

/// RB rows of C in register panels of 2, then 1 vector of columns; the
/// last columns (fewer than a vector) by rowsPanelTail, or by rowsBlock
/// when B's rows are shorter than a vector.
template <int RB, int VB, typename Ac, bool Fma>
__attribute__((always_inline)) inline void
rowsInRegisters(int64_t i, int64_t k, int64_t n, const Ac *__restrict a,
                int64_t lda, const Ac *__restrict b, int64_t ldb,
                Ac *__restrict c, int64_t ldc, bool accumulate) {
  constexpr int64_t L = VB / int64_t(sizeof(Ac));
  int64_t j = 0;
  for (; j + 2 * L <= n; j += 2 * L)
    rowsPanel<RB, 2, VB, Ac, Fma>(i, j, k, a, lda, b, ldb, c, ldc, accumulate);
  for (; j + L <= n; j += L)
    rowsPanel<RB, 1, VB, Ac, Fma>(i, j, k, a, lda, b, ldb, c, ldc, accumulate);
  if (j < n && ldb >= L && k >= 1)
    rowsPanelTail<RB, VB, Ac, Fma>(i, j, n - j, k, a, lda, b, ldb, c, ldc,
                                   accumulate);
  else if (j < n)
    rowsBlock<RB, Ac, Ac, Ac>(i, j, n - j, k, a, lda, b, ldb, c, ldc,
                              accumulate);
}

/// The last `rows` (< RB + 1) rows: rowsInRegisters with RB = rows.
template <int RB, int VB, typename Ac, bool Fma>
__attribute__((always_inline)) inline void
rowsTail(int64_t rows, int64_t i, int64_t k, int64_t n, const Ac *__restrict a,
         int64_t lda, const Ac *__restrict b, int64_t ldb, Ac *__restrict c,
         int64_t ldc, bool accumulate) {
  if constexpr (RB > 0) {
    if (rows == RB)
      return rowsInRegisters<RB, VB, Ac, Fma>(i, k, n, a, lda, b, ldb, c, ldc,
                                              accumulate);
    rowsTail<RB - 1, VB, Ac, Fma>(rows, i, k, n, a, lda, b, ldb, c, ldc,
                                  accumulate);
  }
}

/// C = A @ B without packing, for a few rows (packing B costs as much as
/// the product then, and an MR-row tile would be mostly padding) and when
/// packing buffers cannot be allocated. Operands of the accumulator's type
/// (floats, i32, i64): up to 6 rows at a time in register panels (VB-byte
/// vectors of the instruction set). i8 (widened per element): blocks of up
/// to 512 columns of up to 4 rows of C in L1, vectorized by the compiler.
template <typename T, typename R, typename Ac, int VB>
__attribute__((always_inline)) inline void
gemmRows(int64_t m, int64_t k, int64_t n, const T *__restrict a, int64_t lda,
         const T *__restrict b, int64_t ldb, Ac *__restrict c, int64_t ldc,
         bool accumulate) {
  if constexpr (sizeof(T) == sizeof(Ac)) {
    constexpr bool Fma = std::is_floating_point_v<Ac>;
    const Ac *ap = reinterpret_cast<const Ac *>(a);
    const Ac *bp = reinterpret_cast<const Ac *>(b);
    if (n == 1 && !accumulate) // one column: rows in lanes (GemvKernel.h)
      return gemvRows<Ac, VB>(m, k, ap, lda, bp, ldb, c, ldc);
    // B narrower than a vector (a classifier's 10 columns): its rows are
    // copied once, zero-padded to a vector each, so every row block runs
    // the register panel (rowsPanelTail) instead of element by element
    // (rowsBlock). The padding lanes are never stored.
    constexpr int64_t L = VB / int64_t(sizeof(Ac));
    const bool pad = n < L && k >= 1 && m > 6;
    Scratch padded(pad ? k * VB : 0);
    if (pad && padded.data) {
      Ac *pb = static_cast<Ac *>(padded.data);
      for (int64_t p = 0; p < k; ++p)
        for (int64_t j = 0; j < L; ++j)
          pb[p * L + j] = j < n ? bp[p * ldb + j] : Ac(0);
      bp = pb;
      ldb = L;
    }
    int64_t i = 0;
    for (; i + 6 <= m; i += 6)
      rowsInRegisters<6, VB, Ac, Fma>(i, k, n, ap, lda, bp, ldb, c, ldc,
                                      accumulate);
    rowsTail<5, VB, Ac, Fma>(m - i, i, k, n, ap, lda, bp, ldb, c, ldc,
                             accumulate);
  } else {
    constexpr int64_t JB = 512;
    for (int64_t j0 = 0; j0 < n; j0 += JB) {
      int64_t nj = n - j0 < JB ? n - j0 : JB;
      int64_t i = 0;
      for (; i + 4 <= m; i += 4)
        rowsBlock<4, T, R, Ac>(i, j0, nj, k, a, lda, b, ldb, c, ldc,
                               accumulate);
      for (; i < m; ++i)
        rowsBlock<1, T, R, Ac>(i, j0, nj, k, a, lda, b, ldb, c, ldc,
                               accumulate);
    }
  }
}

} // namespace tdl::rt

#endif

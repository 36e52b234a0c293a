//===- GemvKernel.h - matrix times one column, rows in the lanes ----------===//
//
// C[m,1] = A[m,k] @ B[k,1] with A row-major. Each element of C is a chain
// of multiply-adds over p in increasing order (runtime/kernels/MulAdd.h),
// so a row cannot be summed along its own length in vector lanes; the GEMM
// computed it as Cᵀ = Bᵀ Aᵀ and packed Aᵀ, reading A in 1 KB pieces of
// hundreds of rows at once: DRAM latency bound, 26x NumPy's time on
// 2048 x 2048 (docs/performance.md "Other workloads").
//
// Here L rows advance together in the L lanes of one vector: an L x L block
// of A (L rows, L consecutive columns: L vector loads, each row read as one
// long stream) is transposed in registers (log2 L rounds of interleaves),
// and column q of the block is multiplied into the running sums with one
// vector multiply-add. The same products and sums in the same order as
// the interpreter's, bit for bit. Instantiated per instruction set by
// GemmKernels.cpp like the microkernels.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_CPU_GEMVKERNEL_H
#define TDL_RUNTIME_CPU_GEMVKERNEL_H

#include "runtime/kernels/MulAdd.h"

#include <stdint.h>
#include <string.h>
#include <type_traits>
#include <utility>

namespace tdl::rt {

namespace gemv_detail {

/// The lanes of the first (Hi = false) or second half of a and b,
/// interleaved: a0 b0 a1 b1 ...
/// (Out-parameters: no vector crosses a call, whose ABI would depend on
/// the instruction set.)
template <bool Hi, typename V, size_t... I>
__attribute__((always_inline)) inline void
interleave(V &out, const V &a, const V &b, std::index_sequence<I...>) {
  constexpr size_t L = sizeof...(I);
  out = __builtin_shufflevector(a, b,
                                (I % 2 ? L : 0) + I / 2 + (Hi ? L / 2 : 0)...);
}

/// Transposes the L x L block r[0..L) in place: after log2 L rounds of
/// r'[2i] = lo(r[i], r[i + L/2]), r'[2i+1] = hi(...), r[q] holds column q.
template <typename V, int L>
__attribute__((always_inline)) inline void transpose(V (&r)[L]) {
  using Lanes = std::make_index_sequence<L>;
#pragma clang loop unroll(full)
  for (int round = 1; round < L; round *= 2) {
    V t[L];
#pragma clang loop unroll(full)
    for (int i = 0; i < L / 2; ++i) {
      interleave<false>(t[2 * i], r[i], r[i + L / 2], Lanes{});
      interleave<true>(t[2 * i + 1], r[i], r[i + L / 2], Lanes{});
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < L; ++i)
      r[i] = t[i];
  }
}

} // namespace gemv_detail

/// c[i * ldc] = sum over p < k of a[i * lda + p] * b[p * ldb] (i < m), p in
/// increasing order from +0 with the defined step: a fused multiply-add for
/// floats, wrapping multiply and add for the unsigned accumulators of
/// integers (whose sums do not depend on the order).
template <typename Ac, int VB>
__attribute__((always_inline)) inline void
gemvRows(int64_t m, int64_t k, const Ac *__restrict a, int64_t lda,
         const Ac *__restrict b, int64_t ldb, Ac *__restrict c, int64_t ldc) {
  typedef Ac V __attribute__((vector_size(VB)));
  constexpr int L = VB / int(sizeof(Ac));
  constexpr bool Fma = std::is_floating_point_v<Ac>;
  // acc = acc + x * y in every lane, with the defined step.
  auto step = [](V &acc, const V &x, Ac y) {
    V yv;
#pragma clang loop unroll(full)
    for (int l = 0; l < L; ++l)
      yv[l] = y;
    if constexpr (Fma)
      acc = __builtin_elementwise_fma(x, yv, acc);
    else
      acc = acc + x * yv;
  };
  int64_t i = 0;
  for (; i + L <= m; i += L) {
    const Ac *rows = a + i * lda;
    V acc{};
    int64_t p = 0;
    for (; p + L <= k; p += L) {
      V r[L];
#pragma clang loop unroll(full)
      for (int l = 0; l < L; ++l)
        memcpy(&r[l], rows + l * lda + p, VB); // row l, columns p..p+L
      gemv_detail::transpose<V, L>(r);
#pragma clang loop unroll(full)
      for (int q = 0; q < L; ++q)
        step(acc, r[q], b[(p + q) * ldb]);
    }
    for (; p < k; ++p) {
      V col;
#pragma clang loop unroll(full)
      for (int l = 0; l < L; ++l)
        col[l] = rows[l * lda + p];
      step(acc, col, b[p * ldb]);
    }
#pragma clang loop unroll(full)
    for (int l = 0; l < L; ++l)
      c[(i + l) * ldc] = acc[l];
  }
  for (; i < m; ++i) { // the last rows, fewer than a vector
    Ac acc = Ac(0);
    for (int64_t p = 0; p < k; ++p)
      acc = kernels::mulAdd(acc, a[i * lda + p], b[p * ldb]);
    c[i * ldc] = acc;
  }
}

} // namespace tdl::rt

#endif

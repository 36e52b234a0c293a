//===- Gemm.cpp - packed, blocked matrix multiply -------------------------===//
//
// The classic Goto/BLIS loop nest around a register-tiled microkernel
// (GemmKernels.cpp):
//
//   for jc (NC columns of B and C)
//     for pc (KC rows of B), in increasing order
//       pack B[pc.., jc..] into NR-column panels   (stays in L2/L3)
//       for ic (MC rows of A and C)
//         pack A[ic.., pc..] into MR-row panels     (stays in L2)
//         for each NR panel, for each MR panel: microkernel on one C tile
//
// Packing converts to the accumulator type (i8 -> i32, integers as
// unsigned), so the microkernel reads both operands contiguously. The first
// k block starts every C element from zero, later ones continue from the
// value stored in C (the same type as the accumulator): each element is
// still the sum over k in increasing order with a rounded multiply and add,
// so blocking changes no bit. Edge tiles run on a scratch tile.
//
//===----------------------------------------------------------------------===//
#include "runtime/cpu/Gemm.h"
#include "runtime/cpu/Interrupt.h"
#include "runtime/cpu/Parallel.h"
#include "runtime/cpu/Scratch.h"
#include "runtime/kernels/MulAdd.h"

#include <stdlib.h>
#include <string.h>

namespace tdl::rt {
namespace {

constexpr int64_t maxMR = kMaxMR, maxNR = kMaxNR;

int64_t roundUp(int64_t v, int64_t to) { return (v + to - 1) / to * to; }
int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/// MR-row panels of the mc x kc block at a (element (i, p) at
/// a[i * rs + p * cs]): panel-major, then p, then row; rows past mc are zero
/// (their results are never stored).
template <typename T, typename R, typename Ac>
void packA(const T *a, int64_t rs, int64_t cs, int64_t mc, int64_t kc,
           int64_t mr, Ac *dst) {
  for (int64_t i0 = 0; i0 < mc; i0 += mr) {
    int64_t rows = min64(mr, mc - i0);
    const T *src = a + i0 * rs;
    if (rs == 1) { // A held transposed: a panel's column is contiguous
      for (int64_t p = 0; p < kc; ++p, dst += mr) {
        const T *col = src + p * cs;
        for (int64_t i = 0; i < rows; ++i)
          dst[i] = Ac(R(col[i]));
        for (int64_t i = rows; i < mr; ++i)
          dst[i] = Ac(0);
      }
      continue;
    }
    for (int64_t p = 0; p < kc; ++p) {
      for (int64_t i = 0; i < rows; ++i)
        dst[i] = Ac(R(src[i * rs + p * cs]));
      for (int64_t i = rows; i < mr; ++i)
        dst[i] = Ac(0);
      dst += mr;
    }
  }
}

/// NR-column panels of the kc x nc block at b (element (p, j) at
/// b[p * rs + j * cs]), zero past nc. Row-major b copies contiguous runs
/// (vector loads and stores); b held transposed is read down its rows.
template <typename T, typename R, typename Ac>
void packB(const T *b, int64_t rs, int64_t cs, int64_t kc, int64_t nc,
           int64_t nr, Ac *dst) {
  for (int64_t j0 = 0; j0 < nc; j0 += nr, dst += kc * nr) {
    int64_t cols = min64(nr, nc - j0);
    if (cs == 1) {
      for (int64_t p = 0; p < kc; ++p) {
        const T *src = b + p * rs + j0;
        Ac *row = dst + p * nr;
        for (int64_t j = 0; j < cols; ++j)
          row[j] = Ac(R(src[j]));
        for (int64_t j = cols; j < nr; ++j)
          row[j] = Ac(0);
      }
      continue;
    }
    for (int64_t j = 0; j < nr; ++j) {
      const T *src = b + (j0 + j) * cs;
      for (int64_t p = 0; p < kc; ++p)
        dst[p * nr + j] = j < cols ? Ac(R(src[p * rs])) : Ac(0);
    }
  }
}

/// Strides of an operand: element (r, c) at p[r * rs + c * cs].
struct Strides {
  int64_t rs, cs;
  explicit Strides(const GemmOperand &o)
      : rs(o.transposed ? 1 : o.ld), cs(o.transposed ? o.ld : 1) {}
};

template <typename T, typename R>
void gemmSerial(const MicroKernel &uk, RowsKernelFn rows, int64_t m, int64_t k,
                int64_t n, GemmOperand aOp, GemmOperand bOp, R *cOut,
                int64_t ldc, bool accumulateC) {
  using Ac = typename Acc<R>::type;
  Ac *c = reinterpret_cast<Ac *>(cOut); // same width: R or its unsigned
  if (m == 0 || n == 0)
    return;
  if (k == 0) {
    if (accumulateC)
      return;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        c[i * ldc + j] = Ac(0);
    return;
  }
  const T *a = static_cast<const T *>(aOp.p),
          *b = static_cast<const T *>(bOp.p);
  const Strides sa(aOp), sb(bOp);
  // The unpacked kernel for a few rows reads row-major operands.
  const GemmPacker *packer = bOp.packer;
  bool rowMajor = !aOp.transposed && !bOp.transposed && !packer;
  const int64_t MR = uk.mr, NR = uk.nr;
  if (2 * m <= MR && rowMajor) {
    rows(m, k, n, a, aOp.ld, b, bOp.ld, c, ldc, accumulateC);
    return;
  }
  // KC x NR of B (one microkernel's panel, 32 KB with AVX-512) stays in
  // L1 while the MC x KC block of A streams from L2. Measured on Sapphire
  // Rapids (bench/bench_cpu_matmul.cpp): KC 128..384 and MC 6..48 MR.
  const int64_t KC = kKC, MC = MR * kMCTiles, NC = NR * kNCTiles;
  int64_t kcMax = min64(KC, k), mcMax = roundUp(min64(MC, m), MR),
          ncMax = roundUp(min64(NC, n), NR);
  Scratch bufA(mcMax * kcMax * int64_t(sizeof(Ac)));
  Scratch bufB(kcMax * ncMax * int64_t(sizeof(Ac)));
  if (!bufA.data || !bufB.data) {
    if (rowMajor) {
      rows(m, k, n, a, aOp.ld, b, bOp.ld, c, ldc, accumulateC);
      return;
    }
    // Without scratch, one row at a time: A's row to a contiguous buffer
    // is not possible either; multiply element by element in k order.
    if (packer) { // B's column j in pieces, on the machine stack
      Ac col[256];
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          Ac acc = accumulateC ? c[i * ldc + j] : Ac(0);
          for (int64_t p0 = 0; p0 < k; p0 += 256) {
            int64_t kc = min64(256, k - p0);
            packer->pack(packer->ctx, p0, kc, bOp.col0 + j, 1, 1, col);
            for (int64_t p = 0; p < kc; ++p)
              acc = kernels::mulAdd(acc, Ac(R(a[i * sa.rs + (p0 + p) * sa.cs])),
                                    col[p]);
          }
          c[i * ldc + j] = acc;
        }
      return;
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        Ac acc = accumulateC ? c[i * ldc + j] : Ac(0);
        for (int64_t p = 0; p < k; ++p)
          acc = kernels::mulAdd(acc, Ac(R(a[i * sa.rs + p * sa.cs])),
                                Ac(R(b[p * sb.rs + j * sb.cs])));
        c[i * ldc + j] = acc;
      }
    return;
  }
  Ac *pa = static_cast<Ac *>(bufA.data), *pb = static_cast<Ac *>(bufB.data);
  // Few rows of C: each B panel serves at most kDirectBTiles row tiles,
  // too few to repay packing it; the microkernel reads a row-major B of
  // the accumulator's width in place (NR consecutive elements per row).
  const bool directB = !bOp.transposed && !packer && sizeof(T) == sizeof(Ac) &&
                       m <= kDirectBTiles * MR;
  alignas(64) Ac tile[maxMR * maxNR];
  for (int64_t jc = 0; jc < n; jc += NC) {
    int64_t nc = min64(NC, n - jc);
    for (int64_t pc = 0; pc < k; pc += KC) {
      int64_t kc = min64(KC, k - pc);
      bool accumulate = pc > 0 || accumulateC;
      // Full panels of B read in place: only a partial last one is packed.
      int64_t inPlace = directB ? nc / NR * NR : 0;
      if (packer)
        packer->pack(packer->ctx, pc, kc, bOp.col0 + jc, nc, NR, pb);
      else if (inPlace < nc)
        packB<T, R, Ac>(b + pc * sb.rs + (jc + inPlace) * sb.cs, sb.rs, sb.cs,
                        kc, nc - inPlace, NR, pb);
      for (int64_t ic = 0; ic < m; ic += MC) {
        if (TDL_RT_INTERRUPTED()) // the REPL's Ctrl-C (Interrupt.h)
          return;
        int64_t mc = min64(MC, m - ic);
        packA<T, R, Ac>(a + ic * sa.rs + pc * sa.cs, sa.rs, sa.cs, mc, kc, MR,
                        pa);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          int64_t nr = min64(NR, nc - jr);
          const Ac *panelB = pb + (jr - inPlace) * kc;
          int64_t ldbPanel = NR;
          if (jr < inPlace) {
            panelB = reinterpret_cast<const Ac *>(b + pc * sb.rs + jc + jr);
            ldbPanel = sb.rs;
          }
          for (int64_t ir = 0; ir < mc; ir += MR) {
            int64_t mr = min64(MR, mc - ir);
            const Ac *panelA = pa + ir * kc;
            Ac *ct = c + (ic + ir) * ldc + jc + jr;
            // A last tile of fewer rows: an edge kernel computing as few
            // of them as it can; of at most NR/2 columns: the half-width
            // kernel (the same panels; the sums are the same).
            MicroKernel::Edge kernel = uk.forRows(mr);
            int64_t cols = NR;
            if (kernel.rows == MR && 2 * nr <= NR && uk.half) {
              kernel.fn = uk.half;
              cols = NR / 2;
            }
            if (mr == kernel.rows && nr == cols) {
              kernel.fn(kc, panelA, panelB, ldbPanel, ct, ldc, accumulate);
              continue;
            }
            if (accumulate)
              for (int64_t i = 0; i < mr; ++i)
                memcpy(tile + i * NR, ct + i * ldc, size_t(nr) * sizeof(Ac));
            kernel.fn(kc, panelA, panelB, ldbPanel, tile, NR, accumulate);
            for (int64_t i = 0; i < mr; ++i)
              memcpy(ct + i * ldc, tile + i * NR, size_t(nr) * sizeof(Ac));
          }
        }
      }
    }
  }
}

/// One GEMM split over threads (Parallel.cpp): parts are column ranges of
/// C, whole microkernel panels wide, each computed by gemmSerial with the
/// same k order as the whole, so results do not depend on the thread count.
template <typename T, typename R> struct GemmParts {
  const MicroKernel *uk;
  RowsKernelFn rows;
  int64_t m, k, n, ldc, cols;
  GemmOperand a, b;
  R *c;
  bool accumulate;

  static void run(void *self, int64_t part) {
    const GemmParts &g = *static_cast<const GemmParts *>(self);
    int64_t j0 = part * g.cols;
    int64_t nc = min64(g.cols, g.n - j0);
    GemmOperand b = g.b; // its columns from j0
    if (b.packer)
      b.col0 += j0;
    else
      b.p = static_cast<const T *>(b.p) + j0 * Strides(g.b).cs;
    gemmSerial<T, R>(*g.uk, g.rows, g.m, g.k, nc, g.a, b, g.c + j0, g.ldc,
                     g.accumulate);
  }
};

/// Below this many multiply-adds a GEMM runs on one thread.
constexpr int64_t kParallelMacs = int64_t(1) << 20;

template <typename T, typename R>
void gemmT(const MicroKernel &uk, RowsKernelFn rows, int64_t m, int64_t k,
           int64_t n, GemmOperand a, GemmOperand b, R *c, int64_t ldc,
           bool accumulate) {
  using Ac = typename Acc<R>::type;
  // A narrow C (at most half a panel wide) of a row-major A: the unpacked
  // row kernel keeps each row block's C in registers over all of k and
  // reads B (in L1) in place, one column (a matrix times a vector) with
  // the rows in vector lanes (GemvKernel.h). Computing Cᵀ = Bᵀ Aᵀ instead
  // packed Aᵀ, reading A in short pieces of hundreds of rows: DRAM latency
  // (2048 x 2048 x 1: 20x the time; 4096 x 512 x 16: 5.5x). B may be held
  // transposed only as one column: then its elements are consecutive.
  if (2 * n <= uk.nr && !a.transposed && (n == 1 || !b.transposed) &&
      !b.packer && sizeof(T) == sizeof(Ac) && !accumulate) {
    rows(m, k, n, a.p, a.ld, b.p, b.transposed ? 1 : b.ld, c, ldc, false);
    return;
  }
  // Otherwise a narrow C (a classifier's 10 columns) would fill a fraction of
  // every microkernel tile: compute Cᵀ = Bᵀ Aᵀ (the same products and sums: a*b
  // == b*a, each fused once) into scratch, then transpose it into C. Only when
  // C is taller than wide: a square C that is narrow and tall enough for both
  // shapes (16 x 16 with an 8 x 32 integer microkernel) would transpose back
  // and forth until the stack overflows.
  if (2 * n <= uk.nr && m >= 2 * uk.mr && n > 0 && n < m && !accumulate &&
      !b.packer) {
    Scratch ctBuf(n * m * int64_t(sizeof(Ac)));
    if (Ac *ct = static_cast<Ac *>(ctBuf.data)) {
      gemmT<T, R>(uk, rows, n, k, m, GemmOperand{b.p, b.ld, !b.transposed},
                  GemmOperand{a.p, a.ld, !a.transposed},
                  reinterpret_cast<R *>(ct), m, false);
      Ac *cc = reinterpret_cast<Ac *>(c);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j)
          cc[i * ldc + j] = ct[j * m + i];
      return;
    }
  }
  int64_t threads = m * n * k >= kParallelMacs ? tdl_rt_num_threads() : 1;
  int64_t panels = (n + uk.nr - 1) / uk.nr;
  if (threads <= 1 || panels < 2) {
    gemmSerial<T, R>(uk, rows, m, k, n, a, b, c, ldc, accumulate);
    return;
  }
  int64_t parts = min64(threads, panels);
  GemmParts<T, R> g{
      &uk, rows, m, k,         n, ldc, (panels + parts - 1) / parts * uk.nr,
      a,   b,    c, accumulate};
  parts = (n + g.cols - 1) / g.cols;
  tdl_rt_parallel(parts, &GemmParts<T, R>::run, &g);
}

} // namespace

template <int32_t Dtype>
void gemmOf(Isa isa, bool fast, int64_t m, int64_t k, int64_t n, GemmOperand a,
            GemmOperand b, void *c, int64_t ldc, bool accumulate) {
  using T = std::conditional_t<
      Dtype == 1, int8_t,
      std::conditional_t<
          Dtype == 2, int32_t,
          std::conditional_t<Dtype == 3, int64_t,
                             std::conditional_t<Dtype == 4, float, double>>>>;
  using R = std::conditional_t<Dtype == 1, int32_t, T>;
  gemmT<T, R>(GemmKernels<Dtype>::micro(fast, isa),
              GemmKernels<Dtype>::rows(isa), m, k, n, a, b, (R *)c, ldc,
              accumulate);
}
#define TDL_GEMM_INSTANCE(D)                                                   \
  template void gemmOf<D>(Isa, bool, int64_t, int64_t, int64_t, GemmOperand,   \
                          GemmOperand, void *, int64_t, bool);
TDL_GEMM_INSTANCE(1)
TDL_GEMM_INSTANCE(2)
TDL_GEMM_INSTANCE(3)
TDL_GEMM_INSTANCE(4)
TDL_GEMM_INSTANCE(5)
#undef TDL_GEMM_INSTANCE

void gemmOn(Isa isa, int32_t dtype, bool fast, int64_t m, int64_t k, int64_t n,
            GemmOperand a, GemmOperand b, void *c, int64_t ldc,
            bool accumulate) {
  switch (dtype) {
  case 1:
    return gemmOf<1>(isa, fast, m, k, n, a, b, c, ldc, accumulate);
  case 2:
    return gemmOf<2>(isa, fast, m, k, n, a, b, c, ldc, accumulate);
  case 3:
    return gemmOf<3>(isa, fast, m, k, n, a, b, c, ldc, accumulate);
  case 4:
    return gemmOf<4>(isa, fast, m, k, n, a, b, c, ldc, accumulate);
  case 5:
    return gemmOf<5>(isa, fast, m, k, n, a, b, c, ldc, accumulate);
  }
}

} // namespace tdl::rt

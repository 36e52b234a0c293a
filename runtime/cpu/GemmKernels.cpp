//===- GemmKernels.cpp - microkernels per instruction set, cpu detection --===//
//
// Function multiversioning by hand: every microkernel is instantiated once
// per instruction set inside a function compiled for it (target attribute),
// and hostIsa() picks the best one the running machine has (cpuid), so an
// object built for baseline x86-64 still multiplies with AVX-512 on a
// machine that has it. The kernels are named tdl_isa_*: the cpu backend
// keeps their target features when it sets the module's CPU
// (backends/cpu/Target.cpp).
//
// Register tiles (MR rows x NR columns, accumulators in registers):
//   AVX-512 (32 zmm): 12 x 32 f32, 12 x 16 f64, 8 x 32 i32, 8 x 16 i64
//   AVX2+FMA (16 ymm): 6 x 16 f32/i32, 6 x 8 f64/i64
//   generic  (16 xmm, SSE2 on x86-64): 6 x 8 f32/i32, 6 x 4 f64/i64
//
//===----------------------------------------------------------------------===//
#include "runtime/cpu/Gemm.h"
#include "runtime/cpu/GemmMicroKernel.h"

#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace tdl::rt {

#if defined(__x86_64__)
#define TDL_TARGET_AVX512                                                      \
  __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma,avx")))
#define TDL_TARGET_AVX2 __attribute__((target("avx2,fma,avx")))
#else
#define TDL_TARGET_AVX512
#define TDL_TARGET_AVX2
#endif

#define TDL_KERNEL(NAME, TARGET, AC, VB, MR, NV, FMA)                          \
  extern "C" TARGET void tdl_isa_##NAME(int64_t kc, const void *a,             \
                                        const void *b, int64_t ldb, void *c,   \
                                        int64_t ldc, bool accumulate) {        \
    microKernel<AC, VB, MR, NV, FMA>(kc, (const AC *)a, (const AC *)b, ldb,    \
                                     (AC *)c, ldc, accumulate);                \
  }                                                                            \
  constexpr MicroKernel NAME{tdl_isa_##NAME, MR, NV * VB / int(sizeof(AC))};

/// An edge kernel: the first ROWS rows of MAIN's MR-row panels.
#define TDL_EDGE(MAIN, ROWS, TARGET, AC, VB, MR, NV, FMA)                      \
  extern "C" TARGET void tdl_isa_##MAIN##_edge##ROWS(                          \
      int64_t kc, const void *a, const void *b, int64_t ldb, void *c,          \
      int64_t ldc, bool accumulate) {                                          \
    microKernel<AC, VB, ROWS, NV, FMA, MR>(kc, (const AC *)a, (const AC *)b,   \
                                           ldb, (AC *)c, ldc, accumulate);     \
  }

// Powers of two rows (batch sizes) leave 8 or 4 rows over 12, 4 or 2 over
// 6: the float kernels have edge kernels of those sizes, so a last tile
// does not compute 12 rows for 4.
// clang-format off
TDL_EDGE(avx512_f32, 4, TDL_TARGET_AVX512, float,  64, 12, 2, true)
TDL_EDGE(avx512_f32, 8, TDL_TARGET_AVX512, float,  64, 12, 2, true)
TDL_EDGE(avx512_f64, 4, TDL_TARGET_AVX512, double, 64, 12, 2, true)
TDL_EDGE(avx512_f64, 8, TDL_TARGET_AVX512, double, 64, 12, 2, true)
TDL_EDGE(avx2_f32,   2, TDL_TARGET_AVX2,   float,  32, 6, 2, true)
TDL_EDGE(avx2_f32,   4, TDL_TARGET_AVX2,   float,  32, 6, 2, true)
TDL_EDGE(avx2_f64,   2, TDL_TARGET_AVX2,   double, 32, 6, 2, true)
TDL_EDGE(avx2_f64,   4, TDL_TARGET_AVX2,   double, 32, 6, 2, true)
// clang-format on

/// A kernel of one vector of columns fewer (NV = 1) for a last, narrow
/// column panel: it reads the first NR/2 columns of the packed panel.
#define TDL_HALF(MAIN, TARGET, AC, VB, MR, FMA)                                \
  extern "C" TARGET void tdl_isa_##MAIN##_half(                                \
      int64_t kc, const void *a, const void *b, int64_t ldb, void *c,          \
      int64_t ldc, bool accumulate) {                                          \
    microKernel<AC, VB, MR, 1, FMA>(kc, (const AC *)a, (const AC *)b, ldb,     \
                                    (AC *)c, ldc, accumulate);                 \
  }
// clang-format off
TDL_HALF(avx512_f32, TDL_TARGET_AVX512, float,  64, 12, true)
TDL_HALF(avx512_f64, TDL_TARGET_AVX512, double, 64, 12, true)
TDL_HALF(avx2_f32,   TDL_TARGET_AVX2,   float,  32, 6, true)
TDL_HALF(avx2_f64,   TDL_TARGET_AVX2,   double, 32, 6, true)
// clang-format on

/// A main kernel with its two edge kernels and its half-width kernel.
constexpr MicroKernel withEdges(MicroKernel k, MicroKernelFn small,
                                int32_t smallRows, MicroKernelFn large,
                                int32_t largeRows, MicroKernelFn half) {
  k.edges[0] = {small, smallRows};
  k.edges[1] = {large, largeRows};
  k.half = half;
  return k;
}

// clang-format off
TDL_KERNEL(avx512_f32,      TDL_TARGET_AVX512, float,    64, 12, 2, true)
TDL_KERNEL(avx512_f64,      TDL_TARGET_AVX512, double,   64, 12, 2, true)
TDL_KERNEL(avx512_u32,      TDL_TARGET_AVX512, uint32_t, 64, 8, 2, false)
TDL_KERNEL(avx512_u64,      TDL_TARGET_AVX512, uint64_t, 64, 8, 2, false)
TDL_KERNEL(avx2_f32,        TDL_TARGET_AVX2,   float,    32, 6, 2, true)
TDL_KERNEL(avx2_f64,        TDL_TARGET_AVX2,   double,   32, 6, 2, true)
TDL_KERNEL(avx2_u32,        TDL_TARGET_AVX2,   uint32_t, 32, 6, 2, false)
TDL_KERNEL(avx2_u64,        TDL_TARGET_AVX2,   uint64_t, 32, 6, 2, false)
TDL_KERNEL(generic_f32,     ,                  float,    16, 6, 2, true)
TDL_KERNEL(generic_f64,     ,                  double,   16, 6, 2, true)
TDL_KERNEL(generic_u32,     ,                  uint32_t, 16, 6, 2, false)
TDL_KERNEL(generic_u64,     ,                  uint64_t, 16, 6, 2, false)
// clang-format on

constexpr MicroKernel avx512_f32_edged =
    withEdges(avx512_f32, tdl_isa_avx512_f32_edge4, 4, tdl_isa_avx512_f32_edge8,
              8, tdl_isa_avx512_f32_half);
constexpr MicroKernel avx512_f64_edged =
    withEdges(avx512_f64, tdl_isa_avx512_f64_edge4, 4, tdl_isa_avx512_f64_edge8,
              8, tdl_isa_avx512_f64_half);
constexpr MicroKernel avx2_f32_edged =
    withEdges(avx2_f32, tdl_isa_avx2_f32_edge2, 2, tdl_isa_avx2_f32_edge4, 4,
              tdl_isa_avx2_f32_half);
constexpr MicroKernel avx2_f64_edged =
    withEdges(avx2_f64, tdl_isa_avx2_f64_edge2, 2, tdl_isa_avx2_f64_edge4, 4,
              tdl_isa_avx2_f64_half);

#define TDL_ROWS(NAME, TARGET, VB, T, R)                                       \
  extern "C" TARGET void tdl_isa_rows_##NAME(                                  \
      int64_t m, int64_t k, int64_t n, const void *a, int64_t lda,             \
      const void *b, int64_t ldb, void *c, int64_t ldc, bool accumulate) {     \
    gemmRows<T, R, typename Acc<R>::type, VB>(                                 \
        m, k, n, (const T *)a, lda, (const T *)b, ldb,                         \
        (typename Acc<R>::type *)c, ldc, accumulate);                          \
  }
#define TDL_ROWS_ALL(ISA, TARGET, VB)                                          \
  TDL_ROWS(ISA##_i8, TARGET, VB, int8_t, int32_t)                              \
  TDL_ROWS(ISA##_i32, TARGET, VB, int32_t, int32_t)                            \
  TDL_ROWS(ISA##_i64, TARGET, VB, int64_t, int64_t)                            \
  TDL_ROWS(ISA##_f32, TARGET, VB, float, float)                                \
  TDL_ROWS(ISA##_f64, TARGET, VB, double, double)
TDL_ROWS_ALL(avx512, TDL_TARGET_AVX512, 64)
TDL_ROWS_ALL(avx2, TDL_TARGET_AVX2, 32)
TDL_ROWS_ALL(generic, , 16)

#define TDL_GEMM_KERNELS(DT, SUF, K512, K2, KGENERIC)                          \
  template <> MicroKernel GemmKernels<DT>::micro(bool, Isa isa) {              \
    switch (isa) {                                                             \
    case Isa::Avx512:                                                          \
      return K512;                                                             \
    case Isa::Avx2:                                                            \
      return K2;                                                               \
    case Isa::Generic:                                                         \
      break;                                                                   \
    }                                                                          \
    return KGENERIC;                                                           \
  }                                                                            \
  template <> RowsKernelFn GemmKernels<DT>::rows(Isa isa) {                    \
    switch (isa) {                                                             \
    case Isa::Avx512:                                                          \
      return tdl_isa_rows_avx512_##SUF;                                        \
    case Isa::Avx2:                                                            \
      return tdl_isa_rows_avx2_##SUF;                                          \
    case Isa::Generic:                                                         \
      break;                                                                   \
    }                                                                          \
    return tdl_isa_rows_generic_##SUF;                                         \
  }

// Floats always fuse (runtime/kernels/MulAdd.h); integers have no fused
// multiply-add. `fast` selects nothing different any more.
TDL_GEMM_KERNELS(1, i8, avx512_u32, avx2_u32, generic_u32)
TDL_GEMM_KERNELS(2, i32, avx512_u32, avx2_u32, generic_u32)
TDL_GEMM_KERNELS(3, i64, avx512_u64, avx2_u64, generic_u64)
TDL_GEMM_KERNELS(4, f32, avx512_f32_edged, avx2_f32_edged, generic_f32)
TDL_GEMM_KERNELS(5, f64, avx512_f64_edged, avx2_f64_edged, generic_f64)

static Isa detectIsa() {
#if defined(__x86_64__)
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d))
    return Isa::Generic;
  bool osxsave = c & (1u << 27), avx = c & (1u << 28), fma = c & (1u << 12);
  if (!osxsave || !avx)
    return Isa::Generic;
  uint32_t xcr0, xcr0Hi;
  __asm__ volatile("xgetbv" : "=a"(xcr0), "=d"(xcr0Hi) : "c"(0));
  if ((xcr0 & 0x6) != 0x6) // the OS saves xmm and ymm state
    return Isa::Generic;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
    return Isa::Generic;
  bool avx2 = b & (1u << 5), avx512f = b & (1u << 16),
       avx512dq = b & (1u << 17), avx512vl = b & (1u << 31);
  if (avx512f && avx512dq && avx512vl && (xcr0 & 0xe6) == 0xe6)
    return Isa::Avx512; // ... and opmask and zmm state
  if (avx2 && fma)
    return Isa::Avx2;
#endif
  return Isa::Generic;
}

/// TDL_MAX_ISA=generic|avx2|avx512 caps the choice (never raises it), like
/// MKL_ENABLE_INSTRUCTIONS: to run the code an older machine would, and to
/// test that every variant gives the same bits.
static Isa capFromEnvironment(Isa isa) {
  const char *cap = getenv("TDL_MAX_ISA");
  if (!cap)
    return isa;
  Isa limit = strcmp(cap, "generic") == 0 ? Isa::Generic
              : strcmp(cap, "avx2") == 0  ? Isa::Avx2
                                          : Isa::Avx512;
  return int32_t(limit) < int32_t(isa) ? limit : isa;
}

Isa hostIsa() {
  // Benign race: every thread computes the same value.
  static int32_t cached = -1;
  int32_t isa = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (isa < 0) {
    isa = int32_t(capFromEnvironment(detectIsa()));
    __atomic_store_n(&cached, isa, __ATOMIC_RELAXED);
  }
  return Isa(isa);
}

} // namespace tdl::rt

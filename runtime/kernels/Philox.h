/*===- Philox.h - counter-based random numbers (Philox4x32-10) ------------===*
 *
 * The generator behind rng_uniform / rng_normal. Header-only, included by
 * the interpreter and the cpu runtime, so every backend computes the same
 * bits; the normal transform uses the project's math functions
 * (runtime/kernels/Math.h), so they are the same on every machine too.
 *Algorithm: Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"
 *(SC'11), Philox4x32 with 10 rounds, as in Random123.
 *
 * Element mapping (docs/ir.md, "Random numbers"): with key = {lo32(seed),
 * hi32(seed)} and element i of the row-major output,
 *   uniform f32: block b = i / 4, word w = i % 4 of philox({lo32(b), hi32(b),
 *                0, 0}); u = (w >> 8) * 2^-24                  in [0, 1)
 *   uniform f64: block b = i / 2, words (w0, w1) = words 2(i%2), 2(i%2)+1;
 *                u = (((uint64)w1 << 32 | w0) >> 11) * 2^-53   in [0, 1)
 *   normal:      block b = i, words w0..w3; u1 = f64 from (w0, w1),
 *                u2 = f64 from (w2, w3) as above; in double:
 *                z = sqrt(-2 log(1 - u1)) * cos(2 pi u2) with tdl::math's
 *                functions, then rounded to the dtype (Box-Muller, first
 *                output only).
 *
 *===----------------------------------------------------------------------===*/
#ifndef TDL_RUNTIME_KERNELS_PHILOX_H
#define TDL_RUNTIME_KERNELS_PHILOX_H

#include "runtime/kernels/Math.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline void tdl_philox4x32_10(const uint32_t ctr_in[4],
                                     const uint32_t key_in[2],
                                     uint32_t out[4]) {
  uint32_t c0 = ctr_in[0], c1 = ctr_in[1], c2 = ctr_in[2], c3 = ctr_in[3];
  uint32_t k0 = key_in[0], k1 = key_in[1];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    uint64_t p0 = (uint64_t)0xD2511F53u * c0;
    uint64_t p1 = (uint64_t)0xCD9E8D57u * c2;
    uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
    uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0;
    c1 = n1;
    c2 = n2;
    c3 = n3;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/* The four words of block `block` for `seed`. */
static inline void tdl_philox_block(int64_t seed, uint64_t block,
                                    uint32_t out[4]) {
  uint32_t ctr[4] = {(uint32_t)block, (uint32_t)(block >> 32), 0, 0};
  uint32_t key[2] = {(uint32_t)(uint64_t)seed,
                     (uint32_t)((uint64_t)seed >> 32)};
  tdl_philox4x32_10(ctr, key, out);
}

static inline float tdl_uniform_f32(int64_t seed, uint64_t i) {
  uint32_t w[4];
  tdl_philox_block(seed, i / 4, w);
  return (float)(w[i % 4] >> 8) * (1.0f / 16777216.0f);
}

static inline double tdl_u53(uint32_t lo, uint32_t hi) {
  return (double)((((uint64_t)hi << 32) | lo) >> 11) *
         (1.0 / 9007199254740992.0);
}

static inline double tdl_uniform_f64(int64_t seed, uint64_t i) {
  uint32_t w[4];
  tdl_philox_block(seed, i / 2, w);
  unsigned k = (unsigned)(i % 2) * 2;
  return tdl_u53(w[k], w[k + 1]);
}

static inline double tdl_normal_f64(int64_t seed, uint64_t i) {
  uint32_t w[4];
  tdl_philox_block(seed, i, w);
  double u1 = tdl_u53(w[0], w[1]);
  double u2 = tdl_u53(w[2], w[3]);
  return tdl::math::sqrt(-2.0 * tdl::math::log(1.0 - u1)) *
         tdl::math::cos(6.283185307179586 * u2);
}

#ifdef __cplusplus
}
#endif

#endif

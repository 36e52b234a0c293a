//===- Math.h - TDL's scalar float math functions, one definition ---------===//
//
// exp, log, tanh, sigmoid, sin, cos, pow, sqrt, rsqrt, log1p and expm1 for
// float and double (docs/math.md). Header-only and free of LLVM and <cmath>,
// like ScalarSemantics.h: the reference interpreter (g++) and the cpu
// backend's kernel runtime (clang-19 bitcode, inlined into generated loops
// and vectorized for any instruction set) compile these same lines, and get
// bit-identical results because
//   * only +, -, *, /, sqrt and fma (all correctly rounded in IEEE
//     arithmetic), comparisons, selects and integer bit operations are used:
//     no long double, no libm call other than fmaf / fma where the target
//     has no FMA instruction (C99 defines them as correctly rounded), no
//     rint (rounding to an integer is the magic-number trick), no table
//     lookup;
//   * every fma is explicit (detail::fmaOf) and nothing else may be
//     contracted into one: build with -ffp-contract=off. clang is also told
//     so below (`#pragma clang fp contract(off)`, which holds under clang's
//     default -ffp-contract=on but not under =fast); g++ contracts whenever
//     the target has FMA instructions, so with FMA enabled this header
//     refuses to compile unless TDL_MATH_NO_CONTRACT says that
//     -ffp-contract=off is set (x86-64 baseline has no FMA);
//   * the code is branch-free straight-line code (edge cases are selects), so
//     a vectorized lane computes exactly what the scalar code computes.
// Subnormals must not be flushed (no FTZ/DAZ), and -ffast-math or
// -ffinite-math-only are refused.
//
// API: overloads `float f(float)` and `double f(double)` (pow takes two
// arguments of the same type) in namespace tdl::math. The generic algorithms
// are templates in tdl::math::detail over the float type; the per-type
// constants and polynomials are in detail::Tr<float> / detail::Tr<double>.
// The f32 exp, expm1, tanh and sigmoid are separate single-word float
// algorithms (detail::expF, expm1F, tanhF, sigmoidF; constants in
// detail::f32), several times faster than the double-word templates in
// float (docs/math.md has their bounds).
// Every function is `static inline __attribute__((always_inline))`
// (TDL_MATH_INLINE). The build checks, bit helpers, error-free
// transformations and per-type constants are in MathPrimitives.h.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_KERNELS_MATH_H
#define TDL_RUNTIME_KERNELS_MATH_H

#include "runtime/kernels/MathPrimitives.h"

#if defined(__clang__)
#pragma float_control(push)
#pragma clang fp contract(off)
#endif

namespace tdl::math {
namespace detail {

//===-- building blocks ---------------------------------------------------===//

/// e^(rh + rl) - 1 as hi + lo, for |rh| <= 0.347 and |rl| <~ ulp(rh); the
/// relative error is about 2^-28 (float) / 2^-58 (double).
template <class T> TDL_MATH_INLINE DD<T> expm1Core(T rh, T rl) {
  DD<T> z = twoSqr(rh);
  T a = T(0.5) * z.hi; // exact
  T t = (rh * z.hi) * Tr<T>::expH1(rh) + T(0.5) * z.lo;
  DD<T> s = fastTwoSum(rh, a); // |rh| >= rh^2/2
  T lo = ((s.lo + t) + rl) + rl * rh;
  return fastTwoSum(s.hi, lo);
}

/// Cody-Waite reduction for exp: x = k ln2 + rh + rl, |rh| <= 0.347.
template <class T> struct ExpReduced { T k, rh, rl; };
template <class T> TDL_MATH_INLINE ExpReduced<T> reduceExp(T x) {
  T k = roundSmall(x * Tr<T>::kLog2e);
  T t = x - k * Tr<T>::kLn2Hi; // exact
  T c = k * Tr<T>::kLn2Lo;
  DD<T> r = fastTwoSum(t, -c);
  return {k, r.hi, r.lo};
}

/// e^x = (hi + lo) * 2^k with hi + lo in [0.7, 1.42]; x already clamped.
template <class T> struct ExpParts { T hi, lo, k; };
template <class T> TDL_MATH_INLINE ExpParts<T> expParts(T x) {
  ExpReduced<T> r = reduceExp(x);
  DD<T> p = expm1Core(r.rh, r.rl);
  DD<T> e = fastTwoSum(T(1), p.hi);
  return {e.hi, e.lo + p.lo, r.k};
}

/// expm1(x) as hi + lo (not renormalized) times F, F = 2 only when 2^k would
/// overflow; x already clamped.
template <class T> struct Expm1Parts { T hi, lo, f; };
template <class T> TDL_MATH_INLINE Expm1Parts<T> expm1Parts(T x) {
  ExpReduced<T> r = reduceExp(x);
  DD<T> p = expm1Core(r.rh, r.rl);
  // expm1(x) = 2^k (1 + p) - 1 = (2^k - 1) + 2^k p.
  bool big = r.k > Tr<T>::kMaxExp;
  T k = big ? r.k - T(1) : r.k;
  T one = big ? T(0.5) : T(1);
  T f = big ? T(2) : T(1);
  T two_k = pow2i(k);
  T a = two_k - one;
  T alo = two_k >= one ? (two_k - a) - one : (-one - a) + two_k; // exact
  T bh = two_k * p.hi, bl = two_k * p.lo;
  DD<T> s = fastTwoSum(a, bh); // |2^k - 1| >= |2^k p| for k != 0, a == 0 else
  return {s.hi, (s.lo + alo) + bl, f};
}

/// x = 2^k m with m in [sqrt(1/2), sqrt(2)), for finite x > 0 (subnormals
/// scaled into the normals first): the split of log and log2.
template <class T> struct LogSplit { T k, m; };
template <class T> TDL_MATH_INLINE LogSplit<T> logSplit(T x) {
  using U = UOf<T>;
  bool sub = x < Tr<T>::kMinNormal;
  T xs = sub ? x * Tr<T>::kTwoMant : x;
  U ix = bits(xs) + (Tr<T>::kOneBits - Tr<T>::kSqrtHalfBits);
  T k = exponentOf<T>(ix) - (sub ? T(Tr<T>::kMant) : T(0));
  T m = fromBits<T>((ix & Tr<T>::kMantMask) + Tr<T>::kSqrtHalfBits);
  return {k, m};
}

/// log2|x| as hi + lo with a relative error ~2^-40 (float) / ~2^-67
/// (double), for finite x > 0.
template <class T> TDL_MATH_INLINE DD<T> log2Dd(T x) {
  auto [e, m] = logSplit(x);
  T f = m - T(1); // exact, in [-0.293, 0.415)
  // s = f / (2 + f) as hi + lo.
  DD<T> d = fastTwoSum(T(2), f);
  T sh = f / d.hi;
  DD<T> p = twoProd(sh, d.hi);
  T sl = (((f - p.hi) - p.lo) - sh * d.lo) / d.hi;
  DD<T> s = {sh, sl};
  // log(m) = 2s + s z Q(z), z = s^2, Q = 2/3 + z W(z).
  DD<T> z0 = twoSqr(sh);
  DD<T> z = {z0.hi, z0.lo + T(2) * sh * sl};
  T u = z.hi * Tr<T>::powW(z.hi);
  DD<T> q0 = fastTwoSum(Tr<T>::kTwoThirdsH, u);
  DD<T> q = {q0.hi, q0.lo + Tr<T>::kTwoThirdsL};
  DD<T> tz = ddMul(ddMul(s, z), q);
  DD<T> lm = ddAddFast(DD<T>{T(2) * sh, T(2) * sl}, tz);
  DD<T> l2 = ddMul(lm, DD<T>{Tr<T>::kInvLn2H, Tr<T>::kInvLn2L});
  DD<T> r = fastTwoSum(e, l2.hi); // |e| >= 1 > |l2| or e == 0
  return {r.hi, r.lo + l2.lo};
}

//===-- f32 exp, expm1, tanh, sigmoid: single-word float arithmetic -------===//
// The double-word algorithms above, instantiated for float, are accurate but
// slow; these float versions use one Cody-Waite reduction and one degree-6
// polynomial, scale by 2^k on the exponent bits, and round a handful of times
// (docs/math.md has the error analysis and the measured bounds).

namespace f32 {
constexpr float kLog2e = 0x1.715476p+0f;
constexpr float kRound =
    0x1.8p23f; // v = y + kRound: round(y) in the low bits of v
// ln2 = kLn2Hi + kLn2Lo + 2^-49: kLn2Hi is ln2 rounded down to a float and
// fma(k, -kLn2Hi, x) is exact wherever the reductions use it (docs/math.md);
// kLn2Lo > 0, so c = k kLn2Lo is +0 for k = 0 (expm1(-0) = -0).
constexpr float kLn2Hi = 0x1.62e42ep-1f, kLn2Lo = 0x1.efa39ep-25f;
constexpr uint32_t kOne = 0x3f800000u;
// e^r = 1 + r + r^2 (C0 + C1 r + C2 r^2 + C3 r^3 + C4 r^4) on |r| <= 0.3467,
// relative error 2^-28.2.
constexpr float C0 = 0x1.fffffcp-2f, C1 = 0x1.55548cp-3f, C2 = 0x1.555858p-5f,
                C3 = 0x1.123dc8p-7f, C4 = 0x1.6ac4dp-10f;
// tanh(a) = a + a^3 (S0 + S1 a^2 + S2 a^4 + S3 a^6 + S4 a^8) on |a| <= 0.7,
// relative error 2^-25.9.
constexpr float S0 = -0x1.5554f6p-2f, S1 = 0x1.10fb0ap-3f, S2 = -0x1.b6c362p-5f,
                S3 = 0x1.4939cp-6f, S4 = -0x1.50e2aap-8f;

/// x = k ln2 + (t1 - c) - 2^-49 k with t1 = x - k kLn2Hi (exact),
/// c = k kLn2Lo and r = fl(t1 - c), |r| <= 0.3467, for |x| <= 104
/// (k in [-150, 128]). v = k + 1.5 2^23 holds k in its low bits:
/// bits(v) << 23 == k << 23.
struct Reduced {
  float v, t1, c, r;
};
// ln2 = kShortHi + kShortLo + 2^-44.05 with kShortHi of 15 bits: t1 then
// keeps few bits below the binary point, so expm1's t1 - (2^-k - 1) is
// exact.
constexpr float kShortHi = 0x1.62e4p-1f, kShortLo = 0x1.7f7d1cp-20f;
TDL_MATH_INLINE Reduced reduce(float x, float hi = kLn2Hi, float lo = kLn2Lo) {
  float v = fmaOf(x, kLog2e, kRound);
  float k = v - kRound;
  float t1 = fmaOf(k, -hi, x);
  float c = k * lo;
  return {v, t1, c, t1 - c};
}
/// c - r^2 (C0 + C1 r + ... + C4 r^4) = c - (e^r - 1 - r): subtracted from
/// t1, the rounding error of r only enters the r^2 term. (Written as c - q
/// so that x = -0 keeps its sign through t1 - (c - q).)
TDL_MATH_INLINE float cMinusQ(Reduced d) {
  return fmaOf(-(d.r * d.r), horner(d.r, C0, C1, C2, C3, C4), d.c);
}
} // namespace f32

TDL_MATH_INLINE float expF(float x) {
  using namespace f32;
  // x < -104 (also -inf and a negative NaN, repaired below) -> -104, where
  // e^x has underflowed: for negative floats a larger pattern is a smaller
  // value.
  uint32_t xb = bits(x);
  Reduced d = reduce(fromBits<float>(xb < 0xc2d00000u ? xb : 0xc2d00000u));
  float u = 1.0f + (d.t1 - cMinusQ(d)); // e^r in [0.7, 1.42]
  // u 2^k on the exponent bits; for x < 0 as (u 2^(k+64)) 2^-64, which
  // rounds once into the subnormals.
  bool neg = x < 0.0f;
  uint32_t yb = bits(u) + ((bits(d.v) << 23) + (neg ? (64u << 23) : 0u));
  // Overflow (x > 88.7228, k up to 128 would wrap) and NaN: x * inf is +inf
  // or x quieted.
  yb = x <= 0x1.62e42ep6f ? yb : bits(x * inf<float>());
  float y = fromBits<float>(yb);
  return neg ? y * 0x1p-64f : y;
}

TDL_MATH_INLINE float expm1F(float x) {
  using namespace f32;
  // x < -17.4 (also -inf, -NaN) -> -17.4: k = -25, the result is -1.
  uint32_t xb = bits(x);
  Reduced d = reduce(fromBits<float>(xb < 0xc18b3333u ? xb : 0xc18b3333u),
                     kShortHi, kShortLo);
  uint32_t kb = bits(d.v) << 23;
  // 2^-k (k = 128 is taken as 127: 2^-127 reads as 0, either way below the
  // result's last bit).
  int32_t kbm = int32_t(kb) < (127 << 23) ? int32_t(kb) : (127 << 23);
  float p = fromBits<float>(kOne - uint32_t(kbm));
  float cmq = cMinusQ(d);
  // expm1(x) = 2^k (e^r - 2^-k). For k <= 23: (t1 - (2^-k - 1)) - (c - q),
  // where 2^-k - 1 is exact for k >= -24 (for k = -25, x < -16.98, it rounds
  // to 2^25 and the result to -1, at most 0.71 ulp from -1 + e^x) and for
  // k >= 0 so is the first difference; expm1(-0) = -0. For k >= 24, 2^-k
  // would be lost in 1 + t1: 1 + ((t1 - (c - q)) - 2^-k).
  bool big = int32_t(kb) >= (24 << 23);
  float a = big ? d.t1 : d.t1 - (p - 1.0f);
  float s = (big ? 1.0f : -0.0f) + ((a - cmq) - (big ? p : 0.0f));
  uint32_t yb = bits(s) + kb;
  yb = x <= 0x1.62e42ep6f ? yb : bits(x * inf<float>()); // overflow, NaN
  return fromBits<float>(yb);
}

TDL_MATH_INLINE float tanhF(float x) {
  using namespace f32;
  float a = fabs(x);
  // |x| < 0.7: a + a^3 S(a^2). Else 1 - 2 / (e^2a + 1) with
  // e^2a = 2^k (1 + 2y), y = r + r^2 2P(2r) in halved units (2a = k ln2 +
  // 2r): 2 / (e^2a + 1) = 2^-k / ((1/2 + 2^-(k+1)) + y). One Horner
  // evaluation serves both, its coefficients selected.
  bool small = a < 0.7f;
  float ac = a > 9.02f ? 9.02f : a; // tanh rounds to 1 beyond; NaN stays NaN
  float v = fmaOf(ac, 2.0f * kLog2e, kRound);
  float k = v - kRound;
  float t1 = fmaOf(k, -0.5f * kLn2Hi, ac); // exact
  float r = fmaOf(k, -0.5f * kLn2Lo, t1);
  float w = small ? a * a : r;
  float b = small ? a : r;
  float P = horner(w, small ? S0 : 2.0f * C0, small ? S1 : 4.0f * C1,
                   small ? S2 : 8.0f * C2, small ? S3 : 16.0f * C3,
                   small ? S4 : 32.0f * C4);
  float y = fmaOf(b * w, P, b);
  uint32_t kb = bits(v) << 23;                        // k in [0, 26]
  float p = fromBits<float>(kOne - kb);               // 2^-k
  float ph = fromBits<float>(kOne - (1u << 23) - kb); // 2^-(k+1)
  float big = 1.0f - p / ((0.5f + ph) + y);
  // tanh(-0) = -0; a NaN comes back quieted with its sign (as x + x).
  return copySign(small ? y : big, x);
}

TDL_MATH_INLINE float sigmoidF(float x) {
  using namespace f32;
  // 1 / (1 + e^-x) with e^-x = 2^k (1 + t): 2^-k / ((1 + 2^-k) + t), the
  // numerator exact, one rounding in the denominator (for k <= 23; beyond,
  // 2^-k is added to t instead). Everything is scaled by 2^64 so that
  // 2^(64-k) is normal for k in [-25, 150] and a subnormal quotient rounds
  // once.
  float xc =
      x > 17.5f ? 17.5f : x; // k = -25: the result is 1 beyond; NaN stays NaN
  xc = xc < -104.0f ? -104.0f : xc; // 0 below
  // -xc = k ln2 + r, reduced with negated constants: t1n = -t1, rn = -r.
  float v = fmaOf(xc, -kLog2e, kRound);
  float k = v - kRound;
  float t1n = fmaOf(k, kLn2Hi, xc); // exact
  float c = k * kLn2Lo;
  float rn = t1n + c;
  // c - q = c - (e^r - 1 - r), the odd coefficients negated.
  float cmq = fmaOf(-(rn * rn), horner(rn, C0, -C1, C2, -C3, C4), c);
  uint32_t kb = bits(v) << 23;
  float p = fromBits<float>(kOne + (64u << 23) - kb);     // 2^(64-k)
  float l = bits(p) <= 0x53800000u ? p * 0x1p-64f : 0.0f; // 2^-k if k >= 24
  float t = (l - cmq) - t1n;                              // e^r - 1 (+ 2^-k)
  float y = p / ((0x1p64f + p) + t * 0x1p64f);
  return x != x ? x + x : y; // a NaN's sign is not kept above
}

//===-- f32 sin, cos: in double
//--------------------------------------------===//
// x = k pi/2 + r in double: k = round(x 2/pi), r = (x - k kPio2Hi) - k
// kPio2Lo by two fmas (pi/2 = kPio2Hi + kPio2Lo - 2^-109.1), then
// polynomials in double on |r| <= pi/4 and one rounding to float (docs/math.md
// has the error analysis and the measured bounds). The coefficients are the
// minimax ones of FreeBSD's k_sinf.c and k_cosf.c: sin r / r within 2^-37.5
// relative, cos r within 2^-34.1 absolute.

namespace f32trig {
constexpr double kTwoOverPi = 0x1.45f306dc9c883p-1;
constexpr double kPio2Hi = 0x1.921fb54442d18p+0,
                 kPio2Lo = 0x1.1a62633145c07p-54;
constexpr double kRound = 0x1.8p52; // v + kRound - kRound: round(v)
constexpr double S1 = -0x1.5555554cbac77p-3, S2 = 0x1.11110896efbb2p-7,
                 S3 = -0x1.a00f9e2cae774p-13, S4 = 0x1.6cd878c3b46a7p-19;
constexpr double C0 = -0x1.ffffffd0c5e81p-2, C1 = 0x1.55553e1053a42p-5,
                 C2 = -0x1.6c087e80f1e27p-10, C3 = 0x1.99342e0ee5069p-16;
} // namespace f32trig

TDL_MATH_INLINE float sinCosF(float x, bool cosine) {
  using namespace f32trig;
  double xd = x; // exact
  // v = k + kRound: k = round(x 2/pi) in v's low bits.
  double v = fmaOf(xd, kTwoOverPi, kRound);
  double k = v - kRound;
  double r = fmaOf(-k, kPio2Lo, fmaOf(-k, kPio2Hi, xd));
  // In range |r| <= pi/4 (1 + 2^-50). For huge |x| (k beyond 2^53, or k
  // kPio2Lo off by more than r) r is meaningless: 0 keeps the result
  // finite and in [-1, 1]. NaN and inf end up here too (fixed below).
  r = r <= 0.8 && r >= -0.8 ? r : 0.0;
  double z = r * r, w = z * z, rz = r * z;
  // sin r = (r + r z (S1 + z S2)) + r z w (S3 + z S4).
  double sn = (r + rz * fmaOf(z, S2, S1)) + (rz * w) * fmaOf(z, S4, S3);
  // cos r = ((1 + z C0) + w C1) + w z (C2 + z C3): at most 1 + 2^-34,
  // which rounds to 1.
  double cs = (fmaOf(z, C0, 1.0) + w * C1) + (w * z) * fmaOf(z, C3, C2);
  // The quadrant q = k mod 4 (+1 for cos): cos r for odd q, negated for
  // q = 2, 3.
  uint64_t q = bits(v) + (cosine ? 1u : 0u);
  double y = (q & 1) ? cs : sn;
  y = fromBits<double>(bits(y) ^ ((q & 2) << 62));
  float yf = float(y);
  yf = (!cosine && x == 0.0f) ? x : yf; // -0
  yf = fabs(x) == inf<float>() ? qnan<float>() : yf;
  return x != x ? x + x : yf;
}

//===-- the functions -----------------------------------------------------===//

template <class T> TDL_MATH_INLINE T expImpl(T x) {
  ExpParts<T> e = expParts(clamp(x, Tr<T>::kExpMin, Tr<T>::kExpMax));
  T y = scale(e.hi + e.lo, e.k); // overflows to +inf / underflows to 0
  return isNaN(x) ? x + x : y;
}

template <class T> TDL_MATH_INLINE T expm1Impl(T x) {
  Expm1Parts<T> e = expm1Parts(clamp(x, Tr<T>::kExpm1Min, Tr<T>::kExpMax));
  T y = (e.hi + e.lo) * e.f;
  y = x == T(0) ? x : y; // -0
  return isNaN(x) ? x + x : y;
}

/// k ln2 + log(1 + f) + c in fdlibm's formulation, s = f / (2 + f):
/// k ln2_hi + (f - (hfsq - (s (hfsq + R(s^2)) + (k ln2_lo + c)))).
template <class T> TDL_MATH_INLINE T logKernel(T k, T f, T c) {
  T s = f / (T(2) + f);
  T z = s * s;
  T r = Tr<T>::logR(z);
  T hfsq = T(0.5) * f * f;
  return k * Tr<T>::kLn2Hi +
         (f - (hfsq - (s * (hfsq + r) + (k * Tr<T>::kLn2Lo + c))));
}

template <class T> TDL_MATH_INLINE T logImpl(T x) {
  auto [k, m] = logSplit(x);
  T y = logKernel(k, m - T(1), T(0));
  y = x == inf<T>() ? x : y;
  y = x == T(0) ? -inf<T>() : y;
  y = x < T(0) ? qnan<T>() : y;
  return isNaN(x) ? x + x : y;
}

template <class T> TDL_MATH_INLINE T log1pImpl(T x) {
  using U = UOf<T>;
  T u = T(1) + x;
  // 1 + x == u + c exactly.
  T c = fabs(x) < T(1) ? (T(1) - u) + x : (x - u) + T(1);
  U iu = bits(u) + (Tr<T>::kOneBits - Tr<T>::kSqrtHalfBits);
  T k = exponentOf<T>(iu);
  T m = fromBits<T>((iu & Tr<T>::kMantMask) + Tr<T>::kSqrtHalfBits);
  // k == 0: u - 1 + c == x exactly; else log(u + c) = log(u) + c/u.
  bool k0 = k == T(0);
  T f = k0 ? x : m - T(1);
  T corr = k0 ? T(0) : c / u;
  T y = logKernel(k, f, corr);
  y = x == inf<T>() ? x : y;
  y = x == T(-1) ? -inf<T>() : y;
  y = x < T(-1) ? qnan<T>() : y;
  y = x == T(0) ? x : y; // -0
  return isNaN(x) ? x + x : y;
}

template <class T> TDL_MATH_INLINE T tanhImpl(T x) {
  T a = fabs(x);
  T ac = a > Tr<T>::kTanhMax ? Tr<T>::kTanhMax : a;
  // tanh(a) = E / (E + 2), E = expm1(2a), in double-word arithmetic.
  Expm1Parts<T> e = expm1Parts(T(2) * ac); // f == 1 here
  DD<T> n = fastTwoSum(e.hi, e.lo);
  bool nbig = n.hi > T(2);
  DD<T> d0 = fastTwoSum(nbig ? n.hi : T(2), nbig ? T(2) : n.hi);
  DD<T> d = {d0.hi, d0.lo + n.lo};
  T q = ddDiv(n, d);
  q = a < Tr<T>::kTanhTiny ? a : q;
  T y = copySign(q, x);
  return isNaN(x) ? x + x : y;
}

template <class T> TDL_MATH_INLINE T sigmoidImpl(T x) {
  // 1 / (1 + e^-|x|) for x >= 0, e^-|x| / (1 + e^-|x|) for x < 0: never
  // exponentiates a positive number.
  T a = fabs(x);
  T ac = a > Tr<T>::kSigMax ? Tr<T>::kSigMax : a;
  ExpParts<T> ep = expParts(-ac);
  T eh0 = ep.hi + ep.lo;
  T el0 = (ep.hi - eh0) + ep.lo;
  T two_k = pow2i(ep.k < -Tr<T>::kMaxExp ? -Tr<T>::kMaxExp : ep.k);
  T eh = eh0 * two_k, el = el0 * two_k; // exact while E is normal
  DD<T> d0 = fastTwoSum(T(1), eh);
  DD<T> d = {d0.hi, d0.lo + el};
  bool neg = x < T(0);
  DD<T> n = {neg ? eh : T(1), neg ? el : T(0)};
  T q = ddDiv(n, d);
  // Far tail: 1 + E rounds to 1 and E may be subnormal.
  T tail = scale(eh0, ep.k);
  q = x < -Tr<T>::kSigTail ? tail : q;
  return isNaN(x) ? x + x : q;
}

/// sin (cosine = false) or cos of x.
template <class T> TDL_MATH_INLINE T sinCosImpl(T x, bool cosine) {
  typename Tr<T>::Reduced r = Tr<T>::reduceTrig(x);
  T rh = r.hi, rl = r.lo;
  // Beyond the accurate range the reduction degrades (|r| may exceed pi/4
  // a little) and for huge |x| becomes meaningless: keep the polynomials on
  // a bounded domain so the result stays finite and in [-1, 1].
  bool wild = !(fabs(rh) <= T(2));
  rh = wild ? T(0) : rh;
  rl = wild ? T(0) : rl;
  DD<T> z = twoSqr(rh);
  // sin(rh + rl) = rh + (rh z S(z) + rl (1 - z/2)).
  T sn = rh + ((rh * z.hi) * Tr<T>::sinS(z.hi) +
               ((rl - (T(0.5) * z.hi) * rl) + (rh * z.lo) * Tr<T>::sinS(T(0))));
  // cos(rh + rl) = 1 - z/2 + z^2 C(z) - rh rl.
  T hz = T(0.5) * z.hi;
  T w = T(1) - hz;
  T cs = w + ((((T(1) - w) - hz) - T(0.5) * z.lo) +
              ((z.hi * z.hi) * Tr<T>::cosC(z.hi) - rh * rl));
  // Quadrant q = k mod 4 (+1 for cos) from f = q/4 - round(q/4), which is
  // 0, 1/4, +-1/2, -1/4 for q = 0, 1, 2, 3: floating-point compares only
  // (SSE2 has no 64-bit integer compare to vectorize `q & 1`).
  T qk = r.k + (cosine ? T(1) : T(0));
  T qa = qk * T(0.25);
  T f = qa - roundSmall(qa);
  T y = fabs(f) == T(0.25) ? cs : sn;
  y = (f < T(0) || f == T(0.5)) ? -y : y;
  y = y > T(1) ? T(1) : y;
  y = y < T(-1) ? T(-1) : y;
  y = (!cosine && x == T(0)) ? x : y; // -0
  y = fabs(x) == inf<T>() ? qnan<T>() : y;
  return isNaN(x) ? x + x : y;
}

/// |x|^y in double-word arithmetic for sanitized operands (0 < x < inf,
/// |y| <= kPowYMax): 2^(y log2 x) (docs/math.md "pow"). Serves f64.
template <class T> TDL_MATH_INLINE T powMagDd(T xg, T yg) {
  DD<T> l = log2Dd(xg);
  DD<T> w0 = twoProd(yg, l.hi);
  T wl = w0.lo + yg * l.lo;
  bool wclamped = !(w0.hi >= Tr<T>::kPowWMin && w0.hi <= Tr<T>::kPowWMax);
  T wh = clamp(w0.hi, Tr<T>::kPowWMin, Tr<T>::kPowWMax);
  wl = wclamped ? T(0) : wl;
  T k = roundSmall(wh);
  DD<T> r = fastTwoSum(wh - k, wl);
  DD<T> t0 = twoProd(r.hi, Tr<T>::kLn2H);
  T tl = t0.lo + (r.hi * Tr<T>::kLn2L + r.lo * Tr<T>::kLn2H);
  DD<T> p = expm1Core(t0.hi, tl);
  DD<T> e = fastTwoSum(T(1), p.hi);
  return scale(e.hi + (e.lo + p.lo), k);
}

/// |x|^y for f32 operands, sanitized as for powMagDd, in double: log2 x =
/// k + 2 atanh(s)/ln2 with x = 2^k m split in float (exact) and s = (m-1) /
/// (m+1), |s| <= 0.172 (the series to s^13: relative error < 2^-39); w =
/// y log2 x clamped to the f32 range; 2^w = 2^n 2^f, n = round(w), by the
/// series of e^(f ln2) to degree 8 (|f| <= 1/2: relative error < 2^-32);
/// rounded to float once, so within 0.5 + 2^-8 ulp. A double holds all of
/// it without the double-word steps of powMagDd.
TDL_MATH_INLINE float powMagF(float xg, float yg) {
  auto [k, m] = logSplit(xg);
  double md = m;
  double sd = (md - 1.0) / (md + 1.0), z = sd * sd;
  // 2 atanh(s) / ln2 = s * sum over i of 2 / ((2i + 1) ln2) z^i, to z^6;
  // both polynomials by Estrin's scheme: a few multiply-add levels deep
  // instead of one per term (Horner's chains were the loop's bound).
  constexpr double c0 = 2.8853900817779268, c1 = 0.96179669392597561,
                   c2 = 0.57707801635558537, c3 = 0.41219858311113241,
                   c4 = 0.32059889797532521, c5 = 0.26230818925253881,
                   c6 = 0.22195308321368669;
  double z2 = z * z, z4 = z2 * z2;
  double q =
      (c0 + c1 * z) + z2 * (c2 + c3 * z) + z4 * ((c4 + c5 * z) + z2 * c6);
  double w = double(yg) * (double(k) + sd * q);
  w = clamp(w, -170.0, 140.0); // beyond: 0 or inf once rounded to float
  double n = roundSmall(w);
  double t = (w - n) * 0.69314718055994531; // f ln2, |t| <= 0.347
  // e^t by its Taylor series to t^8.
  constexpr double a2 = 0.5, a3 = 1.6666666666666667e-01,
                   a4 = 4.1666666666666667e-02, a5 = 8.3333333333333333e-03,
                   a6 = 1.3888888888888889e-03, a7 = 1.9841269841269841e-04,
                   a8 = 2.4801587301587302e-05;
  double t2 = t * t, t4 = t2 * t2;
  double e = ((1.0 + t) + t2 * (a2 + a3 * t)) +
             t4 * (((a4 + a5 * t) + t2 * (a6 + a7 * t)) + t4 * a8);
  return float(e * pow2i(n)); // 2^n normal in double: exact product
}

/// pow's special cases (docs/math.md "pow") around |x|^y from `mag` on
/// sanitized operands.
template <class T, class Mag> TDL_MATH_INLINE T powWith(T x, T y, Mag mag) {
  T ax = fabs(x), ay = fabs(y);
  // y's integer-ness and parity: every |y| >= 2^mant is an integer, every
  // |y| >= 2^(mant+1) an even one.
  T ayr = (ay + Tr<T>::kTwoMant) - Tr<T>::kTwoMant; // round(ay) if ay < 2^mant
  bool yint = ay >= Tr<T>::kTwoMant || ayr == ay;
  T hy = ay * T(0.5);
  bool yodd = ay < T(2) * Tr<T>::kTwoMant && yint &&
              ((hy + Tr<T>::kTwoMant) - Tr<T>::kTwoMant) != hy;
  // Generic path on sanitized operands: 2^(y log2|x|).
  bool xspecial = ax == T(0) || ax == inf<T>() || isNaN(ax);
  T xg = xspecial ? T(1) : ax;
  T yg = isNaN(y) ? T(0) : clamp(y, -Tr<T>::kPowYMax, Tr<T>::kPowYMax);
  T m = mag(xg, yg);
  // x = +-0 or +-inf.
  T zmag = ((ax == T(0)) == (y < T(0))) ? inf<T>() : T(0);
  m = (ax == T(0) || ax == inf<T>()) ? zmag : m;
  T res = (yodd && signBit(x)) ? -m : m;
  res = (x < T(0) && ax != inf<T>() && !yint) ? qnan<T>() : res;
  // y = +-inf.
  T imag = ((ax < T(1)) == (y < T(0))) ? inf<T>() : T(0);
  imag = ax == T(1) ? T(1) : imag;
  res = ay == inf<T>() ? imag : res;
  res = isNaN(y) ? y + y : res;
  res = isNaN(x) ? x + x : res;
  res = (x == T(1) || y == T(0)) ? T(1) : res;
  return res;
}

// (Lambdas, not function pointers: the call inlines at every -O level.)
TDL_MATH_INLINE float powImpl(float x, float y) {
  return powWith(x, y, [](float a, float b) { return powMagF(a, b); });
}
TDL_MATH_INLINE double powImpl(double x, double y) {
  return powWith(x, y, [](double a, double b) { return powMagDd(a, b); });
}

TDL_MATH_INLINE float sqrtImpl(float x) {
#if defined(TDL_MATH_SQRT_ELEMENTWISE)
  return __builtin_elementwise_sqrt(x);
#elif defined(TDL_MATH_SQRT_SSE2)
  return _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(x)));
#else
  return __builtin_sqrtf(x);
#endif
}
TDL_MATH_INLINE double sqrtImpl(double x) {
#if defined(TDL_MATH_SQRT_ELEMENTWISE)
  return __builtin_elementwise_sqrt(x);
#elif defined(TDL_MATH_SQRT_SSE2)
  return _mm_cvtsd_f64(_mm_sqrt_sd(_mm_setzero_pd(), _mm_set_sd(x)));
#else
  return __builtin_sqrt(x);
#endif
}

/// pow, with the exponents programs write as constants computed as the
/// operation they name: x^2 = x * x, x^1 = x, x^-1 = 1 / x and x^0.5 =
/// sqrt(x) (but +0 for -0 and +inf for -inf, as pow has it). Each is the
/// correctly rounded power, which powImpl reaches within 0.54 ulp. Selects,
/// so loops over varying exponents still vectorize; with a constant
/// exponent the compiler folds them and the loop is one multiply (`x ** 2`
/// ran all of powImpl: ~25x the time of x * x).
template <class T> TDL_MATH_INLINE T powOf(T x, T y) {
  T r = powImpl(x, y);
  T root = x == T(0) ? T(0) : x == -inf<T>() ? inf<T>() : sqrtImpl(x);
  r = y == T(0.5) ? root : r;
  r = y == T(-1) ? T(1) / x : r;
  r = y == T(1) ? x : r;
  return y == T(2) ? x * x : r;
}

} // namespace detail

//===-- public API --------------------------------------------------------===//

TDL_MATH_INLINE float exp(float x) { return detail::expF(x); }
TDL_MATH_INLINE double exp(double x) { return detail::expImpl(x); }
TDL_MATH_INLINE float expm1(float x) { return detail::expm1F(x); }
TDL_MATH_INLINE double expm1(double x) { return detail::expm1Impl(x); }
TDL_MATH_INLINE float log(float x) { return detail::logImpl(x); }
TDL_MATH_INLINE double log(double x) { return detail::logImpl(x); }
TDL_MATH_INLINE float log1p(float x) { return detail::log1pImpl(x); }
TDL_MATH_INLINE double log1p(double x) { return detail::log1pImpl(x); }
TDL_MATH_INLINE float tanh(float x) { return detail::tanhF(x); }
TDL_MATH_INLINE double tanh(double x) { return detail::tanhImpl(x); }
TDL_MATH_INLINE float sigmoid(float x) { return detail::sigmoidF(x); }
TDL_MATH_INLINE double sigmoid(double x) { return detail::sigmoidImpl(x); }
TDL_MATH_INLINE float sin(float x) { return detail::sinCosF(x, false); }
TDL_MATH_INLINE double sin(double x) { return detail::sinCosImpl(x, false); }
TDL_MATH_INLINE float cos(float x) { return detail::sinCosF(x, true); }
TDL_MATH_INLINE double cos(double x) { return detail::sinCosImpl(x, true); }
TDL_MATH_INLINE float pow(float x, float y) { return detail::powOf(x, y); }
TDL_MATH_INLINE double pow(double x, double y) { return detail::powOf(x, y); }
/// Correctly rounded (the IEEE square root).
TDL_MATH_INLINE float sqrt(float x) { return detail::sqrtImpl(x); }
TDL_MATH_INLINE double sqrt(double x) { return detail::sqrtImpl(x); }
/// 1 / sqrt(x): two correctly rounded operations (not an estimate).
TDL_MATH_INLINE float rsqrt(float x) { return 1.0f / detail::sqrtImpl(x); }
TDL_MATH_INLINE double rsqrt(double x) { return 1.0 / detail::sqrtImpl(x); }

} // namespace tdl::math

#if defined(__clang__)
#pragma float_control(pop)
#endif

#endif

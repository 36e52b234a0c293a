//===- Math.h - TDL's scalar float math functions, one definition ---------===//
//
// exp, log, tanh, sigmoid, sin, cos, pow, sqrt, rsqrt, log1p and expm1 for
// float and double (docs/math.md). Header-only and free of LLVM, libm and
// <cmath>, like ScalarSemantics.h: the reference interpreter (g++) and the cpu
// backend's kernel runtime (clang-19 bitcode, inlined into generated loops
// and vectorized for any instruction set) compile these same lines, and get
// bit-identical results because
//   * only +, -, *, /, sqrt (all correctly rounded in IEEE arithmetic),
//     comparisons, selects and integer bit operations are used: no fma, no
//     long double, no libm call, no rint (rounding to an integer is the
//     magic-number trick), no table lookup;
//   * nothing may be contracted into an fma: build with -ffp-contract=off.
//     clang is also told so below (`#pragma clang fp contract(off)`, which
//     holds under clang's default -ffp-contract=on but not under =fast);
//     g++ contracts whenever the target has FMA instructions, so with FMA
//     enabled this header refuses to compile unless TDL_MATH_NO_CONTRACT
//     says that -ffp-contract=off is set (x86-64 baseline has no FMA);
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
// float and within 0.91 / 1.26 / 1.07 / 1.75 ulp.
// Every function is `static inline __attribute__((always_inline))`
// (TDL_MATH_INLINE).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_KERNELS_MATH_H
#define TDL_RUNTIME_KERNELS_MATH_H

#include <stdint.h>

#if defined(__FAST_MATH__) || (defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__)
#error "runtime/kernels/Math.h needs IEEE semantics: no -ffast-math / -ffinite-math-only"
#endif
// Every operation must round to its own type (no x87 excess precision).
#if defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ != 0
#error "runtime/kernels/Math.h needs FLT_EVAL_METHOD == 0 (SSE2, not x87)"
#endif
// g++ contracts a*b+c into an fma whenever the target has one, pragmas or
// not: such a build must pass -ffp-contract=off and say so.
#if !defined(__clang__) && defined(__GNUC__) && defined(__FMA__) && !defined(TDL_MATH_NO_CONTRACT)
#error "runtime/kernels/Math.h with FMA enabled: compile with -ffp-contract=off -DTDL_MATH_NO_CONTRACT"
#endif

#define TDL_MATH_INLINE static inline __attribute__((always_inline))

#if defined(__clang__)
#pragma float_control(push)
#pragma clang fp contract(off)
#endif

// The IEEE square root without a libm call: -fmath-errno (the default) makes
// __builtin_sqrt call libm's sqrt for negative arguments.
#if defined(__clang__) && __has_builtin(__builtin_elementwise_sqrt)
#define TDL_MATH_SQRT_ELEMENTWISE 1
#elif !defined(__NO_MATH_ERRNO__) && defined(__SSE2__)
#define TDL_MATH_SQRT_SSE2 1
#include <emmintrin.h>
#endif

namespace tdl::math {
namespace detail {

template <class T> struct Tr;

//===-- bit helpers -------------------------------------------------------===//

template <class T> using UOf = typename Tr<T>::U;

template <class T> TDL_MATH_INLINE UOf<T> bits(T x) {
  return __builtin_bit_cast(UOf<T>, x);
}
template <class T> TDL_MATH_INLINE T fromBits(UOf<T> u) {
  return __builtin_bit_cast(T, u);
}
template <class T> TDL_MATH_INLINE T fabs(T x) {
  return fromBits<T>(bits(x) & ~Tr<T>::kSign);
}
/// |mag| with the sign of sgn.
template <class T> TDL_MATH_INLINE T copySign(T mag, T sgn) {
  return fromBits<T>((bits(mag) & ~Tr<T>::kSign) | (bits(sgn) & Tr<T>::kSign));
}
template <class T> TDL_MATH_INLINE bool isNaN(T x) { return x != x; }
template <class T> TDL_MATH_INLINE bool signBit(T x) {
  return (bits(x) & Tr<T>::kSign) != 0;
}
template <class T> TDL_MATH_INLINE T inf() { return fromBits<T>(Tr<T>::kInf); }
/// The quiet NaN returned for an invalid operation (log(-1), ...).
template <class T> TDL_MATH_INLINE T qnan() {
  return fromBits<T>(Tr<T>::kInf | (UOf<T>(1) << (Tr<T>::kMant - 1)));
}
/// x clamped to [lo, hi] (NaN stays NaN).
template <class T> TDL_MATH_INLINE T clamp(T x, T lo, T hi) {
  T y = x < lo ? lo : x;
  return y > hi ? hi : y;
}

/// x rounded to the nearest integer (ties to even), for |x| < 2^(mant-1).
template <class T> TDL_MATH_INLINE T roundSmall(T x) {
  return (x + Tr<T>::kRound) - Tr<T>::kRound;
}
/// 2^k for an integer-valued k with 2^k normal.
template <class T> TDL_MATH_INLINE T pow2i(T k) {
  // bits(k + 1.5*2^mant) = bits(1.5*2^mant) + k; the shift drops the
  // constant's bits.
  return fromBits<T>((bits(k + Tr<T>::kRound) + Tr<T>::kBias) << Tr<T>::kMant);
}
/// x * 2^k in two exact steps (the second one rounds once if the result is
/// subnormal), for |k| <= 2 * max exponent.
template <class T> TDL_MATH_INLINE T scale(T x, T k) {
  T k1 = roundSmall(k * T(0.5));
  T k2 = k - k1;
  return (x * pow2i(k1)) * pow2i(k2);
}
/// The unbiased exponent field of bits u (0..2*bias+1, plus sign garbage) as
/// a float, without an int->float conversion (AVX2 has none for int64).
template <class T> TDL_MATH_INLINE T exponentOf(UOf<T> u) {
  UOf<T> e = u >> Tr<T>::kMant;
  return fromBits<T>(bits(Tr<T>::kTwoMant) | e) - (Tr<T>::kTwoMant + T(Tr<T>::kBias));
}

//===-- error-free transformations (no fma) ------------------------------===//

template <class T> struct DD {
  T hi, lo;
};

/// s + e == a + b exactly, if |a| >= |b| (or a == 0).
template <class T> TDL_MATH_INLINE DD<T> fastTwoSum(T a, T b) {
  T s = a + b;
  return {s, (a - s) + b};
}
/// s + e == a + b exactly.
template <class T> TDL_MATH_INLINE DD<T> twoSum(T a, T b) {
  T s = a + b;
  T bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}
/// a == hi + lo with hi holding the upper half of the significand (masking
/// cannot overflow, unlike Veltkamp's split).
template <class T> TDL_MATH_INLINE DD<T> split(T a) {
  T hi = fromBits<T>(bits(a) & Tr<T>::kSplitMask);
  return {hi, a - hi};
}
/// p + e == a * b (exactly for float; for double the last partial product
/// may lose one bit, a relative 2^-106).
template <class T> TDL_MATH_INLINE DD<T> twoProd(T a, T b) {
  T p = a * b;
  DD<T> sa = split(a), sb = split(b);
  T e = (((sa.hi * sb.hi - p) + sa.hi * sb.lo) + sa.lo * sb.hi) + sa.lo * sb.lo;
  return {p, e};
}
template <class T> TDL_MATH_INLINE DD<T> twoSqr(T a) {
  T p = a * a;
  DD<T> s = split(a);
  T e = ((s.hi * s.hi - p) + T(2) * s.hi * s.lo) + s.lo * s.lo;
  return {p, e};
}
/// (a.hi + a.lo) * (b.hi + b.lo), not renormalized.
template <class T> TDL_MATH_INLINE DD<T> ddMul(DD<T> a, DD<T> b) {
  DD<T> p = twoProd(a.hi, b.hi);
  return {p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi)};
}
/// a + b for |a| >= |b|, renormalized.
template <class T> TDL_MATH_INLINE DD<T> ddAddFast(DD<T> a, DD<T> b) {
  DD<T> s = fastTwoSum(a.hi, b.hi);
  return fastTwoSum(s.hi, (s.lo + a.lo) + b.lo);
}
/// n / d rounded to working precision (error ~0.5 ulp); d.hi normal, the
/// quotient not subnormal.
template <class T> TDL_MATH_INLINE T ddDiv(DD<T> n, DD<T> d) {
  T q = n.hi / d.hi;
  DD<T> p = twoProd(q, d.hi);
  T rem = (((n.hi - p.hi) - p.lo) + n.lo) - q * d.lo;
  return q + rem / d.hi;
}

/// c0 + x * (c1 + x * (c2 + ...)), straight-line.
template <class T> TDL_MATH_INLINE T horner(T, T c0) { return c0; }
template <class T, class... C> TDL_MATH_INLINE T horner(T x, T c0, C... cs) {
  return c0 + x * horner<T>(x, cs...);
}

//===-- per-type constants and polynomials -------------------------------===//
// Coefficients: weighted minimax fits (Remez exchange in mpmath, coefficients
// rounded to the working precision one at a time and the rest refitted), see
// docs/math.md for the intervals and the approximation errors.

template <> struct Tr<float> {
  using U = uint32_t;
  static constexpr U kSign = 0x80000000u, kInf = 0x7f800000u;
  static constexpr U kMant = 23, kBias = 127;
  static constexpr U kSplitMask = 0xfffff000u; // 12 + 12 bits
  static constexpr U kSqrtHalfBits = 0x3f3504f3u, kOneBits = 0x3f800000u;
  static constexpr U kMantMask = 0x007fffffu;
  static constexpr float kRound = 0x1.8p23f, kTwoMant = 0x1p23f;
  static constexpr float kMinNormal = 0x1p-126f;

  // ln2 = kLn2Hi + kLn2Lo; k * kLn2Hi is exact for |k| < 2^8.
  static constexpr float kLn2Hi = 0x1.62e4p-1f, kLn2Lo = 0x1.7f7d1cp-20f;
  static constexpr float kLog2e = 0x1.715476p+0f;
  static constexpr float kLn2H = 0x1.62e43p-1f, kLn2L = -0x1.05c61p-29f;
  static constexpr float kInvLn2H = 0x1.715476p+0f, kInvLn2L = 0x1.4ae0cp-26f;
  static constexpr float kTwoThirdsH = 0x1.555556p-1f, kTwoThirdsL = -0x1.555556p-26f;

  // exp/expm1: inputs are clamped to these (the results saturate to
  // +inf / 0 / -1 by themselves). The constants of the generic exp, expm1,
  // tanh and sigmoid templates; the f32 API uses detail::expF etc. instead.
  static constexpr float kExpMin = -104.0f, kExpMax = 89.0f;
  static constexpr float kExpm1Min = -40.0f;
  static constexpr float kMaxExp = 127.0f; // largest k with 2^k normal
  // tanh(x) == 1 (rounded) for x >= 9.02; tanh(x) == x for |x| < 2^-13.
  static constexpr float kTanhMax = 10.0f, kTanhTiny = 0x1p-13f;
  // sigmoid(x) == e^x (rounded) for x <= -kSigTail.
  static constexpr float kSigMax = 110.0f, kSigTail = 20.0f;
  // pow: |y| clamp (any |y| beyond saturates), w clamp.
  static constexpr float kPowYMax = 0x1p32f, kPowWMin = -165.0f, kPowWMax = 135.0f;

  /// (e^r - 1 - r - r^2/2) / r^3 on |r| <= 0.347, relative error of the
  /// resulting expm1 approximation 2^-31.0.
  TDL_MATH_INLINE float expH1(float r) {
    return horner(r, 0x1.555554p-3f, 0x1.5554eap-5f, 0x1.1113acp-7f, 0x1.6d4c88p-10f,
                  0x1.9c5f2ap-13f);
  }
  /// R(z) = 2 atanh(s)/s - 2, z = s^2 <= 0.02944; |error| 2^-34.2.
  TDL_MATH_INLINE float logR(float z) {
    return z * horner(z, 0x1.555554p-1f, 0x1.999c26p-2f, 0x1.23d3ep-2f, 0x1.f13b22p-3f);
  }
  /// W(z) = (2 atanh(s)/s - 2 - 2z/3) / z^2; z^2 * error 2^-42.7.
  TDL_MATH_INLINE float powW(float z) {
    return horner(z, 0x1.999998p-2f, 0x1.2493b6p-2f, 0x1.c63da8p-3f, 0x1.9083fep-3f);
  }
  /// (sin(r) - r) / r^3 on |r| <= pi/4 + 0.0125; relative error 2^-32.5.
  TDL_MATH_INLINE float sinS(float z) {
    return horner(z, -0x1.555556p-3f, 0x1.11117p-7f, -0x1.a053fap-13f, 0x1.7a8aa6p-19f);
  }
  /// (cos(r) - 1 + r^2/2) / r^4 on |r| <= pi/4 + 0.0125; relative 2^-32.6.
  TDL_MATH_INLINE float cosC(float z) {
    return horner(z, 0x1.555548p-5f, -0x1.6c0af4p-10f, 0x1.99911cp-16f);
  }

  // sin/cos reduction: x - k*pi/2 with pi/2 = P1 + ... + P9, P1..P8 7-bit
  // slices (k * Pi exact for k < 2^16), P9 the rounded rest.
  static constexpr float kTwoOverPi = 0x1.45f306p-1f;
  static constexpr float kP1 = 0x1.9p+0f, kP2 = 0x1.0cp-7f, kP3 = 0x1.ecp-14f,
                         kP4 = 0x1.5p-22f, kP5 = 0x1.1p-30f, kP6 = 0x1.4p-39f,
                         kP7 = 0x1.44p-42f, kP8 = 0x1.08p-49f, kP9 = 0x1.a62634p-58f;
  struct Reduced {
    float hi, lo, k;
  };
  TDL_MATH_INLINE Reduced reduceTrig(float x) {
    float k = roundSmall(x * kTwoOverPi);
    // Exact while the running value needs <= 24 bits (docs/math.md).
    float t = ((x - k * kP1) - k * kP2) - k * kP3;
    DD<float> a = fastTwoSum(t, -(k * kP4));
    DD<float> b = fastTwoSum(a.hi, -(k * kP5));
    float lo = a.lo + b.lo;
    DD<float> c = fastTwoSum(b.hi, -(k * kP6));
    lo = lo + c.lo;
    DD<float> d = fastTwoSum(c.hi, -(k * kP7));
    lo = lo + d.lo;
    DD<float> e = fastTwoSum(d.hi, -(k * kP8));
    lo = (lo + e.lo) - k * kP9;
    DD<float> r = twoSum(e.hi, lo);
    return {r.hi, r.lo, k};
  }
};

template <> struct Tr<double> {
  using U = uint64_t;
  static constexpr U kSign = 0x8000000000000000ull, kInf = 0x7ff0000000000000ull;
  static constexpr U kMant = 52, kBias = 1023;
  static constexpr U kSplitMask = 0xfffffffff8000000ull; // 26 + 27 bits
  static constexpr U kSqrtHalfBits = 0x3fe6a09e667f3bcdull;
  static constexpr U kOneBits = 0x3ff0000000000000ull;
  static constexpr U kMantMask = 0x000fffffffffffffull;
  static constexpr double kRound = 0x1.8p52, kTwoMant = 0x1p52;
  static constexpr double kMinNormal = 0x1p-1022;

  static constexpr double kLn2Hi = 0x1.62e42fefa38p-1, kLn2Lo = 0x1.ef35793c7673p-45;
  static constexpr double kLog2e = 0x1.71547652b82fep+0;
  static constexpr double kLn2H = 0x1.62e42fefa39efp-1, kLn2L = 0x1.abc9e3b39803fp-56;
  static constexpr double kInvLn2H = 0x1.71547652b82fep+0, kInvLn2L = 0x1.777d0ffda0d24p-56;
  static constexpr double kTwoThirdsH = 0x1.5555555555555p-1,
                          kTwoThirdsL = 0x1.5555555555555p-55;

  static constexpr double kExpMin = -746.0, kExpMax = 710.0;
  static constexpr double kExpm1Min = -60.0;
  static constexpr double kMaxExp = 1023.0;
  static constexpr double kTanhMax = 20.0, kTanhTiny = 0x1p-28;
  static constexpr double kSigMax = 750.0, kSigTail = 40.0;
  static constexpr double kPowYMax = 0x1p64, kPowWMin = -1100.0, kPowWMax = 1030.0;

  /// relative error of the expm1 approximation 2^-61.5.
  TDL_MATH_INLINE double expH1(double r) {
    return horner(r, 0x1.5555555555555p-3, 0x1.555555555555ap-5, 0x1.11111111113bdp-7,
                  0x1.6c16c16c13f8dp-10, 0x1.a01a019e6f135p-13, 0x1.a01a01b339ed0p-16,
                  0x1.71de418734df9p-19, 0x1.27e4bffa6f128p-22, 0x1.ae48594cfb52ap-26,
                  0x1.1f9bea454c1cfp-29, 0x1.897d90e22cd68p-33);
  }
  /// |error| 2^-58.5.
  TDL_MATH_INLINE double logR(double z) {
    return z * horner(z, 0x1.5555555555592p-1, 0x1.999999997ff06p-2, 0x1.24924941e30ecp-2,
                      0x1.c71c5212821d7p-3, 0x1.74663d5de1ee8p-3, 0x1.39a1dbee7914dp-3,
                      0x1.2f04495837569p-3);
  }
  /// z^2 * error 2^-72.5.
  TDL_MATH_INLINE double powW(double z) {
    return horner(z, 0x1.9999999999996p-2, 0x1.2492492492f51p-2, 0x1.c71c71c5968c3p-3,
                  0x1.745d182959fb4p-3, 0x1.3b1364c7e8d20p-3, 0x1.11206f7248284p-3,
                  0x1.de3d63afd3ec9p-4, 0x1.eac638739a41ep-4);
  }
  /// relative error 2^-63.2 on |r| <= pi/4 + 1e-4.
  TDL_MATH_INLINE double sinS(double z) {
    return horner(z, -0x1.5555555555555p-3, 0x1.1111111111069p-7, -0x1.a01a019ffe523p-13,
                  0x1.71de3a33a5806p-19, -0x1.ae642c51b5932p-26, 0x1.6109bd7f7bfe9p-33,
                  -0x1.9ffd82055e2b5p-41);
  }
  /// relative error 2^-63.9.
  TDL_MATH_INLINE double cosC(double z) {
    return horner(z, 0x1.555555555554bp-5, -0x1.6c16c16c15013p-10, 0x1.a01a019c8ed08p-16,
                  -0x1.27e4f7f14127ap-22, 0x1.1ee9db8e4a88ap-29, -0x1.8fa65ea456d62p-37);
  }

  // pi/2 = P1 + ... + P6, P1..P5 22-bit slices (k * Pi exact for k < 2^30).
  static constexpr double kTwoOverPi = 0x1.45f306dc9c883p-1;
  static constexpr double kP1 = 0x1.921fbp+0, kP2 = 0x1.5110bp-22, kP3 = 0x1.184698p-44,
                          kP4 = 0x1.31988p-69, kP5 = 0x1.1701b8p-88,
                          kP6 = 0x1.cd129024e088ap-115;
  struct Reduced {
    double hi, lo, k;
  };
  TDL_MATH_INLINE Reduced reduceTrig(double x) {
    double k = roundSmall(x * kTwoOverPi);
    double t = (x - k * kP1) - k * kP2;
    DD<double> a = fastTwoSum(t, -(k * kP3));
    DD<double> b = fastTwoSum(a.hi, -(k * kP4));
    double lo = a.lo + b.lo;
    DD<double> c = fastTwoSum(b.hi, -(k * kP5));
    lo = (lo + c.lo) - k * kP6;
    DD<double> r = twoSum(c.hi, lo);
    return {r.hi, r.lo, k};
  }
};

//===-- building blocks ---------------------------------------------------===//

/// e^(rh + rl) - 1 as hi + lo, for |rh| <= 0.347 and |rl| <~ ulp(rh); the
/// relative error is about 2^-28 (float) / 2^-58 (double).
template <class T> TDL_MATH_INLINE DD<T> expm1Core(T rh, T rl) {
  DD<T> z = twoSqr(rh);
  T a = T(0.5) * z.hi;                       // exact
  T t = (rh * z.hi) * Tr<T>::expH1(rh) + T(0.5) * z.lo;
  DD<T> s = fastTwoSum(rh, a);               // |rh| >= rh^2/2
  T lo = ((s.lo + t) + rl) + rl * rh;
  return fastTwoSum(s.hi, lo);
}

/// Cody-Waite reduction for exp: x = k ln2 + rh + rl, |rh| <= 0.347.
template <class T> struct ExpReduced {
  T k, rh, rl;
};
template <class T> TDL_MATH_INLINE ExpReduced<T> reduceExp(T x) {
  T k = roundSmall(x * Tr<T>::kLog2e);
  T t = x - k * Tr<T>::kLn2Hi; // exact
  T c = k * Tr<T>::kLn2Lo;
  DD<T> r = fastTwoSum(t, -c);
  return {k, r.hi, r.lo};
}

/// e^x = (hi + lo) * 2^k with hi + lo in [0.7, 1.42]; x already clamped.
template <class T> struct ExpParts {
  T hi, lo, k;
};
template <class T> TDL_MATH_INLINE ExpParts<T> expParts(T x) {
  ExpReduced<T> r = reduceExp(x);
  DD<T> p = expm1Core(r.rh, r.rl);
  DD<T> e = fastTwoSum(T(1), p.hi);
  return {e.hi, e.lo + p.lo, r.k};
}

/// expm1(x) as hi + lo (not renormalized) times F, F = 2 only when 2^k would
/// overflow; x already clamped.
template <class T> struct Expm1Parts {
  T hi, lo, f;
};
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

/// log2|x| as hi + lo with a relative error ~2^-40 (float) / ~2^-67
/// (double), for finite x > 0.
template <class T> TDL_MATH_INLINE DD<T> log2Dd(T x) {
  using U = UOf<T>;
  bool sub = x < Tr<T>::kMinNormal;
  T xs = sub ? x * Tr<T>::kTwoMant : x;
  U ix = bits(xs) + (Tr<T>::kOneBits - Tr<T>::kSqrtHalfBits);
  T e = exponentOf<T>(ix) - (sub ? T(Tr<T>::kMant) : T(0));
  T m = fromBits<T>((ix & Tr<T>::kMantMask) + Tr<T>::kSqrtHalfBits);
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
constexpr float kRound = 0x1.8p23f; // v = y + kRound: round(y) in the low bits of v
// ln2 = kL1 + kL2 + 2^-44.05: k * kL1 is exact for |k| < 2^9 (kL1 has 15 bits).
constexpr float kL1 = 0x1.62e4p-1f, kL2 = 0x1.7f7d1cp-20f;
constexpr uint32_t kOne = 0x3f800000u;
// e^r = 1 + r + r^2 (C0 + C1 r + C2 r^2 + C3 r^3 + C4 r^4) on |r| <= 0.3467,
// relative error 2^-28.2.
constexpr float C0 = 0x1.fffffcp-2f, C1 = 0x1.55548cp-3f, C2 = 0x1.555858p-5f,
                C3 = 0x1.123dc8p-7f, C4 = 0x1.6ac4dp-10f;
// tanh(a) = a + a^3 (S0 + S1 a^2 + S2 a^4 + S3 a^6 + S4 a^8) on |a| <= 0.7,
// relative error 2^-25.9.
constexpr float S0 = -0x1.5554f6p-2f, S1 = 0x1.10fb0ap-3f, S2 = -0x1.b6c362p-5f,
                S3 = 0x1.4939cp-6f, S4 = -0x1.50e2aap-8f;

/// x = k ln2 + (t1 - c) with t1 = x - k kL1 (exact), c = k kL2 and
/// r = fl(t1 - c), |r| <= 0.3467, for |x| <= 104 (k in [-150, 128]).
/// v = k + 1.5 2^23 holds k in its low bits: bits(v) << 23 == k << 23.
struct Reduced {
  float v, t1, c, r;
};
TDL_MATH_INLINE Reduced reduce(float x) {
  float v = x * kLog2e + kRound;
  float k = v - kRound;
  float t1 = x - k * kL1;
  float c = k * kL2;
  return {v, t1, c, t1 - c};
}
/// r^2 (C0 + C1 r + ... + C4 r^4) = e^r - 1 - r.
TDL_MATH_INLINE float expQ(float r) {
  float s2 = r * r;
  return s2 * ((C0 + C1 * r) + s2 * (C2 + r * (C3 + r * C4)));
}
} // namespace f32

TDL_MATH_INLINE float expF(float x) {
  using namespace f32;
  // x < -104 (also -inf and a negative NaN, repaired below) -> -104, where
  // e^x has underflowed: for negative floats a larger pattern is a smaller
  // value.
  uint32_t xb = bits(x);
  Reduced d = reduce(fromBits<float>(xb < 0xc2d00000u ? xb : 0xc2d00000u));
  // e^r = 1 + (t1 - (c - (e^r - 1 - r))): the rounding error of r only
  // enters the r^2 term.
  float u = 1.0f + (d.t1 - (d.c - expQ(d.r))); // in [0.7, 1.42]
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
  Reduced d = reduce(fromBits<float>(xb < 0xc18b3333u ? xb : 0xc18b3333u));
  float q = expQ(d.r);
  uint32_t kb = bits(d.v) << 23;
  // 2^-k - 1: exact for k in [-24, 127]; k = 128 is taken as 127 (either
  // way the value is -1). For k = -25 (x < -16.98) it rounds to 2^25 and the
  // result to -1, at most 0.71 ulp from -1 + e^x.
  int32_t kbm = int32_t(kb) < (127 << 23) ? int32_t(kb) : (127 << 23);
  float pm1 = fromBits<float>(kOne - uint32_t(kbm)) - 1.0f;
  // expm1(x) = 2^k (e^r - 2^-k) = 2^k ((t1 - (2^-k - 1)) - (c - (e^r-1-r)));
  // for k >= 0 the first difference is exact. expm1(-0) = -0.
  float s = (d.t1 - pm1) - (d.c - q);
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
  float v = ac * (2.0f * kLog2e) + kRound;
  float k = v - kRound;
  float t1 = ac - k * (0.5f * kL1); // exact
  float r = t1 - k * (0.5f * kL2);
  float w = small ? a * a : r;
  float b = small ? a : r;
  float P = horner(w, small ? S0 : 2.0f * C0, small ? S1 : 4.0f * C1, small ? S2 : 8.0f * C2,
                   small ? S3 : 16.0f * C3, small ? S4 : 32.0f * C4);
  float y = b + (b * w) * P;
  uint32_t kb = bits(v) << 23;                           // k in [0, 26]
  float p = fromBits<float>(kOne - kb);                  // 2^-k
  float ph = fromBits<float>(kOne - (1u << 23) - kb);    // 2^-(k+1)
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
  float xc = x > 17.5f ? 17.5f : x; // k = -25: the result is 1 beyond; NaN stays NaN
  xc = xc < -104.0f ? -104.0f : xc; // 0 below
  // -xc = k ln2 + r, reduced with negated constants: t1n = -t1, rn = -r.
  float v = xc * -kLog2e + kRound;
  float k = v - kRound;
  float t1n = xc + k * kL1; // exact
  float rn = t1n + k * kL2;
  float s2 = rn * rn;
  float q = s2 * ((C0 - C1 * rn) + s2 * (C2 - rn * (C3 - rn * C4))); // e^r - 1 - r
  uint32_t kb = bits(v) << 23;
  float p = fromBits<float>(kOne + (64u << 23) - kb); // 2^(64-k)
  float l = bits(p) <= 0x53800000u ? p * 0x1p-64f : 0.0f; // 2^-k if k >= 24
  float t = (q + l) - rn;
  return p / ((0x1p64f + p) + t * 0x1p64f); // NaN: x quieted, as x + x
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
  return k * Tr<T>::kLn2Hi + (f - (hfsq - (s * (hfsq + r) + (k * Tr<T>::kLn2Lo + c))));
}

template <class T> TDL_MATH_INLINE T logImpl(T x) {
  using U = UOf<T>;
  bool sub = x < Tr<T>::kMinNormal;
  T xs = sub ? x * Tr<T>::kTwoMant : x;
  U ix = bits(xs) + (Tr<T>::kOneBits - Tr<T>::kSqrtHalfBits);
  T k = exponentOf<T>(ix) - (sub ? T(Tr<T>::kMant) : T(0));
  T m = fromBits<T>((ix & Tr<T>::kMantMask) + Tr<T>::kSqrtHalfBits);
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

template <class T> TDL_MATH_INLINE T powImpl(T x, T y) {
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
  T mag = scale(e.hi + (e.lo + p.lo), k);
  // x = +-0 or +-inf.
  T zmag = ((ax == T(0)) == (y < T(0))) ? inf<T>() : T(0);
  mag = (ax == T(0) || ax == inf<T>()) ? zmag : mag;
  T res = (yodd && signBit(x)) ? -mag : mag;
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
TDL_MATH_INLINE float sin(float x) { return detail::sinCosImpl(x, false); }
TDL_MATH_INLINE double sin(double x) { return detail::sinCosImpl(x, false); }
TDL_MATH_INLINE float cos(float x) { return detail::sinCosImpl(x, true); }
TDL_MATH_INLINE double cos(double x) { return detail::sinCosImpl(x, true); }
TDL_MATH_INLINE float pow(float x, float y) { return detail::powImpl(x, y); }
TDL_MATH_INLINE double pow(double x, double y) { return detail::powImpl(x, y); }
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

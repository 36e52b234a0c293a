//===- MathPrimitives.h - bit helpers, error-free sums, constants -*- C++
//-*-===//
//
// The lower half of runtime/kernels/Math.h (read its header comment for the
// contract): the build checks that keep results bit-identical between
// compilers, bit access to floats, error-free transformations (double-word
// arithmetic, products through fma), and the per-type constants and polynomials
// (detail::Tr<float>, detail::Tr<double>). Math.h builds the functions on
// these.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_KERNELS_MATHPRIMITIVES_H
#define TDL_RUNTIME_KERNELS_MATHPRIMITIVES_H

#include <stdint.h>

#if defined(__FAST_MATH__) ||                                                  \
    (defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__)
#error                                                                         \
    "runtime/kernels/Math.h needs IEEE semantics: no -ffast-math / -ffinite-math-only"
#endif
// Every operation must round to its own type (no x87 excess precision).
#if defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ != 0
#error "runtime/kernels/Math.h needs FLT_EVAL_METHOD == 0 (SSE2, not x87)"
#endif
// g++ contracts a*b+c into an fma whenever the target has one, pragmas or
// not: such a build must pass -ffp-contract=off and say so.
#if !defined(__clang__) && defined(__GNUC__) && defined(__FMA__) &&            \
    !defined(TDL_MATH_NO_CONTRACT)
#error                                                                         \
    "runtime/kernels/Math.h with FMA enabled: compile with -ffp-contract=off -DTDL_MATH_NO_CONTRACT"
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
  return fromBits<T>(bits(Tr<T>::kTwoMant) | e) -
         (Tr<T>::kTwoMant + T(Tr<T>::kBias));
}

//===-- error-free transformations ---------------------------------------===//

template <class T> struct DD { T hi, lo; };

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
/// a * b + c rounded once (IEEE fusedMultiplyAdd): one instruction on every
/// x86-64 since Haswell (the AVX2 and AVX-512 code), a correctly rounded
/// libm call (fmaf / fma) elsewhere: the same bits either way.
TDL_MATH_INLINE float fmaOf(float a, float b, float c) {
  return __builtin_fmaf(a, b, c);
}
TDL_MATH_INLINE double fmaOf(double a, double b, double c) {
  return __builtin_fma(a, b, c);
}

/// p + e == a * b exactly (barring underflow of e).
template <class T> TDL_MATH_INLINE DD<T> twoProd(T a, T b) {
  T p = a * b;
  return {p, fmaOf(a, b, -p)};
}
template <class T> TDL_MATH_INLINE DD<T> twoSqr(T a) { return twoProd(a, a); }
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

/// c0 + x * (c1 + x * (c2 + ...)), one fma per coefficient.
template <class T> TDL_MATH_INLINE T horner(T, T c0) { return c0; }
template <class T, class... C> TDL_MATH_INLINE T horner(T x, T c0, C... cs) {
  return fmaOf(x, horner<T>(x, cs...), c0);
}

//===-- per-type constants and polynomials -------------------------------===//
// Coefficients: weighted minimax fits (Remez exchange in mpmath, coefficients
// rounded to the working precision one at a time and the rest refitted), see
// docs/math.md for the intervals and the approximation errors.

template <> struct Tr<float> {
  using U = uint32_t;
  static constexpr U kSign = 0x80000000u, kInf = 0x7f800000u;
  static constexpr U kMant = 23, kBias = 127;
  static constexpr U kSqrtHalfBits = 0x3f3504f3u, kOneBits = 0x3f800000u;
  static constexpr U kMantMask = 0x007fffffu;
  static constexpr float kRound = 0x1.8p23f, kTwoMant = 0x1p23f;
  static constexpr float kMinNormal = 0x1p-126f;

  // ln2 = kLn2Hi + kLn2Lo; k * kLn2Hi is exact for |k| < 2^8.
  static constexpr float kLn2Hi = 0x1.62e4p-1f, kLn2Lo = 0x1.7f7d1cp-20f;
  static constexpr float kLog2e = 0x1.715476p+0f;
  static constexpr float kLn2H = 0x1.62e43p-1f, kLn2L = -0x1.05c61p-29f;
  static constexpr float kInvLn2H = 0x1.715476p+0f, kInvLn2L = 0x1.4ae0cp-26f;
  static constexpr float kTwoThirdsH = 0x1.555556p-1f,
                         kTwoThirdsL = -0x1.555556p-26f;

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
  static constexpr float kPowYMax = 0x1p32f, kPowWMin = -165.0f,
                         kPowWMax = 135.0f;

  /// (e^r - 1 - r - r^2/2) / r^3 on |r| <= 0.347, relative error of the
  /// resulting expm1 approximation 2^-31.0.
  TDL_MATH_INLINE float expH1(float r) {
    return horner(r, 0x1.555554p-3f, 0x1.5554eap-5f, 0x1.1113acp-7f,
                  0x1.6d4c88p-10f, 0x1.9c5f2ap-13f);
  }
  /// R(z) = 2 atanh(s)/s - 2, z = s^2 <= 0.02944; |error| 2^-34.2.
  TDL_MATH_INLINE float logR(float z) {
    return z * horner(z, 0x1.555554p-1f, 0x1.999c26p-2f, 0x1.23d3ep-2f,
                      0x1.f13b22p-3f);
  }
  /// W(z) = (2 atanh(s)/s - 2 - 2z/3) / z^2; z^2 * error 2^-42.7.
  TDL_MATH_INLINE float powW(float z) {
    return horner(z, 0x1.999998p-2f, 0x1.2493b6p-2f, 0x1.c63da8p-3f,
                  0x1.9083fep-3f);
  }
  // sin and cos: computed in double (Math.h sinCosF).
};

template <> struct Tr<double> {
  using U = uint64_t;
  static constexpr U kSign = 0x8000000000000000ull,
                     kInf = 0x7ff0000000000000ull;
  static constexpr U kMant = 52, kBias = 1023;
  static constexpr U kSqrtHalfBits = 0x3fe6a09e667f3bcdull;
  static constexpr U kOneBits = 0x3ff0000000000000ull;
  static constexpr U kMantMask = 0x000fffffffffffffull;
  static constexpr double kRound = 0x1.8p52, kTwoMant = 0x1p52;
  static constexpr double kMinNormal = 0x1p-1022;

  static constexpr double kLn2Hi = 0x1.62e42fefa38p-1,
                          kLn2Lo = 0x1.ef35793c7673p-45;
  static constexpr double kLog2e = 0x1.71547652b82fep+0;
  static constexpr double kLn2H = 0x1.62e42fefa39efp-1,
                          kLn2L = 0x1.abc9e3b39803fp-56;
  static constexpr double kInvLn2H = 0x1.71547652b82fep+0,
                          kInvLn2L = 0x1.777d0ffda0d24p-56;
  static constexpr double kTwoThirdsH = 0x1.5555555555555p-1,
                          kTwoThirdsL = 0x1.5555555555555p-55;

  static constexpr double kExpMin = -746.0, kExpMax = 710.0;
  static constexpr double kExpm1Min = -60.0;
  static constexpr double kMaxExp = 1023.0;
  static constexpr double kTanhMax = 20.0, kTanhTiny = 0x1p-28;
  static constexpr double kSigMax = 750.0, kSigTail = 40.0;
  static constexpr double kPowYMax = 0x1p64, kPowWMin = -1100.0,
                          kPowWMax = 1030.0;

  /// relative error of the expm1 approximation 2^-61.5.
  TDL_MATH_INLINE double expH1(double r) {
    return horner(
        r, 0x1.5555555555555p-3, 0x1.555555555555ap-5, 0x1.11111111113bdp-7,
        0x1.6c16c16c13f8dp-10, 0x1.a01a019e6f135p-13, 0x1.a01a01b339ed0p-16,
        0x1.71de418734df9p-19, 0x1.27e4bffa6f128p-22, 0x1.ae48594cfb52ap-26,
        0x1.1f9bea454c1cfp-29, 0x1.897d90e22cd68p-33);
  }
  /// |error| 2^-58.5.
  TDL_MATH_INLINE double logR(double z) {
    return z * horner(z, 0x1.5555555555592p-1, 0x1.999999997ff06p-2,
                      0x1.24924941e30ecp-2, 0x1.c71c5212821d7p-3,
                      0x1.74663d5de1ee8p-3, 0x1.39a1dbee7914dp-3,
                      0x1.2f04495837569p-3);
  }
  /// z^2 * error 2^-72.5.
  TDL_MATH_INLINE double powW(double z) {
    return horner(z, 0x1.9999999999996p-2, 0x1.2492492492f51p-2,
                  0x1.c71c71c5968c3p-3, 0x1.745d182959fb4p-3,
                  0x1.3b1364c7e8d20p-3, 0x1.11206f7248284p-3,
                  0x1.de3d63afd3ec9p-4, 0x1.eac638739a41ep-4);
  }
  /// relative error 2^-63.2 on |r| <= pi/4 + 1e-4.
  TDL_MATH_INLINE double sinS(double z) {
    return horner(z, -0x1.5555555555555p-3, 0x1.1111111111069p-7,
                  -0x1.a01a019ffe523p-13, 0x1.71de3a33a5806p-19,
                  -0x1.ae642c51b5932p-26, 0x1.6109bd7f7bfe9p-33,
                  -0x1.9ffd82055e2b5p-41);
  }
  /// relative error 2^-63.9.
  TDL_MATH_INLINE double cosC(double z) {
    return horner(z, 0x1.555555555554bp-5, -0x1.6c16c16c15013p-10,
                  0x1.a01a019c8ed08p-16, -0x1.27e4f7f14127ap-22,
                  0x1.1ee9db8e4a88ap-29, -0x1.8fa65ea456d62p-37);
  }

  // pi/2 = P1 + ... + P6, P1..P5 22-bit slices (k * Pi exact for k < 2^30).
  static constexpr double kTwoOverPi = 0x1.45f306dc9c883p-1;
  static constexpr double kP1 = 0x1.921fbp+0, kP2 = 0x1.5110bp-22,
                          kP3 = 0x1.184698p-44, kP4 = 0x1.31988p-69,
                          kP5 = 0x1.1701b8p-88, kP6 = 0x1.cd129024e088ap-115;
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

} // namespace detail
} // namespace tdl::math

#if defined(__clang__)
#pragma float_control(pop)
#endif

#endif

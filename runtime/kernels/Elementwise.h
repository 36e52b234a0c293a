//===- Elementwise.h - TDL's elementwise ops on one scalar ------*- C++ -*-===//
//
// The semantics of every elementwise op (docs/ir.md "Elementwise"), written
// once: the reference interpreter maps them over its runtime values
// (ssa_ir/interp/ElementwiseKernels.cpp) and the cpu runtime wraps them as
// the always-inlined `tdl_ew_<op>_<dtype>` functions that generated loops
// call (runtime/cpu/CpuRuntime.cpp), so both backends compute the same bits
// by construction. Integer wrapping, pow, shifts and casts come from
// ScalarSemantics.h; the transcendental functions from Math.h (the
// project's own, identical on every machine and C library).
//
// Header-only, free of LLVM and libm: floor/ceil/round/fmod/fabs are the
// compiler's builtins, which are exact (an instruction or an exact libm
// routine, the same result either way).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_KERNELS_ELEMENTWISE_H
#define TDL_RUNTIME_KERNELS_ELEMENTWISE_H

#include "runtime/kernels/Math.h"
#include "runtime/kernels/ScalarSemantics.h"

#include <stdint.h>
#include <type_traits>

namespace tdl::kernels::ew {

/// Always inlined: the cpu runtime's tdl_ew_* wrappers are inlined into the
/// generated loops, and these with them, so the loops vectorize.
#define TDL_EW_INLINE inline __attribute__((always_inline))

using scalar::isInt;

template <typename T> constexpr bool isFloat = std::is_floating_point_v<T>;

//===-- Unary -------------------------------------------------------------===//

template <typename T> TDL_EW_INLINE T neg(T a) { return scalar::wrapNeg(a); }
template <typename T> TDL_EW_INLINE T abs(T a) {
  if constexpr (isInt<T>)
    return a < 0 ? scalar::wrapNeg(a) : a;
  else
    return __builtin_fabs(a);
}
/// -1, 0 or 1; NaN stays NaN, ±0 gives +0.
template <typename T> TDL_EW_INLINE T sign(T a) {
  if constexpr (isFloat<T>)
    if (a != a)
      return a;
  return T((a > T(0)) - (a < T(0)));
}
template <typename T> TDL_EW_INLINE T exp(T a) { return math::exp(a); }
template <typename T> TDL_EW_INLINE T log(T a) { return math::log(a); }
template <typename T> TDL_EW_INLINE T sqrt(T a) { return math::sqrt(a); }
template <typename T> TDL_EW_INLINE T rsqrt(T a) { return math::rsqrt(a); }
template <typename T> TDL_EW_INLINE T sin(T a) { return math::sin(a); }
template <typename T> TDL_EW_INLINE T cos(T a) { return math::cos(a); }
template <typename T> TDL_EW_INLINE T tanh(T a) { return math::tanh(a); }
template <typename T> TDL_EW_INLINE T sigmoid(T a) { return math::sigmoid(a); }
template <typename T> TDL_EW_INLINE T floor(T a) { return __builtin_floor(a); }
template <> TDL_EW_INLINE float floor(float a) { return __builtin_floorf(a); }
template <typename T> TDL_EW_INLINE T ceil(T a) { return __builtin_ceil(a); }
template <> TDL_EW_INLINE float ceil(float a) { return __builtin_ceilf(a); }
/// Half to even (the default rounding mode).
template <typename T> TDL_EW_INLINE T round(T a) {
  return __builtin_nearbyint(a);
}
template <> TDL_EW_INLINE float round(float a) {
  return __builtin_nearbyintf(a);
}
/// Logical not for bool (0/1 bytes), bitwise for integers.
template <typename T> TDL_EW_INLINE T logicalNot(T a) {
  if constexpr (std::is_same_v<T, uint8_t>)
    return a ? 0 : 1;
  else if constexpr (isInt<T>)
    return T(~a);
  else
    return a; // floats: rejected by the type rules
}
template <typename T> TDL_EW_INLINE uint8_t isNaN(T a) {
  return a != a ? 1 : 0;
}

//===-- Binary ------------------------------------------------------------===//

template <typename T> TDL_EW_INLINE T add(T a, T b) {
  return scalar::wrapAdd(a, b);
}
template <typename T> TDL_EW_INLINE T sub(T a, T b) {
  return scalar::wrapSub(a, b);
}
template <typename T> TDL_EW_INLINE T mul(T a, T b) {
  return scalar::wrapMul(a, b);
}
/// Integers truncate toward zero and INT_MIN / -1 wraps; a zero divisor is
/// the caller's run-time error (checked before the loop), 0 here.
template <typename T> TDL_EW_INLINE T div(T a, T b) {
  if constexpr (isInt<T>) {
    if (b == 0)
      return 0;
    if (b == T(-1))
      return scalar::wrapNeg(a);
    return T(a / b);
  } else {
    return a / b;
  }
}
/// Integers: the sign of the dividend (C); floats: fmod.
template <typename T> TDL_EW_INLINE T rem(T a, T b) {
  if constexpr (isInt<T>) {
    if (b == 0 || b == T(-1))
      return 0;
    return T(a % b);
  } else if constexpr (std::is_same_v<T, float>) {
    return __builtin_fmodf(a, b);
  } else {
    return __builtin_fmod(a, b);
  }
}
template <typename T> TDL_EW_INLINE T pow(T a, T b) {
  if constexpr (isInt<T>)
    return scalar::intPow(a, b);
  else
    return math::pow(a, b);
}
template <typename T> TDL_EW_INLINE T max(T a, T b) {
  return scalar::nanMax(a, b);
}
template <typename T> TDL_EW_INLINE T min(T a, T b) {
  return scalar::nanMin(a, b);
}
template <typename T> TDL_EW_INLINE T bitAnd(T a, T b) { return T(a & b); }
template <typename T> TDL_EW_INLINE T bitOr(T a, T b) { return T(a | b); }
template <typename T> TDL_EW_INLINE T bitXor(T a, T b) { return T(a ^ b); }
template <typename T> TDL_EW_INLINE T shl(T a, T b) {
  return scalar::shiftLeft(a, b);
}
template <typename T> TDL_EW_INLINE T shr(T a, T b) {
  return scalar::shiftRight(a, b);
}

template <typename T> TDL_EW_INLINE uint8_t eq(T a, T b) { return a == b; }
template <typename T> TDL_EW_INLINE uint8_t ne(T a, T b) { return a != b; }
template <typename T> TDL_EW_INLINE uint8_t lt(T a, T b) { return a < b; }
template <typename T> TDL_EW_INLINE uint8_t le(T a, T b) { return a <= b; }
template <typename T> TDL_EW_INLINE uint8_t gt(T a, T b) { return a > b; }
template <typename T> TDL_EW_INLINE uint8_t ge(T a, T b) { return a >= b; }

#undef TDL_EW_INLINE

} // namespace tdl::kernels::ew

#endif

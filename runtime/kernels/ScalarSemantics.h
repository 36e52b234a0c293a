//===- ScalarSemantics.h - TDL's integer and cast semantics, one definition
//===//
//
// Two's-complement wrapping arithmetic, integer pow and shifts, and Rust-style
// `as` casts (LANGUAGE.md §2) on one scalar. Header-only and free of LLVM and
// <cmath> so that the reference interpreter (ssa_ir/interp) and the cpu
// backend's kernel runtime (runtime/cpu, compiled to bitcode) share it: the
// backends agree on these ops by construction, not by keeping two copies in
// step.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_KERNELS_SCALARSEMANTICS_H
#define TDL_RUNTIME_KERNELS_SCALARSEMANTICS_H

#include <limits>
#include <stdint.h>
#include <type_traits>

namespace tdl::scalar {

template <typename T> constexpr bool isInt = std::is_integral_v<T>;

template <typename T> T wrapNeg(T v) {
  if constexpr (isInt<T>)
    return T(std::make_unsigned_t<T>(0) - std::make_unsigned_t<T>(v));
  else
    return -v;
}
template <typename T> T wrapAdd(T a, T b) {
  if constexpr (isInt<T>)
    return T(std::make_unsigned_t<T>(a) + std::make_unsigned_t<T>(b));
  else
    return a + b;
}
template <typename T> T wrapSub(T a, T b) {
  if constexpr (isInt<T>)
    return T(std::make_unsigned_t<T>(a) - std::make_unsigned_t<T>(b));
  else
    return a - b;
}
template <typename T> T wrapMul(T a, T b) {
  if constexpr (isInt<T>) {
    using U = std::make_unsigned_t<T>;
    // uint8 * uint8 promotes to int; the product of two bytes fits.
    return T(U(U(a) * U(b)));
  } else {
    return a * b;
  }
}

/// NumPy's maximum / minimum: the first NaN operand wins, else the larger /
/// smaller; on ties (-0 vs +0) the first operand.
template <typename T> T nanMax(T a, T b) {
  if constexpr (!isInt<T>) {
    if (a != a)
      return a;
    if (b != b)
      return b;
  }
  return a < b ? b : a;
}
template <typename T> T nanMin(T a, T b) {
  if constexpr (!isInt<T>) {
    if (a != a)
      return a;
    if (b != b)
      return b;
  }
  return b < a ? b : a;
}

template <typename T> T intPow(T base, T exp) {
  if (exp < 0) // the truncated value of base^exp
    return base == 1 ? 1 : base == -1 ? ((exp & 1) ? T(-1) : T(1)) : 0;
  T result = 1;
  while (exp) {
    if (exp & 1)
      result = wrapMul(result, base);
    base = wrapMul(base, base);
    exp >>= 1;
  }
  return result;
}

template <typename T> T shiftLeft(T a, T b) {
  if (b < 0 || b >= T(sizeof(T) * 8))
    return 0;
  return T(std::make_unsigned_t<T>(a) << b);
}
template <typename T> T shiftRight(T a, T b) {
  if (b < 0 || b >= T(sizeof(T) * 8))
    return a < 0 ? T(-1) : T(0);
  return T(a >> b); // arithmetic on signed types (C++20)
}

/// Rust `as`: float -> int truncates toward zero and saturates, NaN -> 0;
/// int -> int keeps the low bits; int -> float rounds to nearest; x -> bool
/// is x != 0 (NaN -> true); bool -> x is 0 or 1. Bool is held as uint8_t.
template <typename To, typename From> To convert(From v) {
  if constexpr (std::is_same_v<To, uint8_t> && !std::is_same_v<From, uint8_t>) {
    return v != From(0) ? 1 : 0;
  } else if constexpr (std::is_floating_point_v<From> && isInt<To>) {
    if (v != v) // NaN
      return 0;
    constexpr double limit = -double(std::numeric_limits<To>::min()); // 2^(n-1)
    if (double(v) >= limit)
      return std::numeric_limits<To>::max();
    if (double(v) <= -limit)
      return std::numeric_limits<To>::min();
    return To(v);
  } else {
    return To(v); // int->int wraps (C++20), int->float rounds to nearest
  }
}

} // namespace tdl::scalar

#endif

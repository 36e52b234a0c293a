//===- ElementwiseKernels.cpp - unary, binary, select, cast ---------------===//
//
// Each op is one tight loop per dtype: the switch on the opcode and the dtype
// happens once per op, the lambda is inlined into the loop. Semantics
// (docs/ir.md): integers wrap (two's complement), integer division and
// remainder truncate toward zero (C/Rust) and fail on a zero divisor,
// INT_MIN / -1 wraps to INT_MIN and INT_MIN % -1 is 0; shifts by a negative
// amount or >= the bit width give 0 (shl) or the sign fill (shr); max/min
// propagate NaN like NumPy's maximum/minimum; round is half to even.
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/interp/Kernels.h"

#include "runtime/ScalarSemantics.h"

#include <cmath>
#include <limits>
#include <type_traits>

namespace tdl::ir::kernels {

namespace {

using namespace tdl::scalar;

template <typename R, typename T, typename F>
RuntimeValue map1(const Type &outType, const RuntimeValue &x, F f) {
  RuntimeValue out = RuntimeValue::zeros(outType);
  R *o = out.mutableData<R>();
  const T *a = x.data<T>();
  for (int64_t i = 0, n = x.numElements(); i < n; ++i)
    o[i] = R(f(a[i]));
  return out;
}

template <typename R, typename T, typename F>
RuntimeValue map2(const Type &outType, const RuntimeValue &x,
                  const RuntimeValue &y, F f) {
  RuntimeValue out = RuntimeValue::zeros(outType);
  R *o = out.mutableData<R>();
  const T *a = x.data<T>();
  const T *b = y.data<T>();
  for (int64_t i = 0, n = x.numElements(); i < n; ++i)
    o[i] = R(f(a[i], b[i]));
  return out;
}

/// Same-type map over float dtypes.
template <typename F> RuntimeValue floatUnary(const RuntimeValue &x, F f) {
  if (x.getDType() == DType::F32)
    return map1<float, float>(x.getType(), x, [&](float v) { return f(v); });
  return map1<double, double>(x.getType(), x, [&](double v) { return f(v); });
}

/// Same-type map over any dtype.
template <typename F> RuntimeValue anyUnary(const RuntimeValue &x, F f) {
  return dispatchDType(x.getDType(), [&]<typename T>() {
    return map1<T, T>(x.getType(), x, [&](T v) { return f(v); });
  });
}

template <typename T> T sigmoid(T v) {
  // Stable for large |v|: never exponentiates a large positive number.
  if (v >= 0)
    return T(1) / (T(1) + std::exp(-v));
  T e = std::exp(v);
  return e / (T(1) + e);
}

RuntimeValue unary(const Operation &op, const RuntimeValue &x) {
  switch (op.getOpcode()) {
  case Opcode::Neg:
    return anyUnary(x, [](auto v) { return wrapNeg(v); });
  case Opcode::Abs:
    return anyUnary(x, [](auto v) {
      using T = decltype(v);
      if constexpr (isInt<T>)
        return v < 0 ? wrapNeg(v) : v;
      else
        return std::fabs(v);
    });
  case Opcode::Sign:
    return anyUnary(x, [](auto v) {
      using T = decltype(v);
      if constexpr (!isInt<T>)
        if (std::isnan(v))
          return v;
      return T((v > T(0)) - (v < T(0)));
    });
  case Opcode::Exp:
    return floatUnary(x, [](auto v) { return std::exp(v); });
  case Opcode::Log:
    return floatUnary(x, [](auto v) { return std::log(v); });
  case Opcode::Sqrt:
    return floatUnary(x, [](auto v) { return std::sqrt(v); });
  case Opcode::Rsqrt:
    return floatUnary(x, [](auto v) { return decltype(v)(1) / std::sqrt(v); });
  case Opcode::Sin:
    return floatUnary(x, [](auto v) { return std::sin(v); });
  case Opcode::Cos:
    return floatUnary(x, [](auto v) { return std::cos(v); });
  case Opcode::Tanh:
    return floatUnary(x, [](auto v) { return std::tanh(v); });
  case Opcode::Sigmoid:
    return floatUnary(x, [](auto v) { return sigmoid(v); });
  case Opcode::Floor:
    return floatUnary(x, [](auto v) { return std::floor(v); });
  case Opcode::Ceil:
    return floatUnary(x, [](auto v) { return std::ceil(v); });
  case Opcode::Round:
    // The default rounding mode is to-nearest-even.
    return floatUnary(x, [](auto v) { return std::nearbyint(v); });
  case Opcode::Not:
    if (x.getDType() == DType::Bool)
      return map1<uint8_t, uint8_t>(x.getType(), x,
                                    [](uint8_t v) { return v ? 0 : 1; });
    return anyUnary(x, [](auto v) {
      using T = decltype(v);
      if constexpr (isInt<T>)
        return T(~v);
      else
        return v; // unreachable: the type rule rejects floats
    });
  case Opcode::IsNaN: {
    Type out = x.getType().withDType(DType::Bool);
    if (x.getDType() == DType::F32)
      return map1<uint8_t, float>(out, x,
                                  [](float v) { return std::isnan(v); });
    return map1<uint8_t, double>(out, x,
                                 [](double v) { return std::isnan(v); });
  }
  case Opcode::StopGradient:
    return x;
  default:
    llvm_unreachable("not a unary elementwise op");
  }
}

llvm::Expected<RuntimeValue> binary(const Operation &op, const RuntimeValue &x,
                                    const RuntimeValue &y) {
  const Type &t = x.getType();
  Type boolT = t.withDType(DType::Bool);
  auto same = [&](auto f) {
    return dispatchDType(t.getDType(), [&]<typename T>() {
      return map2<T, T>(t, x, y, [&](T a, T b) { return f(a, b); });
    });
  };
  auto compare = [&](auto f) {
    return dispatchDType(t.getDType(), [&]<typename T>() {
      return map2<uint8_t, T>(boolT, x, y, [&](T a, T b) { return f(a, b); });
    });
  };
  switch (op.getOpcode()) {
  case Opcode::Add:
    return same([](auto a, auto b) { return wrapAdd(a, b); });
  case Opcode::Sub:
    return same([](auto a, auto b) { return wrapSub(a, b); });
  case Opcode::Mul:
    return same([](auto a, auto b) { return wrapMul(a, b); });
  case Opcode::Div:
  case Opcode::Rem: {
    bool isDiv = op.getOpcode() == Opcode::Div;
    bool divByZero = false;
    RuntimeValue r = same([&](auto a, auto b) {
      using T = decltype(a);
      if constexpr (isInt<T>) {
        if (b == 0) {
          divByZero = true;
          return T(0);
        }
        if (b == T(-1)) // avoid INT_MIN / -1 overflow: wrap
          return isDiv ? wrapNeg(a) : T(0);
        return isDiv ? T(a / b) : T(a % b);
      } else {
        return isDiv ? a / b : std::fmod(a, b);
      }
    });
    if (divByZero)
      return makeRuntimeError(op, isDiv ? "integer division by zero"
                                        : "integer remainder by zero");
    return r;
  }
  case Opcode::Pow:
    return same([](auto a, auto b) {
      using T = decltype(a);
      if constexpr (isInt<T>)
        return intPow(a, b);
      else
        return T(std::pow(a, b));
    });
  case Opcode::Max:
  case Opcode::Min: {
    bool isMax = op.getOpcode() == Opcode::Max;
    return same(
        [&](auto a, auto b) { return isMax ? nanMax(a, b) : nanMin(a, b); });
  }
  case Opcode::Eq:
    return compare([](auto a, auto b) { return a == b; });
  case Opcode::Ne:
    return compare([](auto a, auto b) { return a != b; });
  case Opcode::Lt:
    return compare([](auto a, auto b) { return a < b; });
  case Opcode::Le:
    return compare([](auto a, auto b) { return a <= b; });
  case Opcode::Gt:
    return compare([](auto a, auto b) { return a > b; });
  case Opcode::Ge:
    return compare([](auto a, auto b) { return a >= b; });
  case Opcode::And:
  case Opcode::Or:
  case Opcode::Xor: {
    Opcode code = op.getOpcode();
    return same([&](auto a, auto b) {
      using T = decltype(a);
      if constexpr (isInt<T>) // bool is stored as 0/1 bytes: bitwise works
        return code == Opcode::And  ? T(a & b)
               : code == Opcode::Or ? T(a | b)
                                    : T(a ^ b);
      else
        return a; // unreachable: the type rule rejects floats
    });
  }
  case Opcode::Shl:
  case Opcode::Shr: {
    bool left = op.getOpcode() == Opcode::Shl;
    return same([&](auto a, auto b) {
      using T = decltype(a);
      if constexpr (isInt<T>)
        return left ? shiftLeft(a, b) : shiftRight(a, b);
      else
        return a; // unreachable: the type rule rejects floats
    });
  }
  default:
    llvm_unreachable("not a binary elementwise op");
  }
}

} // namespace

RuntimeValue evalCast(const RuntimeValue &x, DType to) {
  if (x.getDType() == to)
    return x;
  Type outT = x.getType().withDType(to);
  return dispatchDType(x.getDType(), [&]<typename From>() {
    return dispatchDType(to, [&]<typename To>() {
      return map1<To, From>(outT, x, [](From v) { return convert<To>(v); });
    });
  });
}

llvm::Expected<RuntimeValue> evalElementwise(const Operation &op, Operands in) {
  switch (op.getNumOperands()) {
  case 1:
    if (op.getOpcode() == Opcode::Cast)
      return evalCast(in[0], *op.getAttrs().getDType("dtype"));
    return unary(op, in[0]);
  case 2:
    return binary(op, in[0], in[1]);
  case 3: { // select
    const RuntimeValue &c = in[0], &a = in[1], &b = in[2];
    return dispatchDType(a.getDType(), [&]<typename T>() {
      RuntimeValue out = RuntimeValue::zeros(a.getType());
      T *o = out.mutableData<T>();
      const uint8_t *cp = c.data<uint8_t>();
      const T *ap = a.data<T>(), *bp = b.data<T>();
      for (int64_t i = 0, n = a.numElements(); i < n; ++i)
        o[i] = cp[i] ? ap[i] : bp[i];
      return out;
    });
  }
  default:
    llvm_unreachable("bad elementwise arity");
  }
}

} // namespace tdl::ir::kernels

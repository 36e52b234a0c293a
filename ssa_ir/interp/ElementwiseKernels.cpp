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
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/interp/Kernels.h"

#include "runtime/kernels/Elementwise.h"
#include "runtime/kernels/ScalarSemantics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

namespace tdl::ir::kernels {

namespace {

using namespace tdl::scalar;
namespace ew = tdl::kernels::ew;

/// body(lo, hi) over [0, n) in blocks of kStopBlock, in order, stopping
/// early on Ctrl-C (stopRequested, between blocks).
template <typename F> void forBlocks(int64_t n, F body) {
  for (int64_t lo = 0; lo < n; lo += kStopBlock) {
    if (lo > 0 && stopRequested())
      return;
    body(lo, std::min(n, lo + kStopBlock));
  }
}

template <typename R, typename T, typename F>
RuntimeValue map1(const Type &outType, const RuntimeValue &x, F f) {
  RuntimeValue out = RuntimeValue::zeros(outType);
  R *o = out.mutableData<R>();
  const T *a = x.data<T>();
  forBlocks(x.numElements(), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i)
      o[i] = R(f(a[i]));
  });
  return out;
}

template <typename R, typename T, typename F>
RuntimeValue map2(const Type &outType, const RuntimeValue &x,
                  const RuntimeValue &y, F f) {
  RuntimeValue out = RuntimeValue::zeros(outType);
  R *o = out.mutableData<R>();
  const T *a = x.data<T>();
  const T *b = y.data<T>();
  forBlocks(x.numElements(), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i)
      o[i] = R(f(a[i], b[i]));
  });
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

RuntimeValue unary(const Operation &op, const RuntimeValue &x) {
  switch (op.getOpcode()) {
#define TDL_ANY_UNARY(OP, FN)                                                  \
  case Opcode::OP:                                                             \
    return anyUnary(x, [](auto v) { return ew::FN(v); });
#define TDL_FLOAT_UNARY(OP, FN)                                                \
  case Opcode::OP:                                                             \
    return floatUnary(x, [](auto v) { return ew::FN(v); });
    TDL_ANY_UNARY(Neg, neg)
    TDL_ANY_UNARY(Abs, abs)
    TDL_ANY_UNARY(Sign, sign)
    TDL_ANY_UNARY(Not, logicalNot)
    TDL_FLOAT_UNARY(Exp, exp)
    TDL_FLOAT_UNARY(Log, log)
    TDL_FLOAT_UNARY(Sqrt, sqrt)
    TDL_FLOAT_UNARY(Rsqrt, rsqrt)
    TDL_FLOAT_UNARY(Sin, sin)
    TDL_FLOAT_UNARY(Cos, cos)
    TDL_FLOAT_UNARY(Tanh, tanh)
    TDL_FLOAT_UNARY(Sigmoid, sigmoid)
    TDL_FLOAT_UNARY(Floor, floor)
    TDL_FLOAT_UNARY(Ceil, ceil)
    TDL_FLOAT_UNARY(Round, round)
#undef TDL_ANY_UNARY
#undef TDL_FLOAT_UNARY
  case Opcode::IsNaN: {
    Type out = x.getType().withDType(DType::Bool);
    if (x.getDType() == DType::F32)
      return map1<uint8_t, float>(out, x, [](float v) { return ew::isNaN(v); });
    return map1<uint8_t, double>(out, x, [](double v) { return ew::isNaN(v); });
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
  // Integer ops on floats (and/or/xor/shifts) are rejected by the type
  // rules; `if constexpr` keeps them from being instantiated.
  auto intOnly = [&](auto f) {
    return same([&](auto a, auto b) {
      using T = decltype(a);
      if constexpr (isInt<T>)
        return f(a, b);
      else
        return a;
    });
  };
  switch (op.getOpcode()) {
#define TDL_SAME(OP, FN)                                                       \
  case Opcode::OP:                                                             \
    return same([](auto a, auto b) { return ew::FN(a, b); });
#define TDL_COMPARE(OP, FN)                                                    \
  case Opcode::OP:                                                             \
    return compare([](auto a, auto b) { return ew::FN(a, b); });
#define TDL_INT_ONLY(OP, FN)                                                   \
  case Opcode::OP:                                                             \
    return intOnly([](auto a, auto b) { return ew::FN(a, b); });
    TDL_SAME(Add, add)
    TDL_SAME(Sub, sub)
    TDL_SAME(Mul, mul)
    TDL_SAME(Pow, pow)
    TDL_SAME(Max, max)
    TDL_SAME(Min, min)
    TDL_COMPARE(Eq, eq)
    TDL_COMPARE(Ne, ne)
    TDL_COMPARE(Lt, lt)
    TDL_COMPARE(Le, le)
    TDL_COMPARE(Gt, gt)
    TDL_COMPARE(Ge, ge)
    TDL_INT_ONLY(And, bitAnd)
    TDL_INT_ONLY(Or, bitOr)
    TDL_INT_ONLY(Xor, bitXor)
    TDL_INT_ONLY(Shl, shl)
    TDL_INT_ONLY(Shr, shr)
#undef TDL_SAME
#undef TDL_COMPARE
#undef TDL_INT_ONLY
  case Opcode::Div:
  case Opcode::Rem: {
    bool isDiv = op.getOpcode() == Opcode::Div;
    bool divByZero = false;
    RuntimeValue r = same([&](auto a, auto b) {
      using T = decltype(a);
      if constexpr (isInt<T>)
        if (b == 0)
          divByZero = true;
      return isDiv ? ew::div(a, b) : ew::rem(a, b);
    });
    if (divByZero)
      return makeRuntimeError(op, isDiv ? "integer division by zero"
                                        : "integer remainder by zero");
    return r;
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
      return evalCast(in[0], OpAttrs(op).dtype());
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
      forBlocks(a.numElements(), [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i)
          o[i] = cp[i] ? ap[i] : bp[i];
      });
      return out;
    });
  }
  default:
    llvm_unreachable("bad elementwise arity");
  }
}

} // namespace tdl::ir::kernels

//===- ReduceKernels.cpp - reduce_sum/max/min/prod, argmax/argmin ---------===//
//
// Reductions accumulate in the element type (f32 sums in f32, integers wrap)
// in row-major order of the input. max/min propagate NaN (NumPy's max); over
// zero elements they give the identity (-inf / +inf, or the dtype's lowest /
// highest integer). argmax/argmin return the first index of the extremum
// along the axis; a NaN counts as the extremum (NumPy's argmax).
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/interp/Kernels.h"

#include <cmath>
#include <limits>

namespace tdl::ir::kernels {

namespace {

template <typename T> bool isNaN(T v) {
  if constexpr (std::is_floating_point_v<T>)
    return std::isnan(v);
  else
    return false;
}

template <typename T, typename F>
void reduceInto(const RuntimeValue &x, RuntimeValue &out,
                llvm::ArrayRef<int64_t> outStrides, T init, F combine) {
  T *o = out.mutableData<T>();
  for (int64_t i = 0, n = out.numElements(); i < n; ++i)
    o[i] = init;
  const T *in = x.data<T>();
  llvm::ArrayRef<int64_t> shape = x.getShape();
  int64_t n = x.numElements();
  if (n == 0)
    return;
  unsigned rank = shape.size();
  if (rank == 0) {
    o[0] = combine(o[0], in[0]);
    return;
  }
  llvm::SmallVector<int64_t, 6> idx(rank, 0);
  int64_t inner = shape[rank - 1], innerStride = outStrides[rank - 1];
  int64_t offset = 0;
  for (int64_t i = 0; i < n; i += inner) {
    T *dst = o + offset;
    for (int64_t j = 0; j < inner; ++j)
      dst[j * innerStride] = combine(dst[j * innerStride], in[i + j]);
    for (int d = int(rank) - 2; d >= 0; --d) {
      offset += outStrides[d];
      if (++idx[d] < shape[d])
        break;
      offset -= outStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

} // namespace

RuntimeValue evalReduce(const Operation &op, const RuntimeValue &x) {
  const Type &outType = op.getResult(0)->getType();
  if (op.getOpcode() == Opcode::ArgMax || op.getOpcode() == Opcode::ArgMin) {
    bool isMax = op.getOpcode() == Opcode::ArgMax;
    int64_t axis = *op.getAttrs().getInt("axis");
    llvm::ArrayRef<int64_t> s = x.getShape();
    int64_t outer = numElements(s.take_front(axis)), len = s[axis],
            inner = numElements(s.drop_front(axis + 1));
    RuntimeValue out = RuntimeValue::zeros(outType);
    int64_t *o = out.mutableData<int64_t>();
    dispatchDType(x.getDType(), [&]<typename T>() {
      const T *in = x.data<T>();
      for (int64_t a = 0; a < outer; ++a)
        for (int64_t c = 0; c < inner; ++c) {
          const T *p = in + a * len * inner + c;
          int64_t best = 0;
          T bestV = p[0];
          for (int64_t k = 1; k < len && !isNaN(bestV); ++k) {
            T v = p[k * inner];
            if (isNaN(v) || (isMax ? v > bestV : v < bestV)) {
              best = k;
              bestV = v;
            }
          }
          o[a * inner + c] = best;
        }
    });
    return out;
  }

  // Output strides per input dim (0 for reduced dims).
  const IntArray &axes = *op.getAttrs().getIntArray("axes");
  auto outStridesDense = stridesOf(outType.getShape());
  llvm::SmallVector<int64_t, 6> outStrides;
  unsigned k = 0;
  for (unsigned d = 0; d < x.getType().getRank(); ++d) {
    if (llvm::is_contained(axes, int64_t(d)))
      outStrides.push_back(0);
    else
      outStrides.push_back(outStridesDense[k++]);
  }
  RuntimeValue out = RuntimeValue::zeros(outType);
  Opcode code = op.getOpcode();
  dispatchDType(x.getDType(), [&]<typename T>() {
    using Lim = std::numeric_limits<T>;
    switch (code) {
    case Opcode::ReduceSum:
      reduceInto<T>(x, out, outStrides, T(0), [](T a, T b) {
        if constexpr (std::is_integral_v<T>)
          return T(std::make_unsigned_t<T>(a) + std::make_unsigned_t<T>(b));
        else
          return T(a + b);
      });
      break;
    case Opcode::ReduceProd:
      reduceInto<T>(x, out, outStrides, T(1), [](T a, T b) {
        if constexpr (std::is_integral_v<T>) {
          using U = std::make_unsigned_t<T>;
          return T(U(U(a) * U(b)));
        } else {
          return T(a * b);
        }
      });
      break;
    case Opcode::ReduceMax:
      reduceInto<T>(x, out, outStrides,
                    Lim::has_infinity ? -Lim::infinity() : Lim::lowest(),
                    [](T a, T b) {
                      return isNaN(a) ? a : isNaN(b) ? b : (a < b ? b : a);
                    });
      break;
    case Opcode::ReduceMin:
      reduceInto<T>(x, out, outStrides,
                    Lim::has_infinity ? Lim::infinity() : Lim::max(),
                    [](T a, T b) {
                      return isNaN(a) ? a : isNaN(b) ? b : (b < a ? b : a);
                    });
      break;
    default:
      llvm_unreachable("not a reduction");
    }
  });
  return out;
}

} // namespace tdl::ir::kernels

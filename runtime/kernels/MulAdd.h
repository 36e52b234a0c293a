//===- MulAdd.h - the accumulation step of matmul and conv2d ----*- C++ -*-===//
//
// matmul and conv2d accumulate acc = a * b + acc in increasing k order,
// from +0 (docs/ir.md "Linear algebra and NN"). For floats the step is one
// fused multiply-add, rounded once (IEEE fusedMultiplyAdd): what the FMA
// units of every x86-64 machine since Haswell do in one instruction, so the
// cpu backend's default GEMM runs its FMA microkernels and stays
// bit-identical to the interpreter. Integers multiply and add with
// wrapping (unsigned accumulators).
//
// Where the target has no FMA instruction the builtin is a correctly
// rounded libm call: slower, the same bits.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_KERNELS_MULADD_H
#define TDL_RUNTIME_KERNELS_MULADD_H

#include <type_traits>

namespace tdl::kernels {

template <typename A>
inline __attribute__((always_inline)) A mulAdd(A acc, A a, A b) {
  if constexpr (std::is_same_v<A, float>)
    return __builtin_fmaf(a, b, acc);
  else if constexpr (std::is_same_v<A, double>)
    return __builtin_fma(a, b, acc);
  else
    return A(acc + A(a * b)); // unsigned: wraps
}

} // namespace tdl::kernels

#endif

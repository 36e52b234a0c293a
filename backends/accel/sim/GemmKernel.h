//===- GemmKernel.h - the GEMM intrinsic's inner block ------------*- C++
//-*-===//
#ifndef TDL_BACKENDS_ACCEL_SIM_GEMMKERNEL_H
#define TDL_BACKENDS_ACCEL_SIM_GEMMKERNEL_H

#include <cstdint>

namespace tdl::accel {

/// acc[b][o] += Σ_k inp[b][k] * wgt[o][k] with wrapping i32 accumulation;
/// acc is batch×blockOut, inp batch×blockIn, wgt blockOut×blockIn.
void gemmBlock(int32_t *acc, const int8_t *inp, const int8_t *wgt,
               uint32_t batch, uint32_t blockIn, uint32_t blockOut);

} // namespace tdl::accel

#endif

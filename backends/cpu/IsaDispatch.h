//===- IsaDispatch.h - loop code compiled per instruction set ---*- C++ -*-===//
//
// An object built for the baseline x86-64 CPU (tdlc's default -march) would
// run its fused loop nests on 128-bit SSE2 vectors, a quarter of what an
// AVX-512 machine does per instruction. Here every generated function that
// holds a loop is compiled three times -- baseline, AVX2+FMA and AVX-512 --
// and the original becomes a dispatcher that calls the variant the running
// machine supports (`tdl_rt_isa_level`, cpuid, cached), as the GEMM
// microkernels already do (runtime/cpu/GemmKernels.cpp). Variants call each
// other directly, so the check runs once per entry from outside.
//
// Results do not depend on the variant: the kernels' definitions (the
// project's math, the reduction lane order, fma-defined matmul) give the
// same bits at every vector width (docs/cpu-backend.md "Instruction sets").
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_ISADISPATCH_H
#define TDL_BACKENDS_CPU_ISADISPATCH_H

#include "llvm/IR/Module.h"

namespace tdl::cpu {

/// The function attribute codegen puts on the functions it generates when
/// CodegenOptions::isaDispatch is set: the candidates for variants (the
/// runtime's linked-in code is not cloned; what of it is inlined into a
/// variant is compiled for the variant's instruction set).
inline constexpr const char *kIsaDispatchAttr = "tdl-isa-dispatch";

/// The runtime's cpuid check: 0 baseline, 1 AVX2+FMA, 2 AVX-512.
inline constexpr const char *kIsaLevelFunction = "tdl_rt_isa_level";

/// Splits every marked function that holds a loop into per-instruction-set
/// variants behind a dispatcher with the original name. Run before the
/// optimization pipeline, after setTargetAttributes. Returns the number of
/// functions split.
unsigned addIsaDispatch(llvm::Module &m);

} // namespace tdl::cpu

#endif

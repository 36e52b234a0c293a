//===- MatmulBatch.h - how matmul walks its batch dims ----------*- C++ -*-===//
//
// matmul broadcasts its operands' batch dims (all but the last two) to the
// result's (docs/ir.md "Linear algebra and NN"): an operand with fewer
// batch dims lines them up on the right, and a batch dim of size 1 repeats
// its matrix. The interpreter (ssa_ir/interp/NNKernels.cpp) walks the
// batches with these strides; the cpu backend (backends/cpu/
// CodegenLinalg.cpp) passes them to the runtime's matmul entry points.
//
// Header-only and free of LLVM and libm, like the rest of runtime/kernels.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_KERNELS_MATMULBATCH_H
#define TDL_RUNTIME_KERNELS_MATMULBATCH_H

#include <stdint.h>

namespace tdl::kernels {

/// Writes strides[0 .. batchRank) of an operand of shape shape[0 .. rank)
/// (rank >= 2, rank - 2 <= batchRank) in the result's batch dims, counted
/// in matrices: row-major over the operand's own batch dims, 0 where a dim
/// broadcasts (size 1, or missing on the left).
inline void matmulBatchStrides(const int64_t *shape, unsigned rank,
                               unsigned batchRank, int64_t *strides) {
  unsigned own = rank - 2;
  for (unsigned d = 0; d < batchRank; ++d)
    strides[d] = 0;
  int64_t stride = 1;
  for (int i = int(own) - 1; i >= 0; --i) {
    unsigned d = batchRank - own + unsigned(i);
    strides[d] = shape[i] == 1 ? 0 : stride;
    stride *= shape[i];
  }
}

} // namespace tdl::kernels

#endif

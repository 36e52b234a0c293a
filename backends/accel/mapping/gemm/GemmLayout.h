//===- GemmLayout.h - DRAM placement and host packing -----------*- C++ -*-===//
//
// The host's side of a planned GEMM: where A, B, the epilogue operands, C and
// the micro-op table live in DRAM (GemmLayout, documented in GemmPlan.h) and
// the conversions between row-major host matrices and the accelerator's
// blocked element layouts, padding with zeros.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_GEMM_GEMMLAYOUT_H
#define TDL_BACKENDS_ACCEL_MAPPING_GEMM_GEMMLAYOUT_H

#include "backends/accel/isa/Config.h"
#include "backends/accel/isa/Dram.h"
#include "backends/accel/mapping/gemm/GemmOp.h"
#include "backends/accel/mapping/gemm/GemmPlan.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace tdl::accel {

/// Blocks of the problem the accelerator computes: C[M,N] = A·B, or with
/// `transposed` C^T[N,M] = B^T·A^T (rows of C' on `batch`, its columns on
/// `block_out`, the reduction on `block_in`).
struct MappedBlocks {
  uint32_t m, n, k;
};
MappedBlocks mappedBlocks(const Config &config, const GemmOp &op,
                          bool transposed);

/// Bytes of each DRAM buffer of the layout, in buffer order.
struct GemmBufferBytes {
  uint64_t a, b;
  std::vector<uint64_t> operands;
  uint64_t c;
};
GemmBufferBytes gemmBufferBytes(const Config &config, const GemmOp &op,
                                bool transposed);

/// Places A, B, the operands, C and then the micro-op table (the only part
/// that depends on the schedule, hence last) of `numUops` entries.
GemmLayout computeGemmLayout(const Config &config, const GemmOp &op,
                             bool transposed, uint64_t numUops);

/// Allocates `layout.totalBytes` in `dram` (which must be empty) and writes
/// the packed A, B and operands and the encoded micro-ops. Operands carry
/// the epilogue immediates folded into them (GemmEpilogue.h). With
/// `bPacked`, B's packed bytes are copied from there and `b` is not read.
void packGemm(Dram &dram, const Config &config, const GemmOp &op,
              const GemmLayout &layout, llvm::ArrayRef<int8_t> a,
              llvm::ArrayRef<int8_t> b,
              llvm::ArrayRef<std::vector<int32_t>> operands,
              llvm::ArrayRef<MicroOp> uops, const uint8_t *bPacked = nullptr);

/// Reads C (row-major [M, N]) back from its OUT elements.
std::vector<int8_t> unpackGemmResult(const Dram &dram, const Config &config,
                                     const GemmOp &op,
                                     const GemmLayout &layout);

} // namespace tdl::accel

#endif

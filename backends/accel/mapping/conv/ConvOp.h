//===- ConvOp.h - the int8 conv2d the backend offloads ----------*- C++ -*-===//
//
// A 2-D convolution of int8 tensors accumulated in i32 (NCHW input, OIHW
// weights, one group: the compiler splits grouped convs), with the same
// elementwise epilogue and narrowing to i8 as GemmOp. It carries no IR.
// ConvPlan.h maps it onto the ISA directly (implicit GEMM, zero padding by
// LOAD padding); im2colGemmOp/im2colInput give the equivalent explicit GEMM
// (what the compiler ran before, and the reference the bench compares to).
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_MAPPING_CONV_CONVOP_H
#define TDL_BACKENDS_ACCEL_MAPPING_CONV_CONVOP_H

#include "backends/accel/mapping/conv/ConvPool.h"
#include "backends/accel/mapping/gemm/GemmOp.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tdl::accel {

/// y[N,O,OH,OW] = (i8) epilogue(conv2d(x[N,C,H,W], w[O,C,KH,KW])):
///   acc[n,o,i,j] = Σ_{c,a,b} x[n, c, i·strideH − padTop + a·dilationH,
///                              j·strideW − padLeft + b·dilationW] · w[o,c,a,b]
/// (out-of-range input positions read 0), wrapping i32, then the epilogue
/// steps with the ALU's semantics, then the low 8 bits; then, with a pool,
/// y is max_pool2d of that (ConvPool.h): y[N,O,PH,PW].
struct ConvOp {
  uint32_t n = 1, c = 1, h = 1, w = 1; // input NCHW (i8)
  uint32_t o = 1, kh = 1, kw = 1;      // weights OIHW (i8)
  uint32_t strideH = 1, strideW = 1, dilationH = 1, dilationW = 1;
  uint32_t padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
  /// Row = i32[O], one value per output channel (a bias);
  /// Full = i32[N, O, OH, OW].
  std::vector<OperandShape> operands;
  std::vector<EpilogueStep> epilogue; // as in GemmOp
  ConvPool pool;                      // fused max_pool2d, if present()
  /// y in DRAM as OUT elements (nb, ob, oh, ow), channel-major — the INP
  /// layout of x (nb, cb, h, w) when block_in == block_out, so a following
  /// conv reads it as it is (docs/accel-backend.md, "Layouts across
  /// regions") — instead of pixel-major (nb, oh, ow, ob). Each output tile
  /// then covers one o block (tileO = 1) and no row strips are used.
  bool yChannelMajor = false;
  bool operator==(const ConvOp &) const = default;

  uint32_t outH() const; // the conv's output (before any pool)
  uint32_t outW() const;
  uint32_t yH() const; // y's: pooled when there is a pool
  uint32_t yW() const;
  /// Elements of operand `i` (O for Row, N·O·OH·OW for Full).
  uint64_t operandSize(unsigned i) const;
  uint64_t macs() const; // N·O·OH·OW·C·KH·KW
  /// "conv y[1,64,56,56] = x[1,64,56,56] * w[64,64,3,3] stride 1x1 ...".
  std::string describe() const;
};

/// Whether the epilogue leaves every accumulator value in [-128, 127]
/// (narrowing is then the identity): MAX/MIN immediates bound it, an
/// arithmetic shift right by 24 or more does, any other step may not.
bool epilogueKeepsI8(llvm::ArrayRef<EpilogueStep> epilogue);

/// Checks sizes (≥ 1), strides and dilations (≥ 1), that the padded input
/// holds one kernel window, the operand indices, and that a pool's
/// windows each read a conv output (padding below the window).
llvm::Error verifyConvOp(const ConvOp &op);

/// Plain C++ reference semantics (the oracle of the tests): x NCHW,
/// w OIHW, operands as their shapes (row-major). Returns y NCHW (pooled).
std::vector<int8_t>
referenceConv(const ConvOp &op, llvm::ArrayRef<int8_t> x,
              llvm::ArrayRef<int8_t> w,
              llvm::ArrayRef<std::vector<int32_t>> operands);

/// The explicit GEMM of the host im2col: C[N·OH·OW, O] = A[N·OH·OW,
/// C·KH·KW] · B[C·KH·KW, O], rows (n, oh, ow), reduction (c, kh, kw).
/// Row operands stay Row; a Full operand becomes Full [N·OH·OW, O] (its
/// values need reordering from NCHW: im2colOperand).
GemmOp im2colGemmOp(const ConvOp &op);
std::vector<int8_t> im2colInput(const ConvOp &op, llvm::ArrayRef<int8_t> x);
std::vector<int8_t> im2colWeights(const ConvOp &op, llvm::ArrayRef<int8_t> w);
std::vector<int32_t> im2colOperand(const ConvOp &op, unsigned i,
                                   llvm::ArrayRef<int32_t> operand);
/// The im2col GEMM's C [N·OH·OW, O] back to NCHW.
std::vector<int8_t> im2colResultToNchw(const ConvOp &op,
                                       llvm::ArrayRef<int8_t> c);

} // namespace tdl::accel

#endif

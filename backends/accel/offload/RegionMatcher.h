//===- RegionMatcher.h - find the regions the accelerator can run -*- C++
//-*-===//
//
// A region starts at an i8 x i8 -> i32 `matmul` or `conv2d` and follows its
// single use through i32 elementwise steps the ALU has -- add, mul, max, min
// with a constant (an immediate), a bias vector broadcast along the output
// columns (loaded once into ACC) or a tensor of the result's shape; sub of
// any of those (the host negates a tensor); an arithmetic shift right by a
// constant in [0, 31] -- and must end in a narrowing `cast` to i8 (what STORE
// does). Anything else ends the walk without a region: the accelerator can only
// write i8 results.
//
// After a narrowing cast the walk goes on over i8 work the ALU can do
// exactly on the i32 accumulator (a residual block's add and ReLU): an i8
// `add`/`sub` of an i8 tensor, i8 `max`/`min` with a constant, and a cast
// back to i32 that resumes the i32 epilogue. The accumulator then holds a
// value whose low 8 bits are the i8 value; where a step needs the i8 value
// itself (a compare, a widening) and the accumulator may be outside
// [-128, 127], two shifts sign-extend its low byte (SHR -24, SHR 24): TDL's
// wrapping i8 arithmetic, exactly. The region ends at the last i8 value the
// walk reached.
//
// A conv2d region's i8 value may end in a `max_pool2d` (any window, stride
// and padding below the window) or an `avg_pool2d` (the same, with a
// power-of-two window area): the pool joins the conv's program
// (ConvPool.h) and ends the region.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_OFFLOAD_REGIONMATCHER_H
#define TDL_BACKENDS_ACCEL_OFFLOAD_REGIONMATCHER_H

#include "backends/accel/offload/OffloadRegion.h"

namespace tdl::accel {

struct CandidateRegion {
  ir::Operation *seed = nullptr; // the matmul / conv2d
  /// Every other op of the region, in program order: the epilogue steps,
  /// the narrowing casts, the i8 steps after one, and the widening casts
  /// of i8 operands the region absorbs.
  std::vector<ir::Operation *> steps;
  ir::Value *result = nullptr; // an i8 value: what STORE writes
  RegionShape shape;
  GemmOp gemm; // one GEMM (shape.m/n/k) with the epilogue
  /// Per epilogue operand, the value the outlined function receives: the
  /// broadcast's source for a Row operand, the tensor itself for Full (an
  /// i8 tensor when operandI8 says so).
  std::vector<ir::Value *> operandValues;
  /// Per epilogue operand: the host negates it (a `sub` of a tensor is an
  /// ADD of its negation; the ALU has no SUB).
  std::vector<bool> operandNegated;
  /// Per epilogue operand: an i8 tensor the host widens to i32 (ACC loads
  /// i32 only) -- a residual added after (or widened into) the epilogue.
  std::vector<bool> operandI8;
  /// With a max pool fused (shape.pool): the region up to the pool's
  /// input, for when no plan can fuse it (dropPool goes back to it).
  struct {
    size_t steps = 0, epilogue = 0;
    ir::Value *result = nullptr;
  } beforePool;
  void dropPool();
};

/// Every offloadable region of `f` (in nested regions too), in program order.
std::vector<CandidateRegion> findOffloadableRegions(ir::Function &f);

} // namespace tdl::accel

#endif

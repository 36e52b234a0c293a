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
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_OFFLOAD_REGIONMATCHER_H
#define TDL_BACKENDS_ACCEL_OFFLOAD_REGIONMATCHER_H

#include "backends/accel/offload/OffloadRegion.h"

namespace tdl::accel {

struct CandidateRegion {
  ir::Operation *seed = nullptr;      // the matmul / conv2d
  std::vector<ir::Operation *> steps; // the epilogue ops, in order
  ir::Operation *narrow = nullptr;    // the cast to i8
  /// i8 max/min with constants after the cast, when the epilogue clamps to
  /// the i8 range (narrowing is then exact and they commute with it).
  std::vector<ir::Operation *> tail;
  /// The region's result: the last tail op's, or the cast's.
  ir::Value *result() const {
    return (tail.empty() ? narrow : tail.back())->getResult(0);
  }
  RegionShape shape;
  GemmOp gemm; // one GEMM (shape.m/n/k) with the epilogue
  /// Per epilogue operand, the value the outlined function receives: the
  /// broadcast's source for a Row operand, the tensor itself for Full.
  std::vector<ir::Value *> operandValues;
  /// Per epilogue operand: the host negates it (a `sub` of a tensor is an
  /// ADD of its negation; the ALU has no SUB).
  std::vector<bool> operandNegated;
};

/// Every offloadable region of `f` (in nested regions too), in program order.
std::vector<CandidateRegion> findOffloadableRegions(ir::Function &f);

} // namespace tdl::accel

#endif

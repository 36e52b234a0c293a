//===- Depthwise.h - depthwise convs as block-diagonal groups ----*- C++
//-*-===//
//
// A depthwise conv2d (groups = C = O, weights [C, 1, KH, KW]) would run as
// one GEMM per channel: one useful lane of the block's 16, a program per
// channel. Written instead as a grouped conv of C / B groups of B channels
// whose weights are block-diagonal ([C, B, KH, KW], output channel o sees
// only input channel o % B of its group: the other taps are zero), each
// group is one block of channels on the accelerator's block dims, the
// window on the micro-ops: C / B programs instead of C, the input moved
// once and no im2col. The arithmetic is the same (the extra products are
// i8 zeros added to i32), so results stay the interpreter's bit for bit.
// The expanded weights are computed in the IR (a broadcast times a 0/1
// mask), so the outlined function is still IR the interpreter runs.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_ACCEL_OFFLOAD_DEPTHWISE_H
#define TDL_BACKENDS_ACCEL_OFFLOAD_DEPTHWISE_H

#include "ssa_ir/IR.h"

#include <optional>

namespace tdl::accel {

struct DepthwiseRewrite {
  ir::Operation *conv = nullptr;
  ir::Value *weights = nullptr; // the original [C, 1, KH, KW] weights
  int64_t channels = 0;         // C: the original groups
  int64_t block = 0;            // B: channels per new group
};

/// Rewrites `conv` if it is an i8 depthwise conv2d whose channel count has
/// a divisor B > 1 that is a power of two up to `maxBlock` (the largest
/// such B is taken).
std::optional<DepthwiseRewrite> blockDiagonalDepthwise(ir::Operation &conv,
                                                       int64_t maxBlock);

/// Puts the original weights and groups back (when the region stays on
/// the host: there the expanded conv would cost B times the MACs). The
/// expanded weights are left for DCE.
void undoDepthwise(const DepthwiseRewrite &rewrite);

} // namespace tdl::accel

#endif

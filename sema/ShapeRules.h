//===- ShapeRules.h - static shape arithmetic ---------------------*- C++
//-*-===//
//
// Pure functions over concrete shapes, shared by the operator and builtin
// rules and unit-tested on their own: NumPy broadcasting, the `@` rules,
// axis normalization, reductions, reshape with one -1, and the conv / pool
// output-size formula. Failures return a reason the caller turns into a
// located diagnostic.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SEMA_SHAPERULES_H
#define TDL_SEMA_SHAPERULES_H

#include "sema/Type.h"

#include <string>
#include <variant>

namespace tdl::sema::shapes {

/// Where two shapes fail to broadcast: the dims (counted from the left of
/// each shape) that clash.
struct BroadcastClash {
  unsigned lhsDim, rhsDim;
  int64_t lhsSize, rhsSize;
};
/// NumPy broadcasting: align trailing dims; equal dims or a 1 stretch.
std::variant<Shape, BroadcastClash> broadcast(llvm::ArrayRef<int64_t> a,
                                              llvm::ArrayRef<int64_t> b);
/// Can `from` be broadcast to exactly `to` (broadcast_to)?
bool broadcastsTo(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to);

/// `a @ b` per LANGUAGE.md section 5; the error string names the dims.
std::variant<Shape, std::string> matmul(llvm::ArrayRef<int64_t> a,
                                        llvm::ArrayRef<int64_t> b);

/// A possibly negative axis into a rank-`rank` shape; nullopt if out of range.
std::optional<unsigned> normalizeAxis(int64_t axis, unsigned rank);

/// The shape after reducing `axes` (already normalized, any order).
Shape reduce(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<unsigned> axes,
             bool keepdims);

/// Resolves one -1 in `target` against `input`'s element count.
std::variant<Shape, std::string> reshape(llvm::ArrayRef<int64_t> input,
                                         llvm::ArrayRef<int64_t> target);

/// Output size of a sliding window (conv / pool), or <= 0 when the window
/// does not fit: floor((in + padLo + padHi - dilation*(k-1) - 1) / stride) + 1.
int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t padLo, int64_t padHi, int64_t dilation);

/// conv2d: x [N,C,H,W], w [O, C/groups, KH, KW]; pads are (top, bottom,
/// left, right).
struct Conv2DParams {
  int64_t strideH = 1, strideW = 1;
  int64_t padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
  int64_t dilationH = 1, dilationW = 1;
  int64_t groups = 1;
};
std::variant<Shape, std::string> conv2d(llvm::ArrayRef<int64_t> x,
                                        llvm::ArrayRef<int64_t> w,
                                        const Conv2DParams &p);
/// max_pool2d / avg_pool2d over the last two dims of [N,C,H,W].
std::variant<Shape, std::string> pool2d(llvm::ArrayRef<int64_t> x,
                                        int64_t windowH, int64_t windowW,
                                        const Conv2DParams &p);

/// Is `perm` a permutation of 0..rank-1?
bool isPermutation(llvm::ArrayRef<int64_t> perm, unsigned rank);

} // namespace tdl::sema::shapes

#endif

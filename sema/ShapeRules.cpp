//===- ShapeRules.cpp - static shape arithmetic ---------------------------===//
#include "sema/ShapeRules.h"

#include <fmt/format.h>

#include <algorithm>

namespace tdl::sema::shapes {

std::variant<Shape, BroadcastClash> broadcast(llvm::ArrayRef<int64_t> a,
                                              llvm::ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    // i counts from the right.
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1)
      return BroadcastClash{unsigned(a.size() - 1 - i),
                            unsigned(b.size() - 1 - i), da, db};
    out[rank - 1 - i] = da == 1 ? db : da;
  }
  return out;
}

bool broadcastsTo(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  for (size_t i = 0; i < from.size(); ++i) {
    int64_t f = from[from.size() - 1 - i], t = to[to.size() - 1 - i];
    if (f != t && f != 1)
      return false;
  }
  return true;
}

std::variant<Shape, std::string> matmul(llvm::ArrayRef<int64_t> a,
                                        llvm::ArrayRef<int64_t> b) {
  if (a.empty() || b.empty())
    return std::string("'@' needs operands of rank 1 or more");
  bool vecA = a.size() == 1, vecB = b.size() == 1;
  int64_t kA = a.back();
  int64_t kB = vecB ? b[0] : b[b.size() - 2];
  if (kA != kB)
    return fmt::format("contraction dims differ: {} (last dim of {}) vs {} "
                       "({} of {})",
                       kA, shapeToString(a), kB,
                       vecB ? "the only dim" : "second-to-last dim",
                       shapeToString(b));
  llvm::ArrayRef<int64_t> batchA =
      vecA ? llvm::ArrayRef<int64_t>() : a.drop_back(2);
  llvm::ArrayRef<int64_t> batchB =
      vecB ? llvm::ArrayRef<int64_t>() : b.drop_back(2);
  auto batch = broadcast(batchA, batchB);
  if (std::holds_alternative<BroadcastClash>(batch))
    return fmt::format("batch dims {} and {} do not broadcast",
                       shapeToString(batchA), shapeToString(batchB));
  Shape out = std::get<Shape>(batch);
  if (!vecA)
    out.push_back(a[a.size() - 2]);
  if (!vecB)
    out.push_back(b.back());
  return out;
}

std::optional<unsigned> normalizeAxis(int64_t axis, unsigned rank) {
  int64_t r = rank;
  if (axis < -r || axis >= r)
    return std::nullopt;
  return unsigned(axis < 0 ? axis + r : axis);
}

Shape reduce(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<unsigned> axes,
             bool keepdims) {
  Shape out;
  for (unsigned i = 0; i < shape.size(); ++i) {
    bool reduced = llvm::is_contained(axes, i);
    if (!reduced)
      out.push_back(shape[i]);
    else if (keepdims)
      out.push_back(1);
  }
  return out;
}

std::variant<Shape, std::string> reshape(llvm::ArrayRef<int64_t> input,
                                         llvm::ArrayRef<int64_t> target) {
  int64_t total = 1;
  for (int64_t d : input)
    total *= d;
  int64_t known = 1;
  int inferred = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == -1) {
      if (inferred >= 0)
        return std::string("only one dim of a reshape target may be -1");
      inferred = int(i);
      continue;
    }
    if (target[i] < 0)
      return fmt::format("reshape dim {} is negative", target[i]);
    known *= target[i];
  }
  Shape out(target.begin(), target.end());
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return fmt::format("cannot infer the -1 dim: {} elements do not divide "
                         "into {}",
                         total, known);
    out[inferred] = total / known;
    return out;
  }
  if (known != total)
    return fmt::format("{} has {} elements but {} has {}", shapeToString(input),
                       total, shapeToString(target), known);
  return out;
}

int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t padLo, int64_t padHi, int64_t dilation) {
  int64_t span = in + padLo + padHi - dilation * (kernel - 1) - 1;
  if (span < 0 || stride <= 0)
    return 0;
  return span / stride + 1;
}

static std::variant<Shape, std::string> spatial(llvm::ArrayRef<int64_t> x,
                                                int64_t kh, int64_t kw,
                                                int64_t channels,
                                                const Conv2DParams &p) {
  if (p.strideH <= 0 || p.strideW <= 0 || p.dilationH <= 0 || p.dilationW <= 0)
    return std::string("stride and dilation must be positive");
  if (p.padTop < 0 || p.padBottom < 0 || p.padLeft < 0 || p.padRight < 0)
    return std::string("padding must not be negative");
  int64_t oh =
      windowOutputSize(x[2], kh, p.strideH, p.padTop, p.padBottom, p.dilationH);
  int64_t ow =
      windowOutputSize(x[3], kw, p.strideW, p.padLeft, p.padRight, p.dilationW);
  if (oh <= 0 || ow <= 0)
    return fmt::format("the {}x{} window (dilation {}x{}) does not fit the "
                       "padded {}x{} input",
                       kh, kw, p.dilationH, p.dilationW,
                       x[2] + p.padTop + p.padBottom,
                       x[3] + p.padLeft + p.padRight);
  return Shape{x[0], channels, oh, ow};
}

std::variant<Shape, std::string> conv2d(llvm::ArrayRef<int64_t> x,
                                        llvm::ArrayRef<int64_t> w,
                                        const Conv2DParams &p) {
  if (x.size() != 4)
    return fmt::format("input must be [N, C, H, W], got {}", shapeToString(x));
  if (w.size() != 4)
    return fmt::format("weights must be [O, C/groups, KH, KW], got {}",
                       shapeToString(w));
  if (p.groups <= 0)
    return std::string("groups must be positive");
  if (x[1] % p.groups != 0 || w[0] % p.groups != 0)
    return fmt::format("groups {} must divide the input channels {} and the "
                       "output channels {}",
                       p.groups, x[1], w[0]);
  if (w[1] != x[1] / p.groups)
    return fmt::format("weights have {} input channels but the input has {} "
                       "channels in {} group(s) ({} per group)",
                       w[1], x[1], p.groups, x[1] / p.groups);
  return spatial(x, w[2], w[3], w[0], p);
}

std::variant<Shape, std::string> pool2d(llvm::ArrayRef<int64_t> x,
                                        int64_t windowH, int64_t windowW,
                                        const Conv2DParams &p) {
  if (x.size() != 4)
    return fmt::format("input must be [N, C, H, W], got {}", shapeToString(x));
  if (windowH <= 0 || windowW <= 0)
    return std::string("window must be positive");
  return spatial(x, windowH, windowW, x[1], p);
}

bool isPermutation(llvm::ArrayRef<int64_t> perm, unsigned rank) {
  if (perm.size() != rank)
    return false;
  llvm::SmallVector<bool, 8> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= int64_t(rank) || seen[p])
      return false;
    seen[p] = true;
  }
  return true;
}

} // namespace tdl::sema::shapes

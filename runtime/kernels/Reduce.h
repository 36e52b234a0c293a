//===- Reduce.h - reduce_sum/max/min/prod, one definition ------*- C++ -*-===//
//
// The order in which TDL reductions accumulate (docs/ir.md "Reductions"),
// written once for the reference interpreter (ssa_ir/interp) and the cpu
// backend's kernel runtime (runtime/cpu); the cpu backend's fused loop nests
// (backends/cpu/LoopNest.cpp) emit the same order as LLVM IR.
//
// The *run* of a reduction is its trailing reduced axes: the longest suffix of
// the input's dims that are all reduced, a contiguous block of `run`
// elements. Each run is reduced into 16 lane accumulators (element j into
// lane j % 16, in order), which are then combined by halving (lane l with
// lane l + 8, then l + 4, l + 2, l + 1). The runs, in row-major order of the
// leading dims, are folded into their output element starting from the
// identity. With no trailing reduced axis every element is its own run and is
// folded directly. The lane loop is a plain elementwise loop over 16
// accumulators, so it vectorizes on every instruction set without
// reassociating anything: the result bits do not depend on the machine. It
// is also more accurate than one running sum (each lane sums n/16 terms).
//
// Header-only and free of LLVM and libm, like ScalarSemantics.h.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_KERNELS_REDUCE_H
#define TDL_RUNTIME_KERNELS_REDUCE_H

#include "runtime/kernels/ScalarSemantics.h"

#include <limits>
#include <stdint.h>

namespace tdl::kernels {

/// Lane accumulators per run.
inline constexpr int64_t kReduceLanes = 16;

/// The reductions, numbered as the cpu runtime's `tdl_rt_reduce` takes them.
enum class ReduceKind : int32_t { Sum = 0, Max = 1, Min = 2, Prod = 3 };

/// The identity: 0, 1, -inf / +inf (integers: lowest / highest).
template <typename T> T reduceIdentity(ReduceKind k) {
  using Lim = std::numeric_limits<T>;
  switch (k) {
  case ReduceKind::Sum:
    return T(0);
  case ReduceKind::Prod:
    return T(1);
  case ReduceKind::Max:
    return Lim::has_infinity ? -Lim::infinity() : Lim::lowest();
  case ReduceKind::Min:
    return Lim::has_infinity ? Lim::infinity() : Lim::max();
  }
  return T(0);
}

/// a ⊕ b of reduction K: wrapping integer add/mul, NaN-propagating max/min
/// (the first NaN operand wins).
template <ReduceKind K> struct ReduceCombine {
  template <typename T> T operator()(T a, T b) const {
    if constexpr (K == ReduceKind::Sum)
      return scalar::wrapAdd(a, b);
    else if constexpr (K == ReduceKind::Prod)
      return scalar::wrapMul(a, b);
    else if constexpr (K == ReduceKind::Max)
      return scalar::nanMax(a, b);
    else
      return scalar::nanMin(a, b);
  }
};

/// A reduction's cancellation check: the interpreter passes one that polls
/// the REPL's Ctrl-C (ssa_ir/interp/Kernels.h); everyone else this one,
/// which compiles to nothing.
struct NeverStop {
  constexpr bool operator()() const { return false; }
};
/// Elements reduced between two calls of the check.
inline constexpr int64_t kReduceStopBlock = int64_t(1) << 16;

/// One run of `n` contiguous elements: 16 lanes, then halving. When
/// `stop()` returns true (checked after every kReduceStopBlock elements,
/// not before the first) the result is unfinished.
template <typename T, typename C, typename Stop = NeverStop>
T reduceRun(const T *in, int64_t n, T identity, C combine, Stop stop = {}) {
  T lanes[kReduceLanes];
  for (int64_t l = 0; l < kReduceLanes; ++l)
    lanes[l] = identity;
  int64_t i = 0;
  int64_t full = n - n % kReduceLanes;
  while (i < full) { // blocks of the same element order
    if (i > 0 && stop())
      return lanes[0];
    int64_t end = full - i > kReduceStopBlock ? i + kReduceStopBlock : full;
    for (; i < end; i += kReduceLanes)
      for (int64_t l = 0; l < kReduceLanes; ++l)
        lanes[l] = combine(lanes[l], in[i + l]);
  }
  for (int64_t l = 0; i + l < n; ++l)
    lanes[l] = combine(lanes[l], in[i + l]);
  for (int64_t w = kReduceLanes / 2; w >= 1; w /= 2)
    for (int64_t l = 0; l < w; ++l)
      lanes[l] = combine(lanes[l], lanes[l + w]);
  return lanes[0];
}

/// How many trailing dims are reduced (`outStrides[d] == 0` marks a reduced
/// dim of a non-empty input).
inline int64_t trailingReducedDims(int64_t rank, const int64_t *outStrides) {
  int64_t t = 0;
  while (t < rank && outStrides[rank - 1 - t] == 0)
    ++t;
  return t;
}

/// out[outN] = the reduction of `in` (dims `shape`, rank <= 16) whose output
/// element for input index idx is at sum_d idx[d] * outStrides[d] (0 for the
/// reduced dims).
template <typename T, typename C, typename Stop = NeverStop>
void reduceStrided(const T *in, int64_t rank, const int64_t *shape,
                   const int64_t *outStrides, T *out, int64_t outN, T identity,
                   C combine, Stop stop = {}) {
  for (int64_t i = 0; i < outN; ++i)
    out[i] = identity;
  int64_t n = 1;
  for (int64_t d = 0; d < rank; ++d)
    n *= shape[d];
  if (n == 0)
    return;
  if (rank == 0) {
    out[0] = combine(out[0], in[0]);
    return;
  }
  int64_t t = trailingReducedDims(rank, outStrides);
  int64_t lead = rank - t;
  // Each step of the walk below covers `step` input elements: one run, or
  // (no trailing reduced dim) one row of the innermost, kept dim.
  int64_t step = 1;
  for (int64_t d = lead; d < rank; ++d)
    step *= shape[d];
  int64_t walkRank = t > 0 ? lead : rank - 1;
  if (t == 0)
    step = shape[rank - 1];
  int64_t idx[16] = {0};
  int64_t offset = 0;
  int64_t sinceCheck = 0;
  for (int64_t base = 0; base < n; base += step) {
    if (sinceCheck >= kReduceStopBlock) {
      sinceCheck = 0;
      if (stop())
        return;
    }
    sinceCheck += step;
    if (t > 0) {
      out[offset] = combine(
          out[offset], reduceRun(in + base, step, identity, combine, stop));
    } else {
      T *dst = out + offset;
      int64_t s = outStrides[rank - 1];
      for (int64_t j = 0; j < step; ++j)
        dst[j * s] = combine(dst[j * s], in[base + j]);
    }
    for (int64_t d = walkRank - 1; d >= 0; --d) {
      offset += outStrides[d];
      if (++idx[d] < shape[d])
        break;
      offset -= outStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/// reduceStrided for reduction `kind`.
template <typename T, typename Stop = NeverStop>
void reduce(ReduceKind kind, const T *in, int64_t rank, const int64_t *shape,
            const int64_t *outStrides, T *out, int64_t outN, Stop stop = {}) {
  T id = reduceIdentity<T>(kind);
  switch (kind) {
  case ReduceKind::Sum:
    return reduceStrided(in, rank, shape, outStrides, out, outN, id,
                         ReduceCombine<ReduceKind::Sum>(), stop);
  case ReduceKind::Prod:
    return reduceStrided(in, rank, shape, outStrides, out, outN, id,
                         ReduceCombine<ReduceKind::Prod>(), stop);
  case ReduceKind::Max:
    return reduceStrided(in, rank, shape, outStrides, out, outN, id,
                         ReduceCombine<ReduceKind::Max>(), stop);
  case ReduceKind::Min:
    return reduceStrided(in, rank, shape, outStrides, out, outN, id,
                         ReduceCombine<ReduceKind::Min>(), stop);
  }
}

} // namespace tdl::kernels

#endif

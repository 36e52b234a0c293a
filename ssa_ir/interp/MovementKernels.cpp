//===- MovementKernels.cpp - broadcast, reshape, transpose, slices, ... ---===//
//
// Most data movement is one strided gather: out[idx] = in[base + sum_d
// idx[d] * stride[d]] with per-op strides (0 to broadcast, negative to flip,
// permuted to transpose, scaled to slice). Elements are copied as 1/4/8-byte
// words, so the loops do not depend on the dtype.
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/interp/Kernels.h"

#include <fmt/format.h>

namespace tdl::ir::kernels {

llvm::SmallVector<int64_t, 6> stridesOf(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t, 6> s(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

namespace {

template <typename E>
void gatherT(E *out, const E *in, llvm::ArrayRef<int64_t> outShape,
             llvm::ArrayRef<int64_t> inStrides, int64_t base) {
  int64_t n = numElements(outShape);
  if (n == 0)
    return;
  unsigned rank = outShape.size();
  if (rank == 0) {
    out[0] = in[base];
    return;
  }
  llvm::SmallVector<int64_t, 6> idx(rank, 0);
  int64_t inner = outShape[rank - 1], innerStride = inStrides[rank - 1];
  int64_t offset = base;
  for (int64_t o = 0; o < n; o += inner) {
    const E *src = in + offset;
    for (int64_t j = 0; j < inner; ++j)
      out[o + j] = src[j * innerStride];
    // Advance the outer dims (odometer).
    for (int d = int(rank) - 2; d >= 0; --d) {
      offset += inStrides[d];
      if (++idx[d] < outShape[d])
        break;
      offset -= inStrides[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

/// out has type `outType`; element (idx) comes from in at base + idx.strides.
RuntimeValue gather(const RuntimeValue &in, const Type &outType,
                    llvm::ArrayRef<int64_t> inStrides, int64_t base) {
  RuntimeValue out = RuntimeValue::zeros(outType);
  switch (dtypeSize(in.getDType())) {
  case 1:
    gatherT(out.mutableRawData(), in.rawData(), outType.getShape(), inStrides,
            base);
    break;
  case 4:
    gatherT(reinterpret_cast<uint32_t *>(out.mutableRawData()),
            reinterpret_cast<const uint32_t *>(in.rawData()),
            outType.getShape(), inStrides, base);
    break;
  case 8:
    gatherT(reinterpret_cast<uint64_t *>(out.mutableRawData()),
            reinterpret_cast<const uint64_t *>(in.rawData()),
            outType.getShape(), inStrides, base);
    break;
  }
  return out;
}

/// Copies all of `src` into `dst` at element offset `base` with dst strides
/// (the inverse of gather: a scatter of a dense block).
void scatterBlock(RuntimeValue &dst, const RuntimeValue &src,
                  llvm::ArrayRef<int64_t> dstStrides, int64_t base) {
  unsigned size = dtypeSize(src.getDType());
  llvm::ArrayRef<int64_t> shape = src.getShape();
  int64_t n = src.numElements();
  if (n == 0)
    return;
  unsigned rank = shape.size();
  llvm::SmallVector<int64_t, 6> idx(rank, 0);
  int64_t inner = rank ? shape[rank - 1] : 1;
  int64_t offset = base;
  for (int64_t s = 0; s < n; s += inner) {
    // The innermost dst stride is 1: rows are contiguous.
    std::memcpy(dst.mutableRawData() + offset * size, src.rawData() + s * size,
                inner * size);
    for (int d = int(rank) - 2; d >= 0; --d) {
      offset += dstStrides[d];
      if (++idx[d] < shape[d])
        break;
      offset -= dstStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

RuntimeValue copyOf(const RuntimeValue &x) {
  RuntimeValue out = RuntimeValue::zeros(x.getType());
  std::memcpy(out.mutableRawData(), x.rawData(),
              x.numElements() * dtypeSize(x.getDType()));
  return out;
}

} // namespace

llvm::Expected<RuntimeValue> evalMovement(const Operation &op, Operands in) {
  const AttrList &attrs = op.getAttrs();
  const Type &outType = op.getResult(0)->getType();
  const RuntimeValue &x = in[0];
  llvm::ArrayRef<int64_t> xs = x.getShape();
  auto xStrides = stridesOf(xs);
  unsigned outRank = outType.getRank();
  switch (op.getOpcode()) {
  case Opcode::Reshape:
    return x.reshaped(outType.getShape());
  case Opcode::Broadcast: {
    const IntArray &dims = OpAttrs(attrs).dims();
    llvm::SmallVector<int64_t, 6> strides(outRank, 0);
    for (size_t i = 0; i < dims.size(); ++i)
      if (xs[i] != 1)
        strides[dims[i]] = xStrides[i];
    return gather(x, outType, strides, 0);
  }
  case Opcode::Transpose: {
    const IntArray &perm = OpAttrs(attrs).perm();
    llvm::SmallVector<int64_t, 6> strides;
    for (int64_t p : perm)
      strides.push_back(xStrides[p]);
    return gather(x, outType, strides, 0);
  }
  case Opcode::Slice: {
    const IntArray &start = OpAttrs(attrs).start();
    const IntArray &stride = OpAttrs(attrs).stride();
    llvm::SmallVector<int64_t, 6> strides;
    int64_t base = 0;
    for (size_t d = 0; d < xs.size(); ++d) {
      strides.push_back(xStrides[d] * stride[d]);
      base += start[d] * xStrides[d];
    }
    return gather(x, outType, strides, base);
  }
  case Opcode::Flip: {
    const IntArray &axes = OpAttrs(attrs).axes();
    llvm::SmallVector<int64_t, 6> strides(xStrides.begin(), xStrides.end());
    int64_t base = 0;
    for (int64_t a : axes)
      if (xs[a] > 0) {
        base += (xs[a] - 1) * xStrides[a];
        strides[a] = -xStrides[a];
      }
    return gather(x, outType, strides, base);
  }
  case Opcode::DynamicSlice:
  case Opcode::DynamicUpdateSlice: {
    bool update = op.getOpcode() == Opcode::DynamicUpdateSlice;
    llvm::ArrayRef<int64_t> window =
        update ? in[1].getShape() : outType.getShape();
    unsigned firstIndex = update ? 2 : 1;
    int64_t base = 0;
    for (size_t d = 0; d < xs.size(); ++d) {
      int64_t i = in[firstIndex + d].getScalarInt();
      if (i < 0 || i + window[d] > xs[d])
        return makeRuntimeError(
            op, window[d] == 1
                    ? fmt::format("index {} out of range for dim {} of size "
                                  "{} (valid: 0 to {})",
                                  i, d, xs[d], xs[d] - 1)
                    : fmt::format("index {} out of range for dim {} of size "
                                  "{}: a window of {} starting there needs "
                                  "an index from 0 to {}",
                                  i, d, xs[d], window[d], xs[d] - window[d]));
      base += i * xStrides[d];
    }
    if (!update)
      return gather(x, outType, xStrides, base);
    RuntimeValue out = copyOf(x);
    scatterBlock(out, in[1], xStrides, base);
    return out;
  }
  case Opcode::Concat: {
    int64_t axis = OpAttrs(attrs).axis();
    RuntimeValue out = RuntimeValue::zeros(outType);
    auto outStrides = stridesOf(outType.getShape());
    int64_t base = 0;
    for (const RuntimeValue &part : in) {
      scatterBlock(out, part, outStrides, base);
      base += part.getShape()[axis] * outStrides[axis];
    }
    return out;
  }
  case Opcode::Pad: {
    const IntArray &lo = OpAttrs(attrs).lo();
    RuntimeValue out = RuntimeValue::zeros(outType);
    unsigned size = dtypeSize(x.getDType());
    for (int64_t i = 0, n = outType.getNumElements(); i < n; ++i)
      std::memcpy(out.mutableRawData() + i * size, in[1].rawData(), size);
    auto outStrides = stridesOf(outType.getShape());
    int64_t base = 0;
    for (size_t d = 0; d < xs.size(); ++d)
      base += lo[d] * outStrides[d];
    scatterBlock(out, x, outStrides, base);
    return out;
  }
  default:
    llvm_unreachable("not a data-movement op");
  }
}

} // namespace tdl::ir::kernels

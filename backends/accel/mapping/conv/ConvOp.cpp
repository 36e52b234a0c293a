//===- ConvOp.cpp - description, checks, reference, im2col ---------------===//
#include "backends/accel/mapping/conv/ConvOp.h"

#include "llvm/Support/MathExtras.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <utility>

namespace tdl::accel {

namespace {

uint32_t outSize(uint32_t in, uint32_t pad0, uint32_t pad1, uint32_t k,
                 uint32_t stride, uint32_t dilation) {
  uint64_t padded = uint64_t(in) + pad0 + pad1;
  uint64_t span = uint64_t(k - 1) * dilation + 1;
  if (stride == 0 || padded < span)
    return 0;
  return uint32_t((padded - span) / stride + 1);
}

} // namespace

uint32_t ConvOp::outH() const {
  return outSize(h, padTop, padBottom, kh, strideH, dilationH);
}
uint32_t ConvOp::outW() const {
  return outSize(w, padLeft, padRight, kw, strideW, dilationW);
}

uint32_t ConvOp::yH() const {
  return pool.present() ? pooledSize(outH(), pool.kh, pool.strideH, pool.padTop,
                                     pool.padBottom)
                        : outH();
}
uint32_t ConvOp::yW() const {
  return pool.present() ? pooledSize(outW(), pool.kw, pool.strideW,
                                     pool.padLeft, pool.padRight)
                        : outW();
}

uint64_t ConvOp::operandSize(unsigned i) const {
  return operands[i] == OperandShape::Row ? uint64_t(o)
                                          : uint64_t(n) * o * outH() * outW();
}

uint64_t ConvOp::macs() const {
  return uint64_t(n) * o * outH() * outW() * c * kh * kw;
}

std::string ConvOp::describe() const {
  std::string text =
      fmt::format("conv y[{},{},{},{}] = x[{},{},{},{}] * w[{},{},{},{}]", n, o,
                  outH(), outW(), n, c, h, w, o, c, kh, kw);
  if (strideH != 1 || strideW != 1)
    text += fmt::format(" stride {}x{}", strideH, strideW);
  if (dilationH != 1 || dilationW != 1)
    text += fmt::format(" dilation {}x{}", dilationH, dilationW);
  if (padTop || padBottom || padLeft || padRight)
    text += fmt::format(" pad t{} b{} l{} r{}", padTop, padBottom, padLeft,
                        padRight);
  // The epilogue as GemmOp prints it (same steps, same operand kinds).
  GemmOp gemm{1, 1, 1, operands, epilogue};
  std::string g = gemm.describe();
  size_t first = g.find(';');
  std::string steps = first == std::string::npos ? "; as i8" : g.substr(first);
  // Operand shapes in the conv's terms.
  for (auto [from, to] : {std::pair{"[M,N]", "[N,O,OH,OW]"}, {"[N]", "[O]"}})
    for (size_t at = steps.find(from); at != std::string::npos;
         at = steps.find(from, at + std::strlen(to)))
      steps.replace(at, std::strlen(from), to);
  if (pool.present())
    steps.insert(steps.size() - std::strlen("; as i8"),
                 fmt::format("; {} {}x{} stride {}x{} pad t{} b{} l{} "
                             "r{} -> [{},{}]",
                             pool.average ? "avg_pool" : "max_pool", pool.kh,
                             pool.kw, pool.strideH, pool.strideW, pool.padTop,
                             pool.padBottom, pool.padLeft, pool.padRight, yH(),
                             yW()));
  return text + steps;
}

bool epilogueKeepsI8(llvm::ArrayRef<EpilogueStep> epilogue) {
  int64_t lo = INT32_MIN, hi = INT32_MAX;
  for (const EpilogueStep &s : epilogue) {
    if (s.useImm && s.op == AluOp::Max) {
      lo = std::max<int64_t>(lo, s.imm), hi = std::max<int64_t>(hi, s.imm);
    } else if (s.useImm && s.op == AluOp::Min) {
      lo = std::min<int64_t>(lo, s.imm), hi = std::min<int64_t>(hi, s.imm);
    } else if (s.useImm && s.op == AluOp::Shr && s.imm >= 24) {
      lo = -128, hi = 127;
    } else {
      lo = INT32_MIN, hi = INT32_MAX;
    }
  }
  return lo >= -128 && hi <= 127;
}

llvm::Error verifyConvOp(const ConvOp &op) {
  auto error = [](std::string m) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), m);
  };
  if (!op.n || !op.c || !op.h || !op.w || !op.o || !op.kh || !op.kw)
    return error(fmt::format("conv sizes must be positive (got x[{},{},{},{}] "
                             "w[{},{},{},{}])",
                             op.n, op.c, op.h, op.w, op.o, op.c, op.kh, op.kw));
  if (!op.strideH || !op.strideW || !op.dilationH || !op.dilationW)
    return error(fmt::format("conv strides and dilations must be positive "
                             "(got stride {}x{}, dilation {}x{})",
                             op.strideH, op.strideW, op.dilationH,
                             op.dilationW));
  if (!op.outH() || !op.outW())
    return error(fmt::format("the padded input {}x{} is smaller than the "
                             "dilated kernel {}x{}",
                             uint64_t(op.h) + op.padTop + op.padBottom,
                             uint64_t(op.w) + op.padLeft + op.padRight,
                             uint64_t(op.kh - 1) * op.dilationH + 1,
                             uint64_t(op.kw - 1) * op.dilationW + 1));
  const ConvPool &p = op.pool;
  if (p.present() && (!p.kw || !p.strideH || !p.strideW || p.padTop >= p.kh ||
                      p.padBottom >= p.kh || p.padLeft >= p.kw ||
                      p.padRight >= p.kw || !op.yH() || !op.yW()))
    return error(fmt::format("the {} pool {}x{} stride {}x{} pad t{} b{} l{} "
                             "r{} does not fit a {}x{} conv output (windows "
                             "must be positive, padding below the window)",
                             p.average ? "average" : "max", p.kh, p.kw,
                             p.strideH, p.strideW, p.padTop, p.padBottom,
                             p.padLeft, p.padRight, op.outH(), op.outW()));
  if (p.present() && p.average &&
      (!llvm::isPowerOf2_64(uint64_t(p.kh) * p.kw) ||
       uint64_t(p.kh) * p.kw > 32768))
    return error(
        fmt::format("the average pool's window area {}x{} is not a "
                    "power of two up to 2^15 (the ALU divides by shifting)",
                    p.kh, p.kw));
  for (size_t i = 0; i < op.epilogue.size(); ++i) {
    const EpilogueStep &s = op.epilogue[i];
    if (!s.useImm && s.operand >= op.operands.size())
      return error(fmt::format("epilogue step {} uses operand {} but the conv "
                               "has {}",
                               i, s.operand, op.operands.size()));
  }
  return llvm::Error::success();
}

std::vector<int8_t>
referenceConv(const ConvOp &op, llvm::ArrayRef<int8_t> x,
              llvm::ArrayRef<int8_t> w,
              llvm::ArrayRef<std::vector<int32_t>> operands) {
  const uint32_t oh = op.outH(), ow = op.outW();
  assert(x.size() == size_t(op.n) * op.c * op.h * op.w &&
         w.size() == size_t(op.o) * op.c * op.kh * op.kw &&
         "tensor sizes must match the op");
  std::vector<int8_t> y(size_t(op.n) * op.o * oh * ow);
  for (uint32_t n = 0; n < op.n; ++n)
    for (uint32_t o = 0; o < op.o; ++o)
      for (uint32_t i = 0; i < oh; ++i)
        for (uint32_t j = 0; j < ow; ++j) {
          uint32_t acc = 0;
          for (uint32_t c = 0; c < op.c; ++c)
            for (uint32_t a = 0; a < op.kh; ++a) {
              int64_t r = int64_t(i) * op.strideH - op.padTop +
                          int64_t(a) * op.dilationH;
              if (r < 0 || r >= op.h)
                continue;
              for (uint32_t b = 0; b < op.kw; ++b) {
                int64_t s = int64_t(j) * op.strideW - op.padLeft +
                            int64_t(b) * op.dilationW;
                if (s < 0 || s >= op.w)
                  continue;
                int32_t xv = x[((size_t(n) * op.c + c) * op.h + r) * op.w + s];
                int32_t wv =
                    w[((size_t(o) * op.c + c) * op.kh + a) * op.kw + b];
                acc += uint32_t(xv) * uint32_t(wv);
              }
            }
          size_t at = ((size_t(n) * op.o + o) * oh + i) * ow + j;
          int32_t v = int32_t(acc);
          for (const EpilogueStep &s : op.epilogue) {
            int32_t arg = s.imm;
            if (!s.useImm)
              arg = op.operands[s.operand] == OperandShape::Row
                        ? operands[s.operand][o]
                        : operands[s.operand][at];
            v = referenceAluStep(s.op, v, arg);
          }
          y[at] = int8_t(uint8_t(uint32_t(v)));
        }
  if (!op.pool.present())
    return y;
  // The pools as runtime/kernels/Window.h defines them: max ignores the
  // padding, average counts it as zeros and rounds the quotient half up.
  const ConvPool &p = op.pool;
  const uint32_t ph = op.yH(), pw = op.yW();
  const int64_t area = int64_t(p.kh) * p.kw;
  std::vector<int8_t> pooled(size_t(op.n) * op.o * ph * pw);
  for (size_t plane = 0; plane < size_t(op.n) * op.o; ++plane)
    for (uint32_t i = 0; i < ph; ++i)
      for (uint32_t j = 0; j < pw; ++j) {
        int8_t m = -128;
        int64_t sum = 0;
        for (uint32_t a = 0; a < p.kh; ++a)
          for (uint32_t b = 0; b < p.kw; ++b) {
            int64_t r = int64_t(i) * p.strideH - p.padTop + a;
            int64_t c = int64_t(j) * p.strideW - p.padLeft + b;
            if (r >= 0 && r < oh && c >= 0 && c < ow) {
              m = std::max(m, y[(plane * oh + r) * ow + c]);
              sum += y[(plane * oh + r) * ow + c];
            }
          }
        int64_t n = sum + area / 2, q = n / area;
        int64_t avg = n % area < 0 ? q - 1 : q; // floor division
        pooled[(plane * ph + i) * pw + j] = p.average ? int8_t(avg) : m;
      }
  return pooled;
}

GemmOp im2colGemmOp(const ConvOp &op) {
  GemmOp g;
  g.m = op.n * op.outH() * op.outW();
  g.n = op.o;
  g.k = op.c * op.kh * op.kw;
  g.operands = op.operands;
  g.epilogue = op.epilogue;
  return g;
}

std::vector<int8_t> im2colInput(const ConvOp &op, llvm::ArrayRef<int8_t> x) {
  const uint32_t oh = op.outH(), ow = op.outW();
  const size_t k = size_t(op.c) * op.kh * op.kw;
  std::vector<int8_t> a(size_t(op.n) * oh * ow * k, 0);
  for (uint32_t n = 0; n < op.n; ++n)
    for (uint32_t i = 0; i < oh; ++i)
      for (uint32_t j = 0; j < ow; ++j) {
        int8_t *row = &a[((size_t(n) * oh + i) * ow + j) * k];
        for (uint32_t c = 0; c < op.c; ++c)
          for (uint32_t p = 0; p < op.kh; ++p)
            for (uint32_t q = 0; q < op.kw; ++q) {
              int64_t r = int64_t(i) * op.strideH - op.padTop +
                          int64_t(p) * op.dilationH;
              int64_t s = int64_t(j) * op.strideW - op.padLeft +
                          int64_t(q) * op.dilationW;
              if (r >= 0 && r < op.h && s >= 0 && s < op.w)
                row[(size_t(c) * op.kh + p) * op.kw + q] =
                    x[((size_t(n) * op.c + c) * op.h + r) * op.w + s];
            }
      }
  return a;
}

std::vector<int8_t> im2colWeights(const ConvOp &op, llvm::ArrayRef<int8_t> w) {
  const size_t k = size_t(op.c) * op.kh * op.kw;
  std::vector<int8_t> b(k * op.o);
  for (uint32_t o = 0; o < op.o; ++o)
    for (size_t kk = 0; kk < k; ++kk)
      b[kk * op.o + o] = w[size_t(o) * k + kk]; // OIHW rows are (c, kh, kw)
  return b;
}

std::vector<int32_t> im2colOperand(const ConvOp &op, unsigned i,
                                   llvm::ArrayRef<int32_t> v) {
  if (op.operands[i] == OperandShape::Row)
    return v.vec();
  const size_t pixels = size_t(op.outH()) * op.outW();
  std::vector<int32_t> out(v.size());
  for (uint32_t n = 0; n < op.n; ++n)
    for (uint32_t o = 0; o < op.o; ++o)
      for (size_t p = 0; p < pixels; ++p)
        out[(size_t(n) * pixels + p) * op.o + o] =
            v[(size_t(n) * op.o + o) * pixels + p];
  return out;
}

std::vector<int8_t> im2colResultToNchw(const ConvOp &op,
                                       llvm::ArrayRef<int8_t> c) {
  const size_t pixels = size_t(op.outH()) * op.outW();
  std::vector<int8_t> y(c.size());
  for (uint32_t n = 0; n < op.n; ++n)
    for (uint32_t o = 0; o < op.o; ++o)
      for (size_t p = 0; p < pixels; ++p)
        y[(size_t(n) * op.o + o) * pixels + p] =
            c[(size_t(n) * pixels + p) * op.o + o];
  return y;
}

} // namespace tdl::accel

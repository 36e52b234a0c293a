//===- GemmTest.cpp - the runtime's GEMM, matmul and conv2d kernels -------===//
//
// The kernel runtime (runtime/cpu) is compiled natively here with the flags
// of its bitcode and called directly:
// - tdl::rt::gemmOn on every instruction set this machine has, every dtype,
//   awkward shapes, against a naive loop of the definition (fused
//   multiply-adds in k order): bit for bit, in both modes;
// - tdl_rt_matmul (batched, broadcast) and tdl_rt_conv2d (im2col + GEMM
//   and the direct fallback) against the interpreter's own kernels.
//
//===----------------------------------------------------------------------===//
#include "runtime/cpu/Gemm.h"
#include "ssa_ir/OpParams.h"
#include "ssa_ir/interp/Kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

extern "C" void tdl_rt_matmul(int32_t dtype, int32_t fast, int64_t batchRank,
                              const int64_t *batch, const int64_t *sa,
                              const int64_t *sb, int64_t m, int64_t k,
                              int64_t n, const void *a, const void *b,
                              void *out);
extern "C" void tdl_rt_conv2d(int32_t dtype, int32_t fast,
                              const int64_t *params, const void *x,
                              const void *w, void *out);

using namespace tdl;
using rt::Isa;

namespace {

/// Values whose sums round differently in another order: random mantissas
/// over 2^-8 .. 2^8, some exact zeros of both signs; integers over their
/// whole range (products and sums wrap).
template <typename T> std::vector<T> randomValues(int64_t n, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::vector<T> v(size_t(n > 0 ? n : 0));
  for (T &x : v) {
    uint64_t r = gen();
    if constexpr (std::is_floating_point_v<T>) {
      double mant = double(r >> 11) / double(1ull << 53) * 2.0 - 1.0;
      int e = int(gen() % 17) - 8;
      x = T(std::ldexp(mant, e));
      if (r % 31 == 0)
        x = T(0);
      if (r % 37 == 0)
        x = -T(0);
    } else {
      x = T(r);
    }
  }
  return v;
}

/// Bit-identical contents (NaNs, signed zeros). Not memcmp on the raw
/// data: an empty vector's data() may be null, and memcmp's pointers must
/// not be null even for 0 bytes (UBSan's nonnull-attribute check).
template <typename T>
bool sameBits(const std::vector<T> &a, const std::vector<T> &b) {
  return a.size() == b.size() &&
         (a.empty() ||
          std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

/// matmul's definition (docs/ir.md): sum over p in order from +0, each step
/// one fused multiply-add for floats (std::fma), a wrapping multiply and add
/// for integers.
template <typename T, typename R>
std::vector<R> naiveMatmul(int64_t m, int64_t k, int64_t n,
                           const std::vector<T> &a, const std::vector<T> &b) {
  using A = typename rt::Acc<R>::type;
  std::vector<R> c(size_t(m * n));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      A s = A(0);
      for (int64_t p = 0; p < k; ++p) {
        A x = A(R(a[i * k + p])), y = A(R(b[p * n + j]));
        if constexpr (std::is_floating_point_v<A>)
          s = std::fma(x, y, s);
        else
          s = s + x * y;
      }
      c[i * n + j] = R(s);
    }
  return c;
}

std::vector<Isa> isasOfThisMachine() {
  std::vector<Isa> isas{Isa::Generic};
  if (rt::hostIsa() >= Isa::Avx2)
    isas.push_back(Isa::Avx2);
  if (rt::hostIsa() >= Isa::Avx512)
    isas.push_back(Isa::Avx512);
  return isas;
}

struct Shape {
  int64_t m, k, n;
};

// 1x1x1, primes, n off the vector widths, K = 0, large K (several k
// blocks), m and n across the row/column blocks (MC = 24 MR, NC = 64 NR),
// narrow C computed transposed (n <= NR/2, m >= 2 MR), a last column panel
// of exactly NR/2 (the half-width kernel writing C directly), one column
// (GemvKernel.h: whole and partial row and column blocks of the lanes),
// narrow C by the row kernel (B a whole vector wide, or narrower and
// padded to one).
const Shape shapes[] = {
    {1, 1, 1},     {7, 13, 29},  {3, 5, 17},     {4, 0, 6},    {0, 3, 4},
    {5, 3000, 9},  {33, 70, 65}, {200, 300, 70}, {9, 5, 2100}, {64, 64, 64},
    {100, 37, 10}, {64, 300, 3}, {24, 8, 48},    {37, 53, 1},  {64, 96, 1},
    {20, 0, 1},    {3, 40, 1},   {200, 50, 16},  {50, 7, 5},   {7, 33, 2}};

template <typename T, typename R> void checkExact(int32_t dtype) {
  for (Isa isa : isasOfThisMachine())
    for (const Shape &s : shapes) {
      SCOPED_TRACE("isa " + std::to_string(int(isa)) + ", " +
                   std::to_string(s.m) + "x" + std::to_string(s.k) + "x" +
                   std::to_string(s.n));
      auto a = randomValues<T>(s.m * s.k, 1);
      auto b = randomValues<T>(s.k * s.n, 2);
      std::vector<R> want = naiveMatmul<T, R>(s.m, s.k, s.n, a, b);
      std::vector<R> got(want.size(), R(7)); // K = 0 must write zeros
      rt::gemmOn(isa, dtype, /*fast=*/false, s.m, s.k, s.n, a.data(), s.k,
                 b.data(), s.n, got.data(), s.n);
      ASSERT_TRUE(sameBits(want, got));
    }
}

TEST(CpuGemm, F32ExactIsBitIdentical) { checkExact<float, float>(4); }
TEST(CpuGemm, F64ExactIsBitIdentical) { checkExact<double, double>(5); }
TEST(CpuGemm, I32Wraps) { checkExact<int32_t, int32_t>(2); }
TEST(CpuGemm, I64Wraps) { checkExact<int64_t, int64_t>(3); }
TEST(CpuGemm, I8AccumulatesInI32) { checkExact<int8_t, int32_t>(1); }

/// Operands held transposed (a as [k,m], b as [n,k]) give the same bits
/// as the row-major product: packing reads them in place.
template <typename T, typename R> void checkTransposed(int32_t dtype) {
  for (Isa isa : isasOfThisMachine())
    for (const Shape &s : shapes)
      for (int which = 1; which < 4; ++which) {
        bool ta = which & 1, tb = which & 2;
        SCOPED_TRACE("isa " + std::to_string(int(isa)) + ", " +
                     std::to_string(s.m) + "x" + std::to_string(s.k) + "x" +
                     std::to_string(s.n) + (ta ? " Aᵀ" : "") +
                     (tb ? " Bᵀ" : ""));
        auto a = randomValues<T>(s.m * s.k, 7);
        auto b = randomValues<T>(s.k * s.n, 8);
        std::vector<T> at(a.size()), bt(b.size());
        for (int64_t i = 0; i < s.m; ++i)
          for (int64_t p = 0; p < s.k; ++p)
            at[p * s.m + i] = a[i * s.k + p];
        for (int64_t p = 0; p < s.k; ++p)
          for (int64_t j = 0; j < s.n; ++j)
            bt[j * s.k + p] = b[p * s.n + j];
        std::vector<R> want = naiveMatmul<T, R>(s.m, s.k, s.n, a, b);
        std::vector<R> got(want.size(), R(7));
        rt::gemmOn(isa, dtype, false, s.m, s.k, s.n,
                   ta ? rt::GemmOperand{at.data(), s.m, true}
                      : rt::GemmOperand{a.data(), s.k},
                   tb ? rt::GemmOperand{bt.data(), s.k, true}
                      : rt::GemmOperand{b.data(), s.n},
                   got.data(), s.n);
        ASSERT_TRUE(sameBits(want, got));
      }
}

/// A k range split over two calls, the second with `accumulate` (conv2d's
/// weight gradient, one image per call): the bits of one call.
template <typename T, typename R> void checkAccumulate(int32_t dtype) {
  for (Isa isa : isasOfThisMachine())
    for (const Shape &s : shapes)
      for (bool tb : {false, true}) {
        if (s.k < 2)
          continue;
        SCOPED_TRACE("isa " + std::to_string(int(isa)) + ", " +
                     std::to_string(s.m) + "x" + std::to_string(s.k) + "x" +
                     std::to_string(s.n) + (tb ? " Bᵀ" : ""));
        auto a = randomValues<T>(s.m * s.k, 9);
        auto b = randomValues<T>(s.k * s.n, 10);
        std::vector<T> bt(b.size());
        for (int64_t p = 0; p < s.k; ++p)
          for (int64_t j = 0; j < s.n; ++j)
            bt[j * s.k + p] = b[p * s.n + j];
        std::vector<R> want = naiveMatmul<T, R>(s.m, s.k, s.n, a, b);
        std::vector<R> got(want.size(), R(7));
        int64_t k0 = s.k / 3 + 1;
        for (int part = 0; part < 2; ++part) {
          int64_t p0 = part ? k0 : 0, kk = part ? s.k - k0 : k0;
          rt::GemmOperand bo = tb ? rt::GemmOperand{bt.data() + p0, s.k, true}
                                  : rt::GemmOperand{b.data() + p0 * s.n, s.n};
          rt::gemmOn(isa, dtype, false, s.m, kk, s.n,
                     rt::GemmOperand{a.data() + p0, s.k}, bo, got.data(), s.n,
                     part == 1);
        }
        ASSERT_TRUE(sameBits(want, got));
      }
}

TEST(CpuGemm, AccumulateContinuesTheSumF32) {
  checkAccumulate<float, float>(4);
}
TEST(CpuGemm, AccumulateContinuesTheSumF64) {
  checkAccumulate<double, double>(5);
}
TEST(CpuGemm, AccumulateContinuesTheSumI32) {
  checkAccumulate<int32_t, int32_t>(2);
}

TEST(CpuGemm, TransposedOperandsF32) { checkTransposed<float, float>(4); }
TEST(CpuGemm, TransposedOperandsF64) { checkTransposed<double, double>(5); }
TEST(CpuGemm, TransposedOperandsI8) { checkTransposed<int8_t, int32_t>(1); }

TEST(CpuGemm, LeadingDimensionsAddressSubmatrices) {
  // A 5x7 block of a 9x11 A, a 7x6 block of a 8x10 B, into a 5x6 block of
  // a 6x13 C whose other elements stay untouched.
  auto a = randomValues<float>(9 * 11, 3), b = randomValues<float>(8 * 10, 4);
  std::vector<float> as(5 * 7), bs(7 * 6);
  for (int i = 0; i < 5; ++i)
    for (int p = 0; p < 7; ++p)
      as[i * 7 + p] = a[(i + 2) * 11 + p + 1];
  for (int p = 0; p < 7; ++p)
    for (int j = 0; j < 6; ++j)
      bs[p * 6 + j] = b[(p + 1) * 10 + j + 3];
  std::vector<float> want = naiveMatmul<float, float>(5, 7, 6, as, bs);
  for (Isa isa : isasOfThisMachine()) {
    std::vector<float> c(6 * 13, 42.0f);
    rt::gemmOn(isa, 4, false, 5, 7, 6, a.data() + 2 * 11 + 1, 11,
               b.data() + 10 + 3, 10, c.data() + 13 + 2, 13);
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 13; ++j) {
        bool inside = i >= 1 && j >= 2 && j < 8;
        EXPECT_EQ(c[i * 13 + j], inside ? want[(i - 1) * 6 + j - 2] : 42.0f);
      }
  }
}

template <typename T> void checkFast(int32_t dtype) {
  // -ffast-math no longer selects other kernels: the default ones already
  // fuse (runtime/kernels/MulAdd.h). Both are the definition, bit for bit,
  // and within k eps of the real sum.
  for (Isa isa : isasOfThisMachine())
    for (const Shape &s : shapes) {
      SCOPED_TRACE("isa " + std::to_string(int(isa)) + ", " +
                   std::to_string(s.m) + "x" + std::to_string(s.k) + "x" +
                   std::to_string(s.n));
      auto a = randomValues<T>(s.m * s.k, 5);
      auto b = randomValues<T>(s.k * s.n, 6);
      std::vector<T> exact = naiveMatmul<T, T>(s.m, s.k, s.n, a, b);
      std::vector<T> fast(exact.size());
      rt::gemmOn(isa, dtype, /*fast=*/true, s.m, s.k, s.n, a.data(), s.k,
                 b.data(), s.n, fast.data(), s.n);
      EXPECT_TRUE(sameBits(exact, fast));
      for (int64_t i = 0; i < s.m; ++i)
        for (int64_t j = 0; j < s.n; ++j) {
          double real = 0, mag = 0;
          for (int64_t p = 0; p < s.k; ++p) {
            double prod = double(a[i * s.k + p]) * double(b[p * s.n + j]);
            real += prod;
            mag += std::fabs(prod);
          }
          double bound = double(s.k) * std::numeric_limits<T>::epsilon() * mag;
          ASSERT_LE(std::fabs(double(fast[i * s.n + j]) - real), bound)
              << "at " << i << "," << j;
        }
    }
}

TEST(CpuGemm, F32FastMathIsWithinRounding) { checkFast<float>(4); }
TEST(CpuGemm, F64FastMathIsWithinRounding) { checkFast<double>(5); }

//===-- tdl_rt_matmul and tdl_rt_conv2d against the interpreter -----------===//

template <typename T>
ir::RuntimeValue tensor(ir::DType dt, ir::Shape shape, unsigned seed) {
  ir::Type t = ir::Type::tensor(dt, shape);
  auto v = randomValues<T>(t.getNumElements(), seed);
  return ir::RuntimeValue::fromVector<T>(t, v);
}

/// Batch strides in matrices, 0 where a dim broadcasts (CodegenLinalg.cpp).
std::vector<int64_t> batchStrides(llvm::ArrayRef<int64_t> s, size_t rank) {
  llvm::ArrayRef<int64_t> own = s.drop_back(2);
  std::vector<int64_t> st(rank, 0);
  int64_t stride = 1;
  for (int i = int(own.size()) - 1; i >= 0; --i) {
    st[rank - own.size() + i] = own[i] == 1 ? 0 : stride;
    stride *= own[i];
  }
  return st;
}

template <typename T>
void checkMatmul(ir::DType dt, ir::Shape as, ir::Shape bs, ir::Shape os) {
  SCOPED_TRACE(ir::Type::tensor(dt, as).str() + " @ " +
               ir::Type::tensor(dt, bs).str());
  ir::RuntimeValue a = tensor<T>(dt, as, 7), b = tensor<T>(dt, bs, 8);
  ir::DType outDt = dt == ir::DType::I8 ? ir::DType::I32 : dt;
  ir::Type outT = ir::Type::tensor(outDt, os);
  ir::Region region;
  ir::Value *x = region.addArgument(a.getType());
  ir::Value *y = region.addArgument(b.getType());
  auto op = ir::Operation::create(ir::Opcode::Matmul, {x, y}, {outT});
  ir::RuntimeValue want = ir::kernels::evalMatmul(*op, a, b);
  size_t rank = os.size() - 2;
  std::vector<int64_t> batch(os.begin(), os.end() - 2);
  std::vector<int64_t> sa = batchStrides(as, rank), sb = batchStrides(bs, rank);
  int64_t bytes = outT.getNumElements() * ir::dtypeSize(outDt);
  std::vector<char> got(static_cast<size_t>(bytes));
  tdl_rt_matmul(int32_t(dt), 0, int64_t(rank), batch.data(), sa.data(),
                sb.data(), as[as.size() - 2], as.back(), bs.back(), a.data<T>(),
                b.data<T>(), got.data());
  EXPECT_EQ(0, std::memcmp(got.data(), want.rawData(), size_t(bytes)));
}

template <typename T> void checkBatchedMatmuls(ir::DType dt) {
  checkMatmul<T>(dt, {2, 1, 5, 7}, {3, 7, 4}, {2, 3, 5, 4}); // broadcasts
  checkMatmul<T>(dt, {4, 6, 33}, {33, 17}, {4, 6, 17});      // one B: one GEMM
  checkMatmul<T>(dt, {1, 9, 3}, {5, 3, 40}, {5, 9, 40});     // one A
  checkMatmul<T>(dt, {3, 1, 2, 8}, {1, 4, 8, 3}, {3, 4, 2, 3});
  checkMatmul<T>(dt, {2, 3, 0}, {2, 0, 4}, {2, 3, 4}); // K = 0
}

TEST(CpuMatmul, BatchedMatchesTheInterpreter) {
  checkBatchedMatmuls<float>(ir::DType::F32);
  checkBatchedMatmuls<double>(ir::DType::F64);
  checkBatchedMatmuls<int8_t>(ir::DType::I8);
  checkBatchedMatmuls<int32_t>(ir::DType::I32);
  checkBatchedMatmuls<int64_t>(ir::DType::I64);
}

struct ConvCase {
  ir::Shape x, w;
  ir::Conv2DParams p;
};

template <typename T>
void checkConv(ir::DType dt, const ConvCase &c, bool infWeight,
               bool specialInputs) {
  ir::RuntimeValue x = tensor<T>(dt, c.x, 9), w = tensor<T>(dt, c.w, 10);
  if constexpr (std::is_floating_point_v<T>) {
    if (infWeight)
      w.mutableData<T>()[3] = std::numeric_limits<T>::infinity();
    if (specialInputs) {
      x.mutableData<T>()[1] = std::numeric_limits<T>::quiet_NaN();
      x.mutableData<T>()[5] = -std::numeric_limits<T>::infinity();
    }
  }
  const ir::Conv2DParams &p = c.p;
  int64_t OH = ir::windowOutputSize(c.x[2], p.padding[0], p.padding[1], c.w[2],
                                    p.stride[0], p.dilation[0]);
  int64_t OW = ir::windowOutputSize(c.x[3], p.padding[2], p.padding[3], c.w[3],
                                    p.stride[1], p.dilation[1]);
  ir::DType outDt = dt == ir::DType::I8 ? ir::DType::I32 : dt;
  ir::Type outT = ir::Type::tensor(outDt, {c.x[0], c.w[0], OH, OW});
  ir::AttrList attrs;
  attrs.set("stride", ir::Attribute(llvm::ArrayRef<int64_t>(p.stride)));
  attrs.set("padding", ir::Attribute(llvm::ArrayRef<int64_t>(p.padding)));
  attrs.set("dilation", ir::Attribute(llvm::ArrayRef<int64_t>(p.dilation)));
  attrs.set("groups", ir::Attribute(p.groups));
  ir::Region region;
  ir::Value *xv = region.addArgument(x.getType());
  ir::Value *wv = region.addArgument(w.getType());
  auto op = ir::Operation::create(ir::Opcode::Conv2D, {xv, wv}, {outT}, attrs);
  ir::RuntimeValue want = ir::kernels::evalConv2D(*op, x, w);
  std::vector<int64_t> params{
      c.x[0],       c.x[1],        c.x[2],        c.x[3],       c.w[0],
      c.w[1],       c.w[2],        c.w[3],        OH,           OW,
      p.stride[0],  p.stride[1],   p.padding[0],  p.padding[1], p.padding[2],
      p.padding[3], p.dilation[0], p.dilation[1], p.groups};
  int64_t bytes = outT.getNumElements() * ir::dtypeSize(outDt);
  std::vector<char> got(static_cast<size_t>(bytes));
  tdl_rt_conv2d(int32_t(dt), 0, params.data(), x.data<T>(), w.data<T>(),
                got.data());
  EXPECT_EQ(0, std::memcmp(got.data(), want.rawData(), size_t(bytes)));
}

template <typename T> void checkConvs(ir::DType dt) {
  ConvCase padded{{2, 6, 9, 11}, {8, 3, 3, 3}, {}};
  padded.p.stride = {2, 1};
  padded.p.padding = {1, 2, 0, 1};
  padded.p.dilation = {1, 2};
  padded.p.groups = 2;
  ConvCase plain{{1, 16, 12, 12}, {12, 16, 3, 3}, {}};
  ConvCase tiny{{1, 1, 3, 3}, {1, 1, 2, 2}, {}};
  // im2col's strided gather with taps in the left and right padding.
  ConvCase strided{{2, 3, 11, 14}, {4, 3, 3, 2}, {}};
  strided.p.stride = {1, 3};
  strided.p.padding = {2, 0, 2, 1};
  strided.p.dilation = {2, 1};
  // Six output channels (the few-rows GEMM: panels of two and one vector
  // of columns and a tail).
  ConvCase fewRows{{2, 3, 10, 37}, {6, 3, 5, 5}, {}};
  // B packed from the image (Conv.cpp Im2colB: more output channels than
  // the GEMM reads B in place for) over two k blocks (K = 360), panels
  // that wrap output rows of 30, and columns split over threads.
  ConvCase wide{{1, 40, 20, 30}, {64, 40, 3, 3}, {}};
  wide.p.padding = {1, 1, 1, 1};
  // The same packing with strides, dilation, groups and uneven padding.
  ConvCase wideStrided{{2, 6, 17, 23}, {104, 3, 3, 3}, {}};
  wideStrided.p.stride = {2, 3};
  wideStrided.p.padding = {1, 2, 2, 0};
  wideStrided.p.dilation = {2, 1};
  wideStrided.p.groups = 2;
  // Stride 1 with taps wholly in the right padding: a panel boundary at
  // output column 7 of 9 (j = 160) starts a run whose taps for kw = 2 lie
  // beyond the input row (W = 8, 3 columns of padding).
  ConvCase rightPadded{{1, 3, 20, 8}, {64, 3, 3, 3}, {}};
  rightPadded.p.padding = {0, 0, 0, 3};
  for (const ConvCase &c : {padded, plain, tiny, strided, fewRows, wide,
                            wideStrided, rightPadded}) {
    SCOPED_TRACE(ir::Type::tensor(dt, c.x).str() + " * " +
                 ir::Type::tensor(dt, c.w).str());
    checkConv<T>(dt, c, false, false);
    checkConv<T>(dt, c, false, true); // NaN and -inf inputs
    checkConv<T>(dt, c, true, false); // an inf weight
  }
}

TEST(CpuConv2D, MatchesTheInterpreter) {
  checkConvs<float>(ir::DType::F32);
  checkConvs<double>(ir::DType::F64);
  checkConvs<int8_t>(ir::DType::I8);
  checkConvs<int32_t>(ir::DType::I32);
  checkConvs<int64_t>(ir::DType::I64);
}

} // namespace

//===- GemmLayout.cpp -----------------------------------------------------===//
#include "backends/accel/mapping/gemm/GemmLayout.h"

#include "backends/accel/mapping/RunChecks.h"
#include "backends/accel/mapping/gemm/GemmEpilogue.h"

#include "llvm/Support/MathExtras.h"

#include <cstring>

namespace tdl::accel {

MappedBlocks mappedBlocks(const Config &config, const GemmOp &op,
                          bool transposed) {
  uint32_t rows = transposed ? op.n : op.m, cols = transposed ? op.m : op.n;
  return {uint32_t(llvm::divideCeil(rows, config.batch)),
          uint32_t(llvm::divideCeil(cols, config.blockOut)),
          uint32_t(llvm::divideCeil(op.k, config.blockIn))};
}

GemmBufferBytes gemmBufferBytes(const Config &config, const GemmOp &op,
                                bool transposed) {
  MappedBlocks bl = mappedBlocks(config, op, transposed);
  GemmBufferBytes bytes;
  uint64_t inp = uint64_t(bl.m) * bl.k * config.inpElemBytes();
  uint64_t wgt = uint64_t(bl.n) * bl.k * config.wgtElemBytes();
  bytes.a = transposed ? wgt : inp;
  bytes.b = transposed ? inp : wgt;
  for (OperandShape shape : op.operands) {
    // A bias is a vector along the mapped columns, or rows if transposed.
    uint64_t vector = transposed ? bl.m : bl.n;
    bytes.operands.push_back(
        (shape == OperandShape::Row ? vector : uint64_t(bl.m) * bl.n) *
        config.accElemBytes());
  }
  bytes.c = uint64_t(bl.m) * bl.n * config.outElemBytes();
  return bytes;
}

GemmLayout computeGemmLayout(const Config &config, const GemmOp &op,
                             bool transposed, uint64_t numUops) {
  MappedBlocks bl = mappedBlocks(config, op, transposed);
  GemmBufferBytes bytes = gemmBufferBytes(config, op, transposed);
  GemmLayout l;
  l.transposed = transposed;
  l.mBlocks = bl.m, l.nBlocks = bl.n, l.kBlocks = bl.k;
  uint64_t next = 0;
  // The assembler's rule (Assembler.cpp): each buffer aligned to the
  // largest element size, in declaration order.
  auto place = [&](uint64_t size) {
    uint64_t address = llvm::alignTo(next, config.maxElemBytes());
    next = address + size;
    return address;
  };
  l.aAddr = place(bytes.a);
  l.bAddr = place(bytes.b);
  for (uint64_t size : bytes.operands)
    l.operandAddrs.push_back(place(size));
  l.cAddr = place(bytes.c);
  l.uopAddr = place(numUops * Config::uopElemBytes());
  l.totalBytes = next;
  return l;
}

namespace {

/// Byte offsets of one value inside the blocked element layouts, for the
/// mapped problem's coordinates (row r of C', column c, reduction index k).
struct Packer {
  const Config &config;
  const GemmLayout &l;
  uint64_t inp(uint64_t r, uint64_t k) const { // INP: rows on batch
    return (r / config.batch * l.kBlocks + k / config.blockIn) *
               config.inpElemBytes() +
           (r % config.batch) * config.blockIn + k % config.blockIn;
  }
  uint64_t wgt(uint64_t c, uint64_t k) const { // WGT: row c of a block
    return (c / config.blockOut * l.kBlocks + k / config.blockIn) *
               config.wgtElemBytes() +
           (c % config.blockOut) * config.blockIn + k % config.blockIn;
  }
  uint64_t value(uint64_t r, uint64_t c) const { // ACC / OUT value index
    return (r / config.batch * l.nBlocks + c / config.blockOut) *
               config.outElemBytes() +
           (r % config.batch) * config.blockOut + c % config.blockOut;
  }
};

} // namespace

void packGemm(Dram &dram, const Config &config, const GemmOp &op,
              const GemmLayout &l, llvm::ArrayRef<int8_t> a,
              llvm::ArrayRef<int8_t> b,
              llvm::ArrayRef<std::vector<int32_t>> operands,
              llvm::ArrayRef<MicroOp> uops, const uint8_t *bPacked) {
  assert(dram.size() == 0 && "the layout starts at address 0");
  uint64_t base = dram.allocate(l.totalBytes, config.maxElemBytes());
  (void)base;
  assert(base == 0 && "the layout starts at address 0");
  Packer at{config, l};
  const bool t = l.transposed;
  // Straight: C = A·B, A in INP, B transposed in WGT. Transposed:
  // C^T = B^T·A^T, B^T in INP, A in WGT (its rows are the WGT rows as is).
  uint8_t *aMem = dram.data(l.aAddr), *bMem = dram.data(l.bAddr);
  for (uint32_t i = 0; i < op.m; ++i)
    for (uint32_t kk = 0; kk < op.k; ++kk)
      aMem[t ? at.wgt(i, kk) : at.inp(i, kk)] =
          uint8_t(a[size_t(i) * op.k + kk]);
  if (bPacked)
    std::memcpy(bMem, bPacked, gemmBufferBytes(config, op, t).b);
  for (uint32_t kk = 0; kk < op.k && !bPacked; ++kk)
    for (uint32_t j = 0; j < op.n; ++j)
      bMem[t ? at.inp(j, kk) : at.wgt(j, kk)] =
          uint8_t(b[size_t(kk) * op.n + j]);
  // Folded epilogue immediates ride on the operand (GemmEpilogue.h).
  EpilogueUse epi = analyzeEpilogue(op);
  for (size_t o = 0; o < op.operands.size(); ++o) {
    const std::vector<int32_t> &v = operands[o];
    auto value = [&](size_t i) {
      return int32_t(uint32_t(v[i]) + uint32_t(epi.packAdd[o]));
    };
    uint8_t *dst = dram.data(l.operandAddrs[o]);
    if (op.operands[o] == OperandShape::Row) {
      // One ACC element per block of the bias; every (other) index of the
      // element repeats it, so one element serves any row (column) of C'.
      const uint32_t bo = config.blockOut, batch = config.batch;
      for (uint32_t j = 0; j < op.n; ++j)
        for (uint32_t x = 0; x < (t ? bo : batch); ++x) {
          uint64_t elem = t ? j / batch : j / bo;
          uint64_t within =
              t ? uint64_t(j % batch) * bo + x : uint64_t(x) * bo + j % bo;
          writeAccI32(dst + elem * config.accElemBytes() + within * 4,
                      value(j));
        }
      continue;
    }
    for (uint32_t i = 0; i < op.m; ++i)
      for (uint32_t j = 0; j < op.n; ++j)
        writeAccI32(dst + 4 * (t ? at.value(j, i) : at.value(i, j)),
                    value(size_t(i) * op.n + j));
  }
  writeUops(dram, l.uopAddr, uops);
}

std::vector<int8_t> unpackGemmResult(const Dram &dram, const Config &config,
                                     const GemmOp &op, const GemmLayout &l) {
  std::vector<int8_t> c(size_t(op.m) * op.n);
  Packer at{config, l};
  const uint8_t *out = dram.data(l.cAddr);
  for (uint32_t i = 0; i < op.m; ++i)
    for (uint32_t j = 0; j < op.n; ++j)
      c[size_t(i) * op.n + j] =
          int8_t(out[l.transposed ? at.value(j, i) : at.value(i, j)]);
  return c;
}

} // namespace tdl::accel

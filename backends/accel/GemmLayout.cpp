//===- GemmLayout.cpp -----------------------------------------------------===//
#include "backends/accel/GemmLayout.h"

#include "backends/accel/Encoding.h"
#include "backends/accel/GemmEpilogue.h"

#include "llvm/Support/MathExtras.h"

#include <cstring>

namespace tdl::accel {

namespace {

struct Blocks {
  uint32_t m, n, k;
};

Blocks blocksOf(const Config &config, const GemmOp &op) {
  return {uint32_t(llvm::divideCeil(op.m, config.batch)),
          uint32_t(llvm::divideCeil(op.n, config.blockOut)),
          uint32_t(llvm::divideCeil(op.k, config.blockIn))};
}

void writeI32(uint8_t *p, int32_t v) {
  uint32_t u = uint32_t(v); // little-endian, whatever the host is
  for (int i = 0; i < 4; ++i)
    p[i] = uint8_t(u >> (8 * i));
}

} // namespace

GemmBufferBytes gemmBufferBytes(const Config &config, const GemmOp &op) {
  Blocks bl = blocksOf(config, op);
  GemmBufferBytes bytes;
  bytes.a = uint64_t(bl.m) * bl.k * config.inpElemBytes();
  bytes.b = uint64_t(bl.n) * bl.k * config.wgtElemBytes();
  for (OperandShape shape : op.operands)
    bytes.operands.push_back(
        (shape == OperandShape::Row ? uint64_t(bl.n) : uint64_t(bl.m) * bl.n) *
        config.accElemBytes());
  bytes.c = uint64_t(bl.m) * bl.n * config.outElemBytes();
  return bytes;
}

GemmLayout computeGemmLayout(const Config &config, const GemmOp &op,
                             uint64_t numUops) {
  Blocks bl = blocksOf(config, op);
  GemmBufferBytes bytes = gemmBufferBytes(config, op);
  GemmLayout l;
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

void packGemm(Dram &dram, const Config &config, const GemmOp &op,
              const GemmLayout &l, llvm::ArrayRef<int8_t> a,
              llvm::ArrayRef<int8_t> b,
              llvm::ArrayRef<std::vector<int32_t>> operands,
              llvm::ArrayRef<MicroOp> uops) {
  assert(dram.size() == 0 && "the layout starts at address 0");
  uint64_t base = dram.allocate(l.totalBytes, config.maxElemBytes());
  (void)base;
  assert(base == 0 && "the layout starts at address 0");
  const uint32_t batch = config.batch, bi = config.blockIn,
                 bo = config.blockOut;
  // A: INP element (mb, kb) holds rows mb·batch + r, columns kb·bi + c.
  for (uint32_t i = 0; i < op.m; ++i)
    for (uint32_t kk = 0; kk < op.k; ++kk) {
      uint64_t elem = uint64_t(i / batch) * l.kBlocks + kk / bi;
      dram.data(l.aAddr +
                elem * config.inpElemBytes())[(i % batch) * bi + kk % bi] =
          uint8_t(a[size_t(i) * op.k + kk]);
    }
  // B, transposed: WGT element (nb, kb) row o holds B[kb·bi + c][nb·bo + o].
  for (uint32_t kk = 0; kk < op.k; ++kk)
    for (uint32_t j = 0; j < op.n; ++j) {
      uint64_t elem = uint64_t(j / bo) * l.kBlocks + kk / bi;
      dram.data(l.bAddr +
                elem * config.wgtElemBytes())[(j % bo) * bi + kk % bi] =
          uint8_t(b[size_t(kk) * op.n + j]);
    }
  // Folded epilogue immediates ride on the operand (GemmEpilogue.h).
  EpilogueUse epi = analyzeEpilogue(op);
  for (size_t o = 0; o < op.operands.size(); ++o) {
    const std::vector<int32_t> &v = operands[o];
    auto value = [&](size_t i) {
      return int32_t(uint32_t(v[i]) + uint32_t(epi.packAdd[o]));
    };
    uint8_t *dst = dram.data(l.operandAddrs[o]);
    if (op.operands[o] == OperandShape::Row) {
      // ACC element nb: every one of its `batch` rows is the same bias.
      for (uint32_t j = 0; j < op.n; ++j)
        for (uint32_t r = 0; r < batch; ++r)
          writeI32(dst + (uint64_t(j / bo) * config.accElemBytes()) +
                       (uint64_t(r) * bo + j % bo) * 4,
                   value(j));
      continue;
    }
    for (uint32_t i = 0; i < op.m; ++i)
      for (uint32_t j = 0; j < op.n; ++j) {
        uint64_t elem = uint64_t(i / batch) * l.nBlocks + j / bo;
        writeI32(dst + elem * config.accElemBytes() +
                     (uint64_t(i % batch) * bo + j % bo) * 4,
                 value(size_t(i) * op.n + j));
      }
  }
  for (size_t u = 0; u < uops.size(); ++u) {
    uint32_t word = llvm::cantFail(encodeUop(uops[u]));
    std::memcpy(dram.data(l.uopAddr + 4 * u), &word, 4);
  }
}

std::vector<int8_t> unpackGemmResult(const Dram &dram, const Config &config,
                                     const GemmOp &op, const GemmLayout &l) {
  std::vector<int8_t> c(size_t(op.m) * op.n);
  const uint32_t batch = config.batch, bo = config.blockOut;
  for (uint32_t i = 0; i < op.m; ++i)
    for (uint32_t j = 0; j < op.n; ++j) {
      uint64_t elem = uint64_t(i / batch) * l.nBlocks + j / bo;
      c[size_t(i) * op.n + j] = int8_t(dram.data(
          l.cAddr + elem * config.outElemBytes())[(i % batch) * bo + j % bo]);
    }
  return c;
}

} // namespace tdl::accel

//===- TiledGemm.cpp - the fixed double-buffered GEMM schedule -----------===//
//
// Token protocol (h = the buffer half of a step or tile):
//   LOAD INP of step s pops c2l when s >= halves (the GEMM of step
//   s - halves freed that half); LOAD WGT pushes l2c.
//   GEMM of step s pops l2c and pushes c2l; the last step of a tile also
//   pushes c2s. The tile's reset pops s2c when t >= halves (the STORE of
//   tile t - halves drained that ACC half).
//   STORE pops c2s and pushes s2c.
// Leftover tokens at the end are harmless: the queues are unbounded.
//
//===----------------------------------------------------------------------===//
#include "backends/accel/mapping/TiledGemm.h"

#include <fmt/format.h>

namespace tdl::accel {

llvm::Expected<TiledGemmProgram> buildTiledGemm(const Config &config,
                                                const TiledGemmSpec &s) {
  auto error = [](std::string message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  if (!s.tileM || !s.tileN || !s.tileK || s.mBlocks % s.tileM ||
      s.nBlocks % s.tileN || s.kBlocks % s.tileK)
    return error("tile sizes must be positive and divide the problem");
  uint32_t halves = s.doubleBuffer ? 2 : 1;
  uint64_t inpTile = uint64_t(s.tileM) * s.tileK;
  uint64_t wgtTile = uint64_t(s.tileN) * s.tileK;
  uint64_t accTile = uint64_t(s.tileM) * s.tileN;
  if (inpTile * halves > config.inpDepth ||
      wgtTile * halves > config.wgtDepth ||
      accTile * halves > config.accDepth ||
      uint64_t(s.tileK) * halves * halves + 1 > config.uopDepth)
    return error(
        fmt::format("tiles ({} x {} x {} blocks, {} halves) do not fit "
                    "the SRAMs",
                    s.tileM, s.tileN, s.tileK, halves));

  TiledGemmProgram p;
  // Micro-op sets, one per (ACC half, INP/WGT half): entry k reads block k.
  auto setStart = [&](uint32_t accHalf, uint32_t half) {
    return (accHalf * halves + half) * s.tileK;
  };
  for (uint32_t a = 0; a < halves; ++a)
    for (uint32_t h = 0; h < halves; ++h)
      for (uint32_t k = 0; k < s.tileK; ++k)
        p.uops.push_back(MicroOp{uint32_t(a * accTile),
                                 uint32_t(h * inpTile + k),
                                 uint32_t(h * wgtTile + k)});
  uint32_t numUops = uint32_t(p.uops.size());
  p.insns.push_back(
      Instruction::load(MemType::Uop, 0, s.uopBase, 1, numUops, numUops));

  auto loop = [&](uint32_t bgn, uint32_t end) {
    LoopNest l;
    l.uopBgn = bgn, l.uopEnd = end;
    l.iterOut = s.tileM, l.iterIn = s.tileN;
    l.dstFactorOut = s.tileN, l.dstFactorIn = 1;
    return l;
  };
  uint64_t step = 0, tile = 0;
  for (uint32_t mt = 0; mt < s.mBlocks / s.tileM; ++mt) {
    for (uint32_t nt = 0; nt < s.nBlocks / s.tileN; ++nt, ++tile) {
      uint32_t accHalf = uint32_t(tile % halves);
      GemmInsn reset;
      reset.reset = true;
      reset.loop = loop(setStart(accHalf, 0), setStart(accHalf, 0) + 1);
      Instruction resetInsn = Instruction::gemmOp(reset);
      resetInsn.deps.popNext = tile >= halves;
      p.insns.push_back(resetInsn);
      uint32_t steps = s.kBlocks / s.tileK;
      for (uint32_t kt = 0; kt < steps; ++kt, ++step) {
        uint32_t h = uint32_t(step % halves);
        Instruction inp = Instruction::load(
            MemType::Inp, uint32_t(h * inpTile),
            s.inpBase + (mt * s.tileM) * s.kBlocks + kt * s.tileK, s.tileM,
            s.tileK, s.kBlocks);
        inp.deps.popNext = step >= halves;
        Instruction wgt = Instruction::load(
            MemType::Wgt, uint32_t(h * wgtTile),
            s.wgtBase + (nt * s.tileN) * s.kBlocks + kt * s.tileK, s.tileN,
            s.tileK, s.kBlocks);
        wgt.deps.pushNext = true;
        GemmInsn g;
        g.loop = loop(setStart(accHalf, h), setStart(accHalf, h) + s.tileK);
        g.loop.srcFactorOut = s.tileK;
        g.wgtFactorIn = s.tileK;
        Instruction gemm = Instruction::gemmOp(g);
        gemm.deps.popPrev = true;
        gemm.deps.pushPrev = true;
        gemm.deps.pushNext = kt + 1 == steps && s.shift < 0;
        p.insns.push_back(inp);
        p.insns.push_back(wgt);
        p.insns.push_back(gemm);
      }
      if (s.shift >= 0) {
        // Requantize: ACC = min(max(ACC >> shift, -128), 127).
        AluInsn alu;
        alu.loop = loop(setStart(accHalf, 0), setStart(accHalf, 0) + 1);
        alu.useImm = true;
        const std::pair<AluOp, int16_t> ops[] = {{AluOp::Shr, int16_t(s.shift)},
                                                 {AluOp::Max, -128},
                                                 {AluOp::Min, 127}};
        for (auto [op, imm] : ops) {
          alu.op = op;
          alu.imm = imm;
          p.insns.push_back(Instruction::aluOp(alu));
        }
        p.insns.back().deps.pushNext = true;
      }
      Instruction store = Instruction::store(
          uint32_t(accHalf * accTile),
          s.outBase + (mt * s.tileM) * s.nBlocks + nt * s.tileN, s.tileM,
          s.tileN, s.nBlocks);
      store.deps.popPrev = true;
      store.deps.pushPrev = true;
      p.insns.push_back(store);
    }
  }
  p.insns.push_back(Instruction::finish());
  return p;
}

} // namespace tdl::accel

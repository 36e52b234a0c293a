//===- EpilogueAlu.cpp - the epilogue's ALU instructions on a tile -------===//
#include "backends/accel/mapping/gemm/EpilogueAlu.h"

namespace tdl::accel {

TokenSyncBuilder::Id
emitEpilogueAlu(TokenSyncBuilder &prog, const EpilogueUse &epi,
                llvm::ArrayRef<OperandShape> operands, const EpilogueTile &tile,
                llvm::function_ref<uint32_t(uint32_t, uint32_t)> singleUop,
                TokenSyncBuilder::Id last) {
  // A factor of a loop that runs once is 0: it does not matter, and a
  // pitch as large as an SRAM would not fit its encoding field.
  const bool outerRuns = tile.outer > 1, innerRuns = tile.inner > 1;
  for (size_t st = epi.fusedInit ? 1 : 0; st < epi.steps.size(); ++st) {
    const EpilogueStep &step = epi.steps[st];
    AluInsn alu;
    alu.op = step.op;
    uint32_t src = 0, srcOut = 0, srcIn = 0;
    if (step.useImm) {
      alu.useImm = true;
      alu.imm = step.imm;
    } else if (operands[step.operand] == OperandShape::Full) {
      // Laid out like the tile: the same strides as the destination.
      src = tile.fullAreaBase +
            uint32_t(epi.fullArea[step.operand]) * tile.fullAreaSize;
      srcOut = outerRuns ? tile.inner : 0;
      srcIn = innerRuns ? 1 : 0;
    } else {
      // A bias: the same ACC entries along the other axis, whose loop's
      // source stride is 0.
      src = tile.rowAreaBase +
            uint32_t(epi.rowArea[step.operand]) * tile.rowAreaSize +
            tile.rowOffset;
      if (tile.rowAlongOuter)
        srcOut = outerRuns ? 1 : 0;
      else
        srcIn = innerRuns ? 1 : 0;
    }
    uint32_t u = singleUop(tile.accBase, src);
    LoopNest &l = alu.loop;
    l.uopBgn = u, l.uopEnd = u + 1;
    l.iterOut = tile.outer, l.iterIn = tile.inner;
    l.dstFactorOut = outerRuns ? tile.inner : 0;
    l.dstFactorIn = innerRuns ? 1 : 0;
    l.srcFactorOut = srcOut;
    l.srcFactorIn = srcIn;
    last = prog.add(Instruction::aluOp(alu));
  }
  return last;
}

} // namespace tdl::accel

//===- ProgramStart.cpp - the first instructions of a program ------------===//
#include "backends/accel/mapping/gemm/ProgramStart.h"

namespace tdl::accel {

void emitRowOperandLoads(TokenSyncBuilder &prog, const EpilogueUse &epi,
                         llvm::ArrayRef<uint64_t> opElem, const RowAreas &rows,
                         uint32_t start, uint32_t count) {
  for (size_t o = 0; o < epi.rowArea.size(); ++o)
    if (epi.rowArea[o] >= 0)
      prog.add(Instruction::load(
          MemType::Acc, rows.base + uint32_t(epi.rowArea[o]) * rows.size,
          uint32_t(opElem[o] + start), 1, count, count));
}

TokenSyncBuilder::Id emitProgramStart(TokenSyncBuilder &prog, uint64_t uopAddr,
                                      const EpilogueUse &epi,
                                      llvm::ArrayRef<uint64_t> opElem,
                                      const RowAreas &rows) {
  TokenSyncBuilder::Id uopLoad = prog.add(Instruction::load(
      MemType::Uop, 0, uint32_t(uopAddr / Config::uopElemBytes()), 1, 0, 0));
  if (rows.whole)
    emitRowOperandLoads(prog, epi, opElem, rows, 0, rows.size);
  return uopLoad;
}

} // namespace tdl::accel

//===- GemmEpilogue.cpp ---------------------------------------------------===//
#include "backends/accel/mapping/gemm/GemmEpilogue.h"

#include <algorithm>
#include <optional>

namespace tdl::accel {

namespace {

bool addsOperand(const EpilogueStep &s) {
  return s.op == AluOp::Add && !s.useImm;
}

} // namespace

EpilogueUse analyzeEpilogue(const GemmOp &op) {
  EpilogueUse use;
  use.packAdd.assign(op.operands.size(), 0);
  use.fullArea.assign(op.operands.size(), -1);
  use.rowArea.assign(op.operands.size(), -1);
  std::vector<unsigned> reads(op.operands.size(), 0);
  for (const EpilogueStep &s : op.epilogue)
    if (!s.useImm)
      ++reads[s.operand];

  const std::vector<EpilogueStep> &in = op.epilogue;
  for (size_t i = 0; i < in.size();) {
    if (in[i].op != AluOp::Add) {
      use.steps.push_back(in[i++]);
      continue;
    }
    size_t end = i;
    while (end < in.size() && in[end].op == AluOp::Add)
      ++end;
    // A run of additions [i, end): find the operand that carries the
    // immediates (read by no other step, so changing it changes nothing
    // else).
    std::optional<unsigned> carrier;
    for (size_t j = i; j < end; ++j)
      if (addsOperand(in[j]) && reads[in[j].operand] == 1) {
        carrier = in[j].operand;
        break;
      }
    std::vector<EpilogueStep> run;
    for (size_t j = i; j < end; ++j) {
      if (carrier && in[j].useImm)
        use.packAdd[*carrier] = int32_t(uint32_t(use.packAdd[*carrier]) +
                                        uint32_t(int32_t(in[j].imm)));
      else
        run.push_back(in[j]);
    }
    // Right after the GEMM, a Full operand can be the initial accumulator.
    if (i == 0)
      for (size_t j = 0; j < run.size(); ++j)
        if (addsOperand(run[j]) &&
            op.operands[run[j].operand] == OperandShape::Full) {
          std::rotate(run.begin(), run.begin() + j, run.begin() + j + 1);
          use.fusedInit = true;
          break;
        }
    use.steps.insert(use.steps.end(), run.begin(), run.end());
    i = end;
  }

  for (size_t i = use.fusedInit ? 1 : 0; i < use.steps.size(); ++i) {
    const EpilogueStep &s = use.steps[i];
    if (s.useImm)
      continue;
    if (op.operands[s.operand] == OperandShape::Full) {
      if (use.fullArea[s.operand] < 0)
        use.fullArea[s.operand] = int(use.numFull++);
    } else if (use.rowArea[s.operand] < 0) {
      use.rowArea[s.operand] = int(use.numRow++);
    }
  }
  return use;
}

} // namespace tdl::accel

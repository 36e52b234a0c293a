//===- CostModel.cpp ------------------------------------------------------===//
#include "autodiff/CostModel.h"
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/OpParams.h"

#include <algorithm>

namespace tdl::ad {

using namespace ir;

namespace {

std::optional<int64_t> constantInt(Value *v) {
  Operation *def = v->getDefiningOp();
  if (!def || def->getOpcode() != Opcode::Constant)
    return std::nullopt;
  if (const int64_t *i = OpAttrs(*def).value().getIf<int64_t>())
    return *i;
  return std::nullopt;
}

int64_t opFlops(const Operation &op) {
  auto elems = [](const Value *v) {
    return v->getType().isTensor() ? v->getType().getNumElements() : 0;
  };
  const OpInfo &info = op.getInfo();
  if (info.has(Elementwise))
    return op.getOpcode() == Opcode::StopGradient ||
                   op.getOpcode() == Opcode::Cast
               ? 0
               : elems(op.getResult(0));
  switch (op.getOpcode()) {
  case Opcode::ReduceSum:
  case Opcode::ReduceMax:
  case Opcode::ReduceMin:
  case Opcode::ReduceProd:
  case Opcode::ArgMax:
  case Opcode::ArgMin:
    return elems(op.getOperand(0));
  case Opcode::Matmul: {
    llvm::ArrayRef<int64_t> out = op.getResult(0)->getType().getShape();
    int64_t k = op.getOperand(0)->getType().getShape().back();
    return 2 * numElements(out) * k;
  }
  case Opcode::Conv2D: {
    Conv2DParams p;
    (void)getConv2DParams(op.getAttrs(), p);
    llvm::ArrayRef<int64_t> ws = op.getOperand(1)->getType().getShape();
    return 2 * elems(op.getResult(0)) * ws[1] * ws[2] * ws[3];
  }
  case Opcode::Conv2DGradInput:
  case Opcode::Conv2DGradFilter: { // the forward convolution's work
    const Value *w = op.getOpcode() == Opcode::Conv2DGradInput
                         ? op.getOperand(0)
                         : op.getResult(0);
    llvm::ArrayRef<int64_t> ws = w->getType().getShape();
    return 2 * elems(op.getOperand(1)) * ws[1] * ws[2] * ws[3];
  }
  case Opcode::MaxPool2D:
  case Opcode::AvgPool2D: {
    Pool2DParams p;
    (void)getPool2DParams(op.getAttrs(), p);
    return elems(op.getResult(0)) * p.window[0] * p.window[1];
  }
  case Opcode::MaxPool2DGrad:
  case Opcode::AvgPool2DGrad: { // each element scans its windows
    Pool2DParams p;
    (void)getPool2DParams(op.getAttrs(), p);
    return elems(op.getResult(0)) * p.window[0] * p.window[1];
  }
  default:
    return 0;
  }
}

Cost regionCost(const Module &m, const Region &r, int64_t trips, int depth);

Cost opCost(const Module &m, const Operation &op, int64_t trips, int depth) {
  Cost c;
  c.ops = 1;
  switch (op.getOpcode()) {
  case Opcode::Call: {
    const Function *f = m.lookup(ir::OpAttrs(op).callee());
    if (f && !f->isDerivedDeclaration() && depth < 64)
      c += regionCost(m, f->getBody(), trips, depth + 1);
    return c;
  }
  case Opcode::If: {
    Cost a = regionCost(m, op.getRegion(0), trips, depth),
         b = regionCost(m, op.getRegion(1), trips, depth);
    c += a.flops >= b.flops ? a : b;
    return c;
  }
  case Opcode::For:
  case Opcode::While: {
    int64_t n = trips;
    if (op.getOpcode() == Opcode::For) {
      auto lb = constantInt(op.getOperand(0)),
           ub = constantInt(op.getOperand(1));
      if (lb && ub)
        n = std::max<int64_t>(0, *ub - *lb);
    }
    for (unsigned r = 0; r < op.getNumRegions(); ++r) {
      Cost body = regionCost(m, op.getRegion(r), trips, depth);
      c.ops += body.ops * n;
      c.flops += body.flops * n;
    }
    return c;
  }
  default:
    c.flops = opFlops(op);
    return c;
  }
}

Cost regionCost(const Module &m, const Region &r, int64_t trips, int depth) {
  Cost c;
  for (const auto &op : r.getOps())
    if (!op->hasTrait(Terminator))
      c += opCost(m, *op, trips, depth);
  return c;
}

} // namespace

Cost countCost(const Module &m, const Function &f, int64_t dynamicTrips) {
  return regionCost(m, f.getBody(), dynamicTrips, 0);
}

} // namespace tdl::ad

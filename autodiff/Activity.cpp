//===- Activity.cpp - forward dependence on the wrt inputs, to a fixpoint
//--===//
#include "autodiff/Activity.h"
#include "autodiff/IRHelpers.h"

namespace tdl::ad {

using namespace ir;

Activity::Activity(Region &body, llvm::ArrayRef<Value *> seeds) {
  for (Value *v : seeds)
    mark(v);
  // Loops feed values back to their own arguments: iterate to a fixpoint.
  while (propagate(body)) {
  }
}

bool Activity::mark(Value *v) {
  if (!isDifferentiableType(v->getType()))
    return false;
  return varied.insert(v).second;
}

bool Activity::anyOperandVaried(Operation &op) const {
  bool any = false;
  for (Value *v : op.getOperands())
    any |= isVaried(v);
  for (unsigned r = 0; r < op.getNumRegions() && !any; ++r)
    walk(op.getRegion(r), [&](Operation &inner) {
      for (Value *v : inner.getOperands())
        any |= isVaried(v);
    });
  return any;
}

bool Activity::propagate(Region &r) {
  bool changed = false;
  for (auto &opPtr : r.getOps()) {
    Operation &op = *opPtr;
    for (unsigned i = 0; i < op.getNumRegions(); ++i)
      changed |= propagate(op.getRegion(i));
    switch (op.getOpcode()) {
    case Opcode::If:
      for (unsigned k = 0; k < op.getNumResults(); ++k)
        for (unsigned reg = 0; reg < 2; ++reg)
          if (isVaried(op.getRegion(reg).getTerminator()->getOperand(k)))
            changed |= mark(op.getResult(k));
      break;
    case Opcode::For:
    case Opcode::While: {
      bool isFor = op.getOpcode() == Opcode::For;
      unsigned first = isFor ? 2 : 0; // carried operands start here
      Region &body = op.getRegion(isFor ? 0 : 1);
      Operation *yield = body.getTerminator();
      for (unsigned k = 0; k < op.getNumResults(); ++k) {
        Value *init = op.getOperand(first + k);
        bool v = isVaried(init) || isVaried(yield->getOperand(k));
        if (!v)
          continue;
        changed |= mark(op.getResult(k));
        changed |= mark(body.getArgument(isFor ? k + 1 : k));
        if (!isFor)
          changed |= mark(op.getRegion(0).getArgument(k));
      }
      break;
    }
    default:
      if (anyOperandVaried(op))
        for (Value *res : op.getResults())
          changed |= mark(res);
      break;
    }
  }
  return changed;
}

} // namespace tdl::ad

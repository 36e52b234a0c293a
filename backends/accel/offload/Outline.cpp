//===- Outline.cpp - move a region into a function of its own -------------===//
#include "backends/accel/offload/Outline.h"

#include "ssa_ir/Builder.h"
#include "ssa_ir/passes/PassUtils.h"

namespace tdl::accel {

ir::Value *outlineRegion(ir::Module &m, const CandidateRegion &region,
                         std::string name) {
  std::vector<ir::Value *> args = {region.seed->getOperand(0),
                                   region.seed->getOperand(1)};
  args.insert(args.end(), region.operandValues.begin(),
              region.operandValues.end());
  llvm::SmallVector<ir::Type, 4> argTypes;
  for (ir::Value *v : args)
    argTypes.push_back(v->getType());
  ir::Value *result = region.result;
  ir::Function *fn = m.addFunction(std::make_unique<ir::Function>(
      std::move(name), argTypes, llvm::ArrayRef<ir::Type>{result->getType()},
      region.seed->getLoc()));

  ir::Region &body = fn->getBody();
  ir::ValueMap map;
  for (size_t i = 0; i < args.size(); ++i)
    map[args[i]] = body.getArgument(i);
  std::vector<ir::Operation *> ops = {region.seed};
  ops.insert(ops.end(), region.steps.begin(), region.steps.end());
  for (ir::Operation *op : ops) {
    // Operands from outside that are not arguments are immediates or a Row
    // operand's broadcast (whose source is an argument): copy them in. (An
    // absorbed widening cast comes before its user in `steps`.)
    for (ir::Value *v : op->getOperands())
      if (!map.count(v))
        ir::cloneOp(*v->getDefiningOp(), body, body.end(), map);
    ir::cloneOp(*op, body, body.end(), map);
  }
  ir::Builder inBody(body);
  inBody.setLoc(ops.back()->getLoc());
  inBody.ret({map.lookup(result)});

  ir::Builder b;
  b.setInsertionPoint(ops.back());
  b.setLoc(region.seed->getLoc());
  ir::Operation *call = b.call(*fn, args);
  result->replaceAllUsesWith(call->getResult(0));
  for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
    (*it)->dropAllReferences();
    (*it)->erase();
  }
  return call->getResult(0);
}

} // namespace tdl::accel

//===- Fusion.cpp - group elementwise ops into `fused` regions ------------===//
//
// Fusion analysis for backends that generate one loop nest per group. Each
// region is scanned from its end; an unclaimed root (an elementwise op, or a
// reduction, which a loop nest can accumulate in its epilogue) grows a group
// backwards through its producers in the same region when the producer
//   * is elementwise, a `constant`, or a matmul / conv2d (the
//     group is then that op's epilogue: bias add, activation), and
//   * has every use inside the group (so nothing outside needs the
//     intermediate value and the group has exactly one output, the root).
// Matmul, conv2d and constants are leaves: their producers are not pulled
// in. A group of two or more ops becomes
//
//   %r = fused %in0, %in1, ... : T {
//   ^(%a0: T0, %a1: T1, ...):
//     ... the group's ops, reading the block arguments ...
//     yield %root
//   }
//
// placed where the root was: every input is defined before some member,
// hence before the root, so dominance holds. The region is isolated (uses
// only its arguments), which the verifier checks; the interpreter runs it as
// a call. The pass is not in the -O pipelines: backends that fuse run it
// (`--fuse`), other consumers (autodiff, the accelerator backend) keep
// seeing plain ops.
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/PassManager.h"
#include "ssa_ir/passes/PassUtils.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

namespace tdl::ir {

namespace {

bool isRoot(const Operation &op) {
  if (op.getNumResults() != 1 || !op.getResult(0)->getType().isTensor())
    return false;
  switch (op.getOpcode()) {
  case Opcode::ReduceSum:
  case Opcode::ReduceMax:
  case Opcode::ReduceMin:
  case Opcode::ReduceProd:
    return true;
  default:
    return op.hasTrait(Elementwise);
  }
}

/// Can join a group as the producer of a member; `leaf` says whether its own
/// producers stay outside.
bool isProducer(const Operation &op, bool &leaf) {
  leaf = true;
  switch (op.getOpcode()) {
  case Opcode::Matmul:
  case Opcode::Conv2D:
  case Opcode::Constant:
    return true;
  default:
    leaf = false;
    return op.hasTrait(Elementwise) && op.getNumResults() == 1;
  }
}

class Fuser {
public:
  void visitRegion(Region &r) {
    for (auto &op : r.getOps())
      if (op->getOpcode() != Opcode::Fused)
        for (unsigned k = 0; k < op->getNumRegions(); ++k)
          visitRegion(op->getRegion(k));
    std::vector<Operation *> ops;
    for (auto &op : r.getOps())
      ops.push_back(op.get());
    erased.clear();
    // Members of a group are erased as it is built; `erased` keeps the scan
    // from touching them (it is checked before dereferencing).
    for (auto it = ops.rbegin(); it != ops.rend(); ++it)
      if (!erased.contains(*it) && !claimed.contains(*it) && isRoot(**it))
        fuseFrom(*it);
  }
  unsigned numGroups = 0;

private:
  void fuseFrom(Operation *root) {
    llvm::DenseSet<Operation *> group{root};
    std::vector<Operation *> work{root};
    while (!work.empty()) {
      Operation *member = work.back();
      work.pop_back();
      bool memberIsLeaf = false;
      if (member != root && !isProducer(*member, memberIsLeaf))
        continue;
      if (memberIsLeaf)
        continue;
      for (Value *v : member->getOperands()) {
        Operation *p = v->getDefiningOp();
        bool leaf;
        if (!p || group.contains(p) || claimed.contains(p) ||
            p->getParentRegion() != root->getParentRegion() ||
            !isProducer(*p, leaf))
          continue;
        bool usedOnlyInGroup =
            llvm::all_of(p->getResult(0)->getUses(),
                         [&](const Use &u) { return group.contains(u.user); });
        if (!usedOnlyInGroup)
          continue;
        group.insert(p);
        work.push_back(p);
      }
    }
    // A lone op, or a group of only constants around a root, is no fusion.
    unsigned computing = llvm::count_if(group, [](Operation *op) {
      return op->getOpcode() != Opcode::Constant;
    });
    if (computing < 2)
      return;
    build(root, group);
  }

  void build(Operation *root, const llvm::DenseSet<Operation *> &group) {
    Region &region = *root->getParentRegion();
    std::vector<Operation *> members; // in program order
    for (auto &op : region.getOps())
      if (group.contains(op.get()))
        members.push_back(op.get());
    llvm::SetVector<Value *> inputs;
    for (Operation *m : members)
      for (Value *v : m->getOperands())
        if (!v->getDefiningOp() || !group.contains(v->getDefiningOp()))
          inputs.insert(v);
    llvm::SmallVector<Value *, 4> inputList(inputs.begin(), inputs.end());
    auto pos = std::find_if(region.begin(), region.end(),
                            [&](const auto &p) { return p.get() == root; });
    Operation *fused =
        region.insert(pos, Operation::create(Opcode::Fused, inputList,
                                             {root->getResult(0)->getType()},
                                             {}, root->getLoc()));
    Region &body = fused->getRegion(0);
    ValueMap map;
    for (Value *in : inputList)
      map[in] = body.addArgument(in->getType());
    for (Operation *m : members)
      cloneOp(*m, body, body.end(), map);
    body.push_back(Operation::create(Opcode::Yield, {map[root->getResult(0)]},
                                     {}, {}, root->getLoc()));
    root->getResult(0)->replaceAllUsesWith(fused->getResult(0));
    for (auto it = members.rbegin(); it != members.rend(); ++it) {
      erased.insert(*it);
      (*it)->erase();
    }
    claimed.insert(fused);
    ++numGroups;
  }

  llvm::DenseSet<Operation *> claimed;
  llvm::DenseSet<const Operation *> erased;
};

class FusionPass : public Pass {
public:
  llvm::StringRef getName() const override { return "fuse"; }
  bool run(Module &m, DiagnosticEngine &) override {
    for (auto &f : m.getFunctions())
      if (!f->isDerivedDeclaration())
        Fuser().visitRegion(f->getBody());
    return true;
  }
};

} // namespace

std::unique_ptr<Pass> createFusionPass() {
  return std::make_unique<FusionPass>();
}

} // namespace tdl::ir

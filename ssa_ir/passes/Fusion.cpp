//===- Fusion.cpp - group elementwise ops into `fused` regions ------------===//
//
// Fusion for backends that generate one loop nest per group (the cpu
// backend runs it at -O2 and -O3, docs/cpu-backend.md "Fused loop nests").
// Each region is scanned from its end; an unclaimed root (an elementwise op
// or a reduction) grows a group backwards through its producers in the same
// region, to a fixpoint, when the producer
//   * can be read through an index map (ssa_ir/FusedIndexing.h):
//     elementwise ops (not integer div/rem, which check for zero first),
//     constants, iota, broadcast, transpose (not a big one that moves the
//     innermost dim: isBigTranspose), slice, flip, reshapes that only add
//     or drop size-1 dims, and reductions, and
//   * has every use inside the group (so the group has exactly one output,
//     the root), or is a splat constant or an iota (the group gets its own
//     copy: a scalar, or the loop index).
// So softmax, layer norm, log-sum-exp and cross-entropy become one group:
// the row reductions and the elementwise work around them. A reduction
// other than the root must read a prefix of the root's loops (a row
// reduction broadcast back along the row); one that does not (a column mean
// subtracted from every row) would be recomputed per element, and one that
// reduces across rows (a column sum) would stride down the columns, so
// they are left out and the group regrown without them. A group of two or
// more ops (splat constants count: they are then never materialized)
// becomes
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
// a call. Matmul and conv2d stay outside groups (their kernels write a
// buffer; the epilogue reads it). The pass is not in the -O pipelines of
// the IR: the cpu backend runs it after them; other consumers (autodiff, the
// accelerator backend) keep seeing plain ops.
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/FusedIndexing.h"
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/passes/PassManager.h"
#include "ssa_ir/passes/PassUtils.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

#include <set>

namespace tdl::ir {

namespace {

bool isRoot(const Operation &op) {
  return isIndexableMember(op) &&
         (isReduction(op.getOpcode()) || op.hasTrait(Elementwise));
}

/// A splat constant or an iota is cheap to duplicate (a scalar, an index):
/// a group takes its own copy even when the value has uses outside.
bool isCheapToCopy(const Operation &op) {
  return (op.getOpcode() == Opcode::Constant &&
          !OpAttrs(op).value().is<DenseElements>()) ||
         op.getOpcode() == Opcode::Iota;
}

/// Index maps of a candidate group's reductions, walked from the root the
/// way the cpu backend's loop nest reads them (ssa_ir/FusedIndexing.h): the
/// root's loops are variables 0..numLoops-1, outermost first. A reduction
/// other than the root is computed once per iteration of the loops it reads,
/// so it must read a prefix of them; otherwise (a column mean broadcast back
/// over rows, a reduction inside another reduction's run) it would be
/// recomputed for every element of the loops it skips. Nor may it reduce
/// an axis outside a kept one (reducesAcrossRows).
class GroupChecker {
public:
  explicit GroupChecker(const llvm::DenseSet<Operation *> &group)
      : group(group) {}

  /// The first reduction (not the root) that breaks the rule, or null.
  Operation *firstBadReduction(Operation *root) {
    unsigned rank = root->getResult(0)->getType().getRank();
    if (isReduction(root->getOpcode())) {
      // Loops over the operand's leading dims, then one run variable.
      llvm::ArrayRef<int64_t> xs = root->getOperand(0)->getType().getShape();
      unsigned t = trailingReducedAxes(*root);
      numLoops = xs.size() - t;
      IndexMap m;
      for (unsigned d = 0; d < numLoops; ++d)
        m.push_back(DimIndex::loopVar(d));
      IndexMap run = delinearized(numLoops, xs.take_back(t));
      m.append(run.begin(), run.end());
      nextVar = numLoops + 1;
      return walk(root->getOperand(0), m);
    }
    numLoops = rank;
    nextVar = rank;
    IndexMap m;
    for (unsigned d = 0; d < rank; ++d)
      m.push_back(DimIndex::loopVar(d));
    return walkOp(root, m);
  }

private:
  Operation *walk(Value *v, const IndexMap &map) {
    Operation *p = v->getDefiningOp();
    if (!p || !group.contains(p))
      return nullptr;
    if (!seen.insert({p, key(map)}).second || ++steps > 10000)
      return nullptr;
    if (isReduction(p->getOpcode())) {
      uint64_t vars = varsOf(map);
      bool prefix = (vars & (vars + 1)) == 0; // bits 0..m-1 only
      bool rootLoopsOnly = vars < (uint64_t(1) << numLoops);
      if (!prefix || !rootLoopsOnly || reducesAcrossRows(*p))
        return p;
      unsigned numReduced = OpAttrs(*p).axes().size();
      llvm::SmallVector<DimIndex, 4> reduced;
      for (unsigned k = 0; k < numReduced; ++k)
        reduced.push_back(DimIndex::loopVar(std::min(nextVar++, 63u)));
      return walk(p->getOperand(0), reductionOperandIndex(*p, map, reduced));
    }
    return walkOp(p, map);
  }

  /// A reduction inside a group is computed per element of the root's
  /// loops by walking its reduced axes; when a kept axis lies inside a
  /// reduced one (a column sum), that walk strides down columns, one
  /// cache line per element: a column mean inside a variance ran at 10x
  /// NumPy's time. Alone, as a group's root, it sweeps rows in order.
  static bool reducesAcrossRows(const Operation &r) {
    llvm::ArrayRef<int64_t> xs = r.getOperand(0)->getType().getShape();
    const IntArray &axes = OpAttrs(r).axes();
    bool reducedOuter = false;
    for (unsigned d = 0; d < xs.size(); ++d) {
      bool reduced = llvm::is_contained(axes, int64_t(d));
      if (reduced)
        reducedOuter = true;
      else if (reducedOuter && xs[d] > 1)
        return true;
    }
    return false;
  }

  Operation *walkOp(Operation *p, const IndexMap &map) {
    for (unsigned i = 0; i < p->getNumOperands(); ++i)
      if (Operation *bad = walk(p->getOperand(i), operandIndex(*p, i, map)))
        return bad;
    return nullptr;
  }

  static std::vector<int64_t> key(const IndexMap &m) {
    std::vector<int64_t> k;
    for (const DimIndex &d : m)
      k.insert(k.end(), {d.var, d.div, d.mod, d.scale, d.offset});
    return k;
  }

  const llvm::DenseSet<Operation *> &group;
  std::set<std::pair<Operation *, std::vector<int64_t>>> seen;
  unsigned numLoops = 0, nextVar = 0, steps = 0;
};

/// A transpose that moves the innermost dim, of more elements than fit in
/// L2: inside a loop nest it reads one element per cache line, down the
/// source's columns (x.T + y of 2048 x 2048: 36 ms, as slow as NumPy).
/// Alone, the runtime copies it in cache-sized tiles (tdl_rt_gather) and
/// the consumer streams the copy.
bool isBigTranspose(const Operation &op) {
  constexpr int64_t kL2Elements = int64_t(1) << 16;
  if (op.getOpcode() != Opcode::Transpose)
    return false;
  const Type &t = op.getResult(0)->getType();
  const IntArray &perm = OpAttrs(op).perm();
  return t.getRank() >= 2 && t.getShape().back() > 1 &&
         perm.back() != int64_t(t.getRank() - 1) &&
         t.getNumElements() >= kL2Elements;
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
  /// Grows a group backwards from `root` to a fixpoint: a producer joins
  /// when every use of its value is in the group (so the group has one
  /// output), or when it is a splat constant (copied in). Reductions that
  /// would be recomputed per element are left out and the group regrown.
  void fuseFrom(Operation *root) {
    llvm::DenseSet<Operation *> rejected;
    for (;;) {
      llvm::DenseSet<Operation *> group = grow(root, rejected);
      Operation *bad = GroupChecker(group).firstBadReduction(root);
      if (!bad) {
        // A lone op is no fusion; an op with splat constants is (a group
        // reads a splat in registers, a lone op would read a buffer of it:
        // relu's `max(x, 0)` filled a tensor of zeros first). A lone
        // reduction is a group too: as a loop nest it runs at the width of
        // the module's CPU (the runtime's kernel is compiled for baseline
        // SSE2), on the thread pool, and a max/min with four chains.
        if (group.size() >= 2 || isReduction(root->getOpcode()))
          build(root, group);
        return;
      }
      rejected.insert(bad);
    }
  }

  llvm::DenseSet<Operation *>
  grow(Operation *root, const llvm::DenseSet<Operation *> &rejected) {
    llvm::DenseSet<Operation *> group{root};
    for (bool changed = true; changed;) {
      changed = false;
      std::vector<Operation *> members(group.begin(), group.end());
      for (Operation *member : members)
        for (Value *v : member->getOperands()) {
          Operation *p = v->getDefiningOp();
          if (!p || group.contains(p) || claimed.contains(p) ||
              rejected.contains(p) ||
              p->getParentRegion() != root->getParentRegion() ||
              !isIndexableMember(*p) || isBigTranspose(*p))
            continue;
          bool usedOnlyInGroup =
              llvm::all_of(p->getResult(0)->getUses(), [&](const Use &u) {
                return group.contains(u.user);
              });
          if (!usedOnlyInGroup && !isCheapToCopy(*p))
            continue;
          group.insert(p);
          changed = true;
        }
    }
    return group;
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
      if (!(*it)->getResult(0)->use_empty())
        continue; // a splat constant copied in, still used outside
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
    fuseModule(m);
    return true;
  }
};

} // namespace

void fuseModule(Module &m) {
  for (auto &f : m.getFunctions())
    if (!f->isDerivedDeclaration())
      Fuser().visitRegion(f->getBody());
}

std::unique_ptr<Pass> createFusionPass() {
  return std::make_unique<FusionPass>();
}

} // namespace tdl::ir

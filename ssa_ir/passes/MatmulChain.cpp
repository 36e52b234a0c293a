//===- MatmulChain.cpp - reorder chains of matmuls by FLOP cost -----------===//
//
// As DLVM's matrix-chain pass: a tree of rank-2 matmuls whose intermediate
// products are used once (by the next matmul of the tree, in the same
// region) is a product A1 A2 ... An of n >= 3 matrices with dims p0 x p1,
// p1 x p2, ..., p(n-1) x pn. The classic O(n^3) dynamic program finds the
// parenthesization with the fewest multiply-adds (cost of (p x q)(q x r) is
// p*q*r); the tree is rebuilt that way when strictly cheaper.
//
// Reassociation is exact for wrapping integers (i32, i64), so those chains
// are always reordered. For floats it changes rounding (results may differ
// in the last bits), so float chains are reordered only by
// `matmul-chain-fast-math` (the -ffast-math pipeline); `matmul-chain` leaves
// them alone. i8 chains are not chains (i8 x i8 widens to i32).
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/passes/PassManager.h"
#include "ssa_ir/passes/PassUtils.h"

#include <functional>
#include <limits>

namespace tdl::ir {

namespace {

class MatmulChains {
public:
  explicit MatmulChains(bool floats) : reassociateFloats(floats) {}

  void visitRegion(Region &r) {
    std::vector<Operation *> roots;
    for (auto &op : r.getOps()) {
      for (unsigned k = 0; k < op->getNumRegions(); ++k)
        visitRegion(op->getRegion(k));
      if (isEligible(*op) && !isInner(*op))
        roots.push_back(op.get());
    }
    for (Operation *root : roots)
      reorder(root);
  }

private:
  bool isEligible(const Operation &op) const {
    if (op.getOpcode() != Opcode::Matmul ||
        op.getResult(0)->getType().getRank() != 2 ||
        op.getOperand(0)->getType().getRank() != 2 ||
        op.getOperand(1)->getType().getRank() != 2)
      return false;
    DType dt = op.getResult(0)->getType().getDType();
    if (dt == DType::I32 || dt == DType::I64)
      return op.getOperand(0)->getType().getDType() == dt;
    return isFloat(dt) && reassociateFloats;
  }

  /// An intermediate product: used once, by an eligible matmul of its region.
  bool isInner(const Operation &op) const {
    Value *v = op.getResult(0);
    if (v->getNumUses() != 1)
      return false;
    Operation *user = v->getUses()[0].user;
    return user->getParentRegion() == op.getParentRegion() && isEligible(*user);
  }

  /// Collects the leaves of the tree under `op` left to right, the inner
  /// matmuls (pre-order) and the cost of the current association.
  int64_t flatten(Operation *op, std::vector<Value *> &leaves,
                  std::vector<Operation *> &inner) {
    int64_t cost = 0;
    for (Value *v : op->getOperands()) {
      Operation *def = v->getDefiningOp();
      if (def && isEligible(*def) && isInner(*def)) {
        inner.push_back(def);
        cost += flatten(def, leaves, inner);
      } else {
        leaves.push_back(v);
      }
    }
    llvm::ArrayRef<int64_t> a = op->getOperand(0)->getType().getShape();
    int64_t n = op->getOperand(1)->getType().getShape()[1];
    return cost + a[0] * a[1] * n;
  }

  void reorder(Operation *root) {
    std::vector<Value *> leaves;
    std::vector<Operation *> inner;
    int64_t current = flatten(root, leaves, inner);
    size_t n = leaves.size();
    if (n < 3)
      return;
    std::vector<int64_t> p;
    for (Value *v : leaves)
      p.push_back(v->getType().getShape()[0]);
    p.push_back(leaves.back()->getType().getShape()[1]);
    // best[i][j]: cheapest product of leaves i..j; split[i][j]: its last
    // multiplication is (i..k)(k+1..j).
    std::vector<std::vector<int64_t>> best(n, std::vector<int64_t>(n, 0));
    std::vector<std::vector<size_t>> split(n, std::vector<size_t>(n, 0));
    for (size_t len = 2; len <= n; ++len)
      for (size_t i = 0; i + len <= n; ++i) {
        size_t j = i + len - 1;
        best[i][j] = std::numeric_limits<int64_t>::max();
        for (size_t k = i; k < j; ++k) {
          int64_t c = best[i][k] + best[k + 1][j] + p[i] * p[k + 1] * p[j + 1];
          if (c < best[i][j]) {
            best[i][j] = c;
            split[i][j] = k;
          }
        }
      }
    if (best[0][n - 1] >= current)
      return;
    Builder b;
    b.setInsertionPoint(root);
    b.setLoc(root->getLoc());
    std::function<Value *(size_t, size_t)> build = [&](size_t i,
                                                       size_t j) -> Value * {
      if (i == j)
        return leaves[i];
      size_t k = split[i][j];
      Value *lhs = build(i, k);
      Value *rhs = build(k + 1, j);
      return b.binary(Opcode::Matmul, lhs, rhs);
    };
    Value *product = build(0, n - 1);
    replaceOp(root, {product});
    for (Operation *op :
         inner) // pre-order: each is unused once its user is gone
      op->erase();
  }

  bool reassociateFloats;
};

class MatmulChainPass : public Pass {
public:
  explicit MatmulChainPass(bool floats) : floats(floats) {}
  llvm::StringRef getName() const override {
    return floats ? "matmul-chain-fast-math" : "matmul-chain";
  }
  bool run(Module &m, DiagnosticEngine &) override {
    for (auto &f : m.getFunctions())
      if (!f->isDerivedDeclaration())
        MatmulChains(floats).visitRegion(f->getBody());
    return true;
  }

private:
  bool floats;
};

} // namespace

std::unique_ptr<Pass> createMatmulChainPass() {
  return std::make_unique<MatmulChainPass>(/*floats=*/false);
}
std::unique_ptr<Pass> createMatmulChainFastMathPass() {
  return std::make_unique<MatmulChainPass>(/*floats=*/true);
}

} // namespace tdl::ir

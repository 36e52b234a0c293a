//===- Canonicalize.cpp - constant folding and local simplifications ------===//
//
// Visits every op innermost first (an op's regions before the op), applying
// the first rule that matches, and repeats until nothing changes:
//
//  * Folding: a pure op whose operands are all constants is evaluated with
//    the interpreter's own kernels (kernels::evalOp), so a folded value is
//    bit for bit what execution would have computed; run-time errors (integer
//    division by zero) are left to run time. Results with more than
//    kMaxDenseFold distinct elements are not folded (they would bloat the
//    IR); splat results of any size are.
//  * Algebraic identities. Integers (wraparound) always: x+0, x-0, x*1, x/1,
//    x*0 -> 0, x-x -> 0. Floats (IEEE, NaN/Inf/-0 respected) only where exact
//    for every input:  x*1, x/1, x+(-0.0), x-(+0.0) -> x. With fast math
//    (`canonicalize-fast-math`, -ffast-math) also x+(+0.0) and x-(-0.0) -> x
//    (wrong for x = -0), x*0 -> 0 and x-x -> 0 (wrong for NaN/Inf), and
//    reduce_sum over size-1 axes of floats (the kernel adds to +0.0).
//    Everywhere: neg(neg x) -> x, and/or with true/false, select with a
//    constant condition or equal arms, get(tuple(..)).
//  * Shapes: transpose of transpose -> one transpose (or nothing), broadcast
//    of broadcast -> one broadcast, reshape of reshape -> one reshape,
//    identity reshape/transpose/broadcast -> operand, broadcast or reshape of
//    a splat constant -> splat constant, reductions over size-1 axes only ->
//    reshape (max/min/prod always, sum for integers or fast math).
//  * Control flow: `if` with a constant condition -> the taken region
//    inlined; `for` with constant bounds running zero times -> its inits,
//    exactly once -> its body inlined with the induction variable constant.
//
// Ops made unused are left for DCE (canonicalize erases only what it
// replaces).
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/interp/Kernels.h"
#include "ssa_ir/passes/PassManager.h"
#include "ssa_ir/passes/PassUtils.h"

#include "llvm/Support/Error.h"

#include <numeric>

namespace tdl::ir {

namespace {

constexpr int64_t kMaxDenseFold = 1024;
constexpr int64_t kMaxFoldEvaluation = 1 << 16;
constexpr unsigned kMaxIterations = 16;

bool isFoldable(const Operation &op) {
  if (!op.hasTrait(Pure) || op.getNumRegions() || op.getNumResults() != 1 ||
      op.getNumOperands() == 0 || !op.getResult(0)->getType().isTensor())
    return false;
  switch (op.getOpcode()) {
  case Opcode::RngUniform: // Cheap to store, expensive to spell out.
  case Opcode::RngNormal:
  case Opcode::Tuple:
  case Opcode::Get:
  case Opcode::TapePush:
  case Opcode::TapeTop:
  case Opcode::TapePop:
    return false;
  default:
    break;
  }
  for (Value *v : op.getOperands())
    if (!getConstantOp(v) || !v->getType().isTensor())
      return false;
  return true;
}

bool isIdentityPerm(llvm::ArrayRef<int64_t> perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != int64_t(i))
      return false;
  return true;
}

class Canonicalizer {
public:
  explicit Canonicalizer(bool fastMath) : fastMath(fastMath) {}

  void run(Function &f) {
    for (unsigned i = 0; i < kMaxIterations; ++i) {
      changed = false;
      visitRegion(f.getBody());
      if (!changed)
        break;
    }
  }

private:
  void visitRegion(Region &r) {
    walkPostOrder(r, [&](Operation *op) {
      if (rewrite(op))
        changed = true;
    });
  }

  /// Replaces the single result of `op` by `v` and erases `op`.
  bool replaceWith(Operation *op, Value *v) {
    replaceOp(op, {v});
    return true;
  }

  Builder builderBefore(Operation *op) {
    Builder b;
    b.setInsertionPoint(op);
    b.setLoc(op->getLoc());
    return b;
  }

  bool rewrite(Operation *op) {
    if (isFoldable(*op) && fold(op))
      return true;
    switch (op->getOpcode()) {
    case Opcode::Add:
    case Opcode::Sub:
    case Opcode::Mul:
    case Opcode::Div:
    case Opcode::And:
    case Opcode::Or:
      return binaryIdentity(op);
    case Opcode::Neg:
      if (Operation *inner = op->getOperand(0)->getDefiningOp())
        if (inner->getOpcode() == Opcode::Neg)
          return replaceWith(op, inner->getOperand(0));
      return false;
    case Opcode::Select:
      return select(op);
    case Opcode::Get:
      if (Operation *t = op->getOperand(0)->getDefiningOp())
        if (t->getOpcode() == Opcode::Tuple)
          return replaceWith(op, t->getOperand(OpAttrs(*op).index()));
      return false;
    case Opcode::Transpose:
      return transpose(op);
    case Opcode::Broadcast:
      return broadcast(op);
    case Opcode::Reshape:
      return reshape(op);
    case Opcode::ReduceSum:
    case Opcode::ReduceMax:
    case Opcode::ReduceMin:
    case Opcode::ReduceProd:
      return reduce(op);
    case Opcode::If:
      return constantIf(op);
    case Opcode::For:
      return constantFor(op);
    default:
      return false;
    }
  }

  bool fold(Operation *op) {
    // Folding evaluates the operands at full size: a reduction of a huge
    // splat is left to run time (which may report that it is out of
    // memory) rather than exhausting the compiler's.
    if (op->getResult(0)->getType().getNumElements() > kMaxFoldEvaluation)
      return false;
    for (Value *v : op->getOperands())
      if (v->getType().isTensor() &&
          v->getType().getNumElements() > kMaxFoldEvaluation)
        return false;
    llvm::SmallVector<RuntimeValue, 3> in;
    for (Value *v : op->getOperands())
      in.push_back(evalConstant(*getConstantOp(v)));
    llvm::Expected<RuntimeValue> r = kernels::evalOp(*op, in);
    if (!r) {
      llvm::consumeError(r.takeError()); // it fails at run time instead
      return false;
    }
    if (r->numElements() > kMaxDenseFold && !isSplat(*r))
      return false;
    Builder b = builderBefore(op);
    return replaceWith(op, materializeConstant(b, *r));
  }

  bool binaryIdentity(Operation *op) {
    Value *x = op->getOperand(0), *y = op->getOperand(1);
    DType dt = x->getType().getDType();
    bool exactInt = !isFloat(dt);
    Opcode code = op->getOpcode();
    bool commutative = op->hasTrait(Commutative);
    // Commutative ops: look for the constant on either side.
    auto constSide = [&](double c) -> Value * {
      if (isSplatConstantOf(y, c))
        return x;
      if (commutative && isSplatConstantOf(x, c))
        return y;
      return nullptr;
    };
    auto zeroOf = [&](Operation *at) {
      Builder b = builderBefore(at);
      return b.constant(x->getType(), 0.0);
    };
    if (dt == DType::Bool) {
      if (code == Opcode::And) {
        if (Value *other = constSide(1))
          return replaceWith(op, other);
      } else if (code == Opcode::Or) {
        if (Value *other = constSide(0))
          return replaceWith(op, other);
      }
      if ((code == Opcode::And || code == Opcode::Or) && x == y)
        return replaceWith(op, x);
      return false;
    }
    switch (code) {
    case Opcode::Add:
      if (exactInt || fastMath) {
        if (Value *other = constSide(0))
          return replaceWith(op, other);
      }
      if (!exactInt)
        if (Value *other = constSide(-0.0)) // x + -0 == x, also for x = -0
          return replaceWith(op, other);
      return false;
    case Opcode::Sub:
      if (isSplatConstantOf(y, 0.0))
        return replaceWith(op, x); // x - +0 == x for every x
      if (fastMath && !exactInt && isSplatConstantOf(y, -0.0))
        return replaceWith(op, x);
      if (x == y && (exactInt || fastMath))
        return replaceWith(op, zeroOf(op));
      return false;
    case Opcode::Mul:
      if (Value *other = constSide(1))
        return replaceWith(op, other);
      if (exactInt || fastMath)
        if (constSide(0))
          return replaceWith(op, zeroOf(op));
      return false;
    case Opcode::Div:
      if (isSplatConstantOf(y, 1))
        return replaceWith(op, x);
      return false;
    default:
      return false;
    }
  }

  bool select(Operation *op) {
    if (std::optional<bool> c = getConstantBool(op->getOperand(0)))
      return replaceWith(op, op->getOperand(*c ? 1 : 2));
    if (op->getOperand(1) == op->getOperand(2))
      return replaceWith(op, op->getOperand(1));
    return false;
  }

  bool transpose(Operation *op) {
    const IntArray &perm = OpAttrs(*op).perm();
    if (isIdentityPerm(perm))
      return replaceWith(op, op->getOperand(0));
    Operation *inner = op->getOperand(0)->getDefiningOp();
    if (!inner || inner->getOpcode() != Opcode::Transpose)
      return false;
    // out dim i = mid dim perm[i] = x dim innerPerm[perm[i]].
    const IntArray &innerPerm = OpAttrs(*inner).perm();
    IntArray composed;
    for (int64_t p : perm)
      composed.push_back(innerPerm[p]);
    Value *x = inner->getOperand(0);
    if (isIdentityPerm(composed))
      return replaceWith(op, x);
    Builder b = builderBefore(op);
    return replaceWith(
        op, b.create1(Opcode::Transpose, {x}, {{"perm", Attribute(composed)}}));
  }

  /// broadcast or reshape of a splat constant: the splat at the new type.
  bool splatToType(Operation *op) {
    std::optional<RuntimeValue> s = getSplatScalar(op->getOperand(0));
    if (!s)
      return false;
    const Type &t = op->getResult(0)->getType();
    if (t.getNumElements() == 0)
      return false;
    Builder b = builderBefore(op);
    Value *scalar = materializeConstant(b, *s);
    // Re-spell the scalar's attribute at the result type.
    Operation *c = scalar->getDefiningOp();
    Value *splat = b.create1(Opcode::Constant, {}, c->getAttrs(), {t});
    c->erase();
    return replaceWith(op, splat);
  }

  bool broadcast(Operation *op) {
    Value *x = op->getOperand(0);
    const IntArray &dims = OpAttrs(*op).dims();
    if (x->getType() == op->getResult(0)->getType() && isIdentityPerm(dims))
      return replaceWith(op, x);
    if (splatToType(op))
      return true;
    Operation *inner = x->getDefiningOp();
    if (!inner || inner->getOpcode() != Opcode::Broadcast)
      return false;
    // x dim i -> mid dim innerDims[i] -> result dim dims[innerDims[i]].
    const IntArray &innerDims = OpAttrs(*inner).dims();
    IntArray composed;
    for (int64_t d : innerDims)
      composed.push_back(dims[d]);
    Builder b = builderBefore(op);
    return replaceWith(
        op, b.broadcast(inner->getOperand(0), OpAttrs(*op).shape(), composed));
  }

  bool reshape(Operation *op) {
    Value *x = op->getOperand(0);
    if (x->getType() == op->getResult(0)->getType())
      return replaceWith(op, x);
    if (splatToType(op))
      return true;
    Operation *inner = x->getDefiningOp();
    if (!inner || inner->getOpcode() != Opcode::Reshape)
      return false;
    Builder b = builderBefore(op);
    return replaceWith(op, b.reshape(inner->getOperand(0),
                                     op->getResult(0)->getType().getShape()));
  }

  bool reduce(Operation *op) {
    Value *x = op->getOperand(0);
    const IntArray &axes = OpAttrs(*op).axes();
    for (int64_t a : axes)
      if (x->getType().getShape()[a] != 1)
        return false;
    // Summing one float adds it to +0.0, which turns -0.0 into +0.0.
    if (op->getOpcode() == Opcode::ReduceSum &&
        isFloat(x->getType().getDType()) && !fastMath)
      return false;
    Builder b = builderBefore(op);
    return replaceWith(op,
                       b.reshape(x, op->getResult(0)->getType().getShape()));
  }

  bool constantIf(Operation *op) {
    std::optional<bool> c = getConstantBool(op->getOperand(0));
    if (!c)
      return false;
    replaceOp(op, inlineRegionBefore(op->getRegion(*c ? 0 : 1), op, {}));
    return true;
  }

  bool constantFor(Operation *op) {
    std::optional<int64_t> lb = getConstantInt(op->getOperand(0));
    std::optional<int64_t> ub = getConstantInt(op->getOperand(1));
    if (!lb || !ub)
      return false;
    llvm::SmallVector<Value *, 4> inits(op->getOperands().drop_front(2));
    if (*ub <= *lb) {
      replaceOp(op, inits);
      return true;
    }
    if (*ub - *lb != 1)
      return false;
    llvm::SmallVector<Value *, 4> args{op->getOperand(0)};
    args.append(inits.begin(), inits.end());
    replaceOp(op, inlineRegionBefore(op->getRegion(0), op, args));
    return true;
  }

  bool fastMath;
  bool changed = false;
};

class CanonicalizePass : public Pass {
public:
  explicit CanonicalizePass(bool fastMath) : fastMath(fastMath) {}
  llvm::StringRef getName() const override {
    return fastMath ? "canonicalize-fast-math" : "canonicalize";
  }
  bool run(Module &m, DiagnosticEngine &) override {
    for (auto &f : m.getFunctions())
      if (!f->isDerivedDeclaration())
        Canonicalizer(fastMath).run(*f);
    return true;
  }

private:
  bool fastMath;
};

} // namespace

std::unique_ptr<Pass> createCanonicalizePass() {
  return std::make_unique<CanonicalizePass>(/*fastMath=*/false);
}
std::unique_ptr<Pass> createCanonicalizeFastMathPass() {
  return std::make_unique<CanonicalizePass>(/*fastMath=*/true);
}

} // namespace tdl::ir

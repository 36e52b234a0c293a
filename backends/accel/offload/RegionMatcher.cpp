//===- RegionMatcher.cpp - find the regions the accelerator can run -------===//
#include "backends/accel/offload/RegionMatcher.h"
#include "backends/accel/host/RegionLayout.h"
#include "backends/accel/offload/RegionShapeOf.h"

#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/OpParams.h"
#include "ssa_ir/passes/PassUtils.h"

#include "llvm/ADT/DenseSet.h"

#include <limits>

namespace tdl::accel {

using IROp = ir::Opcode;
using Operation = ir::Operation;
using Value = ir::Value;

/// A splat integer constant's value.
static std::optional<int64_t> splatInt(Value *v) {
  std::optional<ir::RuntimeValue> s = ir::getSplatScalar(v);
  if (!s || s->getDType() != ir::DType::I32)
    return std::nullopt;
  return int64_t(s->getAsDouble(0));
}

static bool fitsImm(int64_t v) {
  return v >= std::numeric_limits<int16_t>::min() &&
         v <= std::numeric_limits<int16_t>::max();
}

static std::optional<AluOp> aluOpOf(IROp op) {
  switch (op) {
  case IROp::Add:
    return AluOp::Add;
  case IROp::Mul:
    return AluOp::Mul;
  case IROp::Max:
    return AluOp::Max;
  case IROp::Min:
    return AluOp::Min;
  default:
    return std::nullopt;
  }
}

/// The vector behind `v` when `v` broadcasts it along the column axis: the
/// source's only dim larger than 1 (or its only dim) goes to that axis, so
/// its data is the [n] vector (a bias `[O]` or `[1, O, 1, 1]`).
static Value *rowVectorBehind(Value *v, const RegionShape &shape) {
  Operation *def = v->getDefiningOp();
  if (!def || def->getOpcode() != IROp::Broadcast)
    return nullptr;
  Value *src = def->getOperand(0);
  const ir::IntArray *dims = ir::OpAttrs(*def).dimsIf();
  unsigned axis = columnAxis(shape);
  int64_t n = shape.result[axis];
  llvm::ArrayRef<int64_t> srcShape = src->getType().getShape();
  if (!dims || dims->size() != srcShape.size() ||
      src->getType().getNumElements() != n)
    return nullptr;
  for (size_t i = 0; i < srcShape.size(); ++i)
    if ((*dims)[i] == int64_t(axis) ? srcShape[i] != n : srcShape[i] != 1)
      return nullptr;
  return src;
}

/// The values the accumulator can hold: MAX and MIN with immediates narrow
/// them, any other step may produce any i32.
struct AccRange {
  int64_t lo = INT32_MIN, hi = INT32_MAX;
  bool isI8() const { return lo >= -128 && hi <= 127; }
};

/// Appends `step` to the epilogue and narrows `range` by it.
static void push(CandidateRegion &r, AccRange &range, EpilogueStep step) {
  r.gemm.epilogue.push_back(step);
  if (step.useImm && step.op == AluOp::Max) {
    range.lo = std::max<int64_t>(range.lo, step.imm);
    range.hi = std::max<int64_t>(range.hi, step.imm);
  } else if (step.useImm && step.op == AluOp::Min) {
    range.lo = std::min<int64_t>(range.lo, step.imm);
    range.hi = std::min<int64_t>(range.hi, step.imm);
  } else {
    range = AccRange();
  }
}

/// Makes the accumulator hold the i8 value its low byte stands for: when
/// it may lie outside [-128, 127], shifting left then arithmetically right
/// by 24 sign-extends the low byte (TDL's wrapping narrowing, exactly).
static void signExtendLowByte(CandidateRegion &r, AccRange &range) {
  if (range.isI8())
    return;
  push(r, range, {AluOp::Shr, true, -24, 0});
  push(r, range, {AluOp::Shr, true, 24, 0});
  range = {-128, 127};
}

/// Records `value` as epilogue operand `step.operand` of `step`'s kind.
static EpilogueStep addOperand(CandidateRegion &r, AluOp op, Value *value,
                               OperandShape kind, bool negate, bool isI8) {
  EpilogueStep step{op, false, 0, unsigned(r.gemm.operands.size())};
  r.gemm.operands.push_back(kind);
  r.operandValues.push_back(value);
  r.operandNegated.push_back(negate);
  r.operandI8.push_back(isI8);
  return step;
}

/// The i8 tensor behind `v` when `v` is its single-use widening cast in the
/// region's block: the region absorbs the cast and the host widens the
/// tensor (a quarter of the bytes through the host's hands).
static Operation *absorbableWidening(Value *v, const Operation *seed) {
  Operation *def = v->getDefiningOp();
  if (!def || def->getOpcode() != IROp::Cast || v->getNumUses() != 1 ||
      def->getParentRegion() != seed->getParentRegion() ||
      def->getOperand(0)->getType().getDType() != ir::DType::I8 ||
      def->getOperand(0)->getType().getShape() != v->getType().getShape())
    return nullptr;
  return def;
}

/// Adds the i32 step `user` (whose operand `index` is the running
/// accumulator `acc`) to the region; false if the ALU cannot do it.
static bool addStep(CandidateRegion &r, AccRange &range, Operation *user,
                    unsigned index, Value *acc) {
  Value *other =
      user->getNumOperands() == 2 ? user->getOperand(1 - index) : nullptr;
  if (!other || other == acc)
    return false;
  std::optional<int64_t> imm = splatInt(other);
  bool negate = false;
  switch (user->getOpcode()) {
  case IROp::Shr:
    if (index != 0 || !imm || *imm < 0 || *imm > 31)
      return false;
    push(r, range, {AluOp::Shr, true, int16_t(*imm), 0});
    break;
  case IROp::Sub: // acc - t == acc + (-t)
    if (index != 0)
      return false;
    negate = true;
    [[fallthrough]];
  default: {
    std::optional<AluOp> op =
        negate ? std::optional<AluOp>(AluOp::Add) : aluOpOf(user->getOpcode());
    if (!op)
      return false;
    if (imm && fitsImm(negate ? -*imm : *imm)) {
      push(r, range, {*op, true, int16_t(negate ? -*imm : *imm), 0});
      break;
    }
    if (Value *row = rowVectorBehind(other, r.shape)) {
      push(r, range, addOperand(r, *op, row, OperandShape::Row, negate, false));
    } else if (Operation *widen = absorbableWidening(other, r.seed)) {
      r.steps.push_back(widen);
      push(r, range,
           addOperand(r, *op, widen->getOperand(0), OperandShape::Full, negate,
                      true));
    } else {
      push(r, range,
           addOperand(r, *op, other, OperandShape::Full, negate, false));
    }
  }
  }
  r.steps.push_back(user);
  return true;
}

/// Adds the i8 step `user` after a narrowing (operand `index` is the i8
/// value `v` whose low byte the accumulator holds); false if the ALU cannot
/// do it exactly. Add, sub and mul only need the low byte right; max, min
/// and shr need the i8 value itself.
static bool addI8Step(CandidateRegion &r, AccRange &range, Operation *user,
                      unsigned index, Value *v) {
  if (user->getNumOperands() != 2 || user->getNumResults() != 1 ||
      user->getResult(0)->getType() != v->getType())
    return false;
  Value *other = user->getOperand(1 - index);
  if (other == v)
    return false;
  std::optional<ir::RuntimeValue> c = ir::getSplatScalar(other);
  if (c && c->getDType() != ir::DType::I8)
    return false;
  std::optional<int64_t> imm;
  if (c)
    imm = int64_t(c->getAsDouble(0));
  IROp opcode = user->getOpcode();
  bool negate = opcode == IROp::Sub;
  if (negate && index != 0)
    return false;
  std::optional<AluOp> op = negate ? std::optional<AluOp>(AluOp::Add)
                            : opcode == IROp::Shr
                                ? std::optional<AluOp>(AluOp::Shr)
                                : aluOpOf(opcode);
  if (!op)
    return false;
  if (*op == AluOp::Shr && (index != 0 || !imm || *imm < 0 || *imm > 7))
    return false;
  bool needsValue = *op == AluOp::Max || *op == AluOp::Min || *op == AluOp::Shr;
  if (needsValue)
    signExtendLowByte(r, range);
  AccRange before = range;
  if (imm) {
    push(r, range, {*op, true, int16_t(negate ? -*imm : *imm), 0});
  } else {
    if (other->getType() != v->getType())
      return false;
    push(r, range, addOperand(r, *op, other, OperandShape::Full, negate, true));
  }
  // The max/min of two i8 values and an i8 value shifted right stay i8.
  if (needsValue && !imm)
    range = before;
  if (*op == AluOp::Shr)
    range = {-128, 127};
  r.steps.push_back(user);
  return true;
}

/// Merges each run of MAX/MIN immediates into at most one MAX and one MIN:
/// max(clamp(x, lo, hi), c) == clamp(x, max(lo, c), max(hi, c)) and the same
/// for min, so a run is clamp(x, lo, hi). Each ALU step is a pass over the
/// accumulator tile; requantize's clamp followed by qrelu's max(_, 0) is
/// two passes instead of three.
static void mergeClamps(std::vector<EpilogueStep> &steps) {
  std::vector<EpilogueStep> out;
  for (size_t i = 0; i < steps.size();) {
    auto isClamp = [&](const EpilogueStep &s) {
      return s.useImm && (s.op == AluOp::Max || s.op == AluOp::Min);
    };
    if (!isClamp(steps[i])) {
      out.push_back(steps[i++]);
      continue;
    }
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    for (; i < steps.size() && isClamp(steps[i]); ++i) {
      int64_t c = steps[i].imm;
      if (steps[i].op == AluOp::Max) {
        lo = std::max(lo, c);
        hi = std::max(hi, c);
      } else {
        lo = std::min(lo, c);
        hi = std::min(hi, c);
      }
    }
    if (lo != INT64_MIN)
      out.push_back({AluOp::Max, true, int16_t(lo), 0});
    if (hi != INT64_MAX)
      out.push_back({AluOp::Min, true, int16_t(hi), 0});
  }
  steps = std::move(out);
}

/// The pool of a `max_pool2d` / `avg_pool2d` the conv's program can fuse:
/// a 2-D window with padding below it (every window reads a conv output);
/// an average's window area a power of two (the ALU divides by SHR).
static std::optional<ConvPool> fusablePool(Operation *pool) {
  ir::Pool2DParams p;
  if (!ir::getPool2DParams(pool->getAttrs(), p).empty())
    return std::nullopt;
  ConvPool out;
  int64_t v[] = {p.window[0],  p.window[1],  p.stride[0],  p.stride[1],
                 p.padding[0], p.padding[1], p.padding[2], p.padding[3]};
  uint32_t *fields[] = {&out.kh,      &out.kw,      &out.strideH,
                        &out.strideW, &out.padTop,  &out.padBottom,
                        &out.padLeft, &out.padRight};
  for (size_t i = 0; i < 8; ++i) {
    if (v[i] < 0 || v[i] > 0xFFFF)
      return std::nullopt;
    *fields[i] = uint32_t(v[i]);
  }
  if (!out.kh || !out.kw || !out.strideH || !out.strideW ||
      out.padTop >= out.kh || out.padBottom >= out.kh ||
      out.padLeft >= out.kw || out.padRight >= out.kw)
    return std::nullopt;
  out.average = pool->getOpcode() == IROp::AvgPool2D;
  uint64_t area = uint64_t(out.kh) * out.kw;
  if (out.average && (area & (area - 1) || area > 32768))
    return std::nullopt;
  return out;
}

void CandidateRegion::dropPool() {
  if (!shape.pool.present())
    return;
  steps.resize(beforePool.steps);
  gemm.epilogue.resize(beforePool.epilogue);
  result = beforePool.result;
  shape.pool = ConvPool();
}

/// Ops already in an earlier region.
using Claimed = llvm::DenseSet<const Operation *>;

/// The region starting at `seed`: the longest walk that ends at an i8
/// value (the header comment describes the steps) and takes no op of an
/// earlier region.
static std::optional<CandidateRegion> matchRegion(Operation *seed,
                                                  const Claimed &claimed) {
  std::optional<RegionShape> shape = regionShapeOf(*seed);
  if (!shape)
    return std::nullopt;
  CandidateRegion r;
  r.seed = seed;
  r.shape = *shape;
  r.gemm.m = shape->m;
  r.gemm.n = shape->n;
  r.gemm.k = shape->k;
  std::optional<CandidateRegion> best; // at the last i8 value reached
  AccRange range;
  Value *acc = seed->getResult(0);
  while (acc->getNumUses() == 1) {
    ir::Use use = acc->getUses()[0];
    Operation *user = use.user;
    // A terminator (the value is returned or yielded as is) ends the walk.
    if (user->getParentRegion() != seed->getParentRegion() ||
        user->getNumResults() != 1 || claimed.contains(user))
      break;
    ir::DType from = acc->getType().getDType();
    if ((user->getOpcode() == IROp::MaxPool2D ||
         user->getOpcode() == IROp::AvgPool2D) &&
        from == ir::DType::I8 && r.shape.kind == RegionKind::Conv2D) {
      std::optional<ConvPool> pool = fusablePool(user);
      if (!pool)
        break;
      // The pool compares (sums) i8 values: the accumulator must hold them.
      mergeClamps(r.gemm.epilogue);
      r.beforePool = {r.steps.size(), r.gemm.epilogue.size(), acc};
      signExtendLowByte(r, range);
      r.shape.pool = *pool;
      r.steps.push_back(user);
      best = r;
      best->result = user->getResult(0);
      break; // the pooled tile is what STORE writes
    }
    if (user->getOpcode() == IROp::Cast) {
      ir::DType to = user->getResult(0)->getType().getDType();
      if (from == ir::DType::I32 && to == ir::DType::I8) {
        // STORE narrows; the accumulator keeps the i32 value.
      } else if (from == ir::DType::I8 && to == ir::DType::I32) {
        signExtendLowByte(r, range);
      } else {
        break;
      }
      r.steps.push_back(user);
    } else if (from == ir::DType::I32
                   ? user->getResult(0)->getType() != acc->getType() ||
                         !addStep(r, range, user, use.operandIndex, acc)
                   : !addI8Step(r, range, user, use.operandIndex, acc)) {
      break;
    }
    acc = user->getResult(0);
    if (acc->getType().getDType() == ir::DType::I8) {
      best = r;
      best->result = acc;
    }
  }
  if (best)
    mergeClamps(best->gemm.epilogue);
  return best;
}

/// Regions are disjoint: an earlier region's walk may reach past a later
/// seed (its epilogue adds the later region's widened result), and the
/// later region then ends before the ops the earlier one took.
static void collect(ir::Region &region, std::vector<CandidateRegion> &out,
                    Claimed &claimed) {
  for (auto &op : region.getOps()) {
    for (unsigned i = 0; i < op->getNumRegions(); ++i)
      collect(op->getRegion(i), out, claimed);
    if (std::optional<CandidateRegion> r = matchRegion(op.get(), claimed)) {
      claimed.insert(r->seed);
      claimed.insert(r->steps.begin(), r->steps.end());
      out.push_back(std::move(*r));
    }
  }
}

std::vector<CandidateRegion> findOffloadableRegions(ir::Function &f) {
  std::vector<CandidateRegion> out;
  Claimed claimed;
  if (!f.isDerivedDeclaration())
    collect(f.getBody(), out, claimed);
  return out;
}

} // namespace tdl::accel

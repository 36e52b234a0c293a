//===- RegionMatcher.cpp - find the regions the accelerator can run -------===//
#include "backends/accel/offload/RegionMatcher.h"
#include "backends/accel/host/RegionLayout.h"
#include "backends/accel/offload/RegionShapeOf.h"

#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/passes/PassUtils.h"

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

/// Adds the step `user` (whose operand `index` is the running accumulator
/// `acc`) to the region; false if the ALU cannot do it.
static bool addStep(CandidateRegion &r, Operation *user, unsigned index,
                    Value *acc) {
  Value *other =
      user->getNumOperands() == 2 ? user->getOperand(1 - index) : nullptr;
  if (!other || other == acc)
    return false;
  std::optional<int64_t> imm = splatInt(other);
  EpilogueStep step{};
  bool negate = false;
  switch (user->getOpcode()) {
  case IROp::Shr:
    if (index != 0 || !imm || *imm < 0 || *imm > 31)
      return false;
    step = {AluOp::Shr, true, int16_t(*imm), 0};
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
      step = {*op, true, int16_t(negate ? -*imm : *imm), 0};
      break;
    }
    step = {*op, false, 0, unsigned(r.gemm.operands.size())};
    r.operandNegated.push_back(negate);
    if (Value *row = rowVectorBehind(other, r.shape)) {
      r.gemm.operands.push_back(OperandShape::Row);
      r.operandValues.push_back(row);
    } else {
      r.gemm.operands.push_back(OperandShape::Full);
      r.operandValues.push_back(other);
    }
  }
  }
  r.gemm.epilogue.push_back(step);
  r.steps.push_back(user);
  return true;
}

/// The values the accumulator can hold after the epilogue: MAX and MIN
/// with immediates narrow it, any other step may produce any i32.
static std::pair<int64_t, int64_t> epilogueRange(const GemmOp &gemm) {
  int64_t lo = INT32_MIN, hi = INT32_MAX;
  for (const EpilogueStep &s : gemm.epilogue) {
    if (s.useImm && s.op == AluOp::Max) {
      lo = std::max<int64_t>(lo, s.imm);
      hi = std::max<int64_t>(hi, s.imm);
    } else if (s.useImm && s.op == AluOp::Min) {
      lo = std::min<int64_t>(lo, s.imm);
      hi = std::min<int64_t>(hi, s.imm);
    } else {
      lo = INT32_MIN;
      hi = INT32_MAX;
    }
  }
  return {lo, hi};
}

/// When the epilogue clamps into the i8 range, narrowing is the identity,
/// so an i8 `max`/`min` with a constant after the cast (std.quant's qrelu)
/// equals the same step before it: those join the region as ALU steps.
static void addClampedTail(CandidateRegion &r) {
  auto [lo, hi] = epilogueRange(r.gemm);
  if (lo < -128 || hi > 127)
    return;
  Value *v = r.narrow->getResult(0);
  while (v->getNumUses() == 1) {
    ir::Use use = v->getUses()[0];
    Operation *user = use.user;
    IROp op = user->getOpcode();
    if ((op != IROp::Max && op != IROp::Min) ||
        user->getParentRegion() != r.narrow->getParentRegion())
      return;
    std::optional<ir::RuntimeValue> c =
        ir::getSplatScalar(user->getOperand(1 - use.operandIndex));
    if (!c || c->getDType() != ir::DType::I8 ||
        user->getOperand(1 - use.operandIndex) == v)
      return;
    r.gemm.epilogue.push_back({op == IROp::Max ? AluOp::Max : AluOp::Min, true,
                               int16_t(c->getAsDouble(0)), 0});
    r.tail.push_back(user);
    v = user->getResult(0);
  }
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

/// The region starting at `seed`, if it ends in a narrowing cast.
static std::optional<CandidateRegion> matchRegion(Operation *seed) {
  std::optional<RegionShape> shape = regionShapeOf(*seed);
  if (!shape)
    return std::nullopt;
  CandidateRegion r;
  r.seed = seed;
  r.shape = *shape;
  r.gemm.m = shape->m;
  r.gemm.n = shape->n;
  r.gemm.k = shape->k;
  Value *acc = seed->getResult(0);
  while (true) {
    if (acc->getNumUses() != 1)
      return std::nullopt;
    ir::Use use = acc->getUses()[0];
    Operation *user = use.user;
    // A terminator (the value is returned or yielded as is) ends the walk.
    if (user->getParentRegion() != seed->getParentRegion() ||
        user->getNumResults() != 1 ||
        (user->getOpcode() != IROp::Cast &&
         user->getResult(0)->getType() != acc->getType()))
      return std::nullopt;
    if (user->getOpcode() == IROp::Cast) {
      if (user->getResult(0)->getType().getDType() != ir::DType::I8)
        return std::nullopt;
      r.narrow = user;
      addClampedTail(r);
      mergeClamps(r.gemm.epilogue);
      return r;
    }
    if (!addStep(r, user, use.operandIndex, acc))
      return std::nullopt;
    acc = user->getResult(0);
  }
}

static void collect(ir::Region &region, std::vector<CandidateRegion> &out) {
  for (auto &op : region.getOps()) {
    for (unsigned i = 0; i < op->getNumRegions(); ++i)
      collect(op->getRegion(i), out);
    if (std::optional<CandidateRegion> r = matchRegion(op.get()))
      out.push_back(std::move(*r));
  }
}

std::vector<CandidateRegion> findOffloadableRegions(ir::Function &f) {
  std::vector<CandidateRegion> out;
  if (!f.isDerivedDeclaration())
    collect(f.getBody(), out);
  return out;
}

} // namespace tdl::accel

//===- TypeRules.cpp - result-type rules and per-op checks ----------------===//
//
// One function per `Rule` column of Ops.def. Each checks operand types and
// attributes and returns the result types, or a message that names the
// concrete values (MLIR Toy style): "contracting dims differ: f32[2,3] and
// f32[4,5]".
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/OpParams.h"
#include "ssa_ir/TypeRuleHelpers.h"

#include <algorithm>

namespace tdl::ir {

using namespace rules;

//===- Elementwise --------------------------------------------------------===//

TypeRuleResult ruleUnaryNumeric(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  if (in.operands[0].getDType() == DType::Bool)
    return fail("operand must be a number, got " + in.operands[0].str());
  return ok(in.operands[0]);
}

TypeRuleResult ruleUnaryFloat(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  if (!isFloat(in.operands[0].getDType()))
    return fail("operand must be floating-point, got " + in.operands[0].str());
  return ok(in.operands[0]);
}

TypeRuleResult ruleUnaryLogical(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  if (isFloat(in.operands[0].getDType()))
    return fail("operand must be bool or an integer, got " +
                in.operands[0].str());
  return ok(in.operands[0]);
}

TypeRuleResult ruleUnaryIsNaN(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  if (!isFloat(in.operands[0].getDType()))
    return fail("operand must be floating-point, got " + in.operands[0].str());
  return ok(in.operands[0].withDType(DType::Bool));
}

TypeRuleResult ruleIdentity(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  return ok(in.operands[0]);
}

TypeRuleResult ruleBinaryNumeric(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  CHECK(needSameTypes(in.operands));
  if (in.operands[0].getDType() == DType::Bool)
    return fail("operands must be numbers, got " + in.operands[0].str());
  return ok(in.operands[0]);
}

TypeRuleResult ruleBinaryEquality(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  CHECK(needSameTypes(in.operands));
  return ok(in.operands[0].withDType(DType::Bool));
}

TypeRuleResult ruleBinaryOrder(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  CHECK(needSameTypes(in.operands));
  if (in.operands[0].getDType() == DType::Bool)
    return fail("operands must be numbers, got " + in.operands[0].str());
  return ok(in.operands[0].withDType(DType::Bool));
}

TypeRuleResult ruleBinaryLogical(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  CHECK(needSameTypes(in.operands));
  if (isFloat(in.operands[0].getDType()))
    return fail("operands must be bool or integers, got " +
                in.operands[0].str());
  return ok(in.operands[0]);
}

TypeRuleResult ruleBinaryShift(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  CHECK(needSameTypes(in.operands));
  if (!isInteger(in.operands[0].getDType()))
    return fail("operands must be integers, got " + in.operands[0].str());
  return ok(in.operands[0]);
}

TypeRuleResult ruleSelect(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  const Type &c = in.operands[0], &a = in.operands[1], &b = in.operands[2];
  if (c.getDType() != DType::Bool)
    return fail("condition must be bool, got " + c.str());
  if (a != b)
    return fail(fmt::format("branches must have the same type, got {} and {}",
                            a.str(), b.str()));
  if (c.getShape() != a.getShape())
    return fail(fmt::format("condition shape {} differs from value shape {}",
                            shapeToString(c.getShape()),
                            shapeToString(a.getShape())));
  return ok(a);
}

TypeRuleResult ruleCast(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  std::optional<DType> to = OpAttrs(in.attrs).dtypeIf();
  if (!to)
    return fail("needs a dtype attribute 'dtype'");
  return ok(in.operands[0].withDType(*to));
}

//===- Shape and data movement --------------------------------------------===//

TypeRuleResult ruleBroadcast(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  std::string err;
  const IntArray *shape = needIntArray(in.attrs, "shape", err);
  const IntArray *dims = needIntArray(in.attrs, "dims", err);
  if (!err.empty())
    return fail(err);
  CHECK(checkShapeAttr(*shape));
  llvm::ArrayRef<int64_t> from = in.operands[0].getShape();
  if (dims->size() != from.size())
    return fail(fmt::format("dims {} must have one entry per operand dim "
                            "(rank {})",
                            arr(*dims), from.size()));
  for (size_t i = 0; i < dims->size(); ++i) {
    int64_t d = (*dims)[i];
    if (d < 0 || d >= int64_t(shape->size()))
      return fail(fmt::format("dims entry {} is out of range for result "
                              "shape {}",
                              d, arr(*shape)));
    if (i > 0 && d <= (*dims)[i - 1])
      return fail(
          fmt::format("dims {} must be strictly increasing", arr(*dims)));
    if (from[i] != 1 && from[i] != (*shape)[d])
      return fail(fmt::format("operand dim {} of size {} cannot broadcast to "
                              "size {} (result shape {})",
                              i, from[i], (*shape)[d], arr(*shape)));
  }
  return ok(in.operands[0].withShape(*shape));
}

TypeRuleResult ruleReshape(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  std::string err;
  const IntArray *shape = needIntArray(in.attrs, "shape", err);
  if (!err.empty())
    return fail(err);
  CHECK(checkShapeAttr(*shape));
  if (numElements(*shape) != in.operands[0].getNumElements())
    return fail(fmt::format("cannot reshape {} ({} elements) to {} ({} "
                            "elements)",
                            in.operands[0].str(),
                            in.operands[0].getNumElements(), arr(*shape),
                            numElements(*shape)));
  return ok(in.operands[0].withShape(*shape));
}

TypeRuleResult ruleTranspose(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  std::string err;
  const IntArray *perm = needIntArray(in.attrs, "perm", err);
  if (!err.empty())
    return fail(err);
  llvm::ArrayRef<int64_t> s = in.operands[0].getShape();
  if (perm->size() != s.size())
    return fail(fmt::format("perm {} has {} entries, operand rank is {}",
                            arr(*perm), perm->size(), s.size()));
  CHECK(checkAxes(*perm, s.size(), "perm entry"));
  Shape out;
  for (int64_t p : *perm)
    out.push_back(s[p]);
  return ok(in.operands[0].withShape(out));
}

TypeRuleResult ruleSlice(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  std::string err;
  const IntArray *start = needIntArray(in.attrs, "start", err);
  const IntArray *limit = needIntArray(in.attrs, "limit", err);
  const IntArray *stride = needIntArray(in.attrs, "stride", err);
  if (!err.empty())
    return fail(err);
  llvm::ArrayRef<int64_t> s = in.operands[0].getShape();
  if (start->size() != s.size() || limit->size() != s.size() ||
      stride->size() != s.size())
    return fail(fmt::format("start {}, limit {} and stride {} need one entry "
                            "per dim of {}",
                            arr(*start), arr(*limit), arr(*stride),
                            in.operands[0].str()));
  Shape out;
  for (size_t i = 0; i < s.size(); ++i) {
    int64_t a = (*start)[i], b = (*limit)[i], st = (*stride)[i];
    if (a < 0 || a > b || b > s[i])
      return fail(fmt::format("dim {}: slice {}:{} is out of range for size {}",
                              i, a, b, s[i]));
    if (st < 1)
      return fail(fmt::format("dim {}: stride {} must be positive", i, st));
    out.push_back((b - a + st - 1) / st);
  }
  return ok(in.operands[0].withShape(out));
}

static std::string checkIndexOperands(llvm::ArrayRef<Type> idx, unsigned rank,
                                      unsigned first) {
  if (idx.size() != rank)
    return fmt::format("needs {} index operands (one per dim), got {}", rank,
                       idx.size());
  for (size_t i = 0; i < idx.size(); ++i)
    if (!idx[i].isScalarOf(DType::I64))
      return fmt::format("index operand {} must be an i64 scalar, got {}",
                         first + i, idx[i].str());
  return "";
}

TypeRuleResult ruleDynamicSlice(const TypeRuleInput &in) {
  if (in.operands.empty())
    return fail("needs an operand");
  CHECK(needTensors(in.operands));
  const Type &x = in.operands[0];
  CHECK(checkIndexOperands(in.operands.drop_front(), x.getRank(), 1));
  std::string err;
  const IntArray *sizes = needIntArray(in.attrs, "sizes", err);
  if (!err.empty())
    return fail(err);
  if (sizes->size() != x.getRank())
    return fail(fmt::format("sizes {} need one entry per dim of {}",
                            arr(*sizes), x.str()));
  for (size_t i = 0; i < sizes->size(); ++i)
    if ((*sizes)[i] < 0 || (*sizes)[i] > x.getShape()[i])
      return fail(fmt::format("dim {}: size {} is out of range for {}", i,
                              (*sizes)[i], x.str()));
  return ok(x.withShape(*sizes));
}

TypeRuleResult ruleDynamicUpdateSlice(const TypeRuleInput &in) {
  if (in.operands.size() < 2)
    return fail("needs an operand and an update");
  CHECK(needTensors(in.operands));
  const Type &x = in.operands[0], &u = in.operands[1];
  if (u.getDType() != x.getDType() || u.getRank() != x.getRank())
    return fail(fmt::format("update {} must have the dtype and rank of {}",
                            u.str(), x.str()));
  for (unsigned i = 0; i < x.getRank(); ++i)
    if (u.getShape()[i] > x.getShape()[i])
      return fail(
          fmt::format("update {} does not fit in {}", u.str(), x.str()));
  CHECK(checkIndexOperands(in.operands.drop_front(2), x.getRank(), 2));
  return ok(x);
}

TypeRuleResult ruleConcat(const TypeRuleInput &in) {
  if (in.operands.empty())
    return fail("needs at least one operand");
  CHECK(needTensors(in.operands));
  std::optional<int64_t> axis = OpAttrs(in.attrs).axisIf();
  if (!axis)
    return fail("needs an int attribute 'axis'");
  const Type &first = in.operands[0];
  if (*axis < 0 || *axis >= int64_t(first.getRank()))
    return fail(fmt::format("axis {} is out of range for rank {}", *axis,
                            first.getRank()));
  Shape out(first.getShape().begin(), first.getShape().end());
  for (size_t i = 1; i < in.operands.size(); ++i) {
    const Type &t = in.operands[i];
    bool okShape =
        t.getDType() == first.getDType() && t.getRank() == first.getRank();
    for (unsigned d = 0; okShape && d < t.getRank(); ++d)
      if (d != *axis && t.getShape()[d] != first.getShape()[d])
        okShape = false;
    if (!okShape)
      return fail(fmt::format("operand {} of type {} does not match {} "
                              "outside axis {}",
                              i, t.str(), first.str(), *axis));
    out[*axis] += t.getShape()[*axis];
  }
  return ok(first.withShape(out));
}

TypeRuleResult rulePad(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  const Type &x = in.operands[0], &v = in.operands[1];
  if (!v.isScalarOf(x.getDType()))
    return fail(fmt::format("padding value must be a {} scalar, got {}",
                            dtypeName(x.getDType()).str(), v.str()));
  std::string err;
  const IntArray *lo = needIntArray(in.attrs, "lo", err);
  const IntArray *hi = needIntArray(in.attrs, "hi", err);
  if (!err.empty())
    return fail(err);
  if (lo->size() != x.getRank() || hi->size() != x.getRank())
    return fail(fmt::format("lo {} and hi {} need one entry per dim of {}",
                            arr(*lo), arr(*hi), x.str()));
  Shape out;
  for (unsigned i = 0; i < x.getRank(); ++i) {
    if ((*lo)[i] < 0 || (*hi)[i] < 0)
      return fail(fmt::format("padding lo {} hi {} must not be negative",
                              arr(*lo), arr(*hi)));
    out.push_back(x.getShape()[i] + (*lo)[i] + (*hi)[i]);
  }
  return ok(x.withShape(out));
}

TypeRuleResult ruleFlip(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  std::string err;
  const IntArray *axes = needIntArray(in.attrs, "axes", err);
  if (!err.empty())
    return fail(err);
  CHECK(checkAxes(*axes, in.operands[0].getRank(), "axis"));
  return ok(in.operands[0]);
}

//===- Reductions ---------------------------------------------------------===//

TypeRuleResult ruleReduce(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  const Type &x = in.operands[0];
  if (x.getDType() == DType::Bool)
    return fail("operand must be numbers, got " + x.str());
  std::string err;
  const IntArray *axes = needIntArray(in.attrs, "axes", err);
  if (!err.empty())
    return fail(err);
  CHECK(checkAxes(*axes, x.getRank(), "axis"));
  Shape out;
  for (unsigned d = 0; d < x.getRank(); ++d)
    if (std::find(axes->begin(), axes->end(), int64_t(d)) == axes->end())
      out.push_back(x.getShape()[d]);
  return ok(x.withShape(out));
}

TypeRuleResult ruleArgReduce(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  const Type &x = in.operands[0];
  if (x.getDType() == DType::Bool)
    return fail("operand must be numbers, got " + x.str());
  std::optional<int64_t> axis = OpAttrs(in.attrs).axisIf();
  if (!axis)
    return fail("needs an int attribute 'axis'");
  if (*axis < 0 || *axis >= int64_t(x.getRank()))
    return fail(
        fmt::format("axis {} is out of range for rank {}", *axis, x.getRank()));
  if (x.getShape()[*axis] == 0)
    return fail(fmt::format("axis {} of {} is empty", *axis, x.str()));
  Shape out(x.getShape().begin(), x.getShape().end());
  out.erase(out.begin() + *axis);
  return ok(Type::tensor(DType::I64, out));
}

TypeRuleResult ruleIota(const TypeRuleInput &in) {
  std::string err;
  const IntArray *shape = needIntArray(in.attrs, "shape", err);
  if (!err.empty())
    return fail(err);
  CHECK(checkShapeAttr(*shape));
  std::optional<DType> dt = OpAttrs(in.attrs).dtypeIf();
  std::optional<int64_t> axis = OpAttrs(in.attrs).axisIf();
  if (!dt || *dt == DType::Bool)
    return fail("needs a numeric dtype attribute 'dtype'");
  if (!axis || *axis < 0 || *axis >= int64_t(shape->size()))
    return fail(fmt::format("needs an int attribute 'axis' in range for "
                            "shape {}",
                            arr(*shape)));
  return ok(Type::tensor(*dt, *shape));
}

TypeRuleResult ruleConstant(const TypeRuleInput &in) {
  if (in.declaredResults.size() != 1 || !in.declaredResults[0].isTensor())
    return fail("needs one tensor result type");
  const Type &t = in.declaredResults[0];
  const Attribute *v = OpAttrs(in.attrs).valueIf();
  if (!v)
    return fail("needs a 'value' attribute");
  DType dt = t.getDType();
  if (const DenseElements *d = v->getIf<DenseElements>()) {
    if (d->dtype != dt)
      return fail(fmt::format("dense data of dtype {} for result {}",
                              dtypeName(d->dtype).str(), t.str()));
    if (d->size() != t.getNumElements())
      return fail(fmt::format("dense data has {} elements, {} has {}",
                              d->size(), t.str(), t.getNumElements()));
  } else if (v->is<double>()) {
    if (!isFloat(dt))
      return fail("float value for result " + t.str());
  } else if (v->is<int64_t>()) {
    if (!isInteger(dt))
      return fail("integer value for result " + t.str());
  } else if (v->is<bool>()) {
    if (dt != DType::Bool)
      return fail("bool value for result " + t.str());
  } else {
    return fail("'value' must be a number, a bool or dense data");
  }
  return ok(t);
}

TypeRuleResult ruleRng(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  if (!in.operands[0].isScalarOf(DType::I64))
    return fail("seed must be an i64 scalar, got " + in.operands[0].str());
  std::string err;
  const IntArray *shape = needIntArray(in.attrs, "shape", err);
  if (!err.empty())
    return fail(err);
  CHECK(checkShapeAttr(*shape));
  std::optional<DType> dt = OpAttrs(in.attrs).dtypeIf();
  if (!dt || !isFloat(*dt))
    return fail("needs a floating-point dtype attribute 'dtype'");
  return ok(Type::tensor(*dt, *shape));
}

//===- Tuples, calls, control flow ----------------------------------------===//

TypeRuleResult ruleTuple(const TypeRuleInput &in) {
  return ok(Type::tuple(in.operands));
}

TypeRuleResult ruleGet(const TypeRuleInput &in) {
  const Type &t = in.operands[0];
  if (!t.isTuple())
    return fail("operand must be a tuple, got " + t.str());
  std::optional<int64_t> i = OpAttrs(in.attrs).indexIf();
  if (!i)
    return fail("needs an int attribute 'index'");
  if (*i < 0 || *i >= int64_t(t.getElements().size()))
    return fail(fmt::format("index {} is out of range for {}", *i, t.str()));
  return ok(t.getElements()[*i]);
}

TypeRuleResult ruleCall(const TypeRuleInput &in) {
  if (!OpAttrs(in.attrs).calleeIf())
    return fail("needs a symbol attribute 'callee'");
  return ok(in.declaredResults);
}

TypeRuleResult rulePrint(const TypeRuleInput &in) { return ok({}); }

TypeRuleResult ruleIf(const TypeRuleInput &in) {
  if (!in.operands[0].isScalarOf(DType::Bool))
    return fail("condition must be a bool scalar, got " + in.operands[0].str());
  return ok(in.declaredResults);
}

TypeRuleResult ruleFor(const TypeRuleInput &in) {
  if (in.operands.size() < 2)
    return fail("needs lower and upper bound operands");
  for (unsigned i = 0; i < 2; ++i)
    if (!in.operands[i].isScalarOf(DType::I64))
      return fail(fmt::format("{} bound must be an i64 scalar, got {}",
                              i == 0 ? "lower" : "upper",
                              in.operands[i].str()));
  return ok(in.operands.drop_front(2));
}

TypeRuleResult ruleWhile(const TypeRuleInput &in) { return ok(in.operands); }

// The region (checked by the verifier) decides the result types.
TypeRuleResult ruleFused(const TypeRuleInput &in) {
  return ok(in.declaredResults);
}

TypeRuleResult ruleTerminator(const TypeRuleInput &in) { return ok({}); }

} // namespace tdl::ir

//===- NNTypeRules.cpp - type rules of matmul, conv2d and pooling --------===//
//
// The `Matmul`, `Conv2D`, `Conv2DGrad`, `Pool2D` and `Pool2DGrad` rules of
// Ops.def and the parsing of their attributes (OpParams.h); the other rules are
// in TypeRules.cpp and TapeTypeRules.cpp.
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/OpParams.h"
#include "ssa_ir/TypeRuleHelpers.h"

#include <algorithm>

namespace tdl::ir {

using namespace rules;

//===- Linear algebra and NN ----------------------------------------------===//

TypeRuleResult ruleMatmul(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  const Type &a = in.operands[0], &b = in.operands[1];
  if (a.getDType() != b.getDType() || a.getDType() == DType::Bool)
    return fail(fmt::format("operands must be numbers of one dtype, got {} "
                            "and {}",
                            a.str(), b.str()));
  if (a.getRank() < 2 || b.getRank() < 2)
    return fail(fmt::format("operands must have rank >= 2 (irgen reshapes "
                            "vectors), got {} and {}",
                            a.str(), b.str()));
  llvm::ArrayRef<int64_t> as = a.getShape(), bs = b.getShape();
  int64_t m = as[as.size() - 2], k = as.back(), k2 = bs[bs.size() - 2],
          n = bs.back();
  if (k != k2)
    return fail(fmt::format("contracting dims differ: {} has {}, {} has {}",
                            a.str(), k, b.str(), k2));
  llvm::ArrayRef<int64_t> ab = as.drop_back(2), bb = bs.drop_back(2);
  size_t rank = std::max(ab.size(), bb.size());
  Shape out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i + ab.size() >= rank ? ab[i + ab.size() - rank] : 1;
    int64_t db = i + bb.size() >= rank ? bb[i + bb.size() - rank] : 1;
    if (da != db && da != 1 && db != 1)
      return fail(fmt::format("batch dims of {} and {} do not broadcast",
                              a.str(), b.str()));
    out[i] = da == 1 ? db : da;
  }
  out.push_back(m);
  out.push_back(n);
  return ok(Type::tensor(matmulResultDType(a.getDType()), out));
}

TypeRuleResult ruleConv2D(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  const Type &x = in.operands[0], &w = in.operands[1];
  if (x.getDType() != w.getDType() || x.getDType() == DType::Bool)
    return fail(fmt::format("operands must be numbers of one dtype, got {} "
                            "and {}",
                            x.str(), w.str()));
  if (x.getRank() != 4 || w.getRank() != 4)
    return fail(fmt::format("input must be [N,C,H,W] and weights "
                            "[O,C/groups,KH,KW], got {} and {}",
                            x.str(), w.str()));
  Conv2DParams p;
  CHECK(getConv2DParams(in.attrs, p));
  llvm::ArrayRef<int64_t> xs = x.getShape(), ws = w.getShape();
  if (xs[1] % p.groups != 0 || ws[0] % p.groups != 0)
    return fail(fmt::format("groups {} must divide input channels {} and "
                            "output channels {}",
                            p.groups, xs[1], ws[0]));
  if (ws[1] != xs[1] / p.groups)
    return fail(fmt::format("weights {} need {} input channels per group "
                            "(input {} with groups {})",
                            w.str(), xs[1] / p.groups, x.str(), p.groups));
  int64_t oh = windowOutputSize(xs[2], p.padding[0], p.padding[1], ws[2],
                                p.stride[0], p.dilation[0]);
  int64_t ow = windowOutputSize(xs[3], p.padding[2], p.padding[3], ws[3],
                                p.stride[1], p.dilation[1]);
  if (oh <= 0 || ow <= 0)
    return fail(fmt::format("kernel {} does not fit in the padded input {}",
                            w.str(), x.str()));
  return ok(
      Type::tensor(matmulResultDType(x.getDType()), {xs[0], ws[0], oh, ow}));
}

/// conv2d_grad_input (w, dy) and conv2d_grad_filter (x, dy): the result has
/// the `shape` attribute (x's or w's) and the operands' dtype, and conv2d of
/// x and w with the same attributes must give dy's type.
TypeRuleResult ruleConv2DGrad(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  const Type &a = in.operands[0], &dy = in.operands[1];
  if (a.getDType() != dy.getDType() || !isFloat(a.getDType()))
    return fail(fmt::format("operands must be floats of one dtype, got {} and "
                            "{}",
                            a.str(), dy.str()));
  const Attribute *sa = in.attrs.get("shape");
  const IntArray *shape = sa ? sa->getIf<IntArray>() : nullptr;
  if (!shape || shape->size() != 4)
    return fail("attribute 'shape' must be an array of 4 ints");
  CHECK(checkShapeAttr(*shape));
  bool forInput = in.opcode == Opcode::Conv2DGradInput;
  Type result = Type::tensor(a.getDType(), *shape);
  Type conv[2] = {forInput ? result : a, forInput ? a : result};
  TypeRuleInput fwd{Opcode::Conv2D, conv, in.attrs, {}};
  TypeRuleResult y = ruleConv2D(fwd);
  if (!y.ok())
    return y;
  if (y.types[0] != dy)
    return fail(fmt::format("conv2d of {} and {} gives {}, not the cotangent "
                            "{}",
                            conv[0].str(), conv[1].str(), y.types[0].str(),
                            dy.str()));
  return ok(result);
}

TypeRuleResult rulePool2D(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  const Type &x = in.operands[0];
  if (x.getRank() != 4 || x.getDType() == DType::Bool)
    return fail("input must be a [N,C,H,W] tensor of numbers, got " + x.str());
  Pool2DParams p;
  CHECK(getPool2DParams(in.attrs, p));
  llvm::ArrayRef<int64_t> xs = x.getShape();
  int64_t oh = windowOutputSize(xs[2], p.padding[0], p.padding[1], p.window[0],
                                p.stride[0]);
  int64_t ow = windowOutputSize(xs[3], p.padding[2], p.padding[3], p.window[1],
                                p.stride[1]);
  if (oh <= 0 || ow <= 0)
    return fail(fmt::format("window [{}, {}] does not fit in the padded input "
                            "{}",
                            p.window[0], p.window[1], x.str()));
  return ok(x.withShape({xs[0], xs[1], oh, ow}));
}

TypeRuleResult rulePool2DGrad(const TypeRuleInput &in) {
  CHECK(needTensors(in.operands));
  const Type &x = in.operands[0];
  if (x.getRank() != 4 || !isFloat(x.getDType()))
    return fail("input must be a floating-point [N,C,H,W] tensor, got " +
                x.str());
  TypeRuleInput pool = in;
  pool.opcode = Opcode::MaxPool2D;
  pool.operands = in.operands.take_front(1);
  TypeRuleResult y = rulePool2D(pool);
  if (!y.ok())
    return y;
  const Type &pooled = y.types[0];
  for (size_t i = 1; i < in.operands.size(); ++i)
    if (in.operands[i] != pooled)
      return fail(fmt::format("operand {} must be the pooled {}, got {}", i,
                              pooled.str(), in.operands[i].str()));
  return ok(x);
}

static std::string getArray(const AttrList &attrs, llvm::StringRef name,
                            int64_t *out, size_t n, int64_t min) {
  const Attribute *a = attrs.get(name);
  if (!a)
    return "";
  const IntArray *v = a->getIf<IntArray>();
  if (!v || v->size() != n)
    return fmt::format("attribute '{}' must be an array of {} ints", name.str(),
                       n);
  for (size_t i = 0; i < n; ++i) {
    if ((*v)[i] < min)
      return fmt::format("attribute '{}' = {} must have entries >= {}",
                         name.str(), arr(*v), min);
    out[i] = (*v)[i];
  }
  return "";
}

std::string getConv2DParams(const AttrList &attrs, Conv2DParams &p) {
  if (auto e = getArray(attrs, "stride", p.stride.data(), 2, 1); !e.empty())
    return e;
  if (auto e = getArray(attrs, "padding", p.padding.data(), 4, 0); !e.empty())
    return e;
  if (auto e = getArray(attrs, "dilation", p.dilation.data(), 2, 1); !e.empty())
    return e;
  if (const Attribute *g = attrs.get("groups")) {
    const int64_t *v = g->getIf<int64_t>();
    if (!v || *v < 1)
      return "attribute 'groups' must be a positive int";
    p.groups = *v;
  }
  return "";
}

std::string getPool2DParams(const AttrList &attrs, Pool2DParams &p) {
  if (!attrs.has("window"))
    return "needs an int array attribute 'window'";
  if (auto e = getArray(attrs, "window", p.window.data(), 2, 1); !e.empty())
    return e;
  p.stride = p.window;
  if (auto e = getArray(attrs, "stride", p.stride.data(), 2, 1); !e.empty())
    return e;
  if (auto e = getArray(attrs, "padding", p.padding.data(), 4, 0); !e.empty())
    return e;
  return "";
}

//===- Creation -----------------------------------------------------------===//

} // namespace tdl::ir

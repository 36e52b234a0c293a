//===- BuiltinSignatures.cpp - builtin parameters, for tools -------------===//
#include "sema/BuiltinSignatures.h"

#include "llvm/ADT/StringMap.h"

namespace tdl::sema {

namespace {
using P = BuiltinParam;
constexpr bool Named = true, NameOnly = true;

// Parameter lists, shared by the builtins with one rule.
const P kX[] = {{"x", "x: T[..S]"}};
const P kAB[] = {{"a", "a: T[..A]"}, {"b", "b: T[..B]"}};
const P kReduce[] = {{"x", "x: T[..S]"},
                     {"axis", "axis: int | tuple = all", Named, NameOnly},
                     {"keepdims", "keepdims: bool = false", Named, NameOnly}};
const P kArgReduce[] = {
    {"x", "x: T[..S]"},
    {"axis", "axis: int = flattened", Named, NameOnly},
    {"keepdims", "keepdims: bool = false", Named, NameOnly}};
const P kClamp[] = {
    {"x", "x: T[..S]"}, {"lo", "lo: T[...]"}, {"hi", "hi: T[...]"}};
const P kSelect[] = {
    {"c", "c: bool[...]"}, {"a", "a: T[...]"}, {"b", "b: T[...]"}};
const P kReshape[] = {{"x", "x: T[..S]"}, {"shape", "shape: [dims]"}};
const P kTranspose[] = {{"x", "x: T[..S]"},
                        {"perm", "perm: tuple = reversed", Named, NameOnly}};
const P kAxisX[] = {{"x", "x: T[..S]"}, {"axis", "axis: int", Named, NameOnly}};
const P kSqueeze[] = {{"x", "x: T[..S]"},
                      {"axis", "axis: int | tuple = every 1", Named, NameOnly}};
const P kFlip[] = {{"x", "x: T[..S]"},
                   {"axis", "axis: int | tuple = all", Named, NameOnly}};
const P kJoin[] = {{"xs", "xs: (T[...], ...)"},
                   {"axis", "axis: int = 0", Named, NameOnly}};
const P kPad[] = {{"x", "x: T[..S]"},
                  {"padding", "padding: [(lo, hi), ...]"},
                  {"value", "value: T = 0", Named, NameOnly}};
const P kConv[] = {
    {"x", "x: T[N, C, H, W]"},
    {"w", "w: T[O, C / groups, KH, KW]"},
    {"stride", "stride: int | (sh, sw) = 1", Named, NameOnly},
    {"padding", "padding: int | (ph, pw) | (t, b, l, r) = 0", Named, NameOnly},
    {"dilation", "dilation: int | (dh, dw) = 1", Named, NameOnly},
    {"groups", "groups: int = 1", Named, NameOnly}};
const P kPool[] = {
    {"x", "x: T[N, C, H, W]"},
    {"window", "window: int | (kh, kw)", Named, NameOnly},
    {"stride", "stride: int | (sh, sw) = window", Named, NameOnly},
    {"padding", "padding: int | (ph, pw) | (t, b, l, r) = 0", Named, NameOnly}};
const P kFill[] = {{"shape", "shape: [dims]"}, {"dtype", "dtype = f32", Named}};
const P kFull[] = {{"shape", "shape: [dims]"},
                   {"value", "value"},
                   {"dtype", "dtype = value's", Named}};
const P kIota[] = {{"shape", "shape: [dims]"},
                   {"axis", "axis: int = 0", Named, NameOnly},
                   {"dtype", "dtype = i64", Named}};
const P kEye[] = {{"n", "n: int"}, {"dtype", "dtype = f32", Named}};
const P kUniform[] = {{"seed", "seed: i64"},
                      {"shape", "shape: [dims]"},
                      {"dtype", "dtype = f32", Named},
                      {"lo", "lo: float = 0.0", Named, NameOnly},
                      {"hi", "hi: float = 1.0", Named, NameOnly}};
const P kNormal[] = {{"seed", "seed: i64"},
                     {"shape", "shape: [dims]"},
                     {"dtype", "dtype = f32", Named},
                     {"mean", "mean: float = 0.0", Named, NameOnly},
                     {"std", "std: float = 1.0", Named, NameOnly}};
const P kOneHot[] = {
    {"idx", "idx: int[..S]"}, {"n", "n: int"}, {"dtype", "dtype = f32", Named}};

using S = BuiltinSignature;
#define ONE(ID, PARAMS, RESULT, DOC)                                           \
  const S sig##ID[] = {{BuiltinId::ID, PARAMS, RESULT, DOC}};
ONE(Exp, kX, "T[..S]", "e to the x, elementwise (float)")
ONE(Log, kX, "T[..S]", "natural logarithm, elementwise (float)")
ONE(Sqrt, kX, "T[..S]", "square root, elementwise (float)")
ONE(Rsqrt, kX, "T[..S]", "1 / sqrt(x), elementwise (float)")
ONE(Sin, kX, "T[..S]", "sine, elementwise (float)")
ONE(Cos, kX, "T[..S]", "cosine, elementwise (float)")
ONE(Tanh, kX, "T[..S]", "hyperbolic tangent, elementwise (float)")
ONE(Sigmoid, kX, "T[..S]", "1 / (1 + exp(-x)), elementwise (float)")
ONE(Floor, kX, "T[..S]", "round down, elementwise (float; not differentiable)")
ONE(Ceil, kX, "T[..S]", "round up, elementwise (float; not differentiable)")
ONE(Round, kX, "T[..S]",
    "round half to even, elementwise (float; not differentiable)")
ONE(Abs, kX, "T[..S]", "absolute value, elementwise")
ONE(Sign, kX, "T[..S]", "-1, 0 or 1, elementwise (not differentiable)")
ONE(Relu, kX, "T[..S]", "max(x, 0), elementwise")
ONE(IsNan, kX, "bool[..S]", "true where x is NaN (not differentiable)")
ONE(Pow, kAB, "T[broadcast]", "a to the power b, broadcast")
const S sigMax[] = {
    {BuiltinId::Max, kAB, "T[broadcast]", "the larger of a and b, broadcast"},
    {BuiltinId::Max, kReduce, "T[reduced]", "the maximum along axis"}};
const S sigMin[] = {
    {BuiltinId::Min, kAB, "T[broadcast]", "the smaller of a and b, broadcast"},
    {BuiltinId::Min, kReduce, "T[reduced]", "the minimum along axis"}};
ONE(Clamp, kClamp, "T[..S]", "x limited to [lo, hi], broadcast to x's shape")
ONE(Select, kSelect, "T[broadcast]", "a where c is true, else b")
ONE(Where, kSelect, "T[broadcast]", "a where c is true, else b (select)")
ONE(Sum, kReduce, "T[reduced]", "the sum along axis (default: all)")
ONE(Mean, kReduce, "T[reduced]", "the mean along axis (float)")
ONE(Prod, kReduce, "T[reduced]", "the product along axis")
ONE(LogSumExp, kReduce, "T[reduced]",
    "log(sum(exp(x))) along axis, computed stably (float)")
ONE(ArgMax, kArgReduce, "i64[reduced]",
    "the index of the maximum (not differentiable)")
ONE(ArgMin, kArgReduce, "i64[reduced]",
    "the index of the minimum (not differentiable)")
ONE(Reshape, kReshape, "T[shape]",
    "the same elements in a new shape (one dim may be -1)")
ONE(Transpose, kTranspose, "T[permuted]", "permutes the dims")
ONE(BroadcastTo, kReshape, "T[shape]", "x broadcast to shape")
ONE(ExpandDims, kAxisX, "T[...]", "inserts a dim of size 1 at axis")
ONE(Squeeze, kSqueeze, "T[...]", "removes dims of size 1")
ONE(Concat, kJoin, "T[...]", "joins tensors along an existing axis")
ONE(Stack, kJoin, "T[...]", "joins tensors along a new axis")
ONE(Pad, kPad, "T[...]", "pads each dim with (lo, hi) elements of value")
ONE(Flip, kFlip, "T[..S]", "reverses the order along axis")
ONE(MatMul, kAB, "T[...]", "matrix product, as a @ b")
ONE(Dot, kAB, "T", "inner product of two vectors")
ONE(Outer, kAB, "T[M, N]", "outer product of two vectors")
ONE(Conv2D, kConv, "T[N, O, OH, OW]", "2-D convolution (NCHW, OIHW)")
ONE(MaxPool2D, kPool, "T[N, C, OH, OW]", "2-D max pooling")
ONE(AvgPool2D, kPool, "T[N, C, OH, OW]", "2-D average pooling")
ONE(Zeros, kFill, "dtype[shape]", "a tensor of zeros")
ONE(Ones, kFill, "dtype[shape]", "a tensor of ones")
ONE(Full, kFull, "dtype[shape]", "a tensor filled with value")
ONE(Iota, kIota, "dtype[shape]", "0, 1, 2, ... along axis")
ONE(Eye, kEye, "dtype[n, n]", "the n x n identity matrix")
ONE(Uniform, kUniform, "dtype[shape]",
    "uniform random numbers in [lo, hi), reproducible from seed")
ONE(Normal, kNormal, "dtype[shape]",
    "normal random numbers, reproducible from seed")
ONE(OneHot, kOneHot, "dtype[..S, n]", "one-hot rows of length n")
ONE(StopGradient, kX, "T[..S]", "x, with a zero derivative")
#undef ONE
} // namespace

llvm::ArrayRef<BuiltinSignature> getBuiltinSignatures(BuiltinId id) {
  switch (id) {
#define BUILTIN(ID, NAME, RULE)                                                \
  case BuiltinId::ID:                                                          \
    return sig##ID;
#include "sema/Builtins.def"
  case BuiltinId::NumBuiltins:
    break;
  }
  return {};
}

std::optional<BuiltinId> lookupBuiltin(llvm::StringRef name) {
  static const llvm::StringMap<BuiltinId> byName = [] {
    llvm::StringMap<BuiltinId> m;
#define BUILTIN(ID, NAME, RULE) m[NAME] = BuiltinId::ID;
#include "sema/Builtins.def"
    return m;
  }();
  auto it = byName.find(name);
  if (it == byName.end())
    return std::nullopt;
  return it->second;
}

std::string formatSignature(llvm::StringRef name, const BuiltinSignature &s) {
  std::string text = name.str() + "(";
  for (size_t i = 0; i < s.params.size(); ++i)
    text += (i ? ", " : "") + s.params[i].label.str();
  return text + ") -> " + s.result.str();
}

} // namespace tdl::sema

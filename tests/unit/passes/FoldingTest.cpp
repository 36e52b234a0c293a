//===- FoldingTest.cpp - folding agrees bit for bit with execution --------===//
//
// For every foldable elementwise op and dtype, a function computing the op
// on constant special values (NaN, ±0, ±Inf, extremes of integers) is run
// in the interpreter, then canonicalized (which must fold it to a constant)
// and run again: the result bytes must be identical.
//
//===----------------------------------------------------------------------===//
#include "PassTestUtil.h"
#include "ssa_ir/Builder.h"

#include <cmath>
#include <limits>

using namespace tdl::ir;
using namespace tdl::ir::test;

namespace {

template <typename T> DenseElements dense(DType dt, std::vector<T> v) {
  return DenseElements::from<T>(dt, llvm::ArrayRef<T>(v));
}

/// lhs/rhs pair up every interesting value with every other one.
struct Operands {
  DenseElements lhs, rhs;
  int64_t n;
};

template <typename T> Operands allPairs(DType dt, std::vector<T> values) {
  std::vector<T> a, b;
  for (T x : values)
    for (T y : values) {
      a.push_back(x);
      b.push_back(y);
    }
  return {dense(dt, a), dense(dt, b), int64_t(a.size())};
}

Operands operandsFor(DType dt) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  switch (dt) {
  case DType::F32:
    return allPairs<float>(dt, {0.0f, -0.0f, 1.0f, -1.5f, 3.0f, 0.1f,
                                float(inf), float(-inf), float(nan), 1e30f});
  case DType::F64:
    return allPairs<double>(
        dt, {0.0, -0.0, 1.0, -1.5, 3.0, 0.1, inf, -inf, nan, 1e300});
  case DType::I32:
    return allPairs<int32_t>(dt, {0, 1, -1, 7, -7, 31, 32,
                                  std::numeric_limits<int32_t>::min(),
                                  std::numeric_limits<int32_t>::max()});
  case DType::I8:
    return allPairs<int8_t>(dt, {0, 1, -1, 5, 8, -128, 127});
  case DType::I64:
    return allPairs<int64_t>(dt, {0, 1, -1, 3, 63, 64,
                                  std::numeric_limits<int64_t>::min(),
                                  std::numeric_limits<int64_t>::max()});
  case DType::Bool:
    return allPairs<uint8_t>(dt, {0, 1});
  }
  llvm_unreachable("bad dtype");
}

/// Builds `@f() -> T` applying `op` to constant operands; null if the op's
/// type rule rejects the dtype.
std::unique_ptr<Module> buildModule(Opcode op, DType dt, unsigned arity) {
  Operands o = operandsFor(dt);
  Type t = Type::tensor(dt, {o.n});
  llvm::SmallVector<Type, 2> argTypes(arity, t);
  AttrList attrs;
  if (op == Opcode::Cast)
    attrs.set("dtype", Attribute(DType::F32));
  TypeRuleResult r = inferResultTypes(op, argTypes, attrs);
  if (!r.ok())
    return nullptr;
  auto m = std::make_unique<Module>();
  Function *f = m->addFunction(
      std::make_unique<Function>("f", llvm::ArrayRef<Type>{}, r.types));
  Builder b(f->getBody());
  llvm::SmallVector<Value *, 2> operands{b.constantDense(t, o.lhs)};
  if (arity == 2)
    operands.push_back(b.constantDense(t, o.rhs));
  b.ret({b.create1(op, operands, attrs)});
  return m;
}

TEST(Folding, EveryElementwiseOpFoldsToWhatTheInterpreterComputes) {
  const Opcode unary[] = {
      Opcode::Neg,     Opcode::Abs,   Opcode::Sign, Opcode::Exp,   Opcode::Log,
      Opcode::Sqrt,    Opcode::Rsqrt, Opcode::Sin,  Opcode::Cos,   Opcode::Tanh,
      Opcode::Sigmoid, Opcode::Floor, Opcode::Ceil, Opcode::Round, Opcode::Not,
      Opcode::IsNaN,   Opcode::Cast};
  const Opcode binary[] = {Opcode::Add, Opcode::Sub, Opcode::Mul, Opcode::Div,
                           Opcode::Rem, Opcode::Pow, Opcode::Max, Opcode::Min,
                           Opcode::Eq,  Opcode::Ne,  Opcode::Lt,  Opcode::Le,
                           Opcode::Gt,  Opcode::Ge,  Opcode::And, Opcode::Or,
                           Opcode::Xor, Opcode::Shl, Opcode::Shr};
  const DType dtypes[] = {DType::F32, DType::F64, DType::I8,
                          DType::I32, DType::I64, DType::Bool};
  unsigned folded = 0;
  for (DType dt : dtypes)
    for (unsigned arity : {1u, 2u})
      for (Opcode op : arity == 1 ? llvm::ArrayRef<Opcode>(unary)
                                  : llvm::ArrayRef<Opcode>(binary)) {
        std::unique_ptr<Module> m = buildModule(op, dt, arity);
        if (!m)
          continue;
        std::string label = getOpName(op).str() + " " + dtypeName(dt).str();
        std::string before = runToString(*m, "f");
        runPasses(*m, {"canonicalize", "dce"});
        std::string after = runToString(*m, "f");
        EXPECT_EQ(before, after) << label;
        // Integer division by zero is left to run time; all else folds.
        bool traps = before.starts_with("error:");
        const Region &body = m->lookup("f")->getBody();
        EXPECT_EQ(body.getOps().size(), traps ? 4u : 2u) << label << "\n"
                                                         << printed(*m);
        folded += !traps;
      }
  EXPECT_GT(folded, 80u);
}

} // namespace

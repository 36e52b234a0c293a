//===- ControlFlowTest.cpp - if/for/while, calls, prints via the Builder --===//
#include "InterpTestUtil.h"

#include "ssa_ir/Printer.h"

using namespace tdl::ir;
using namespace tdl::ir::test;

namespace {

/// func @fact(%n: i64) -> i64: product of 1..n with a for loop, printing the
/// running product when it exceeds 100 (an if without results).
Function *buildFactorial(Module &m) {
  Type i64T = T(DType::I64);
  auto fn = std::make_unique<Function>("fact", llvm::ArrayRef<Type>{i64T},
                                       llvm::ArrayRef<Type>{i64T});
  Builder b(fn->getBody());
  Value *n = fn->getBody().getArgument(0);
  Value *one = b.constantInt(i64T, 1);
  Value *ub = b.binary(Opcode::Add, n, one);
  Operation *loop = b.createFor(one, ub, {one});
  {
    Builder body(loop->getRegion(0));
    Value *i = loop->getRegion(0).getArgument(0);
    Value *acc = loop->getRegion(0).getArgument(1);
    Value *next = body.binary(Opcode::Mul, acc, i);
    Value *hundred = body.constantInt(i64T, 100);
    Value *big = body.binary(Opcode::Gt, next, hundred);
    Operation *cond = body.createIf(big, {});
    Builder thenB(cond->getRegion(0));
    thenB.print(next);
    thenB.yield({});
    Builder elseB(cond->getRegion(1));
    elseB.yield({});
    body.yield({next});
  }
  b.ret({loop->getResult(0)});
  return m.addFunction(std::move(fn));
}

TEST(InterpControlFlow, ForLoopWithNestedIfAndPrints) {
  Module m;
  buildFactorial(m);
  ASSERT_TRUE(verifyModuleMessages(m).empty()) << toString(m);
  std::string out;
  llvm::raw_string_ostream os(out);
  auto r =
      interpret(m, "fact", {RuntimeValue::scalar<int64_t>(DType::I64, 6)}, os);
  ASSERT_TRUE(bool(r)) << formatRuntimeError(r.takeError(), nullptr);
  EXPECT_EQ((*r)[0].toVector<int64_t>()[0], 720);
  // 5! = 120 and 6! = 720 exceed 100, in loop order.
  EXPECT_EQ(out, "i64 120\ni64 720\n");
}

TEST(InterpControlFlow, WhileLoopAndCall) {
  Module m;
  Function *fact = buildFactorial(m);
  Type i64T = T(DType::I64);
  // func @main() -> (i64, i64): smallest k with fact(k) >= 5000, and fact(k).
  auto fn = std::make_unique<Function>("main", llvm::ArrayRef<Type>{},
                                       llvm::ArrayRef<Type>{i64T, i64T});
  Builder b(fn->getBody());
  Value *k0 = b.constantInt(i64T, 1);
  Operation *loop = b.createWhile({k0});
  {
    Region &cond = loop->getRegion(0);
    Builder c(cond);
    Value *f = c.call(*fact, {cond.getArgument(0)})->getResult(0);
    Value *limit = c.constantInt(i64T, 5000);
    c.yield({c.binary(Opcode::Lt, f, limit)});
    Region &body = loop->getRegion(1);
    Builder bb(body);
    Value *one = bb.constantInt(i64T, 1);
    bb.yield({bb.binary(Opcode::Add, body.getArgument(0), one)});
  }
  Value *k = loop->getResult(0);
  Value *fk = b.call(*fact, {k})->getResult(0);
  b.ret({k, fk});
  m.addFunction(std::move(fn));
  ASSERT_TRUE(verifyModuleMessages(m).empty()) << toString(m);
  std::string out;
  llvm::raw_string_ostream os(out);
  auto r = interpret(m, "main", {}, os);
  ASSERT_TRUE(bool(r)) << formatRuntimeError(r.takeError(), nullptr);
  EXPECT_EQ((*r)[0].toVector<int64_t>()[0], 7); // 6! = 720 < 5000 <= 7!
  EXPECT_EQ((*r)[1].toVector<int64_t>()[0], 5040);
}

TEST(InterpControlFlow, IfSelectsTheBranchAndYieldsValues) {
  Module m;
  Type f32T = T(DType::F32, {2});
  auto fn = std::make_unique<Function>(
      "pick", llvm::ArrayRef<Type>{T(DType::Bool), f32T},
      llvm::ArrayRef<Type>{f32T});
  Builder b(fn->getBody());
  Value *cond = fn->getBody().getArgument(0);
  Value *arg = fn->getBody().getArgument(1);
  Operation *ifOp = b.createIf(cond, {f32T});
  Builder thenB(ifOp->getRegion(0));
  thenB.yield({thenB.unary(Opcode::Neg, arg)});
  Builder(ifOp->getRegion(1)).yield({arg});
  b.ret({ifOp->getResult(0)});
  m.addFunction(std::move(fn));
  ASSERT_TRUE(verifyModuleMessages(m).empty()) << toString(m);
  std::string out;
  llvm::raw_string_ostream os(out);
  RuntimeValue x = tensor<float>(DType::F32, {2}, {1, -2});
  auto yes = interpret(m, "pick",
                       {RuntimeValue::scalar<uint8_t>(DType::Bool, 1), x}, os);
  auto no = interpret(m, "pick",
                      {RuntimeValue::scalar<uint8_t>(DType::Bool, 0), x}, os);
  ASSERT_TRUE(yes && no);
  EXPECT_EQ((*yes)[0].toVector<float>(), (std::vector<float>{-1, 2}));
  EXPECT_EQ((*no)[0].toVector<float>(), (std::vector<float>{1, -2}));
}

TEST(InterpControlFlow, ArgumentErrorsAndDerivedDeclarations) {
  Module m;
  buildFactorial(m);
  m.addFunction(std::make_unique<Function>("fact_grad", DerivedKind::Grad,
                                           "fact", llvm::ArrayRef<int64_t>{0}));
  std::string out;
  llvm::raw_string_ostream os(out);
  auto wrongType =
      interpret(m, "fact", {RuntimeValue::scalar<int32_t>(DType::I32, 3)}, os);
  ASSERT_FALSE(bool(wrongType));
  EXPECT_EQ(formatRuntimeError(wrongType.takeError(), nullptr),
            "runtime error: argument 0 of '@fact' has type i32, expected i64");
  auto missing = interpret(m, "nope", {}, os);
  ASSERT_FALSE(bool(missing));
  EXPECT_EQ(formatRuntimeError(missing.takeError(), nullptr),
            "runtime error: no function named '@nope'");
  auto derived = interpret(m, "fact_grad", {}, os);
  ASSERT_FALSE(bool(derived));
  EXPECT_NE(formatRuntimeError(derived.takeError(), nullptr)
                .find("derived function (grad of '@fact') whose body has not "
                      "been generated"),
            std::string::npos);
}

} // namespace

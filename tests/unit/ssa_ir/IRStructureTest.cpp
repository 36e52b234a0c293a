//===- IRStructureTest.cpp - types, use lists, builder inference ----------===//
#include "ssa_ir/Builder.h"
#include "ssa_ir/Parser.h"
#include "ssa_ir/Printer.h"
#include "ssa_ir/Verifier.h"

#include <gtest/gtest.h>

using namespace tdl::ir;

namespace {

Type T(DType d, llvm::ArrayRef<int64_t> s = {}) { return Type::tensor(d, s); }

TEST(Types, PrintAndCompare) {
  EXPECT_EQ(T(DType::F32, {2, 3}).str(), "f32[2,3]");
  EXPECT_EQ(T(DType::I64).str(), "i64");
  EXPECT_EQ(Type::tuple({T(DType::F32, {3}), T(DType::I32)}).str(),
            "(f32[3], i32)");
  EXPECT_EQ(Type::tuple({}).str(), "()");
  EXPECT_EQ(T(DType::F32, {2, 3}), T(DType::F32, {2, 3}));
  EXPECT_NE(T(DType::F32, {2, 3}), T(DType::F32, {3, 2}));
  EXPECT_NE(T(DType::F32), T(DType::F64));
  EXPECT_NE(Type::tuple({T(DType::F32)}), T(DType::F32));
  EXPECT_EQ(T(DType::I8, {0, 4}).getNumElements(), 0);
}

TEST(Types, ParseTypeString) {
  EXPECT_EQ(*parseTypeString("f32[2,3]"), T(DType::F32, {2, 3}));
  EXPECT_EQ(*parseTypeString("bool"), T(DType::Bool));
  EXPECT_EQ(*parseTypeString("f64[]"), T(DType::F64));
  EXPECT_EQ(*parseTypeString("((i8[1]), ())"),
            Type::tuple({Type::tuple({T(DType::I8, {1})}), Type::tuple({})}));
  EXPECT_FALSE(parseTypeString("f16[2]").has_value());
  EXPECT_FALSE(parseTypeString("f32[2,").has_value());
  EXPECT_FALSE(parseTypeString("f32 f32").has_value());
}

TEST(OpTable, NamesAndTraits) {
  EXPECT_EQ(lookupOpcode("reduce_sum"), Opcode::ReduceSum);
  EXPECT_FALSE(lookupOpcode("nope").has_value());
  EXPECT_TRUE(getOpInfo(Opcode::Add).has(Commutative));
  EXPECT_FALSE(getOpInfo(Opcode::Sub).has(Commutative));
  EXPECT_TRUE(getOpInfo(Opcode::Return).has(Terminator));
  EXPECT_TRUE(getOpInfo(Opcode::Print).has(SideEffect));
  EXPECT_FALSE(getOpInfo(Opcode::Print).has(Pure));
  EXPECT_FALSE(getOpInfo(Opcode::ArgMax).has(Differentiable));
  EXPECT_TRUE(getOpInfo(Opcode::StopGradient).has(Differentiable));
  EXPECT_EQ(getOpInfo(Opcode::For).numRegions, 1u);
  EXPECT_EQ(getOpInfo(Opcode::While).numRegions, 2u);
  // Every op name maps back to its opcode.
  for (unsigned i = 0; i < unsigned(Opcode::NumOpcodes); ++i)
    EXPECT_EQ(lookupOpcode(getOpName(Opcode(i))), Opcode(i));
}

TEST(TypeRules, InferenceExamples) {
  auto infer = [](Opcode op, std::vector<Type> in, AttrList attrs = {}) {
    TypeRuleResult r = inferResultTypes(op, in, attrs);
    EXPECT_TRUE(r.ok()) << r.error;
    return r.ok() ? r.types[0] : Type();
  };
  EXPECT_EQ(infer(Opcode::Matmul,
                  {T(DType::F32, {5, 1, 2, 3}), T(DType::F32, {4, 3, 7})}),
            T(DType::F32, {5, 4, 2, 7}));
  EXPECT_EQ(infer(Opcode::Matmul, {T(DType::I8, {2, 3}), T(DType::I8, {3, 4})}),
            T(DType::I32, {2, 4}));
  EXPECT_EQ(infer(Opcode::Conv2D,
                  {T(DType::F32, {2, 4, 9, 9}), T(DType::F32, {6, 2, 3, 3})},
                  {{"stride", Attribute(IntArray{2, 2})},
                   {"padding", Attribute(IntArray{1, 1, 1, 1})},
                   {"groups", Attribute(int64_t(2))}}),
            T(DType::F32, {2, 6, 5, 5}));
  EXPECT_EQ(infer(Opcode::MaxPool2D, {T(DType::F32, {1, 1, 5, 5})},
                  {{"window", Attribute(IntArray{2, 2})}}),
            T(DType::F32, {1, 1, 2, 2}));
  EXPECT_EQ(infer(Opcode::ReduceMax, {T(DType::F64, {2, 3, 4})},
                  {{"axes", Attribute(IntArray{2, 0})}}),
            T(DType::F64, {3}));
  EXPECT_EQ(infer(Opcode::ArgMin, {T(DType::F32, {2, 3})},
                  {{"axis", Attribute(int64_t(0))}}),
            T(DType::I64, {3}));
  EXPECT_EQ(infer(Opcode::Lt, {T(DType::I32, {3}), T(DType::I32, {3})}),
            T(DType::Bool, {3}));
  TypeRuleResult bad = inferResultTypes(
      Opcode::Matmul, {T(DType::F32, {2, 2, 3}), T(DType::F32, {3, 3, 4})}, {});
  EXPECT_EQ(bad.error,
            "batch dims of f32[2,2,3] and f32[3,3,4] do not broadcast");
}

TEST(UseLists, ReplaceAllUsesAndErase) {
  Module m;
  Type t = T(DType::F32, {3});
  auto fn = std::make_unique<Function>("f", llvm::ArrayRef<Type>{t, t},
                                       llvm::ArrayRef<Type>{t});
  Region &body = fn->getBody();
  Builder b(body);
  Value *x = body.getArgument(0), *y = body.getArgument(1);
  Value *s = b.binary(Opcode::Add, x, x);
  Value *p = b.binary(Opcode::Mul, s, x);
  b.ret({p});
  EXPECT_EQ(x->getNumUses(), 3u);
  EXPECT_EQ(s->getNumUses(), 1u);
  x->replaceAllUsesWith(y);
  EXPECT_TRUE(x->use_empty());
  EXPECT_EQ(y->getNumUses(), 3u);
  EXPECT_EQ(s->getDefiningOp()->getOperand(0), y);
  // Replace the mul by the add and erase it.
  Operation *mul = p->getDefiningOp();
  p->replaceAllUsesWith(s);
  mul->erase();
  EXPECT_EQ(y->getNumUses(), 2u);
  EXPECT_EQ(s->getNumUses(), 1u);
  EXPECT_EQ(body.getOps().size(), 2u);
  m.addFunction(std::move(fn));
  EXPECT_TRUE(verifyModuleMessages(m).empty());
}

TEST(Builder, InsertionPointAndLocation) {
  Type t = T(DType::F64);
  Function fn("g", {t}, {t});
  Builder b(fn.getBody());
  Value *x = fn.getBody().getArgument(0);
  Operation *ret = b.ret({x});
  b.setInsertionPoint(ret);
  Location loc;
  loc.file = "a.tdl";
  loc.line = 3;
  loc.col = 7;
  b.setLoc(loc);
  Value *e = b.unary(Opcode::Exp, x);
  ret->setOperand(0, e);
  EXPECT_EQ(&*fn.getBody().getOps().front(), e->getDefiningOp());
  EXPECT_EQ(e->getDefiningOp()->getLoc().line, 3u);
  Value *bc = b.broadcastTo(x, {2, 2});
  EXPECT_EQ(bc->getType(), T(DType::F64, {2, 2}));
  EXPECT_EQ(b.reduce(Opcode::ReduceSum, bc, {0, 1})->getType(), t);
}

TEST(DerivedSignatures, AllKinds) {
  Module m;
  Type v = T(DType::F32, {3}), s = T(DType::F32);
  auto base = std::make_unique<Function>(
      "loss", llvm::ArrayRef<Type>{v, T(DType::I64), v},
      llvm::ArrayRef<Type>{s});
  Function *f = m.addFunction(std::move(base));
  llvm::SmallVector<Type, 4> args, results;
  EXPECT_EQ(
      computeDerivedSignature(DerivedKind::Grad, *f, {0, 2}, args, results),
      "");
  EXPECT_EQ(results.size(), 2u);
  EXPECT_EQ(args.size(), 3u);
  EXPECT_EQ(computeDerivedSignature(DerivedKind::ValueAndGrad, *f, {2}, args,
                                    results),
            "");
  EXPECT_EQ(typeListToString(results), "(f32, f32[3])");
  EXPECT_EQ(computeDerivedSignature(DerivedKind::Vjp, *f, {0}, args, results),
            "");
  EXPECT_EQ(typeListToString(args), "(f32[3], i64, f32[3], f32)");
  EXPECT_EQ(typeListToString(results), "(f32[3])");
  EXPECT_EQ(
      computeDerivedSignature(DerivedKind::Jvp, *f, {0, 2}, args, results), "");
  EXPECT_EQ(typeListToString(args), "(f32[3], i64, f32[3], f32[3], f32[3])");
  EXPECT_EQ(typeListToString(results), "(f32, f32)");
  EXPECT_EQ(computeDerivedSignature(DerivedKind::Grad, *f, {1}, args, results),
            "parameter 1 of '@loss' has type i64, not a floating-point tensor");
  EXPECT_EQ(computeDerivedSignature(DerivedKind::Grad, *f, {5}, args, results),
            "wrt index 5 is out of range: '@loss' has 3 parameters");
}

} // namespace

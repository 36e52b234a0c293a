//===- VerifierTest.cpp - invariants broken through the C++ API -----------===//
//
// Some invariants cannot be broken from the text form (the parser rejects a
// use before its definition), so passes could break them only through the
// API: these tests do so and expect the verifier to say so.
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/Verifier.h"
#include "ssa_ir/Builder.h"

#include <gtest/gtest.h>

using namespace tdl::ir;

namespace {

Type T(DType d, llvm::ArrayRef<int64_t> s = {}) { return Type::tensor(d, s); }

TEST(Verifier, UseBeforeDefinition) {
  Module m;
  Type t = T(DType::F32);
  auto fn = std::make_unique<Function>("f", llvm::ArrayRef<Type>{t},
                                       llvm::ArrayRef<Type>{t});
  Builder b(fn->getBody());
  Value *x = fn->getBody().getArgument(0);
  Value *a = b.unary(Opcode::Exp, x);
  Operation *ret = b.ret({a});
  // Insert a user of `a` before `a`'s definition.
  b.setInsertionPoint(a->getDefiningOp());
  Value *early = b.unary(Opcode::Neg, x);
  early->getDefiningOp()->setOperand(0, a);
  ret->setOperand(0, early);
  m.addFunction(std::move(fn));
  std::vector<std::string> msgs = verifyModuleMessages(m);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0], "'neg' op operand 0 is used before its definition\n"
                     "  in function '@f': %1 = neg %2 : f32");
}

TEST(Verifier, ValueFromAnotherFunction) {
  Module m;
  Type t = T(DType::F32);
  auto f = std::make_unique<Function>("f", llvm::ArrayRef<Type>{t},
                                      llvm::ArrayRef<Type>{t});
  auto g = std::make_unique<Function>("g", llvm::ArrayRef<Type>{t},
                                      llvm::ArrayRef<Type>{t});
  Builder(f->getBody()).ret({f->getBody().getArgument(0)});
  Operation *ret =
      Builder(g->getBody()).ret({f->getBody().getArgument(0)}); // wrong
  Value *gArg = g->getBody().getArgument(0);
  m.addFunction(std::move(f));
  m.addFunction(std::move(g));
  std::vector<std::string> msgs = verifyModuleMessages(m);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_NE(msgs[0].find("'return' op operand 0 is not visible here"),
            std::string::npos);
  ret->setOperand(0, gArg); // repair: the module must not outlive f's value
}

TEST(Verifier, ChangedResultTypeAndBodyArguments) {
  Module m;
  Type t = T(DType::F32, {2});
  auto fn = std::make_unique<Function>("f", llvm::ArrayRef<Type>{t},
                                       llvm::ArrayRef<Type>{t});
  Builder b(fn->getBody());
  Value *e = b.unary(Opcode::Exp, fn->getBody().getArgument(0));
  b.ret({e});
  e->setType(T(DType::F64, {2}));
  fn->getBody().addArgument(T(DType::I64));
  m.addFunction(std::move(fn));
  std::vector<std::string> msgs = verifyModuleMessages(m);
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[0], "function '@f': body arguments (f32[2], i64) differ from "
                     "the parameters (f32[2])");
  EXPECT_NE(msgs[1].find("result types (f64[2]) differ from the inferred "
                         "(f32[2])"),
            std::string::npos);
  EXPECT_NE(msgs[2].find("returns (f64[2]) but the function returns (f32[2])"),
            std::string::npos);
}

TEST(Verifier, DerivedDeclarationWithMissingBase) {
  Module m;
  m.addFunction(std::make_unique<Function>("g", DerivedKind::Vjp, "gone",
                                           llvm::ArrayRef<int64_t>{0}));
  std::vector<std::string> msgs = verifyModuleMessages(m);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0], "function '@g': unknown base function '@gone'");
}

} // namespace

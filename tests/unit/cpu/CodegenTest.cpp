//===- CodegenTest.cpp - cpu codegen errors are reported, never crash -----===//
//
// Every op of the verified IR is lowered today, so these build IR the
// verifier would reject (or autodiff would have filled) to reach the
// backend's error paths: they must come back as CodegenErrors at the op.
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/Codegen.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/Instructions.h"

#include <gtest/gtest.h>

using namespace tdl;

namespace {

std::string codegenError(const ir::Module &m) {
  llvm::LLVMContext ctx;
  auto gen = cpu::generateModule(m, ctx, {});
  if (gen)
    return "";
  std::string message;
  llvm::handleAllErrors(gen.takeError(), [&](const cpu::CodegenError &e) {
    message = e.message;
  });
  return message;
}

TEST(CpuCodegen, AnOpWithoutLoweringIsAnError) {
  // `not` on f32: the type rule rejects it; the backend has no scalar
  // function for it and says so instead of crashing.
  ir::Module m;
  ir::Type f32 = ir::Type::scalar(ir::DType::F32);
  auto f = std::make_unique<ir::Function>("f", llvm::ArrayRef<ir::Type>{f32},
                                          llvm::ArrayRef<ir::Type>{f32});
  ir::Region &body = f->getBody();
  ir::Value *x = body.addArgument(f32);
  ir::Operation *op =
      body.push_back(ir::Operation::create(ir::Opcode::Not, {x}, {f32}));
  body.push_back(
      ir::Operation::create(ir::Opcode::Return, {op->getResult(0)}, {}));
  m.addFunction(std::move(f));
  EXPECT_EQ(codegenError(m), "the cpu backend does not support 'not' yet");
}

TEST(CpuCodegen, CallOfAnUnfilledDerivedFunctionIsAnError) {
  ir::Module m;
  ir::Type f32 = ir::Type::scalar(ir::DType::F32);
  auto f = std::make_unique<ir::Function>("f", llvm::ArrayRef<ir::Type>{f32},
                                          llvm::ArrayRef<ir::Type>{f32});
  ir::Value *x = f->getBody().addArgument(f32);
  f->getBody().push_back(ir::Operation::create(ir::Opcode::Return, {x}, {}));
  m.addFunction(std::move(f));
  m.addFunction(std::make_unique<ir::Function>("g", ir::DerivedKind::Grad, "f",
                                               llvm::ArrayRef<int64_t>{0}));
  ASSERT_FALSE(bool(m.resolveDerivedSignatures()));
  auto main = std::make_unique<ir::Function>("main", llvm::ArrayRef<ir::Type>{},
                                             llvm::ArrayRef<ir::Type>{f32});
  ir::Region &body = main->getBody();
  ir::AttrList constAttrs;
  constAttrs.set("value", ir::Attribute(2.0));
  ir::Value *two = body.push_back(ir::Operation::create(ir::Opcode::Constant,
                                                        {}, {f32}, constAttrs))
                       ->getResult(0);
  ir::AttrList callAttrs;
  callAttrs.set("callee", ir::Attribute(ir::SymbolRef{"g"}));
  ir::Value *r = body.push_back(ir::Operation::create(ir::Opcode::Call, {two},
                                                      {f32}, callAttrs))
                     ->getResult(0);
  body.push_back(ir::Operation::create(ir::Opcode::Return, {r}, {}));
  m.addFunction(std::move(main));
  EXPECT_EQ(codegenError(m), "the cpu backend does not support 'call' yet");
}

/// The `fast` argument of the module's tdl_rt_matmul_f32 call (-1: none).
int64_t matmulFastFlag(bool fastMath) {
  ir::Module m;
  ir::Type t = ir::Type::tensor(ir::DType::F32, {4, 4});
  auto f = std::make_unique<ir::Function>("f", llvm::ArrayRef<ir::Type>{t, t},
                                          llvm::ArrayRef<ir::Type>{t});
  ir::Region &body = f->getBody();
  ir::Value *a = body.addArgument(t), *b = body.addArgument(t);
  ir::Operation *mm =
      body.push_back(ir::Operation::create(ir::Opcode::Matmul, {a, b}, {t}));
  body.push_back(
      ir::Operation::create(ir::Opcode::Return, {mm->getResult(0)}, {}));
  m.addFunction(std::move(f));
  llvm::LLVMContext ctx;
  cpu::CodegenOptions options;
  options.fastMath = fastMath;
  auto gen = cpu::generateModule(m, ctx, options);
  EXPECT_TRUE(bool(gen));
  if (!gen) {
    llvm::consumeError(gen.takeError());
    return -1;
  }
  for (llvm::Function &fn : *gen->module)
    for (llvm::BasicBlock &bb : fn)
      for (llvm::Instruction &inst : bb)
        if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst))
          if (call->getCalledFunction() &&
              call->getCalledFunction()->getName() == "tdl_rt_matmul_f32")
            if (auto *c =
                    llvm::dyn_cast<llvm::ConstantInt>(call->getArgOperand(0)))
              return c->getSExtValue();
  return -1;
}

TEST(CpuCodegen, FastMathSelectsTheFmaMatmul) {
  // The runtime's matmul is exact (the interpreter's bits) unless the
  // module is compiled with -ffast-math (CodegenOptions::fastMath).
  EXPECT_EQ(matmulFastFlag(false), 0);
  EXPECT_EQ(matmulFastFlag(true), 1);
}

} // namespace

//===- RandomProgramTest.cpp - random programs mean the same at every -O ===//
//
// Builds random straight-line and structured programs over f32[2,3] values
// (special float values included, identities, layout round trips, calls,
// constant-condition ifs, constant-bound loops), runs each at -O0 and after
// the -O1/-O2/-O3 pipelines (and -O3 + fuse) with --verify-each, and
// requires bit-identical results, except that any NaN equals any NaN (IEEE
// leaves a NaN result's sign and payload open; see PassTestUtil.h). Seeds
// are fixed so failures reproduce.
//
//===----------------------------------------------------------------------===//
#include "PassTestUtil.h"
#include "ssa_ir/Builder.h"

#include <algorithm>
#include <array>
#include <random>

using namespace tdl::ir;
using namespace tdl::ir::test;

namespace {

class ProgramGenerator {
public:
  explicit ProgramGenerator(unsigned seed) : rng(seed) {}

  std::unique_ptr<Module> build() {
    auto m = std::make_unique<Module>();
    Type t = Type::tensor(DType::F32, {2, 3});
    Function *helper = m->addFunction(std::make_unique<Function>(
        "helper", llvm::ArrayRef<Type>{t}, llvm::ArrayRef<Type>{t}));
    {
      Builder hb(helper->getBody());
      Value *x = helper->getBody().getArgument(0);
      hb.ret({hb.binary(Opcode::Add, hb.binary(Opcode::Mul, x, x),
                        hb.constant(t, 1.0))});
    }
    unsigned numResults = 3;
    llvm::SmallVector<Type, 3> results(numResults, t);
    Function *f = m->addFunction(
        std::make_unique<Function>("main", llvm::ArrayRef<Type>{}, results));
    Builder b(f->getBody());
    const float specials[] = {0.0f, -0.0f,    1.0f,      -2.5f, 0.5f,
                              3.0f, INFINITY, -INFINITY, NAN,   1e-3f};
    for (int i = 0; i < 3; ++i) {
      std::vector<float> v;
      for (int k = 0; k < 6; ++k)
        v.push_back(specials[pick(std::size(specials))]);
      pool.push_back(b.constantDense(
          t, DenseElements::from<float>(DType::F32, llvm::ArrayRef<float>(v))));
    }
    for (int step = 0; step < 25; ++step)
      pool.push_back(randomStep(b, t, *helper));
    llvm::SmallVector<Value *, 3> out;
    for (unsigned i = 0; i < numResults; ++i)
      out.push_back(pool[pool.size() - 1 - pick(6)]);
    b.ret(out);
    return m;
  }

private:
  unsigned pick(unsigned n) {
    return std::uniform_int_distribution<unsigned>(0, n - 1)(rng);
  }
  Value *any() { return pool[pick(pool.size())]; }

  Value *randomStep(Builder &b, const Type &t, const Function &helper) {
    switch (pick(10)) {
    case 0: {
      const Opcode ops[] = {Opcode::Neg, Opcode::Exp, Opcode::Tanh,
                            Opcode::Abs};
      return b.unary(ops[pick(4)], any());
    }
    case 1:
    case 2: {
      const Opcode ops[] = {Opcode::Add, Opcode::Sub, Opcode::Mul, Opcode::Max,
                            Opcode::Div};
      Value *x = any();
      return b.binary(ops[pick(5)], x, pick(3) == 0 ? x : any());
    }
    case 3: { // identities with splat constants, either side
      const double consts[] = {0.0, -0.0, 1.0};
      Value *c = b.constant(t, consts[pick(3)]);
      const Opcode ops[] = {Opcode::Add, Opcode::Sub, Opcode::Mul, Opcode::Div};
      Opcode op = ops[pick(4)];
      return pick(2) ? b.binary(op, any(), c) : b.binary(op, c, any());
    }
    case 4: { // transpose, elementwise, transpose back
      Value *tr = b.create1(Opcode::Transpose, {any()},
                            {{"perm", Attribute(IntArray{1, 0})}});
      Value *n = b.unary(Opcode::Neg, tr);
      return b.create1(Opcode::Transpose, {n},
                       {{"perm", Attribute(IntArray{1, 0})}});
    }
    case 5: { // reshape round trip, reduce and broadcast back
      Value *flat = b.reshape(any(), {6});
      Value *e = b.unary(Opcode::Exp, flat);
      Value *back = b.reshape(e, {2, 3});
      Value *s = b.reduce(Opcode::ReduceMax, back, {1});
      return b.binary(Opcode::Add, back, b.broadcast(s, {2, 3}, {0}));
    }
    case 6:
      return b.call(helper, {any()})->getResult(0);
    case 7: { // if with a constant condition
      Value *cond = b.constantBool(Type::scalar(DType::Bool), pick(2));
      Operation *op = b.createIf(cond, {t});
      Builder tb(op->getRegion(0));
      tb.yield({tb.unary(Opcode::Neg, any())});
      Builder eb(op->getRegion(1));
      eb.yield({any()});
      return op->getResult(0);
    }
    case 8: { // for with constant bounds (0, 1 or 3 trips), invariant code
      Type i64 = Type::scalar(DType::I64);
      Value *lb = b.constantInt(i64, 0);
      Value *ub = b.constantInt(i64, std::array{0, 1, 3}[pick(3)]);
      Value *inv = any();
      Operation *loop = b.createFor(lb, ub, {any()});
      Region &body = loop->getRegion(0);
      Builder lb2(body);
      Value *e = lb2.unary(Opcode::Tanh, inv);
      lb2.yield({lb2.binary(Opcode::Add, body.getArgument(1), e)});
      return loop->getResult(0);
    }
    default: { // common subexpressions
      Value *x = any(), *y = any();
      Value *p = b.binary(Opcode::Mul, x, y);
      Value *q = b.binary(Opcode::Mul, y, x);
      return b.binary(Opcode::Sub, p, q);
    }
    }
  }

  std::mt19937 rng;
  std::vector<Value *> pool;
};

TEST(RandomPrograms, EveryOptLevelComputesTheSameBits) {
  for (unsigned seed = 1; seed <= 60; ++seed) {
    std::string reference;
    // Levels 0..3 are the -O pipelines; 4 is -O3 followed by `fuse`.
    for (unsigned level = 0; level <= 4; ++level) {
      std::unique_ptr<Module> m = ProgramGenerator(seed).build();
      ASSERT_TRUE(verifyModuleMessages(*m).empty()) << printed(*m);
      std::string original = printed(*m);
      PassInstrumentation instr;
      instr.verifyEach = true;
      PassManager pm(instr);
      buildPipeline(pm, std::min(level, 3u));
      if (level == 4)
        pm.add(createFusionPass());
      tdl::SourceManager sm;
      tdl::DiagnosticEngine diags(sm);
      ASSERT_TRUE(pm.run(*m, diags)) << "seed " << seed << "\n" << printed(*m);
      std::string got = runToString(*m, "main");
      if (level == 0)
        reference = got;
      else
        EXPECT_EQ(reference, got)
            << "seed " << seed << " -O" << level << "\noriginal:\n"
            << original << "optimized:\n"
            << printed(*m);
    }
  }
}

} // namespace

//===- TextRoundTripTest.cpp - printer/parser on built and edge-case IR ---===//
#include "ssa_ir/Builder.h"
#include "ssa_ir/Parser.h"
#include "ssa_ir/Printer.h"
#include "ssa_ir/Verifier.h"
#include "ssa_ir/passes/PassManager.h"

#include "basic/DiagnosticPrinters.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace tdl;
using namespace tdl::ir;

namespace {

Type T(DType d, llvm::ArrayRef<int64_t> s = {}) { return Type::tensor(d, s); }

/// Parses `text`; on failure returns null and the diagnostics in `errors`.
std::unique_ptr<Module> parse(llvm::StringRef text, std::string &errors,
                              SourceManager &sm) {
  DiagnosticEngine diags(sm);
  static std::string sink;
  auto os = std::make_unique<llvm::raw_string_ostream>(errors);
  diags.setConsumer(std::make_unique<TextDiagnosticPrinter>(*os, sm, false));
  unsigned id = sm.addBuffer("test.tir", text);
  auto m = parseModule(id, diags);
  os->flush();
  return m;
}

TEST(TextRoundTrip, BuiltModuleWithEveryAttributeKind) {
  Module m;
  Type v = T(DType::F32, {3});
  auto fn = std::make_unique<Function>(
      "f", llvm::ArrayRef<Type>{v, T(DType::I64)}, llvm::ArrayRef<Type>{v});
  fn->setExported(true);
  Builder b(fn->getBody());
  Value *x = fn->getBody().getArgument(0);
  x->setNameHint("x");
  float odd[3] = {0.1f, -1e-30f, std::numeric_limits<float>::infinity()};
  Value *c = b.constantDense(v, DenseElements::from<float>(DType::F32, odd));
  Value *s = b.constant(T(DType::F64), 1.0 / 3);
  Value *sc = b.cast(s, DType::F32);
  Value *bs = b.broadcastTo(sc, {3});
  Value *sum = b.binary(Opcode::Add, c, bs);
  Operation *loop = b.createFor(fn->getBody().getArgument(1),
                                fn->getBody().getArgument(1), {sum});
  Builder lb(loop->getRegion(0));
  lb.yield({lb.binary(Opcode::Mul, loop->getRegion(0).getArgument(1), x)});
  Value *seed = b.constantInt(T(DType::I64), -42);
  Value *r = b.create1(
      Opcode::RngNormal, {seed},
      {{"shape", Attribute(IntArray{3})}, {"dtype", Attribute(DType::F32)}});
  b.print(r);
  b.ret({loop->getResult(0)});
  m.addFunction(std::move(fn));
  ASSERT_TRUE(verifyModuleMessages(m).empty());

  std::string first = toString(m);
  SourceManager sm;
  std::string errors;
  auto again = parse(first, errors, sm);
  ASSERT_TRUE(again) << errors << first;
  EXPECT_TRUE(verifyModuleMessages(*again).empty());
  EXPECT_EQ(toString(*again), first);
  // The constant's values survive exactly.
  const Operation &constOp = *again->lookup("f")->getBody().getOps().front();
  const DenseElements *d = constOp.getAttrs().getDense("value");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->get<float>(0), 0.1f);
  EXPECT_EQ(d->get<float>(1), -1e-30f);
  EXPECT_TRUE(std::isinf(d->get<float>(2)));
  EXPECT_EQ(*again->lookup("f")
                 ->getBody()
                 .getOps()
                 .begin()
                 ->get()
                 ->getAttrs()
                 .getDense("value"),
            *d);
  const Operation &third =
      **std::next(again->lookup("f")->getBody().getOps().begin());
  EXPECT_EQ(*third.getAttrs().getFloat("value"), 1.0 / 3);
}

TEST(TextRoundTrip, SourceLocationsResolveToLocAndSurviveParsing) {
  SourceManager sm;
  unsigned buf =
      sm.addBuffer("model.tdl", "fn f(x: f32) -> f32 {\n  return -x;\n}\n");
  Module m;
  Type t = T(DType::F32);
  auto fn = std::make_unique<Function>("f", llvm::ArrayRef<Type>{t},
                                       llvm::ArrayRef<Type>{t});
  Builder b(fn->getBody());
  b.setLoc(Location(sm.getLoc(buf, 2, 10)));
  Value *n = b.unary(Opcode::Neg, fn->getBody().getArgument(0));
  b.setLoc(Location());
  b.ret({n});
  m.addFunction(std::move(fn));
  PrintOptions opts;
  opts.resolveLocations = &sm;
  std::string text;
  llvm::raw_string_ostream os(text);
  printModule(m, os, opts);
  EXPECT_EQ(text, "func @f(%0: f32) -> f32 {\n"
                  "  %1 = neg %0 : f32 loc(\"model.tdl\":2:10)\n"
                  "  return %1\n"
                  "}\n");
  // Without a SourceManager the SMLoc is not printed.
  EXPECT_EQ(toString(m).find("loc("), std::string::npos);
  // Parsed back, the explicit location is kept and prints the same.
  SourceManager sm2;
  std::string errors;
  auto again = parse(text, errors, sm2);
  ASSERT_TRUE(again) << errors;
  EXPECT_EQ(toString(*again), text);
  const Operation &neg = *again->lookup("f")->getBody().getOps().front();
  EXPECT_EQ(neg.getLoc().file, "model.tdl");
  EXPECT_EQ(neg.getLoc().line, 2u);
  EXPECT_EQ(neg.getLoc().col, 10u);
}

TEST(TextRoundTrip, FloatAttributeTextIsExact) {
  for (double v : {0.1, 1.0 / 3, 1e300, -5e-324, 123456789.0, 2.0})
    EXPECT_EQ(std::strtod(formatFloatAttr(v).c_str(), nullptr), v) << v;
  EXPECT_EQ(formatFloatAttr(2.0), "2.0");
  EXPECT_EQ(formatFloatAttr(0.1f, true), "0.1");
}

TEST(TextRoundTrip, ParseErrorsAreLocated) {
  SourceManager sm;
  std::string errors;
  EXPECT_FALSE(parse(
      "func @f() -> f32 {\n  %a = exp %b : f32\n  return %a\n}\n", errors, sm));
  EXPECT_NE(errors.find("test.tir:2:12: error: use of undefined value '%b'"),
            std::string::npos)
      << errors;
}

TEST(PassManager, DCEThroughTheManagerWithVerifyEach) {
  SourceManager sm;
  std::string errors;
  auto m = parse("func @f(%x: f32) -> f32 {\n"
                 "  %a = exp %x : f32\n"
                 "  %b = log %a : f32\n"
                 "  return %x\n"
                 "}\n",
                 errors, sm);
  ASSERT_TRUE(m) << errors;
  DiagnosticEngine diags(sm);
  PassInstrumentation instr;
  instr.verifyEach = true;
  PassManager pm(instr);
  ASSERT_TRUE(pm.add("dce"));
  EXPECT_FALSE(pm.add("no-such-pass"));
  EXPECT_TRUE(pm.run(*m, diags));
  EXPECT_EQ(toString(*m), "func @f(%x: f32) -> f32 {\n  return %x\n}\n");
}

/// A deliberately broken pass: retypes the first op's result.
class BreakTypesPass : public Pass {
public:
  llvm::StringRef getName() const override { return "break-types"; }
  bool run(Module &m, DiagnosticEngine &) override {
    Operation &op = *m.getFunctions()[0]->getBody().getOps().front();
    op.getResult(0)->setType(Type::tensor(DType::I8));
    return true;
  }
};

TEST(PassManager, VerifyEachStopsAtTheFirstBrokenPass) {
  SourceManager sm;
  std::string errors;
  auto m = parse("func @f(%x: f32) -> f32 {\n"
                 "  %a = exp %x : f32\n"
                 "  return %a\n"
                 "}\n",
                 errors, sm);
  ASSERT_TRUE(m) << errors;
  std::string diagText;
  llvm::raw_string_ostream diagOs(diagText);
  DiagnosticEngine diags(sm);
  diags.setConsumer(std::make_unique<TextDiagnosticPrinter>(diagOs, sm, false));
  std::string irDump;
  llvm::raw_string_ostream irOs(irDump);
  PassInstrumentation instr;
  instr.verifyEach = true;
  instr.printAfter = {"break-types"};
  instr.irOut = &irOs;
  PassManager pm(instr);
  pm.add(std::make_unique<BreakTypesPass>());
  ASSERT_TRUE(pm.add("dce"));
  EXPECT_FALSE(pm.run(*m, diags));
  diagOs.flush();
  EXPECT_NE(diagText.find("test.tir:2:3: error: 'exp' op result types (i8) "
                          "differ from the inferred (f32)"),
            std::string::npos)
      << diagText;
  EXPECT_NE(diagText.find("error: ir does not verify after pass 'break-types'"),
            std::string::npos)
      << diagText;
  EXPECT_NE(irDump.find("// -----// IR after break-types //----- //\n"
                        "func @f(%x: f32) -> f32 {\n  %a = exp %x : i8"),
            std::string::npos)
      << irDump;
  // Without verify-each the same pipeline runs to the end.
  PassManager lax;
  lax.add(std::make_unique<BreakTypesPass>());
  EXPECT_TRUE(lax.run(*m, diags));
}

} // namespace

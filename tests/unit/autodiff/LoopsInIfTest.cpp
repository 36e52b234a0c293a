//===- LoopsInIfTest.cpp - loops inside an `if` inside a loop -------------===//
//
// A loop in an `if` branch inside an outer loop: the reverse branch must not
// re-run the inner loop's forward part. Its tape is threaded through the
// `if` and carried by the outer loops (docs/autodiff.md, "Control flow").
// The programs are programs/loops_in_if/*.tir, each
// `@f(%x: f64[3], %w: f64, %n: i64) -> f64`. Each is checked numerically by
// its GRADCHECK line (ProgramsTest.cpp: first derivatives and the
// derivatives of the gradient, vjp and jvp of grad, against central finite
// differences on both branches) and here for work: the inner loops' `cos` is
// primal work only (its pullback uses sin), so the gradient runs it exactly
// as often as f does.
//
//===----------------------------------------------------------------------===//
#include "GradCheck.h"

#include "autodiff/CostModel.h"
#include "basic/Diagnostic.h"
#include "ssa_ir/passes/PassManager.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

using namespace tdl::ad::test;
using namespace tdl::ir;

namespace {

RuntimeValue f64(double x) {
  return RuntimeValue::scalar<double>(DType::F64, x);
}
RuntimeValue i64(int64_t x) {
  return RuntimeValue::scalar<int64_t>(DType::I64, x);
}

/// The file names in programs/loops_in_if/, sorted.
std::vector<std::string> programNames() {
  std::vector<std::string> names;
  for (const auto &e : std::filesystem::directory_iterator(
           std::string(AD_PROGRAMS_DIR) + "/loops_in_if"))
    if (e.path().extension() == ".tir")
      names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names.size(), 9u);
  return names;
}

/// Inputs covering both branches: w below and above sum(x) (x in
/// [0.1, 0.4]), and n = 0, 1 (even iteration only), 4.
std::vector<std::vector<RuntimeValue>> inputsFor(unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<RuntimeValue>> out;
  for (double w : {-0.7, 0.9, 3.0})
    for (int64_t n : {0, 1, 4})
      out.push_back({randomValue(rng, Type::tensor(DType::F64, {3}), 0.1, 0.4),
                     f64(w), i64(n)});
  return out;
}

TEST(LoopsInIf, InnerLoopPrimalRunsOnce) {
  // grad and value_and_grad run every `cos` of the inner loops exactly as
  // often as f does: the reverse branches pop the inner tapes instead of
  // re-running the loops.
  for (const std::string &name : programNames()) {
    SCOPED_TRACE(name);
    Parsed p = parseAndDifferentiate(readProgram("loops_in_if/" + name) + R"(
func @g = grad @f wrt [0, 1]
func @vg = value_and_grad @f wrt [0, 1]
)");
    ASSERT_TRUE(p.module) << p.errors;
    size_t cos = size_t(Opcode::Cos);
    bool ranInner = false;
    for (auto &args : inputsFor(7)) {
      SCOPED_TRACE(fmt::format("w={} n={}", args[1].getAsDouble(0),
                               args[2].getAsDouble(0)));
      int64_t primal = opCounts(*p.module, "f", args)[cos];
      ranInner |= primal > 0;
      EXPECT_EQ(opCounts(*p.module, "g", args)[cos], primal);
      EXPECT_EQ(opCounts(*p.module, "vg", args)[cos], primal);
    }
    EXPECT_TRUE(ranInner); // the inputs do reach the inner loops
  }
}

TEST(LoopsInIf, SecondOrderRunsInnerPrimalOnce) {
  // grad(grad f): the forward part of the gradient (inner loops included)
  // runs once; the only extra `cos` are the pullbacks of the gradient's
  // `sin` (cos's derivative), as in
  // HigherOrderLoops.LoopInsideIfPrimalRunsOnce.
  for (const std::string &name : programNames()) {
    SCOPED_TRACE(name);
    Parsed p = parseAndDifferentiate(readProgram("loops_in_if/" + name) + R"(
func @gw = grad @f wrt [1]
func @gg = grad @gw wrt [0, 1]
)");
    ASSERT_TRUE(p.module) << p.errors;
    size_t cos = size_t(Opcode::Cos), sin = size_t(Opcode::Sin);
    for (auto &args : inputsFor(5)) {
      SCOPED_TRACE(fmt::format("w={} n={}", args[1].getAsDouble(0),
                               args[2].getAsDouble(0)));
      int64_t primal = opCounts(*p.module, "f", args)[cos];
      int64_t first = opCounts(*p.module, "gw", args)[sin];
      EXPECT_EQ(opCounts(*p.module, "gw", args)[cos], primal);
      EXPECT_EQ(opCounts(*p.module, "gg", args)[cos], primal + first);
    }
  }
}

/// True if `t` is or contains a tape holding a tape.
bool nestsTapes(const Type &t, bool inTape = false) {
  if (t.isTape())
    return inTape || nestsTapes(t.getTapeElement(), true);
  if (!t.isTuple())
    return false;
  for (const Type &e : t.getElements())
    if (nestsTapes(e, inTape))
      return true;
  return false;
}

TEST(LoopsInIf, TapesNeverHoldTapes) {
  // The inner tapes are carried and threaded, never stored on the outer
  // tape (docs/autodiff.md, the zero-tape invariant), at first and second
  // order.
  for (const std::string &name : programNames()) {
    SCOPED_TRACE(name);
    Parsed p = parseAndDifferentiate(readProgram("loops_in_if/" + name) + R"(
func @g = grad @f wrt [0, 1]
func @gw = grad @f wrt [1]
func @gg = grad @gw wrt [0, 1]
)");
    ASSERT_TRUE(p.module) << p.errors;
    for (const char *fn : {"g", "gw", "gg"}) {
      bool nested = false;
      walk(p.module->lookup(fn)->getBody(), [&](Operation &op) {
        for (Value *v : op.getResults())
          nested |= nestsTapes(v->getType());
      });
      EXPECT_FALSE(nested) << fn;
    }
  }
}

TEST(LoopsInIf, CostRatios) {
  // docs/performance.md, "Autodiff: loops inside an if inside a loop".
  // FLOPs are static (CostModel, the `while` counted 6 times), ops are
  // counted by the interpreter as they run.
  std::string table;
  for (const char *name : {"for_if_for", "for_if_while"}) {
    SCOPED_TRACE(name);
    Parsed p = parseAndDifferentiate(
        readProgram(fmt::format("loops_in_if_cost/{}.tir", name)) +
        "\nfunc @g = grad @f wrt [0, 1]\n");
    ASSERT_TRUE(p.module) << p.errors;
    tdl::SourceManager sources;
    tdl::DiagnosticEngine diags(sources);
    ASSERT_TRUE(createCanonicalizePass()->run(*p.module, diags));
    ASSERT_TRUE(createDCEPass()->run(*p.module, diags));
    const Module &m = *p.module;
    tdl::ad::Cost primal = tdl::ad::countCost(m, *m.lookup("f"), 6);
    tdl::ad::Cost grad = tdl::ad::countCost(m, *m.lookup("g"), 6);
    std::mt19937 rng(1);
    Type t = Type::tensor(DType::F64, {16});
    std::vector<RuntimeValue> args = {randomValue(rng, t), randomValue(rng, t)};
    auto sum = [](const std::vector<int64_t> &c) {
      int64_t s = 0;
      for (int64_t x : c)
        s += x;
      return s;
    };
    int64_t pops = sum(opCounts(m, "f", args)),
            gops = sum(opCounts(m, "g", args));
    double reverse = double(grad.flops - primal.flops) / double(primal.flops);
    table += fmt::format("| {} | {} | {} | {} | {} | {:.2f} |\n", name, pops,
                         primal.flops, gops, grad.flops, reverse);
    EXPECT_LE(reverse, 3.0);
  }
  std::printf("%s", table.c_str());
}

} // namespace

//===- LoopsInIfTest.cpp - loops inside an `if` inside a loop -------------===//
//
// A loop in an `if` branch inside an outer loop: the reverse branch must not
// re-run the inner loop's forward part. Its tape is threaded through the
// `if` and carried by the outer loops (docs/autodiff.md, "Control flow").
// Each program is checked for work (the inner loops' `cos` is primal work
// only, its pullback uses sin: the gradient runs it exactly as often as f)
// and numerically: first derivatives and the derivatives of the gradient
// (vjp and jvp of grad) against central finite differences.
//
//===----------------------------------------------------------------------===//
#include "GradCheck.h"

#include "autodiff/CostModel.h"
#include "basic/Diagnostic.h"
#include "ssa_ir/interp/Interpreter.h"
#include "ssa_ir/passes/PassManager.h"

#include <fmt/format.h>

using namespace tdl::ad::test;
using namespace tdl::ir;

namespace {

RuntimeValue f64(double x) {
  return RuntimeValue::scalar<double>(DType::F64, x);
}
RuntimeValue i64(int64_t x) {
  return RuntimeValue::scalar<int64_t>(DType::I64, x);
}

/// Every program is `@f(%x: f64[3], %w: f64, %n: i64) -> f64`.
struct Program {
  const char *name;
  const char *text;
};

const Program kPrograms[] = {
    // for / if / for: the branch taken on even iterations runs a `for`.
    {"for_if_for", R"(
func @f(%x: f64[3], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %three = constant {value = 3} : i64
  %r = for %zero, %n, %x : f64[3] {
  ^(%i: i64, %a: f64[3]):
    %m = rem %i, %two : i64
    %even = eq %m, %zero : bool
    %y = if %even : f64[3] {
      %in = for %zero, %three, %a : f64[3] {
      ^(%j: i64, %b: f64[3]):
        %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
        %p = mul %b, %wb : f64[3]
        %c = cos %p : f64[3]
        %h = constant {value = 0.5} : f64[3]
        %c2 = mul %c, %h : f64[3]
        %z = add %b, %c2 : f64[3]
        yield %z
      }
      yield %in
    } {
      %e = tanh %a : f64[3]
      %e2 = mul %e, %a : f64[3]
      yield %e2
    }
    yield %y
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})"},
    // while / if / for: the outer `while` counts to n; the branch depends
    // on the data (sum(a) > w).
    {"while_if_for", R"(
func @f(%x: f64[3], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %one = constant {value = 1} : i64
  %two = constant {value = 2} : i64
  %r:2 = while %x, %zero : f64[3], i64 {
  ^(%a0: f64[3], %k0: i64):
    %go = lt %k0, %n : bool
    yield %go
  } {
  ^(%a: f64[3], %k: i64):
    %s = reduce_sum %a {axes = [0]} : f64
    %pos = gt %s, %w : bool
    %y = if %pos : f64[3] {
      %in = for %zero, %two, %a : f64[3] {
      ^(%j: i64, %b: f64[3]):
        %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
        %p = mul %b, %wb : f64[3]
        %c = cos %p : f64[3]
        %h = constant {value = 0.5} : f64[3]
        %b2 = mul %b, %h : f64[3]
        %c2 = mul %c, %h : f64[3]
        %q = add %b2, %c2 : f64[3]
        yield %q
      }
      yield %in
    } {
      %wb2 = broadcast %w {dims = [], shape = [3]} : f64[3]
      %e = tanh %a : f64[3]
      %e2 = add %e, %wb2 : f64[3]
      yield %e2
    }
    %k1 = add %k, %one : i64
    yield %y, %k1
  }
  %t = reduce_sum %r#0 {axes = [0]} : f64
  return %t
})"},
    // for / if / while: a data-dependent `while` (b grows by 1 to 3 per
    // iteration up to sum 7) on even iterations; the outer body scales
    // the result down again so every even iteration runs it.
    {"for_if_while", R"(
func @f(%x: f64[3], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %r = for %zero, %n, %x : f64[3] {
  ^(%i: i64, %a: f64[3]):
    %m = rem %i, %two : i64
    %even = eq %m, %zero : bool
    %y = if %even : f64[3] {
      %wl = while %a : f64[3] {
      ^(%c0: f64[3]):
        %sa = reduce_sum %c0 {axes = [0]} : f64
        %lim = constant {value = 7.0} : f64
        %k = lt %sa, %lim : bool
        yield %k
      } {
      ^(%b: f64[3]):
        %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
        %p = mul %b, %wb : f64[3]
        %e = cos %p : f64[3]
        %h = constant {value = 2.0} : f64[3]
        %y2 = add %b, %h : f64[3]
        %z2 = add %y2, %e : f64[3]
        yield %z2
      }
      yield %wl
    } {
      %e3 = tanh %a : f64[3]
      %e4 = mul %e3, %a : f64[3]
      yield %e4
    }
    %h2 = constant {value = 0.1} : f64[3]
    %d = mul %y, %h2 : f64[3]
    yield %d
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})"},
    // Both branches run a loop: a `for` on even iterations, a `while`
    // (data-dependent) on odd ones; two tapes threaded through one `if`.
    {"loops_in_both_branches", R"(
func @f(%x: f64[3], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %r = for %zero, %n, %x : f64[3] {
  ^(%i: i64, %a: f64[3]):
    %m = rem %i, %two : i64
    %even = eq %m, %zero : bool
    %y = if %even : f64[3] {
      %in = for %zero, %two, %a : f64[3] {
      ^(%j: i64, %b: f64[3]):
        %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
        %p = mul %b, %wb : f64[3]
        %c = cos %p : f64[3]
        %z = add %b, %c : f64[3]
        yield %z
      }
      yield %in
    } {
      %wl = while %a : f64[3] {
      ^(%c0: f64[3]):
        %sa = reduce_sum %c0 {axes = [0]} : f64
        %lim = constant {value = 6.0} : f64
        %k = lt %sa, %lim : bool
        yield %k
      } {
      ^(%b2: f64[3]):
        %wb2 = broadcast %w {dims = [], shape = [3]} : f64[3]
        %p2 = mul %b2, %wb2 : f64[3]
        %e = cos %p2 : f64[3]
        %h = constant {value = 0.5} : f64[3]
        %e2 = mul %e, %h : f64[3]
        %two2 = constant {value = 2.0} : f64[3]
        %y2 = add %b2, %two2 : f64[3]
        %z2 = add %y2, %e2 : f64[3]
        yield %z2
      }
      yield %wl
    }
    %h2 = constant {value = 0.2} : f64[3]
    %d = mul %y, %h2 : f64[3]
    yield %d
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})"},
    // Two loops one after the other in the branch (a `for`, then a `while`
    // over its result): two tapes threaded through the same branch.
    {"for_if_for_while", R"(
func @f(%x: f64[3], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %r = for %zero, %n, %x : f64[3] {
  ^(%i: i64, %a: f64[3]):
    %m = rem %i, %two : i64
    %even = eq %m, %zero : bool
    %y = if %even : f64[3] {
      %in = for %zero, %two, %a : f64[3] {
      ^(%j: i64, %b: f64[3]):
        %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
        %p = mul %b, %wb : f64[3]
        %c = cos %p : f64[3]
        %h = constant {value = 0.5} : f64[3]
        %c2 = mul %c, %h : f64[3]
        %z = add %b, %c2 : f64[3]
        yield %z
      }
      %wl = while %in : f64[3] {
      ^(%c0: f64[3]):
        %sa = reduce_sum %c0 {axes = [0]} : f64
        %lim = constant {value = 5.0} : f64
        %k = lt %sa, %lim : bool
        yield %k
      } {
      ^(%b2: f64[3]):
        %e = cos %b2 : f64[3]
        %two2 = constant {value = 2.0} : f64[3]
        %y2 = add %b2, %two2 : f64[3]
        %z2 = add %y2, %e : f64[3]
        yield %z2
      }
      yield %wl
    } {
      %e3 = tanh %a : f64[3]
      %e4 = mul %e3, %a : f64[3]
      yield %e4
    }
    %h2 = constant {value = 0.1} : f64[3]
    %d = mul %y, %h2 : f64[3]
    yield %d
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})"},
    // A loop in an `if` in an `if` in a loop.
    {"for_if_if_for", R"(
func @f(%x: f64[3], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %r = for %zero, %n, %x : f64[3] {
  ^(%i: i64, %a: f64[3]):
    %m = rem %i, %two : i64
    %even = eq %m, %zero : bool
    %y = if %even : f64[3] {
      %s = reduce_sum %a {axes = [0]} : f64
      %big = gt %s, %w : bool
      %in = if %big : f64[3] {
        %l = for %zero, %two, %a : f64[3] {
        ^(%j: i64, %b: f64[3]):
          %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
          %p = mul %b, %wb : f64[3]
          %c = cos %p : f64[3]
          %z = add %b, %c : f64[3]
          yield %z
        }
        yield %l
      } {
        %e = exp %a : f64[3]
        %h = constant {value = 0.3} : f64[3]
        %e2 = mul %e, %h : f64[3]
        yield %e2
      }
      yield %in
    } {
      %e3 = tanh %a : f64[3]
      %e4 = mul %e3, %a : f64[3]
      yield %e4
    }
    yield %y
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})"},
    // A loop nest (for in for) in an `if` in a loop.
    {"for_if_for_for", R"(
func @f(%x: f64[3], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %r = for %zero, %n, %x : f64[3] {
  ^(%i: i64, %a: f64[3]):
    %m = rem %i, %two : i64
    %even = eq %m, %zero : bool
    %y = if %even : f64[3] {
      %mid = for %zero, %two, %a : f64[3] {
      ^(%j: i64, %b: f64[3]):
        %in = for %zero, %two, %b : f64[3] {
        ^(%k: i64, %c: f64[3]):
          %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
          %p = mul %c, %wb : f64[3]
          %co = cos %p : f64[3]
          %h = constant {value = 0.5} : f64[3]
          %q = mul %co, %h : f64[3]
          %z = add %c, %q : f64[3]
          yield %z
        }
        %e = tanh %in : f64[3]
        %z2 = add %e, %b : f64[3]
        yield %z2
      }
      yield %mid
    } {
      %e3 = tanh %a : f64[3]
      %e4 = mul %e3, %a : f64[3]
      yield %e4
    }
    yield %y
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})"},
    // An `if` in a loop in a loop: the tape is carried by both loops.
    {"for_for_if_for", R"(
func @f(%x: f64[3], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %r = for %zero, %n, %x : f64[3] {
  ^(%i: i64, %a: f64[3]):
    %mid = for %zero, %two, %a : f64[3] {
    ^(%j: i64, %b: f64[3]):
      %s = reduce_sum %b {axes = [0]} : f64
      %big = gt %s, %w : bool
      %y = if %big : f64[3] {
        %in = for %zero, %two, %b : f64[3] {
        ^(%k: i64, %c: f64[3]):
          %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
          %p = mul %c, %wb : f64[3]
          %co = cos %p : f64[3]
          %h = constant {value = 0.5} : f64[3]
          %c2 = mul %c, %h : f64[3]
          %q = mul %co, %h : f64[3]
          %z = add %c2, %q : f64[3]
          yield %z
        }
        yield %in
      } {
        %e = tanh %b : f64[3]
        %e2 = add %e, %a : f64[3]
        yield %e2
      }
      yield %y
    }
    yield %mid
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})"},
    // The whole thing inside an `if` (not in a loop): the outer `if`
    // exports the outer loop's tapes, the inner one is threaded.
    {"if_for_if_for", R"(
func @f(%x: f64[3], %w: f64, %n: i64) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %s = reduce_sum %x {axes = [0]} : f64
  %pos = lt %s, %w : bool
  %y = if %pos : f64[3] {
    %r = for %zero, %n, %x : f64[3] {
    ^(%i: i64, %a: f64[3]):
      %m = rem %i, %two : i64
      %even = eq %m, %zero : bool
      %v = if %even : f64[3] {
        %in = for %zero, %two, %a : f64[3] {
        ^(%j: i64, %b: f64[3]):
          %wb = broadcast %w {dims = [], shape = [3]} : f64[3]
          %p = mul %b, %wb : f64[3]
          %c = cos %p : f64[3]
          %z = add %b, %c : f64[3]
          yield %z
        }
        yield %in
      } {
        %e = tanh %a : f64[3]
        %e2 = mul %e, %a : f64[3]
        yield %e2
      }
      %h = constant {value = 0.3} : f64[3]
      %d = mul %v, %h : f64[3]
      yield %d
    }
    yield %r
  } {
    %e3 = tanh %x : f64[3]
    yield %e3
  }
  %t = reduce_sum %y {axes = [0]} : f64
  return %t
})"},
};

/// How often each op runs in `fn`.
std::vector<int64_t> opCounts(const Module &m, const std::string &fn,
                              const std::vector<RuntimeValue> &args) {
  std::vector<int64_t> counts;
  InterpreterOptions o;
  o.opCounts = &counts;
  std::string out;
  llvm::raw_string_ostream os(out);
  auto r = interpret(m, fn, args, os, o);
  if (!r)
    ADD_FAILURE() << formatRuntimeError(r.takeError(), nullptr);
  counts.resize(size_t(Opcode::NumOpcodes));
  return counts;
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
  for (const Program &prog : kPrograms) {
    SCOPED_TRACE(prog.name);
    Parsed p = parseAndDifferentiate(std::string(prog.text) + R"(
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

TEST(LoopsInIf, GradientsMatchFiniteDifferences) {
  // vjp and jvp of f, then vjp and jvp of grad f (forward over reverse and
  // reverse over reverse through the threaded tapes), on both branches.
  for (const Program &prog : kPrograms) {
    SCOPED_TRACE(prog.name);
    for (auto &args : inputsFor(11)) {
      SCOPED_TRACE(fmt::format("w={} n={}", args[1].getAsDouble(0),
                               args[2].getAsDouble(0)));
      CheckOptions o;
      o.inputs = args;
      checkGradients(prog.text, "f", {0, 1}, o);
      checkGradients(std::string(prog.text) +
                         "\nfunc @g = grad @f wrt [0, 1]\n",
                     "g", {0, 1}, o);
    }
  }
}

TEST(LoopsInIf, SecondOrderRunsInnerPrimalOnce) {
  // grad(grad f): the forward part of the gradient (inner loops included)
  // runs once; the only extra `cos` are the pullbacks of the gradient's
  // `sin` (cos's derivative), as in
  // HigherOrderLoops.LoopInsideIfPrimalRunsOnce.
  for (const Program &prog : kPrograms) {
    SCOPED_TRACE(prog.name);
    Parsed p = parseAndDifferentiate(std::string(prog.text) + R"(
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
  for (const Program &prog : kPrograms) {
    SCOPED_TRACE(prog.name);
    Parsed p = parseAndDifferentiate(std::string(prog.text) + R"(
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

/// Constant trip counts (so static counts are exact up to the `if`, which
/// CostModel charges its more expensive branch, the loop): a `for` of 8
/// whose even iterations run a `for` of 6 (for_if_for) or a `while` of 6
/// (for_if_while) and whose odd ones a tanh; inner body tanh(b * w) + a.
const char *kCostPrograms[][2] = {{"for_if_for", R"(
func @f(%x: f64[16], %w: f64[16]) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %n = constant {value = 8} : i64
  %m = constant {value = 6} : i64
  %r = for %zero, %n, %x : f64[16] {
  ^(%i: i64, %a: f64[16]):
    %par = rem %i, %two : i64
    %even = eq %par, %zero : bool
    %y = if %even : f64[16] {
      %in = for %zero, %m, %a : f64[16] {
      ^(%j: i64, %b: f64[16]):
        %p = mul %b, %w : f64[16]
        %c = tanh %p : f64[16]
        %q = add %c, %a : f64[16]
        yield %q
      }
      yield %in
    } {
      %p2 = mul %a, %w : f64[16]
      %e = tanh %p2 : f64[16]
      yield %e
    }
    %e2 = sin %y : f64[16]
    yield %e2
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})"},
                                  {"for_if_while", R"(
func @f(%x: f64[16], %w: f64[16]) -> f64 {
  %zero = constant {value = 0} : i64
  %two = constant {value = 2} : i64
  %n = constant {value = 8} : i64
  %r = for %zero, %n, %x : f64[16] {
  ^(%i: i64, %a: f64[16]):
    %par = rem %i, %two : i64
    %even = eq %par, %zero : bool
    %y = if %even : f64[16] {
      %z:2 = while %a, %zero : f64[16], i64 {
      ^(%c0: f64[16], %k: i64):
        %six = constant {value = 6} : i64
        %go = lt %k, %six : bool
        yield %go
      } {
      ^(%b: f64[16], %k2: i64):
        %p = mul %b, %w : f64[16]
        %c = tanh %p : f64[16]
        %q = add %c, %a : f64[16]
        %one = constant {value = 1} : i64
        %k3 = add %k2, %one : i64
        yield %q, %k3
      }
      yield %z#0
    } {
      %p2 = mul %a, %w : f64[16]
      %e = tanh %p2 : f64[16]
      yield %e
    }
    %e2 = sin %y : f64[16]
    yield %e2
  }
  %t = reduce_sum %r {axes = [0]} : f64
  return %t
})"}};

TEST(LoopsInIf, CostRatios) {
  // docs/performance.md, "Autodiff: loops inside an if inside a loop".
  // FLOPs are static (CostModel, the `while` counted 6 times), ops are
  // counted by the interpreter as they run.
  std::string table;
  for (auto &[name, text] : kCostPrograms) {
    SCOPED_TRACE(name);
    Parsed p = parseAndDifferentiate(std::string(text) +
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

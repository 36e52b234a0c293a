//===- GradCheck.h - finite-difference checks of the AD transforms --*- C++
//-*-===//
//
// A test writes the primal as .tir text (f64 everywhere). The harness parses
// it, appends `vjp` / `jvp` declarations, runs the autodiff pass, verifies,
// and compares on random inputs, with the reference interpreter:
//   - vjp(x, u) against central finite differences of <u, f(x)>;
//   - jvp(x, v) against central finite differences of f along v;
//   - the dot-product identity <jvp(x, v), u> = <v, vjp(x, u)>.
// Nothing is compared with numbers the implementation printed.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TESTS_AUTODIFF_GRADCHECK_H
#define TDL_TESTS_AUTODIFF_GRADCHECK_H

#include "autodiff/ADContext.h"
#include "ssa_ir/IR.h"
#include "ssa_ir/Parser.h"
#include "ssa_ir/interp/RuntimeValue.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace tdl::ad::test {

struct Parsed {
  std::unique_ptr<ir::Module> module;
  std::string errors; // diagnostics text (parse, autodiff, verify)
};

/// Parses `text`, runs the autodiff pass and verifies the result.
Parsed parseAndDifferentiate(const std::string &text,
                             const AutodiffOptions &options = {});

/// Runs a function of the module; fails the test on a runtime error.
std::vector<ir::RuntimeValue> run(const ir::Module &m, const std::string &fn,
                                  const std::vector<ir::RuntimeValue> &args);

/// Random values of type `t` (uniform in [lo, hi]; integers in [0, 3]).
ir::RuntimeValue randomValue(std::mt19937 &rng, const ir::Type &t,
                             double lo = -1.0, double hi = 1.0);

/// Flattened float leaves of a value, and the inverse.
std::vector<double> flatten(const ir::RuntimeValue &v);
ir::RuntimeValue unflatten(const ir::Type &t, const std::vector<double> &data,
                           size_t &pos);

struct CheckOptions {
  double lo = -1.0, hi = 1.0; // input range
  double step = 1e-5;         // finite-difference step
  double tol = 1e-6;          // relative tolerance
  unsigned seed = 1;
  bool checkJvp = true;
  /// Fixed inputs (overrides random ones) for checks at kinks.
  std::vector<ir::RuntimeValue> inputs;
  /// The autodiff pass's options (a loop memory budget).
  AutodiffOptions autodiff;
};

/// Checks vjp (and jvp) of `fn` in `text` w.r.t. `wrt` on random inputs.
void checkGradients(const std::string &text, const std::string &fn,
                    std::vector<int64_t> wrt, CheckOptions opts = {});

/// The text of programs/<relPath> (the folder of `.tir` test programs;
/// ProgramsTest.cpp runs their GRADCHECK lines). Empty if unreadable.
std::string readProgram(const std::string &relPath);

/// How often each opcode runs in a call of `fn` (indexed by ir::Opcode).
std::vector<int64_t> opCounts(const ir::Module &m, const std::string &fn,
                              const std::vector<ir::RuntimeValue> &args);

/// max |a - b| / max(1, |a|, |b|) style comparison; EXPECTs each element.
void expectClose(const std::vector<double> &got,
                 const std::vector<double> &want, double tol,
                 const std::string &what);

} // namespace tdl::ad::test

#endif

//===- PassTestUtil.h - running passes and the interpreter in tests -*- C++
//-*-===//
#ifndef TDL_TESTS_UNIT_PASSES_PASSTESTUTIL_H
#define TDL_TESTS_UNIT_PASSES_PASSTESTUTIL_H

#include "basic/Diagnostic.h"
#include "ssa_ir/Printer.h"
#include "ssa_ir/Verifier.h"
#include "ssa_ir/interp/Interpreter.h"
#include "ssa_ir/passes/PassManager.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tdl::ir::test {

/// The bytes of element i, or "nan" for any NaN: IEEE 754 leaves the sign
/// and payload of a NaN result unspecified (x86 returns the first NaN
/// operand, so `mul %a, %b` and `mul %b, %a` may differ in the NaN sign bit
/// when both are NaN), and the passes promise values up to that.
inline std::string elementBits(const RuntimeValue &v, int64_t i) {
  if (isFloat(v.getDType()) && std::isnan(v.getAsDouble(i)))
    return "nan";
  std::string out;
  size_t size = dtypeSize(v.getDType());
  for (size_t b = 0; b < size; ++b)
    out += std::to_string(int(v.rawData()[i * size + b])) + ".";
  return out;
}

/// Runs `fn` (no parameters) and returns what it printed and its results,
/// bit for bit (NaNs aside), or the run-time error message.
inline std::string runToString(const Module &m, llvm::StringRef fn) {
  std::string prints;
  llvm::raw_string_ostream os(prints);
  auto results = interpret(m, fn, {}, os);
  if (!results)
    return "error: " + formatRuntimeError(results.takeError(), nullptr);
  std::string out = prints;
  for (const RuntimeValue &v : *results) {
    out += v.format(17) + " bits:";
    if (!v.isTuple())
      for (int64_t i = 0, n = v.numElements(); i < n; ++i)
        out += elementBits(v, i) + ",";
    out += "\n";
  }
  return out;
}

inline std::string printed(const Module &m) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printModule(m, os);
  return s;
}

/// Runs the passes with --verify-each; fails the test if they fail.
inline void runPasses(Module &m, llvm::ArrayRef<llvm::StringRef> names) {
  PassInstrumentation instr;
  instr.verifyEach = true;
  PassManager pm(instr);
  for (llvm::StringRef n : names)
    ASSERT_TRUE(pm.add(n)) << n.str();
  tdl::SourceManager sm;
  tdl::DiagnosticEngine diags(sm);
  ASSERT_TRUE(pm.run(m, diags)) << printed(m);
  EXPECT_TRUE(verifyModuleMessages(m).empty()) << printed(m);
}

} // namespace tdl::ir::test

#endif

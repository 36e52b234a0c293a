//===- IrTestHelpers.h - IR modules in the partitioner's tests --*- C++ -*-===//
//
// What the offload tests share: parsing a module from text, random i8
// arguments for a function, and running function `f` on the interpreter
// (the values of its first result), to check that a rewrite keeps it.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_TESTS_UNIT_ACCEL_IRTESTHELPERS_H
#define TDL_TESTS_UNIT_ACCEL_IRTESTHELPERS_H

#include "basic/Diagnostic.h"
#include "basic/SourceManager.h"
#include "ssa_ir/Parser.h"
#include "ssa_ir/interp/Interpreter.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace tdl::accel::test {

inline std::unique_ptr<ir::Module> parse(const std::string &text) {
  SourceManager sources;
  DiagnosticEngine diags(sources);
  unsigned id = sources.addBuffer("test.tir", text);
  std::unique_ptr<ir::Module> m = ir::parseModule(id, diags);
  EXPECT_TRUE(m) << text;
  return m;
}

/// Pseudo-random i8 tensors for every argument of `f` (an LCG from `seed`).
inline std::vector<ir::RuntimeValue> randomI8Args(const ir::Function &f,
                                                  unsigned seed) {
  std::vector<ir::RuntimeValue> args;
  for (unsigned i = 0; i < f.getBody().getNumArguments(); ++i) {
    ir::Type t = f.getBody().getArgument(i)->getType();
    std::vector<int8_t> v(t.getNumElements());
    for (int8_t &e : v)
      e = int8_t((seed = seed * 1103515245u + 12345u) >> 24);
    args.push_back(ir::RuntimeValue::fromVector<int8_t>(t, v));
  }
  return args;
}

/// `f`'s first result on the interpreter, element by element.
inline std::vector<double> run(const ir::Module &m,
                               const std::vector<ir::RuntimeValue> &args) {
  std::string out;
  llvm::raw_string_ostream os(out);
  auto r = ir::interpret(m, "f", args, os);
  if (!r) {
    ADD_FAILURE() << ir::formatRuntimeError(r.takeError(), nullptr);
    return {};
  }
  std::vector<double> values;
  for (int64_t i = 0; i < (*r)[0].getType().getNumElements(); ++i)
    values.push_back((*r)[0].getAsDouble(i));
  return values;
}

} // namespace tdl::accel::test

#endif

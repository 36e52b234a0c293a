//===- InterpTestUtil.h - run one op or a small module in tests ---*- C++
//-*-===//
#ifndef TDL_TESTS_INTERPTESTUTIL_H
#define TDL_TESTS_INTERPTESTUTIL_H

#include "ssa_ir/Builder.h"
#include "ssa_ir/Verifier.h"
#include "ssa_ir/interp/Interpreter.h"

#include <gtest/gtest.h>

namespace tdl::ir::test {

inline Type T(DType d, llvm::ArrayRef<int64_t> shape = {}) {
  return Type::tensor(d, shape);
}

template <typename E>
RuntimeValue tensor(DType d, llvm::ArrayRef<int64_t> shape,
                    std::vector<E> values) {
  return RuntimeValue::fromVector<E>(Type::tensor(d, shape), values);
}

/// Builds `func @f(args...) { %r = op(args) {attrs} ; return %r }`, checks
/// that it verifies, runs it and returns the result (or the run-time error).
inline llvm::Expected<RuntimeValue>
tryRunOp(Opcode op, const std::vector<RuntimeValue> &args, AttrList attrs = {},
         std::vector<Type> declared = {}) {
  Module m;
  std::vector<Type> argTypes;
  for (const RuntimeValue &a : args)
    argTypes.push_back(a.getType());
  auto fn = std::make_unique<Function>("f", argTypes, llvm::ArrayRef<Type>{});
  Builder b(fn->getBody());
  Operation *o = b.create(op, fn->getBody().getArguments(), attrs, declared);
  b.ret(o->getResults());
  fn->setSignature(argTypes, o->getResultTypes());
  m.addFunction(std::move(fn));
  std::vector<std::string> problems = verifyModuleMessages(m);
  EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : problems[0]);
  std::string printed;
  llvm::raw_string_ostream os(printed);
  auto results = interpret(m, "f", args, os);
  if (!results)
    return results.takeError();
  return (*results)[0];
}

inline RuntimeValue runOp(Opcode op, const std::vector<RuntimeValue> &args,
                          AttrList attrs = {},
                          std::vector<Type> declared = {}) {
  auto r = tryRunOp(op, args, std::move(attrs), std::move(declared));
  if (!r) {
    ADD_FAILURE() << formatRuntimeError(r.takeError(), nullptr);
    return RuntimeValue();
  }
  return *r;
}

/// The message of a run-time error ("" if the op succeeded).
inline std::string runOpError(Opcode op, const std::vector<RuntimeValue> &args,
                              AttrList attrs = {}) {
  auto r = tryRunOp(op, args, std::move(attrs));
  if (r)
    return "";
  return formatRuntimeError(r.takeError(), nullptr);
}

/// Bitwise comparison of floats, so NaN == NaN and -0 != 0.
template <typename F> bool sameBits(F a, F b) {
  return std::memcmp(&a, &b, sizeof(F)) == 0;
}

} // namespace tdl::ir::test

#endif

//===- TypeRuleHelpers.h - checks shared by the type rules -------*- C++
//-*-===//
//
// Internal to ssa_ir: the result and check helpers of TypeRules.cpp,
// NNTypeRules.cpp and TapeTypeRules.cpp (one per `Rule` group of Ops.def).
// Checks return an error message, or "" when they pass; CHECK returns the
// message from the rule.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SSA_IR_TYPERULEHELPERS_H
#define TDL_SSA_IR_TYPERULEHELPERS_H

#include "ssa_ir/Ops.h"

#include <fmt/format.h>

namespace tdl::ir::rules {

inline TypeRuleResult fail(std::string msg) {
  TypeRuleResult r;
  r.error = std::move(msg);
  return r;
}

inline TypeRuleResult ok(llvm::ArrayRef<Type> types) {
  TypeRuleResult r;
  r.types.assign(types.begin(), types.end());
  return r;
}

inline std::string arr(llvm::ArrayRef<int64_t> a) {
  std::string s = "[";
  for (size_t i = 0; i < a.size(); ++i)
    s += (i ? ", " : "") + std::to_string(a[i]);
  return s + "]";
}

/// Checks that every operand is a tensor; returns an error or "".
inline std::string needTensors(llvm::ArrayRef<Type> ts) {
  for (size_t i = 0; i < ts.size(); ++i)
    if (!ts[i].isTensor())
      return fmt::format("operand {} must be a tensor, got {}", i, ts[i].str());
  return "";
}

inline std::string needSameTypes(llvm::ArrayRef<Type> ts) {
  for (size_t i = 1; i < ts.size(); ++i)
    if (ts[i] != ts[0])
      return fmt::format("operands must have the same type, got {} and {}",
                         ts[0].str(), ts[i].str());
  return "";
}

inline const IntArray *needIntArray(const AttrList &attrs, llvm::StringRef name,
                                    std::string &err) {
  const IntArray *a = attrs.getIntArray(name);
  if (!a && err.empty())
    err = fmt::format("needs an int array attribute '{}'", name.str());
  return a;
}

/// Axes must be distinct and in [0, rank).
inline std::string checkAxes(llvm::ArrayRef<int64_t> axes, unsigned rank,
                             llvm::StringRef what) {
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= int64_t(rank))
      return fmt::format("{} {} is out of range for rank {}", what.str(),
                         axes[i], rank);
    for (size_t j = 0; j < i; ++j)
      if (axes[j] == axes[i])
        return fmt::format("{} {} is listed twice", what.str(), axes[i]);
  }
  return "";
}

inline std::string checkShapeAttr(llvm::ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return fmt::format("shape {} has a negative dim", arr(shape));
    if (__builtin_mul_overflow(count, d, &count) || count > (int64_t(1) << 48))
      return fmt::format("shape {} has too many elements", arr(shape));
  }
  return "";
}

} // namespace tdl::ir::rules

#define CHECK(expr)                                                            \
  if (std::string e_ = (expr); !e_.empty())                                    \
    return ::tdl::ir::rules::fail(std::move(e_));

#endif

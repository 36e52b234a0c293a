//===- Ops.cpp - the op table ---------------------------------------------===//
#include "ssa_ir/Ops.h"

#include "llvm/ADT/StringMap.h"

#include <fmt/format.h>

namespace tdl::ir {

// Type rules, defined in TypeRules.cpp, NNTypeRules.cpp and TapeTypeRules.cpp.
#define OP(ID, NAME, NOPERANDS, NRESULTS, NREGIONS, TRAITS, RULE)              \
  TypeRuleResult rule##RULE(const TypeRuleInput &in);
#include "ssa_ir/Ops.def"

static const OpInfo opInfos[] = {
#define OP(ID, NAME, NOPERANDS, NRESULTS, NREGIONS, TRAITS, RULE)              \
  {Opcode::ID, NAME, NOPERANDS, NRESULTS, NREGIONS, TRAITS, rule##RULE},
#include "ssa_ir/Ops.def"
};
static_assert(sizeof(opInfos) / sizeof(opInfos[0]) ==
              size_t(Opcode::NumOpcodes));

const OpInfo &getOpInfo(Opcode op) { return opInfos[size_t(op)]; }
llvm::StringRef getOpName(Opcode op) { return getOpInfo(op).name; }

std::optional<Opcode> lookupOpcode(llvm::StringRef name) {
  static const llvm::StringMap<Opcode> table = [] {
    llvm::StringMap<Opcode> m;
    for (const OpInfo &info : opInfos)
      m[info.name] = info.opcode;
    return m;
  }();
  auto it = table.find(name);
  if (it == table.end())
    return std::nullopt;
  return it->second;
}

TypeRuleResult inferResultTypes(Opcode op, llvm::ArrayRef<Type> operands,
                                const AttrList &attrs,
                                llvm::ArrayRef<Type> declaredResults) {
  const OpInfo &info = getOpInfo(op);
  if (info.numOperands != Variadic &&
      operands.size() != size_t(info.numOperands)) {
    TypeRuleResult r;
    r.error = fmt::format("expects {} operands, got {}", info.numOperands,
                          operands.size());
    return r;
  }
  return info.rule(TypeRuleInput{op, operands, attrs, declaredResults});
}

DType matmulResultDType(DType operand) {
  return operand == DType::I8 ? DType::I32 : operand;
}

} // namespace tdl::ir

//===- Ops.h - opcodes, traits and type rules from Ops.def ---------*- C++
//-*-===//
#ifndef TDL_SSA_IR_OPS_H
#define TDL_SSA_IR_OPS_H

#include "ssa_ir/Attributes.h"
#include "ssa_ir/Types.h"

#include <optional>
#include <string>

namespace tdl::ir {

enum class Opcode : uint16_t {
#define OP(ID, NAME, NOPERANDS, NRESULTS, NREGIONS, TRAITS, RULE) ID,
#include "ssa_ir/Ops.def"
  NumOpcodes
};

/// Op traits (bits). Pure: no side effect, result depends only on operands
/// and attributes, so an unused pure op may be removed (this includes ops
/// that can fail at run time, like a dynamic_slice out of range: as in XLA/JAX
/// an unused one is dropped). SideEffect: ordered, never removed.
enum OpTrait : unsigned {
  None = 0,
  Pure = 1u << 0,
  Elementwise = 1u << 1,
  Commutative = 1u << 2,
  Differentiable = 1u << 3,
  Terminator = 1u << 4,
  SideEffect = 1u << 5,
  /// Made by the compiler's own transforms after the front end (tapes by
  /// autodiff, fused groups by the fusion pass): autodiff never meets them
  /// in a program it differentiates.
  Internal = 1u << 6,
};

inline constexpr int Variadic = -1;

/// What a type rule sees. `declaredResults` are the result types written in
/// the text or passed to the builder (empty when the builder asks for
/// inference); rules of ops whose results cannot be inferred check them.
struct TypeRuleInput {
  Opcode opcode;
  llvm::ArrayRef<Type> operands;
  const AttrList &attrs;
  llvm::ArrayRef<Type> declaredResults;
};

/// Either result types, or an error message with the concrete values.
struct TypeRuleResult {
  llvm::SmallVector<Type, 1> types;
  std::string error;
  bool ok() const { return error.empty(); }
};

using TypeRuleFn = TypeRuleResult (*)(const TypeRuleInput &);

struct OpInfo {
  Opcode opcode;
  const char *name;
  int numOperands; // or Variadic
  int numResults;  // or Variadic
  unsigned numRegions;
  unsigned traits;
  TypeRuleFn rule;
  bool has(OpTrait t) const { return (traits & t) != 0; }
};

const OpInfo &getOpInfo(Opcode op);
llvm::StringRef getOpName(Opcode op);
std::optional<Opcode> lookupOpcode(llvm::StringRef name);

/// Checks arity and runs the op's type rule.
TypeRuleResult inferResultTypes(Opcode op, llvm::ArrayRef<Type> operands,
                                const AttrList &attrs,
                                llvm::ArrayRef<Type> declaredResults = {});

/// matmul result dtype: i8 x i8 -> i32 (widening), else the operand dtype.
DType matmulResultDType(DType operand);

} // namespace tdl::ir

#endif

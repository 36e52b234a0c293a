//===- TapeTypeRules.cpp - type rules of the tape ops ---------------------===//
//
//   %t = tape_new : tape<T>              an empty tape (type declared)
//   %t2 = tape_push %t, %v : tape<T>     %t with %v on top (%v : T)
//   %v = tape_top %t : T                 the top value (run-time error if
//   empty) %t2 = tape_pop %t : tape<T>          %t without its top (same)
//
// Tapes are values like any other: pushing does not change %t (the
// interpreter shares the common prefix, so a push is O(1)).
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/TypeRuleHelpers.h"

namespace tdl::ir {

using namespace rules;

TypeRuleResult ruleTapeNew(const TypeRuleInput &in) {
  if (in.declaredResults.size() != 1 || !in.declaredResults[0].isTape())
    return fail("needs one tape result type");
  return ok(in.declaredResults[0]);
}

TypeRuleResult ruleTapePush(const TypeRuleInput &in) {
  const Type &t = in.operands[0], &v = in.operands[1];
  if (!t.isTape())
    return fail("operand 0 must be a tape, got " + t.str());
  if (t.getTapeElement() != v)
    return fail("pushes " + v.str() + " onto " + t.str());
  return ok(t);
}

TypeRuleResult ruleTapeTop(const TypeRuleInput &in) {
  const Type &t = in.operands[0];
  if (!t.isTape())
    return fail("operand must be a tape, got " + t.str());
  return ok(t.getTapeElement());
}

TypeRuleResult ruleTapePop(const TypeRuleInput &in) {
  const Type &t = in.operands[0];
  if (!t.isTape())
    return fail("operand must be a tape, got " + t.str());
  return ok(t);
}

} // namespace tdl::ir

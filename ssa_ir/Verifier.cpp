//===- Verifier.cpp - IR invariants ---------------------------------------===//
//
// The invariants a valid module satisfies (each violation is one error at the
// op, with the op printed in context; all are collected, none stops the walk):
//
//  1. Ops: operand and result counts match the op table (unless variadic),
//     and so does the region count; the op's type rule accepts the operand
//     types and attributes, and the results have exactly the types it gives.
//     Its attributes are the ones ssa_ir/OpAttrs.def lists for it, each of
//     its kind, the Required ones present (checkOpAttrs).
//  2. Dominance: an operand is a block argument of the op's region or of an
//     enclosing region, or the result of an op that comes earlier in the
//     op's region or in an enclosing region. (So: defined before use, never
//     from a sibling region or another function.) Single definition holds by
//     construction: a Value is owned by the one op or region defining it.
//  3. Regions: every region ends in a terminator and has no terminator
//     elsewhere; `return` ends exactly function bodies, `yield` op regions.
//  4. Functions: a definition's body arguments have the parameter types and
//     its `return` operands the result types. A derived declaration has no
//     body and its base function exists (its signature is derived from the
//     base, Module::resolveDerivedSignatures).
//  5. Structured control flow:
//       if     regions take no arguments; each yields the op's result types
//       for    region arguments (i64, carried...); yields the carried types;
//              results = carried types = types of the init operands
//       while  both regions take the carried types; the condition region
//              yields one bool scalar, the body yields the carried types
//  6. Calls: the callee symbol names a function of the module; argument
//     types equal its parameter types and result types its result types.
//
//===----------------------------------------------------------------------===//
#include "ssa_ir/Verifier.h"
#include "ssa_ir/OpAttrs.h"
#include "ssa_ir/Printer.h"

#include "llvm/ADT/DenseMap.h"

#include <fmt/format.h>

#include <functional>

namespace tdl::ir {

namespace {

bool same(llvm::ArrayRef<Type> a, llvm::ArrayRef<Type> b) {
  return a.equals(b);
}

struct Problem {
  const Operation *op; // null for function-level problems
  const Function *fn;
  std::string message;
};

class Verifier {
public:
  explicit Verifier(const Module &m) : module(m) {}
  std::vector<Problem> run();

private:
  void verifyFunction(const Function &f);
  void verifyRegion(const Region &r, bool isFunctionBody);
  void verifyOp(const Operation &op);
  void verifyOperandDominance(const Operation &op, unsigned i);
  void verifyYield(const Operation &op, const Region &r,
                   llvm::ArrayRef<Type> expected, llvm::StringRef what);
  /// Region arguments = operand types, yield = results, and the region is
  /// isolated: it uses only values defined inside it.
  void verifyFused(const Operation &op, llvm::ArrayRef<Type> results) {
    const Region &body = op.getRegion(0);
    verifyRegionArgs(op, body, op.getOperandTypes(), "fused region");
    verifyYield(op, body, results, "fused region");
    walk(const_cast<Region &>(body), [&](Operation &inner) {
      for (Value *v : inner.getOperands())
        if (!v->getParentRegion()->isNestedIn(&body))
          fail(op, fmt::format("'{}' in the fused region uses a value "
                               "defined outside it",
                               inner.getName().str()));
    });
  }
  void verifyRegionArgs(const Operation &op, const Region &r,
                        llvm::ArrayRef<Type> expected, llvm::StringRef what);
  void verifyCall(const Operation &op);
  void fail(const Operation &op, std::string msg) {
    problems.push_back({&op, current, std::move(msg)});
  }

  const Module &module;
  const Function *current = nullptr;
  llvm::DenseMap<const Operation *, size_t> position;
  std::vector<Problem> problems;
};

std::vector<Problem> Verifier::run() {
  for (const auto &f : module.getFunctions())
    verifyFunction(*f);
  return std::move(problems);
}

void Verifier::verifyFunction(const Function &f) {
  current = &f;
  if (f.isDerivedDeclaration()) {
    if (!f.getBody().empty())
      problems.push_back({nullptr, &f, "a derived declaration has a body"});
    if (!module.lookup(f.getDerivedBase()))
      problems.push_back({nullptr, &f,
                          fmt::format("unknown base function '@{}'",
                                      f.getDerivedBase().str())});
    return;
  }
  const Region &body = f.getBody();
  if (!same(body.getArgumentTypes(), f.getArgTypes()))
    problems.push_back(
        {nullptr, &f,
         fmt::format("body arguments {} differ from the parameters {}",
                     typeListToString(body.getArgumentTypes()),
                     typeListToString(f.getArgTypes()))});
  // Positions of every op in its region, for the dominance checks.
  position.clear();
  std::function<void(const Region &)> number = [&](const Region &r) {
    size_t i = 0;
    for (const auto &op : r.getOps()) {
      position[op.get()] = i++;
      for (unsigned k = 0; k < op->getNumRegions(); ++k)
        number(op->getRegion(k));
    }
  };
  number(body);
  verifyRegion(body, true);
  if (const Operation *ret = body.getTerminator())
    if (ret->getOpcode() == Opcode::Return &&
        !same(ret->getOperandTypes(), f.getResultTypes()))
      fail(*ret, fmt::format("returns {} but the function returns {}",
                             typeListToString(ret->getOperandTypes()),
                             typeListToString(f.getResultTypes())));
}

void Verifier::verifyRegion(const Region &r, bool isFunctionBody) {
  const Operation *term = r.getTerminator();
  if (!term) {
    if (r.empty()) {
      if (isFunctionBody)
        problems.push_back({nullptr, current, "empty body"});
      else
        fail(*r.getParentOp(), "has an empty region (it needs a 'yield')");
    } else {
      fail(*r.getOps().back(), "is the last op of a region but is not a "
                               "terminator ('yield' or 'return')");
    }
  } else if (isFunctionBody && term->getOpcode() != Opcode::Return) {
    fail(*term, "ends a function body; expected 'return'");
  } else if (!isFunctionBody && term->getOpcode() != Opcode::Yield) {
    fail(*term, "ends the region of a '" + r.getParentOp()->getName().str() +
                    "' op; expected 'yield'");
  }
  for (const auto &op : r.getOps()) {
    if (op->hasTrait(Terminator) && op.get() != r.getOps().back().get())
      fail(*op, "is a terminator but is not the last op of its region");
    verifyOp(*op);
  }
}

void Verifier::verifyOperandDominance(const Operation &op, unsigned i) {
  const Value *v = op.getOperand(i);
  const Region *defRegion = v->getParentRegion();
  // Find the ancestor of `op` (or op itself) that lives in defRegion.
  const Operation *anc = &op;
  while (anc && anc->getParentRegion() != defRegion)
    anc = anc->getParentOp();
  if (!anc || !defRegion || defRegion->getParentFunction() != current) {
    fail(op, fmt::format("operand {} is not visible here: it is defined in a "
                         "region that does not enclose this op",
                         i));
    return;
  }
  if (v->isBlockArgument())
    return;
  const Operation *def = v->getDefiningOp();
  if (def == anc || position.lookup(def) >= position.lookup(anc))
    fail(op, fmt::format("operand {} is used before its definition", i));
}

void Verifier::verifyRegionArgs(const Operation &op, const Region &r,
                                llvm::ArrayRef<Type> expected,
                                llvm::StringRef what) {
  if (!same(r.getArgumentTypes(), expected))
    fail(op, fmt::format("{} arguments are {}, expected {}", what.str(),
                         typeListToString(r.getArgumentTypes()),
                         typeListToString(expected)));
}

void Verifier::verifyYield(const Operation &op, const Region &r,
                           llvm::ArrayRef<Type> expected,
                           llvm::StringRef what) {
  const Operation *y = r.getTerminator();
  if (!y || y->getOpcode() != Opcode::Yield)
    return; // reported by verifyRegion
  if (!same(y->getOperandTypes(), expected))
    fail(op, fmt::format("{} yields {}, expected {}", what.str(),
                         typeListToString(y->getOperandTypes()),
                         typeListToString(expected)));
}

void Verifier::verifyCall(const Operation &op) {
  const SymbolRef *callee = OpAttrs(op).calleeIf();
  if (!callee)
    return; // reported by the type rule
  const Function *f = module.lookup(callee->name);
  if (!f) {
    fail(op, fmt::format("calls unknown function '@{}'", callee->name));
    return;
  }
  if (!same(op.getOperandTypes(), f->getArgTypes()))
    fail(op, fmt::format("passes {} to '@{}', which takes {}",
                         typeListToString(op.getOperandTypes()), callee->name,
                         typeListToString(f->getArgTypes())));
  if (!same(op.getResultTypes(), f->getResultTypes()))
    fail(op, fmt::format("expects results {} from '@{}', which returns {}",
                         typeListToString(op.getResultTypes()), callee->name,
                         typeListToString(f->getResultTypes())));
}

void Verifier::verifyOp(const Operation &op) {
  const OpInfo &info = op.getInfo();
  for (unsigned i = 0; i < op.getNumOperands(); ++i)
    verifyOperandDominance(op, i);
  bool shapeOk = true;
  if (info.numOperands != Variadic &&
      op.getNumOperands() != unsigned(info.numOperands)) {
    fail(op, fmt::format("expects {} operands, got {}", info.numOperands,
                         op.getNumOperands()));
    shapeOk = false;
  }
  if (info.numResults != Variadic &&
      op.getNumResults() != unsigned(info.numResults)) {
    fail(op, fmt::format("expects {} results, got {}", info.numResults,
                         op.getNumResults()));
    shapeOk = false;
  }
  if (op.getNumRegions() != info.numRegions) {
    fail(op, fmt::format("expects {} regions, got {}", info.numRegions,
                         op.getNumRegions()));
    return;
  }
  if (shapeOk) {
    TypeRuleResult r = inferResultTypes(op.getOpcode(), op.getOperandTypes(),
                                        op.getAttrs(), op.getResultTypes());
    if (!r.ok())
      fail(op, r.error);
    else if (std::string e = checkOpAttrs(op.getOpcode(), op.getAttrs());
             !e.empty())
      fail(op, e);
    else if (!same(r.types, op.getResultTypes()))
      fail(op, fmt::format("result types {} differ from the inferred {}",
                           typeListToString(op.getResultTypes()),
                           typeListToString(r.types)));
  }
  llvm::SmallVector<Type, 4> results(op.getResultTypes());
  switch (op.getOpcode()) {
  case Opcode::Call:
    verifyCall(op);
    break;
  case Opcode::If:
    for (unsigned k = 0; k < 2; ++k) {
      llvm::StringRef what = k == 0 ? "then region" : "else region";
      verifyRegionArgs(op, op.getRegion(k), {}, what);
      verifyYield(op, op.getRegion(k), results, what);
    }
    break;
  case Opcode::For: {
    llvm::SmallVector<Type, 4> args{Type::scalar(DType::I64)};
    args.append(results.begin(), results.end());
    verifyRegionArgs(op, op.getRegion(0), args, "body region");
    verifyYield(op, op.getRegion(0), results, "body region");
    break;
  }
  case Opcode::While:
    verifyRegionArgs(op, op.getRegion(0), results, "condition region");
    verifyRegionArgs(op, op.getRegion(1), results, "body region");
    verifyYield(op, op.getRegion(0), {Type::scalar(DType::Bool)},
                "condition region");
    verifyYield(op, op.getRegion(1), results, "body region");
    break;
  case Opcode::Fused:
    verifyFused(op, results);
    break;
  default:
    break;
  }
  for (unsigned k = 0; k < op.getNumRegions(); ++k)
    verifyRegion(op.getRegion(k), false);
}

std::string opText(const Operation &op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printOperation(op, os);
  return s;
}

} // namespace

bool verifyModule(const Module &m, DiagnosticEngine &diags, bool contextNotes) {
  std::vector<Problem> problems = Verifier(m).run();
  for (const Problem &p : problems) {
    if (!p.op) {
      diags.report(diag::IRInvalidFunction, p.fn->getLoc().pos, p.fn->getName(),
                   p.message);
      continue;
    }
    auto b = diags.report(diag::IRInvalidOp, p.op->getLoc().pos,
                          p.op->getName(), p.message);
    if (contextNotes)
      b.note(diag::IROpInContext, p.op->getLoc().pos, p.fn->getName(),
             opText(*p.op));
  }
  return problems.empty();
}

std::vector<std::string> verifyModuleMessages(const Module &m) {
  std::vector<std::string> out;
  for (const Problem &p : Verifier(m).run()) {
    if (!p.op)
      out.push_back(
          fmt::format("function '@{}': {}", p.fn->getName().str(), p.message));
    else
      out.push_back(fmt::format("'{}' op {}\n  in function '@{}': {}",
                                p.op->getName().str(), p.message,
                                p.fn->getName().str(), opText(*p.op)));
  }
  return out;
}

} // namespace tdl::ir

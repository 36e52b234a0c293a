//===- ValueTree.cpp ------------------------------------------------------===//
#include "sema/irgen/ValueTree.h"

#include "llvm/Support/ErrorHandling.h"

namespace tdl::irgen {

void ValueTree::flatten(llvm::SmallVectorImpl<ir::Value *> &out) const {
  if (leaf) {
    out.push_back(leaf);
    return;
  }
  for (const ValueTree &e : elems)
    e.flatten(out);
}

ValueTree ValueTree::withLeaves(llvm::ArrayRef<ir::Value *> &next) const {
  if (leaf) {
    assert(!next.empty() && "too few leaves");
    ValueTree t = tensor(next.front());
    next = next.drop_front();
    return t;
  }
  std::vector<ValueTree> out;
  for (const ValueTree &e : elems)
    out.push_back(e.withLeaves(next));
  return aggregate(std::move(out));
}

ir::DType toIRDType(sema::Elem e) {
  switch (e) {
  case sema::Elem::Bool:
    return ir::DType::Bool;
  case sema::Elem::I8:
    return ir::DType::I8;
  case sema::Elem::I32:
    return ir::DType::I32;
  case sema::Elem::I64:
    return ir::DType::I64;
  case sema::Elem::F32:
    return ir::DType::F32;
  case sema::Elem::F64:
    return ir::DType::F64;
  case sema::Elem::UntypedInt:
    return ir::DType::I32; // sema defaults these
  case sema::Elem::UntypedFloat:
    return ir::DType::F32; // before irgen
  }
  llvm_unreachable("bad element type");
}

ir::Type toIRType(const sema::Type *t) {
  assert(t && t->isTensor() && "toIRType of a non-tensor");
  return ir::Type::tensor(toIRDType(t->getElem()), t->getShape());
}

/// The children of an aggregate type: tuple elements or struct fields.
static llvm::ArrayRef<const sema::Type *> childrenOf(const sema::Type *t) {
  if (t->isStruct())
    return t->getStruct()->fieldTypes;
  return t->getElements();
}

void leafTypes(const sema::Type *t, llvm::SmallVectorImpl<ir::Type> &out) {
  if (t->isTensor()) {
    out.push_back(toIRType(t));
    return;
  }
  for (const sema::Type *c : childrenOf(t))
    leafTypes(c, out);
}

ValueTree fromLeaves(const sema::Type *t, llvm::ArrayRef<ir::Value *> &next) {
  if (t->isTensor()) {
    assert(!next.empty() && "too few leaves for the type");
    ValueTree v = ValueTree::tensor(next.front());
    next = next.drop_front();
    return v;
  }
  std::vector<ValueTree> elems;
  for (const sema::Type *c : childrenOf(t))
    elems.push_back(fromLeaves(c, next));
  return ValueTree::aggregate(std::move(elems));
}

} // namespace tdl::irgen

//===- ValueTree.h - a lowered TDL value: one IR value per tensor leaf -*- C++
//-*-===//
//
// IR generation keeps tuple and struct values scalarized: a TDL value is a
// tree whose leaves are IR tensor values (a struct is a node with one child
// per field, in declaration order). Function boundaries, `if` results and
// loop-carried values all use the flattened leaves (depth-first, left to
// right), so the IR never needs `get` ops to take a struct apart and
// autodiff sees only tensor parameters. docs/ir.md "From TDL to IR".
//
//===----------------------------------------------------------------------===//
#ifndef TDL_SEMA_IRGEN_VALUETREE_H
#define TDL_SEMA_IRGEN_VALUETREE_H

#include "sema/Type.h"
#include "ssa_ir/IR.h"

#include <vector>

namespace tdl::irgen {

struct ValueTree {
  ir::Value *leaf = nullptr;    // set for a tensor
  std::vector<ValueTree> elems; // tuple elements / struct fields otherwise

  static ValueTree tensor(ir::Value *v) {
    ValueTree t;
    t.leaf = v;
    return t;
  }
  static ValueTree aggregate(std::vector<ValueTree> elems) {
    ValueTree t;
    t.elems = std::move(elems);
    return t;
  }
  bool isTensor() const { return leaf != nullptr; }

  /// Appends the leaves, depth-first.
  void flatten(llvm::SmallVectorImpl<ir::Value *> &out) const;
  llvm::SmallVector<ir::Value *, 4> leaves() const {
    llvm::SmallVector<ir::Value *, 4> out;
    flatten(out);
    return out;
  }
  /// The same tree shape with the leaves replaced, in order, from `next`
  /// (which advances).
  ValueTree withLeaves(llvm::ArrayRef<ir::Value *> &next) const;
};

/// The IR type of a tensor type.
ir::Type toIRType(const sema::Type *t);
ir::DType toIRDType(sema::Elem e);
/// The IR types of the leaves of `t`, depth-first (struct fields in
/// declaration order, tuple elements in order).
void leafTypes(const sema::Type *t, llvm::SmallVectorImpl<ir::Type> &out);
/// Builds the tree of type `t` from leaves taken, in order, from `next`.
ValueTree fromLeaves(const sema::Type *t, llvm::ArrayRef<ir::Value *> &next);

} // namespace tdl::irgen

#endif

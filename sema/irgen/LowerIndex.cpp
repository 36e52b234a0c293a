//===- LowerIndex.cpp - indexing, slicing and functional updates ----------===//
//
// `x[i, a:b]` with only constant indices and slices is a `slice` (a
// constant index i is the slice i:i+1) followed by a `reshape` that drops
// the integer-indexed dims. With a dynamic i64 index it is a
// `dynamic_slice` (bounds-checked at run time, the error located at the
// first dynamic index) and the same reshape. `x[...] = v` broadcasts `v` to
// the indexed shape, restores the dropped dims as 1s and writes it with
// `dynamic_update_slice` (constant start indices when all are static).
//
//===----------------------------------------------------------------------===//
#include "sema/irgen/FunctionLowering.h"

namespace tdl::irgen {

namespace {
/// The window an index list selects.
struct Window {
  ir::IntArray start, sizes;
  /// One start operand per dim (dynamic_slice / dynamic_update_slice).
  llvm::SmallVector<ir::Value *, 4> startValues;
  bool dynamic = false;
  llvm::SMLoc dynamicLoc;
};
} // namespace

/// The window of `e` over a tensor of `shape`; lowers the dynamic indices.
static bool computeWindow(FunctionLowering &l, const ast::IndexExpr *e,
                          llvm::ArrayRef<int64_t> shape, Window &w) {
  auto it = l.getInstance().indexes.find(e);
  if (it == l.getInstance().indexes.end())
    return false;
  const std::vector<sema::IndexEntry> &entries = it->second;
  for (size_t d = 0; d < shape.size(); ++d) {
    int64_t start = 0, size = shape[d];
    const ast::Expr *dyn = nullptr;
    if (d < entries.size()) {
      const sema::IndexEntry &en = entries[d];
      switch (en.kind) {
      case sema::IndexEntry::Kind::Const:
        start = en.index;
        size = 1;
        break;
      case sema::IndexEntry::Kind::Slice:
        start = en.lo;
        size = en.hi - en.lo;
        break;
      case sema::IndexEntry::Kind::Dynamic:
        dyn = en.expr;
        size = 1;
        break;
      }
    }
    w.start.push_back(start);
    w.sizes.push_back(size);
    if (dyn && !w.dynamic) {
      w.dynamic = true;
      w.dynamicLoc = dyn->getLoc();
    }
    w.startValues.push_back(
        dyn ? l.coerceTensor(l.lowerTensor(dyn),
                             ir::Type::scalar(ir::DType::I64))
            : nullptr);
  }
  return true;
}

/// Fills the start operands still missing with constants.
static void materializeStarts(FunctionLowering &l, Window &w) {
  for (size_t d = 0; d < w.start.size(); ++d)
    if (!w.startValues[d])
      w.startValues[d] = l.i64Const(w.start[d]);
}

ir::Value *FunctionLowering::lowerIndex(const ast::IndexExpr *e) {
  ir::Value *x = lowerTensor(e->getBase());
  ir::Type xt = x->getType();
  Window w;
  if (!computeWindow(*this, e, xt.getShape(), w)) {
    internalError(e->getLoc(), "unresolved index expression");
    return coerceTensor(x, toIRType(typeOf(e)));
  }
  ir::Value *r = x;
  if (w.dynamic) {
    materializeStarts(*this, w);
    LocScope loc(*this, w.dynamicLoc);
    llvm::SmallVector<ir::Value *, 5> operands{x};
    operands.append(w.startValues.begin(), w.startValues.end());
    r = b.create1(ir::Opcode::DynamicSlice, operands,
                  {{"sizes", ir::Attribute(w.sizes)}});
  } else if (llvm::ArrayRef<int64_t>(w.sizes) != xt.getShape()) {
    ir::IntArray limit, stride(w.start.size(), 1);
    for (size_t d = 0; d < w.start.size(); ++d)
      limit.push_back(w.start[d] + w.sizes[d]);
    r = b.create1(ir::Opcode::Slice, {x},
                  {{"start", ir::Attribute(w.start)},
                   {"limit", ir::Attribute(limit)},
                   {"stride", ir::Attribute(stride)}});
  }
  ir::Type want = toIRType(typeOf(e));
  if (r->getType().getShape() != want.getShape())
    r = b.reshape(r, want.getShape());
  return r;
}

ir::Value *FunctionLowering::lowerIndexUpdate(const ast::IndexExpr *target,
                                              ir::Value *base,
                                              const ast::Expr *value) {
  Window w;
  if (!base || !computeWindow(*this, target, base->getType().getShape(), w)) {
    internalError(target->getLoc(), "unresolved indexed assignment");
    return base;
  }
  ir::Type indexed = toIRType(typeOf(target));
  ir::Value *v =
      coerceTensor(lowerBroadcast(value, indexed.getShape()), indexed);
  if (v->getType().getShape() != llvm::ArrayRef<int64_t>(w.sizes))
    v = b.reshape(v, w.sizes);
  materializeStarts(*this, w);
  LocScope loc(*this, w.dynamic ? w.dynamicLoc : llvm::SMLoc());
  llvm::SmallVector<ir::Value *, 6> operands{base, v};
  operands.append(w.startValues.begin(), w.startValues.end());
  return b.create1(ir::Opcode::DynamicUpdateSlice, operands);
}

} // namespace tdl::irgen

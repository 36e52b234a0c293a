//===- IRHelpers.cpp ------------------------------------------------------===//
#include "autodiff/IRHelpers.h"

#include <algorithm>

namespace tdl::ad {

using namespace ir;

Value *lookupOr(const ValueMap &map, Value *v) {
  auto it = map.find(v);
  return it == map.end() ? v : it->second;
}

static void cloneRegionInto(Region &from, Region &to, ValueMap &map) {
  for (Value *a : from.getArguments()) {
    map[a] = to.addArgument(a->getType());
    map[a]->setNameHint(a->getNameHint());
  }
  Builder inner(to);
  for (auto &op : from.getOps())
    cloneOp(inner, *op, map);
}

Operation *cloneOp(Builder &b, Operation &op, ValueMap &map) {
  llvm::SmallVector<Value *, 4> operands;
  for (Value *v : op.getOperands())
    operands.push_back(lookupOr(map, v));
  // Result types are copied, not re-inferred: the clone is the same op.
  Operation *copy =
      b.create(op.getOpcode(), operands, op.getAttrs(), op.getResultTypes());
  copy->setLoc(op.getLoc());
  for (unsigned i = 0; i < op.getNumResults(); ++i) {
    map[op.getResult(i)] = copy->getResult(i);
    if (!op.getResult(i)->getNameHint().empty())
      copy->getResult(i)->setNameHint(op.getResult(i)->getNameHint());
  }
  for (unsigned r = 0; r < op.getNumRegions(); ++r)
    cloneRegionInto(op.getRegion(r), copy->getRegion(r), map);
  return copy;
}

/// True if erasing `op` (once its results are unused) removes no effect.
static bool effectFree(Operation &op) {
  if (op.getNumRegions() == 0)
    return op.hasTrait(Pure);
  if (op.getOpcode() == Opcode::Fused)
    return false;
  bool ok = true;
  for (unsigned r = 0; r < op.getNumRegions(); ++r)
    walk(op.getRegion(r), [&](Operation &inner) {
      ok &= inner.hasTrait(Pure) || inner.hasTrait(Terminator) ||
            inner.getNumRegions() != 0;
    });
  return ok;
}

void eraseDeadOps(Region &r) {
  bool changed = true;
  while (changed) {
    changed = false;
    llvm::SmallVector<Operation *, 16> ops;
    for (auto &op : r.getOps())
      ops.push_back(op.get());
    for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
      Operation *op = *it;
      for (unsigned k = 0; k < op->getNumRegions(); ++k)
        eraseDeadOps(op->getRegion(k));
      bool unused = llvm::all_of(op->getResults(),
                                 [](Value *v) { return v->use_empty(); });
      if (unused && !op->hasTrait(Terminator) && effectFree(*op)) {
        op->dropAllReferences();
        op->erase();
        changed = true;
      }
    }
  }
}

bool isDifferentiableType(const Type &t) {
  if (t.isTape()) // tapes of a derivative function (higher order)
    return isDifferentiableType(t.getTapeElement());
  if (t.isTensor())
    return isFloat(t.getDType());
  for (const Type &e : t.getElements())
    if (isDifferentiableType(e))
      return true;
  return false;
}

Value *zerosOf(Builder &b, const Type &t) {
  if (t.isTape())
    return b.create1(Opcode::TapeNew, {}, {}, {t});
  if (t.isTensor())
    return b.constant(t, 0.0);
  llvm::SmallVector<Value *, 4> elems;
  for (const Type &e : t.getElements())
    elems.push_back(zerosOf(b, e));
  return b.tuple(elems);
}

Value *splatLike(Builder &b, Value *like, double v) {
  return b.constant(like->getType(), v);
}

Value *addOrNull(Builder &b, Value *a, Value *c) {
  if (!a)
    return c;
  if (!c)
    return a;
  if (a->getType().isTuple()) {
    llvm::SmallVector<Value *, 4> elems;
    for (unsigned i = 0; i < a->getType().getElements().size(); ++i)
      elems.push_back(addOrNull(b, b.get(a, i), b.get(c, i)));
    return b.tuple(elems);
  }
  if (!isFloat(a->getType().getDType()))
    return a; // integer leaves of a tuple carry no derivative
  return b.binary(Opcode::Add, a, c);
}

Value *orZeros(Builder &b, Value *v, const Type &t) {
  return v ? v : zerosOf(b, t);
}

Value *unbroadcastTo(Builder &b, Value *v, llvm::ArrayRef<int64_t> to) {
  llvm::ArrayRef<int64_t> from = v->getType().getShape();
  if (from == to)
    return v;
  size_t extra = from.size() - to.size();
  IntArray axes;
  for (size_t d = 0; d < from.size(); ++d)
    if (d < extra || (to[d - extra] == 1 && from[d] != 1))
      axes.push_back(d);
  Value *r = axes.empty() ? v : b.reduce(Opcode::ReduceSum, v, axes);
  if (r->getType().getShape() != to)
    r = b.reshape(r, to);
  return r;
}

Value *sliceRange(Builder &b, Value *x, llvm::ArrayRef<int64_t> start,
                  llvm::ArrayRef<int64_t> limit) {
  IntArray ones(start.size(), 1);
  return b.create1(Opcode::Slice, {x},
                   {{"start", Attribute(start)},
                    {"limit", Attribute(limit)},
                    {"stride", Attribute(ones)}});
}

Value *unslice(Builder &b, Value *dy, llvm::ArrayRef<int64_t> full,
               llvm::ArrayRef<int64_t> start, llvm::ArrayRef<int64_t> limit,
               llvm::ArrayRef<int64_t> stride) {
  Value *v = dy;
  unsigned rank = full.size();
  // Undo each stride: [.., n, ..] -> [.., n, s, ..] with zeros in the s-1
  // trailing slots -> [.., n*s, ..] -> the first (limit - start) entries.
  for (unsigned d = 0; d < rank; ++d) {
    int64_t s = stride[d];
    if (s == 1)
      continue;
    Shape shp(v->getType().getShape().begin(), v->getType().getShape().end());
    int64_t n = shp[d];
    Shape expanded = shp;
    expanded.insert(expanded.begin() + d + 1, 1);
    Value *col = b.reshape(v, expanded);
    Shape zshape = expanded;
    zshape[d + 1] = s - 1;
    Value *z = b.constant(v->getType().withShape(zshape), 0.0);
    Value *cat = b.create1(Opcode::Concat, {col, z},
                           {{"axis", Attribute(int64_t(d + 1))}});
    Shape merged = shp;
    merged[d] = n * s;
    v = b.reshape(cat, merged);
    Shape lim = merged;
    lim[d] = limit[d] - start[d];
    v = sliceRange(b, v, IntArray(rank, 0), lim);
  }
  IntArray lo, hi;
  for (unsigned d = 0; d < rank; ++d) {
    lo.push_back(start[d]);
    hi.push_back(full[d] - start[d] - v->getType().getShape()[d]);
  }
  bool anyPad = llvm::any_of(lo, [](int64_t x) { return x != 0; }) ||
                llvm::any_of(hi, [](int64_t x) { return x != 0; });
  if (!anyPad)
    return v;
  Value *zero = b.constant(Type::scalar(v->getType().getDType()), 0.0);
  return b.create1(Opcode::Pad, {v, zero},
                   {{"lo", Attribute(lo)}, {"hi", Attribute(hi)}});
}

Value *transposeLast2(Builder &b, Value *x) {
  unsigned r = x->getType().getRank();
  IntArray perm;
  for (unsigned i = 0; i < r; ++i)
    perm.push_back(i);
  std::swap(perm[r - 1], perm[r - 2]);
  return b.create1(Opcode::Transpose, {x}, {{"perm", Attribute(perm)}});
}

} // namespace tdl::ad

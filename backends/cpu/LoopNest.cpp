//===- LoopNest.cpp - a group of ops as one loop nest ---------------------===//
#include "backends/cpu/LoopNest.h"
#include "backends/cpu/LoopMetadata.h"
#include "backends/cpu/LoopNestInterrupt.h"
#include "backends/cpu/LoopNestParallel.h"
#include "backends/cpu/LoopNestReduce.h"
#include "backends/cpu/LoopNestStream.h"

#include "ssa_ir/FusedIndexing.h"
#include "ssa_ir/OpAttrs.h"

#include "llvm/ADT/DenseSet.h"

#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <utility>

namespace tdl::cpu {

namespace {

using ir::DimIndex;
using ir::IndexMap;

class LoopNest : NestLoops {
public:
  LoopNest(FunctionEmitter &fe, llvm::ArrayRef<const ir::Operation *> ops)
      : fe(fe), b(fe.b), members(ops.begin(), ops.end()),
        memberList(ops.begin(), ops.end()), interrupts(fe), reducer(fe, *this) {
    for (const ir::Operation *op : ops)
      if (op->getOpcode() != ir::Opcode::Constant &&
          !op->hasTrait(ir::Elementwise))
        flat = false;
  }

  llvm::Error emit(const ir::Operation &root, llvm::Value *out) {
    memo.emplace_back();
    if (ir::isReduction(root.getOpcode()))
      emitReductionRoot(root, out);
    else
      emitElementwiseRoot(root, out);
    memo.pop_back();
    interrupts.joinBail();
    // It may have stopped early: then fail with "interrupted".
    if (interrupts.polled())
      fe.pollInterrupt(root);
    return llvm::Error::success();
  }

private:
  //===-- Loop variables and loops ----------------------------------------===//

  int newVar() override {
    vars.push_back(nullptr);
    return int(vars.size()) - 1;
  }
  llvm::Value *&var(int v) override { return vars[v]; }
  bool bound(const IndexMap &m) const {
    for (const DimIndex &d : m)
      if (!d.isConstant() && !vars[d.var])
        return false;
    return true;
  }

  /// for (iv = 0; iv < n; ++iv) body(), with `var` bound to iv and a memo
  /// scope for what the body computes.
  /// `lanes`: the loop over a reduction's lane accumulators, which must
  /// become one vector operation: LLVM would otherwise unroll its 16
  /// iterations first and leave NaN-aware max/min as scalar code.
  /// `perIter`: about how many elements' work one iteration does, for the
  /// Ctrl-C checks (0: none, the loop is short by construction).
  void loop(int64_t n, int var, llvm::function_ref<void()> body,
            bool lanes = false, int64_t perIter = 0) override {
    if (interrupts.checked(double(n) * double(perIter))) {
      interrupts.blockedLoop(nullptr, fe.i64(n), perIter, [&](llvm::Value *iv) {
        iteration(var, iv, body);
      });
      return;
    }
    llvm::BasicBlock *first = nullptr;
    llvm::BranchInst *backEdge = fe.emitLoop(fe.i64(n), [&](llvm::Value *iv) {
      first = b.GetInsertBlock();
      iteration(var, iv, body);
    });
    if (lanes)
      backEdge->setMetadata(llvm::LLVMContext::MD_loop,
                            laneLoopMetadata(first, backEdge->getParent(), n));
  }

  /// One iteration of a loop: `var` bound to `iv`, a memo scope for what
  /// `body` computes.
  void iteration(int var, llvm::Value *iv, llvm::function_ref<void()> body) {
    vars[var] = iv;
    memo.emplace_back();
    body();
    memo.pop_back();
    vars[var] = nullptr;
  }

  llvm::Value *index(const DimIndex &d) {
    if (d.isConstant())
      return fe.i64(d.offset);
    llvm::Value *v = vars[d.var];
    if (d.div != 1)
      v = b.CreateUDiv(v, fe.i64(d.div));
    if (d.mod != 0)
      v = b.CreateURem(v, fe.i64(d.mod));
    if (d.scale != 1)
      v = b.CreateMul(v, fe.i64(d.scale));
    if (d.offset != 0)
      v = b.CreateAdd(v, fe.i64(d.offset));
    return v;
  }

  /// The row-major element offset of `m` into a buffer of `shape`. Trailing
  /// dims that delinearize one variable in order (a flat loop, a reduction
  /// run) collapse back to that variable: no division in the common case.
  llvm::Value *linearOffset(const IndexMap &m, llvm::ArrayRef<int64_t> shape) {
    int rank = int(shape.size());
    llvm::SmallVector<int64_t, 6> strides(rank, 1);
    for (int d = rank - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * shape[d + 1];
    int k = rank; // dims k.. collapse to `collapsed`
    llvm::Value *collapsed = nullptr;
    if (rank > 0 && !m[rank - 1].isConstant()) {
      int var = m[rank - 1].var;
      int d = rank - 1;
      for (; d >= 0; --d) {
        const DimIndex &x = m[d];
        if (x.var != var || x.scale != 1 || x.offset != 0 ||
            x.div != strides[d] || (x.mod != 0 && x.mod != shape[d]))
          break;
        if (x.mod == 0) { // the delinearization's outermost dim
          collapsed = vars[var];
          k = d;
          break;
        }
      }
      if (!collapsed && d < rank - 1) {
        k = d + 1;
        collapsed = b.CreateURem(vars[var], fe.i64(strides[k] * shape[k]));
      }
    }
    llvm::Value *off = collapsed ? collapsed : fe.i64(0);
    for (int d = 0; d < k; ++d) {
      if (m[d].isConstant() && m[d].offset == 0)
        continue;
      off = b.CreateAdd(off, b.CreateMul(index(m[d]), fe.i64(strides[d])));
    }
    return off;
  }

  //===-- Values at an index map ------------------------------------------===//

  using Key = std::pair<const ir::Value *, std::vector<int64_t>>;
  static Key key(const ir::Value *v, const IndexMap &m) {
    std::vector<int64_t> k;
    for (const DimIndex &d : m)
      k.insert(k.end(), {d.var, d.div, d.mod, d.scale, d.offset});
    return {v, std::move(k)};
  }
  llvm::Value *lookup(const Key &k) {
    for (auto it = memo.rbegin(); it != memo.rend(); ++it)
      if (auto f = it->find(k); f != it->end())
        return f->second;
    return nullptr;
  }

  bool isMember(const ir::Value *v) const {
    const ir::Operation *op = v->getDefiningOp();
    return op && members.contains(op);
  }

  llvm::Value *valueAt(const ir::Value *v, const IndexMap &m) {
    Key k = key(v, m);
    if (llvm::Value *hit = lookup(k))
      return hit;
    llvm::Value *r = compute(v, m);
    memo.back()[std::move(k)] = r;
    return r;
  }

  llvm::Value *compute(const ir::Value *v, const IndexMap &m) {
    const ir::Type &t = v->getType();
    llvm::Type *ty = fe.elemType(t.getDType());
    if (v == rowCache.value && rowCache.stored && m == rowCache.rootMap)
      return b.CreateLoad( // stored by this row's reduction pass
          ty, b.CreateGEP(ty, rowCache.out, rowCacheOffset(m, t.getShape())));
    if (!isMember(v)) {
      llvm::Value *p =
          b.CreateGEP(ty, fe.leaf(v), linearOffset(m, t.getShape()));
      return b.CreateLoad(ty, p);
    }
    const ir::Operation &op = *v->getDefiningOp();
    using ir::Opcode;
    switch (op.getOpcode()) {
    case Opcode::Constant: {
      const ir::Attribute &value = ir::OpAttrs(op).value();
      if (!value.getIf<ir::DenseElements>())
        return scalarConstant(ty, splatBytes(value, t.getDType()));
      llvm::Value *p =
          b.CreateGEP(ty, fe.constantGlobal(op), linearOffset(m, t.getShape()));
      return b.CreateLoad(ty, p);
    }
    case Opcode::Iota: { // T(index along the axis), as the interpreter
      llvm::Value *i = index(m[ir::OpAttrs(op).axis()]);
      if (ty->isFloatingPointTy())
        return b.CreateSIToFP(i, ty);
      return b.CreateTrunc(i, ty); // wraps (i64 is a no-op)
    }
    case Opcode::Select: {
      llvm::Value *c = valueAt(op.getOperand(0), m);
      llvm::Value *x = valueAt(op.getOperand(1), m);
      llvm::Value *y = valueAt(op.getOperand(2), m);
      return b.CreateSelect(b.CreateICmpNE(c, b.getInt8(0)), x, y);
    }
    case Opcode::Cast:
    case Opcode::StopGradient:
      if (op.getOpcode() == Opcode::StopGradient ||
          op.getOperand(0)->getType().getDType() == t.getDType())
        return valueAt(op.getOperand(0), m);
      [[fallthrough]];
    default:
      break;
    }
    if (ir::isReduction(op.getOpcode()))
      return reduceAt(op, m);
    if (!op.hasTrait(ir::Elementwise)) // layout ops: index arithmetic only
      return valueAt(op.getOperand(0), ir::operandIndex(op, 0, m));
    llvm::SmallVector<llvm::Value *, 2> args;
    for (unsigned i = 0; i < op.getNumOperands(); ++i)
      args.push_back(valueAt(op.getOperand(i), m));
    return b.CreateCall(fe.me.rt(scalarFunctionName(op)), args);
  }

  llvm::Constant *scalarConstant(llvm::Type *ty,
                                 const std::vector<uint8_t> &bytes) {
    uint64_t bits = 0;
    std::memcpy(&bits, bytes.data(), bytes.size());
    unsigned width = bytes.size() * 8;
    llvm::APInt ai(width, bits);
    if (ty->isFloatTy())
      return llvm::ConstantFP::get(
          ty, llvm::APFloat(llvm::APFloat::IEEEsingle(), ai));
    if (ty->isDoubleTy())
      return llvm::ConstantFP::get(
          ty, llvm::APFloat(llvm::APFloat::IEEEdouble(), ai));
    return llvm::ConstantInt::get(ty, ai);
  }

  /// A reduction (not the root) at `m`: its non-trailing reduced axes are
  /// loops folded in row-major order, its trailing ones a run.
  llvm::Value *reduceAt(const ir::Operation &r, const IndexMap &m) {
    llvm::ArrayRef<int64_t> xs = r.getOperand(0)->getType().getShape();
    const ir::IntArray &axes = ir::OpAttrs(r).axes();
    unsigned t = ir::trailingReducedAxes(r);
    llvm::SmallVector<int64_t, 4> reducedAxes(axes.begin(), axes.end());
    llvm::sort(reducedAxes);
    unsigned outer = reducedAxes.size() - t;
    llvm::SmallVector<DimIndex, 4> reduced;
    llvm::SmallVector<int, 4> outerVars;
    for (unsigned k = 0; k < outer; ++k) {
      outerVars.push_back(newVar());
      reduced.push_back(DimIndex::loopVar(outerVars.back()));
    }
    int runVar = newVar();
    if (t > 0) {
      IndexMap run = ir::delinearized(runVar, xs.take_back(t));
      reduced.append(run.begin(), run.end());
    }
    IndexMap inner = ir::reductionOperandIndex(r, m, reduced);
    int64_t n = ir::numElements(xs.take_back(t));

    llvm::Type *ty = fe.elemType(r.getResult(0)->getType().getDType());
    llvm::AllocaInst *acc = fe.entryBuilder.CreateAlloca(ty, nullptr, "acc");
    b.CreateStore(reductionIdentity(fe, r), acc);
    std::function<void(unsigned)> nest = [&](unsigned k) {
      if (k < outer) {
        double inner = double(std::max<int64_t>(1, n));
        for (unsigned j = k + 1; j < outer; ++j)
          inner *= double(xs[reducedAxes[j]]);
        loop(
            xs[reducedAxes[k]], outerVars[k], [&] { nest(k + 1); },
            /*lanes=*/false,
            int64_t(std::min(inner, double(int64_t(1) << 62))));
        return;
      }
      const ir::Value *operand = r.getOperand(0);
      // Only when this is the root's current row (not a flipped or
      // shifted one).
      bool cache = &r == rowCache.reduction && m.size() == 1 &&
                   m[0] == rowCache.rootMap[0];
      rowCache.stored |= cache;
      llvm::Value *x =
          t > 0
              ? reducer.run(r, n, runVar,
                            [&] {
                              llvm::Value *e = valueAt(operand, inner);
                              if (cache)
                                b.CreateStore(
                                    e, b.CreateGEP(e->getType(), rowCache.out,
                                                   rowCacheOffset(inner, xs)));
                              return e;
                            })
              : valueAt(operand, inner);
      b.CreateStore(reductionCombine(fe, r, b.CreateLoad(ty, acc), x), acc);
    };
    nest(0);
    return b.CreateLoad(ty, acc);
  }

  //===-- Hoisting
  //----------------------------------------------------------===//

  /// Computes now (post-order) every member value under `v` whose index map
  /// reads only open loops, so inner loops find it in the memo.
  void hoist(const ir::Value *v, const IndexMap &m, std::set<Key> &visited) {
    if (!isMember(v) || !visited.insert(key(v, m)).second)
      return;
    const ir::Operation &op = *v->getDefiningOp();
    if (ir::isReduction(op.getOpcode())) {
      llvm::SmallVector<DimIndex, 4> unboundVars;
      for (size_t k = 0; k < ir::OpAttrs(op).axes().size(); ++k)
        unboundVars.push_back(DimIndex::loopVar(newVar()));
      hoist(op.getOperand(0), ir::reductionOperandIndex(op, m, unboundVars),
            visited);
    } else if (op.hasTrait(ir::Elementwise) ||
               op.getOpcode() == ir::Opcode::Constant) {
      for (const ir::Value *x : op.getOperands())
        hoist(x, m, visited);
    } else if (op.getNumOperands() > 0) { // layout ops; not iota
      hoist(op.getOperand(0), ir::operandIndex(op, 0, m), visited);
    }
    if (bound(m) && op.getOpcode() != ir::Opcode::Constant)
      valueAt(v, m);
  }
  void hoistAll(const ir::Value *v, const IndexMap &m) {
    std::set<Key> visited;
    hoist(v, m, visited);
  }

  //===-- Prefetching the row ---------------------------------------------===//

  /// A nest with reductions and transcendental functions among its members
  /// sweeps each row of its inputs several times (softmax: the max, then exp
  /// and the sum, then the quotient); only the first sweep waits for
  /// memory. At the start of row i the nest asks for all of row i of every
  /// input read at [i, ...] (a row of at most kPrefetchRowBytes) in one
  /// burst of prefetches, so the misses of the whole row are in flight at
  /// once rather than as many as the first sweep's loads keep in the
  /// out-of-order window (a row of 4 KiB is also a page, where the hardware
  /// prefetchers stop). Prefetches are hints (they never fault), results
  /// unchanged. Measured A/B on bench/cpu_memory_bound's objects
  /// (docs/performance.md, session 12): softmax 2.36-2.5 -> 2.1-2.18 ms and
  /// log-sum-exp 1.63 -> 1.50 ms against asking for row i + 1 (which was no
  /// faster than no prefetch at all); row i + 2, or row i and i + 1, were
  /// no better. Layer norm, whose sweeps are all memory-bound, is 15-25%
  /// slower with it, hence the transcendental condition.
  static constexpr int64_t kPrefetchRowBytes = 32 * 1024;

  /// Whether a member is a transcendental function: the nest is then
  /// compute-bound rather than memory-bound.
  bool hasTranscendental() const {
    return llvm::any_of(memberList, [](const ir::Operation *op) {
      using ir::Opcode;
      switch (op->getOpcode()) {
      case Opcode::Exp:
      case Opcode::Log:
      case Opcode::Tanh:
      case Opcode::Sigmoid:
      case Opcode::Sin:
      case Opcode::Cos:
      case Opcode::Pow:
        return true;
      default:
        return false;
      }
    });
  }

  void prefetchRow(const ir::Value *v, const IndexMap &m, int outerVar) {
    if (!hasTranscendental() ||
        llvm::none_of(memberList, [](const ir::Operation *op) {
          return ir::isReduction(op->getOpcode());
        }))
      return;
    llvm::SmallPtrSet<const ir::Value *, 8> seen;
    llvm::SmallVector<const ir::Value *, 4> rows;
    collectRowInputs(v, m, outerVar, seen, rows);
    llvm::Function *prefetch = llvm::Intrinsic::getDeclaration(
        b.GetInsertBlock()->getModule(), llvm::Intrinsic::prefetch,
        {b.getPtrTy()});
    for (const ir::Value *in : rows) {
      const ir::Type &t = in->getType();
      int64_t elemBytes =
          int64_t(fe.elemType(t.getDType())->getPrimitiveSizeInBits() / 8);
      int64_t rowBytes = ir::numElements(t.getShape().drop_front()) * elemBytes;
      llvm::Value *base =
          b.CreateGEP(b.getInt8Ty(), fe.leaf(in),
                      b.CreateMul(vars[outerVar], fe.i64(rowBytes)));
      fe.emitLoop(fe.i64((rowBytes + 63) / 64), [&](llvm::Value *l) {
        b.CreateCall(prefetch, {b.CreateGEP(b.getInt8Ty(), base,
                                            b.CreateMul(l, fe.i64(64))),
                                b.getInt32(0), b.getInt32(3), b.getInt32(1)});
      });
    }
  }

  /// The group's inputs (values from outside it) read at an index map whose
  /// first dim is `outerVar` itself, reached from `v` read at `m`.
  void collectRowInputs(const ir::Value *v, const IndexMap &m, int outerVar,
                        llvm::SmallPtrSetImpl<const ir::Value *> &seen,
                        llvm::SmallVectorImpl<const ir::Value *> &rows) {
    if (!seen.insert(v).second)
      return;
    const ir::Type &t = v->getType();
    if (!isMember(v)) {
      int64_t elemBytes =
          int64_t(fe.elemType(t.getDType())->getPrimitiveSizeInBits() / 8);
      if (t.getRank() >= 2 && !m.empty() &&
          m[0] == DimIndex::loopVar(outerVar) &&
          ir::numElements(t.getShape().drop_front()) * elemBytes <=
              kPrefetchRowBytes)
        rows.push_back(v);
      return;
    }
    const ir::Operation &op = *v->getDefiningOp();
    if (op.getOpcode() == ir::Opcode::Constant ||
        op.getOpcode() == ir::Opcode::Iota)
      return;
    if (ir::isReduction(op.getOpcode())) {
      // The reduced dims as variables no loop binds (only dim 0 matters).
      llvm::SmallVector<DimIndex, 4> reduced(ir::OpAttrs(op).axes().size(),
                                             DimIndex::loopVar(1 << 20));
      collectRowInputs(op.getOperand(0),
                       ir::reductionOperandIndex(op, m, reduced), outerVar,
                       seen, rows);
      return;
    }
    for (unsigned i = 0; i < op.getNumOperands(); ++i)
      collectRowInputs(op.getOperand(i), ir::operandIndex(op, i, m), outerVar,
                       seen, rows);
  }

  /// Loops over dims [0, n) of `sizes` bound to `loopVars`, hoisting under
  /// `v` at `m` at every level, then `body` innermost.
  void nest(llvm::ArrayRef<int64_t> sizes, llvm::ArrayRef<int> loopVars,
            const ir::Value *v, const IndexMap &m,
            llvm::function_ref<void()> body, unsigned level = 0) {
    if (level == 1)
      prefetchRow(v, m, loopVars[0]);
    if (stream.rowElems != 0 && level + 1 == sizes.size()) {
      streamedRow(sizes, loopVars, v, m, body);
      return;
    }
    hoistAll(v, m);
    if (level == sizes.size()) {
      body();
      return;
    }
    loop(
        sizes[level], loopVars[level],
        [&] { nest(sizes, loopVars, v, m, body, level + 1); },
        /*lanes=*/false, innerWork(sizes.drop_front(level + 1)));
  }

  /// Where the row cache keeps element `m` of a row of `shape`: its
  /// row-major offset into the output, or, in a streamed nest, into the row
  /// buffer (the offset within the row: no row arithmetic that LLVM could
  /// merge with the inputs' indexing, which then stopped vectorizing).
  llvm::Value *rowCacheOffset(const IndexMap &m,
                              llvm::ArrayRef<int64_t> shape) {
    if (stream.rowElems == 0)
      return linearOffset(m, shape);
    return linearOffset(IndexMap(m.begin() + 1, m.end()), shape.drop_front());
  }

  /// The last level of a streamed nest (LoopNestStream.h): the row is
  /// computed into `stream.scratch` (the root stores at the last index,
  /// the row cache at the offset within the row), then handed to the
  /// runtime.
  void streamedRow(llvm::ArrayRef<int64_t> sizes, llvm::ArrayRef<int> loopVars,
                   const ir::Value *v, const IndexMap &m,
                   llvm::function_ref<void()> body) {
    unsigned level = sizes.size() - 1;
    llvm::Type *ty = fe.elemType(v->getType().getDType());
    if (rowCache.reduction)
      rowCache.out = stream.scratch;
    hoistAll(v, m);
    loop(
        sizes[level], loopVars[level],
        [&] {
          hoistAll(v, m);
          body();
        },
        /*lanes=*/false, innerWork({}));
    llvm::Value *row = fe.i64(0); // the row's first element
    for (unsigned d = 0; d < level; ++d)
      row = b.CreateAdd(b.CreateMul(row, fe.i64(sizes[d])), vars[loopVars[d]]);
    row = b.CreateMul(row, fe.i64(sizes.back()));
    emitStoreRow(fe, b.CreateGEP(ty, stream.out, row), stream.scratch,
                 sizes.back() * int64_t(ty->getPrimitiveSizeInBits() / 8));
  }

  /// The work of one iteration of a loop over the first of `sizes`' dims:
  /// the elements of the inner dims times what one of them costs.
  int64_t innerWork(llvm::ArrayRef<int64_t> innerSizes) const {
    double w = double(elementWork);
    for (int64_t s : innerSizes)
      w *= double(s);
    return int64_t(std::min(w, double(int64_t(1) << 62)));
  }

  //===-- Roots
  //-------------------------------------------------------------===//

  void emitElementwiseRoot(const ir::Operation &root, llvm::Value *out) {
    const ir::Value *v = root.getResult(0);
    const ir::Type &t = v->getType();
    llvm::Type *ty = fe.elemType(t.getDType());
    llvm::SmallVector<int64_t, 6> sizes;
    llvm::SmallVector<int, 6> loopVars;
    IndexMap m;
    // Compute-bound nests gain nothing from streaming and pay for the row
    // buffer's extra pass (a softmax: ~5-10% slower; docs/performance.md).
    stream.rowElems = hasTranscendental() ? 0 : streamedRowElements(fe, t);
    // A streamed rank-1 result: loops over blocks and their elements, and
    // the element's index o * B + i in a variable of its own.
    int blockedVar = -1;
    if (stream.rowElems != 0) {
      flat = false; // the nest's rows are what is streamed
      if (t.getRank() == 1) {
        loopVars = {newVar(), newVar()};
        sizes = {t.getNumElements() / stream.rowElems, stream.rowElems};
        blockedVar = newVar();
        m = {DimIndex::loopVar(blockedVar)};
      }
    }
    if (blockedVar < 0 && flat && t.getRank() > 0) {
      // Only elementwise members: one loop over every element.
      loopVars.push_back(newVar());
      sizes.push_back(t.getNumElements());
      m = ir::delinearized(loopVars[0], t.getShape());
    } else if (blockedVar < 0) {
      for (int64_t s : t.getShape()) {
        loopVars.push_back(newVar());
        sizes.push_back(s);
        m.push_back(DimIndex::loopVar(loopVars.back()));
      }
    }
    if (!flat)
      findRowCache(root, m, out);
    elementWork = reductionFactor();
    auto store = [&](llvm::Value *dst) {
      if (blockedVar >= 0)
        vars[blockedVar] =
            b.CreateAdd(b.CreateMul(vars[loopVars[0]], fe.i64(sizes[1])),
                        vars[loopVars[1]], "", true, true);
      llvm::Value *x = valueAt(v, m);
      if (stream.rowElems != 0) // the offset within the row
        b.CreateStore(x, b.CreateGEP(ty, stream.scratch,
                                     blockedVar >= 0 ? vars[loopVars[1]]
                                                     : index(m.back())));
      else
        b.CreateStore(x, b.CreateGEP(ty, dst, linearOffset(m, t.getShape())));
      if (blockedVar >= 0)
        vars[blockedVar] = nullptr; // bound only here: nothing hoists on it
    };
    // The row buffer, in the function the nest (or its part) is emitted in.
    auto startStream = [&](llvm::Value *dst) {
      if (stream.rowElems == 0)
        return;
      llvm::AllocaInst *row = fe.entryBuilder.CreateAlloca(
          ty, fe.i64(stream.rowElems), "stream.row");
      row->setAlignment(llvm::Align(64));
      stream.scratch = row;
      stream.out = dst;
    };
    int64_t chunk =
        sizes.empty()
            ? 0
            : parallelChunk(fe, t.getNumElements() * reductionFactor(),
                            sizes[0], flat);
    auto emitNest = [&] {
      if (chunk == 0) {
        startStream(out);
        nest(sizes, loopVars, v, m, [&] { store(out); });
        if (stream.rowElems != 0)
          emitStreamFence(fe);
        return;
      }
      // Each part runs a range of the outermost loop in its own function
      // (every element is computed by exactly one part, the same way: the
      // bits do not depend on the thread count).
      emitParallel(
          sizes[0], chunk, out,
          [&](llvm::Value *lo, llvm::Value *hi, llvm::Value *partOut) {
            rowCache.out = partOut;
            startStream(partOut);
            hoistAll(v, m); // what the outermost level computes, once per part
            loopRange(lo, hi, loopVars[0], chunk,
                      innerWork(llvm::ArrayRef<int64_t>(sizes).drop_front(1)),
                      [&] {
                        nest(
                            sizes, loopVars, v, m, [&] { store(partOut); }, 1);
                      });
            if (stream.rowElems != 0)
              emitStreamFence(fe);
          });
    };
    int64_t rowElems = stream.rowElems;
    if (rowElems == 0) {
      emitNest();
      return;
    }
    // Streamed or stored directly, as the runtime decides for this machine
    // (LoopNestStream.h): the nest twice, each in its own memo scope.
    int64_t totalBytes =
        t.getNumElements() * int64_t(ty->getPrimitiveSizeInBits() / 8);
    llvm::BasicBlock *streamed =
        llvm::BasicBlock::Create(fe.ctx, "streamed", fe.fn);
    llvm::BasicBlock *direct =
        llvm::BasicBlock::Create(fe.ctx, "direct", fe.fn);
    llvm::BasicBlock *join = llvm::BasicBlock::Create(fe.ctx, "stored", fe.fn);
    b.CreateCondBr(emitStreamWanted(fe, totalBytes), streamed, direct);
    for (llvm::BasicBlock *bb : {streamed, direct}) {
      b.SetInsertPoint(bb);
      stream.rowElems = bb == streamed ? rowElems : 0;
      rowCache.out = out;
      rowCache.stored = false;
      memo.emplace_back();
      emitNest();
      memo.pop_back();
      b.CreateBr(join);
    }
    b.SetInsertPoint(join);
    stream.rowElems = 0;
  }

  //===-- Threads
  //-----------------------------------------------------------===//

  /// Elements a member reduction reads per result element (the most of
  /// any): a row log-sum-exp does a row's work per result element.
  int64_t reductionFactor() const {
    int64_t f = 1;
    for (const ir::Operation *op : memberList)
      if (ir::isReduction(op->getOpcode()))
        f = std::max<int64_t>(
            f, op->getOperand(0)->getType().getNumElements() /
                   std::max<int64_t>(
                       1, op->getResult(0)->getType().getNumElements()));
    return f;
  }

  /// for (iv = lo; iv < hi; ++iv) body(), with `var` bound to iv; at most
  /// `maxCount` iterations of about `perIter` elements' work each (for the
  /// Ctrl-C checks).
  void loopRange(llvm::Value *lo, llvm::Value *hi, int var, int64_t maxCount,
                 int64_t perIter, llvm::function_ref<void()> body) {
    llvm::Value *count = b.CreateSub(hi, lo);
    if (interrupts.checked(double(maxCount) * double(perIter))) {
      interrupts.blockedLoop(lo, count, perIter, [&](llvm::Value *iv) {
        iteration(var, iv, body);
      });
      return;
    }
    fe.emitLoop(count, [&](llvm::Value *i) {
      iteration(var, b.CreateAdd(lo, i, "", true, true), body);
    });
  }

  /// Runs `emitPart(lo, hi, out)` as parts on the thread pool
  /// (LoopNestParallel.h), each with its own memo scope and Ctrl-C exit.
  void emitParallel(
      int64_t n, int64_t chunk, llvm::Value *out,
      llvm::function_ref<void(llvm::Value *, llvm::Value *, llvm::Value *)>
          emitPart) {
    llvm::SmallVector<const ir::Value *, 8> inputs;
    for (const ir::Operation *op : memberList)
      for (const ir::Value *x : op->getOperands())
        if (!isMember(x) && !llvm::is_contained(inputs, x))
          inputs.push_back(x);
    emitParallelParts(
        fe, inputs, n, chunk, out,
        [&](llvm::Value *lo, llvm::Value *hi, llvm::Value *partOut) {
          memo.emplace_back();
          llvm::BasicBlock *enclosing = interrupts.enterPart();
          emitPart(lo, hi, partOut);
          interrupts.leavePart(enclosing);
          memo.pop_back();
        });
  }

  /// A row reduction whose operand the root also reads at its own index
  /// (softmax's sum of e = exp(x - max), then e / sum): the reduction pass
  /// stores each operand element into the root's output row, which is still
  /// in cache when the root's pass reads it back instead of recomputing it.
  /// The same value, computed once: the bits do not change.
  void findRowCache(const ir::Operation &root, const IndexMap &rootMap,
                    llvm::Value *out) {
    const ir::Type &t = root.getResult(0)->getType();
    if (t.getRank() != 2)
      return;
    for (const ir::Operation *r : memberList) {
      if (r == &root || !ir::isReduction(r->getOpcode()))
        continue;
      const ir::IntArray &axes = ir::OpAttrs(*r).axes();
      const ir::Value *operand = r->getOperand(0);
      const ir::Operation *def = operand->getDefiningOp();
      if (axes.size() != 1 || axes[0] != 1 || !isMember(operand) ||
          !def->hasTrait(ir::Elementwise) || operand->getType() != t)
        continue;
      rowCache = {r, operand, rootMap, out};
      return;
    }
  }

  /// out = identity, then the operand's leading dims in row-major order,
  /// each run (or element) combined into its output element.
  void emitReductionRoot(const ir::Operation &root, llvm::Value *out) {
    const ir::Type &outT = root.getResult(0)->getType();
    llvm::Type *ty = fe.elemType(outT.getDType());
    llvm::ArrayRef<int64_t> xs = root.getOperand(0)->getType().getShape();
    const ir::IntArray &axes = ir::OpAttrs(root).axes();
    unsigned t = ir::trailingReducedAxes(root);
    unsigned lead = xs.size() - t;
    llvm::Value *id = reductionIdentity(fe, root);
    fe.emitLoop(fe.i64(outT.getNumElements()), [&](llvm::Value *i) {
      b.CreateStore(id, b.CreateGEP(ty, out, i));
    });
    llvm::SmallVector<int, 6> loopVars;
    IndexMap m, outMap;
    for (unsigned d = 0; d < lead; ++d) {
      loopVars.push_back(newVar());
      m.push_back(DimIndex::loopVar(loopVars.back()));
      if (!llvm::is_contained(axes, int64_t(d)))
        outMap.push_back(m.back());
    }
    int runVar = newVar();
    IndexMap run = ir::delinearized(runVar, xs.take_back(t));
    m.append(run.begin(), run.end());
    int64_t n = ir::numElements(xs.take_back(t));
    elementWork = std::max<int64_t>(1, n);
    const ir::Value *x = root.getOperand(0);
    auto fold = [&](llvm::Value *dst) {
      llvm::Value *slot =
          b.CreateGEP(ty, dst, linearOffset(outMap, outT.getShape()));
      llvm::Value *v =
          t > 0 ? reducer.run(root, n, runVar, [&] { return valueAt(x, m); })
                : valueAt(x, m);
      b.CreateStore(reductionCombine(fe, root, b.CreateLoad(ty, slot), v),
                    slot);
    };
    // Split over threads only along a kept outermost dim: each part then
    // owns its output elements and folds their runs in the usual order.
    bool keptOuter = lead > 0 && !llvm::is_contained(axes, int64_t(0));
    int64_t chunk = keptOuter ? parallelChunk(fe, ir::numElements(xs), xs[0],
                                              /*flatLoop=*/false)
                              : 0;
    if (chunk == 0) {
      nest(xs.take_front(lead), loopVars, x, m, [&] { fold(out); });
      return;
    }
    emitParallel(xs[0], chunk, out,
                 [&](llvm::Value *lo, llvm::Value *hi, llvm::Value *partOut) {
                   hoistAll(x, m);
                   loopRange(lo, hi, loopVars[0], chunk,
                             innerWork(xs.take_front(lead).drop_front(1)), [&] {
                               nest(
                                   xs.take_front(lead), loopVars, x, m,
                                   [&] { fold(partOut); }, 1);
                             });
                 });
  }

  FunctionEmitter &fe;
  llvm::IRBuilder<> &b;
  llvm::DenseSet<const ir::Operation *> members;
  /// The same ops in the group's order: what walks them must not follow
  /// the set's pointer order, or the emitted code (the order of a parallel
  /// part's inputs) changed from run to run.
  llvm::SmallVector<const ir::Operation *, 16> memberList;
  struct {
    const ir::Operation *reduction = nullptr;
    const ir::Value *value = nullptr;
    IndexMap rootMap;
    llvm::Value *out = nullptr;
    bool stored = false; // the reduction pass stores the row (emitted)
  } rowCache;
  /// A streamed result (LoopNestStream.h): rows of `rowElems` computed into
  /// `scratch`, handed to the runtime for `out`.
  struct {
    int64_t rowElems = 0; // 0: the root stores directly
    llvm::Value *scratch = nullptr, *out = nullptr;
  } stream;
  bool flat = true;
  /// About how many elements' work one element of the root's loops costs
  /// (a reduction root: its run; else the member reductions' factor).
  int64_t elementWork = 1;
  NestInterrupts interrupts;
  RunReducer reducer; // reduction runs (LoopNestReduce.h)
  std::vector<llvm::Value *> vars;
  std::vector<std::map<Key, llvm::Value *>> memo;
};

} // namespace

std::string scalarFunctionName(const ir::Operation &op) {
  ir::DType in = op.getOperand(0)->getType().getDType();
  if (op.getOpcode() == ir::Opcode::Cast)
    return ("tdl_cast_" + ir::dtypeName(in) + "_" +
            ir::dtypeName(op.getResult(0)->getType().getDType()))
        .str();
  return ("tdl_ew_" + op.getName() + "_" + ir::dtypeName(in)).str();
}

llvm::Error emitLoopNest(FunctionEmitter &fe,
                         llvm::ArrayRef<const ir::Operation *> members,
                         const ir::Operation &root, llvm::Value *out) {
  for (const ir::Operation *op : members)
    if (op->hasTrait(ir::Elementwise) &&
        op->getOpcode() != ir::Opcode::Select &&
        op->getOpcode() != ir::Opcode::StopGradient &&
        !(op->getOpcode() == ir::Opcode::Cast &&
          op->getOperand(0)->getType().getDType() ==
              op->getResult(0)->getType().getDType()) &&
        !fe.me.runtime.getFunction(scalarFunctionName(*op)))
      return fe.unsupported(*op);
  return LoopNest(fe, members).emit(root, out);
}

} // namespace tdl::cpu

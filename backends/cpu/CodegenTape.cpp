//===- CodegenTape.cpp - tape_new / tape_push / tape_top / tape_pop -------===//
//
// A tape value is one pointer: its top cell, or null when empty. A cell is
//   [0] unused, [8] the cell below (the tape `pop` returns), [16...] the
//   pushed value's leaves, each 16-byte aligned.
// Cells are immutable, so tapes stay persistent (a push does not change the
// tape it starts from) and `tape_top` aliases the cell's payload. Cells are
// bumped off the thread's tape stack (runtime/cpu/Workspace.cpp: chunks kept
// across calls, grown geometrically), which the exported call's wrapper
// resets when the call returns: a push allocates nothing in steady state,
// tapes may be carried by loops and passed between functions, and their
// memory is bounded by what the call pushes.
//
//===----------------------------------------------------------------------===//
#include "backends/cpu/FunctionEmitter.h"
#include "ssa_ir/OpAttrs.h"

namespace tdl::cpu {

static int64_t alignTo16(int64_t n) { return (n + 15) & ~int64_t(15); }

llvm::Error FunctionEmitter::emitTapeOp(const ir::Operation &op) {
  using ir::Opcode;
  llvm::PointerType *ptr = b.getPtrTy();
  auto result = [&]() {
    llvm::Value *buf = allocBuffer(op.getResult(0)->getType());
    bind(op.getResult(0), {buf});
    return buf;
  };
  switch (op.getOpcode()) {
  case Opcode::TapeNew:
    b.CreateStore(llvm::ConstantPointerNull::get(ptr), result());
    return llvm::Error::success();
  case Opcode::TapePush: {
    llvm::SmallVector<ir::Type, 4> types;
    flattenType(op.getOperand(1)->getType(), types);
    int64_t size = 16;
    llvm::SmallVector<int64_t, 4> offsets;
    for (const ir::Type &t : types) {
      offsets.push_back(size);
      size += alignTo16(leafBytes(t));
    }
    llvm::Value *below = b.CreateLoad(ptr, leaf(op.getOperand(0)));
    llvm::Value *cell =
        b.CreateCall(me.rt("tdl_rt_tape_alloc"), {i64(size)}, "cell");
    branchToErrorIf(b.CreateIsNull(cell), me.addErrorSite(op.getLoc()),
                    "out of memory");
    b.CreateStore(below, b.CreateConstGEP1_64(b.getInt8Ty(), cell, 8));
    Leaves &value = leavesOf(op.getOperand(1));
    // A memmove: re-pushing the top of a tape just released
    // (`tape_pop {release}`) writes the cell where it was.
    for (size_t i = 0; i < types.size(); ++i)
      b.CreateMemMove(b.CreateConstGEP1_64(b.getInt8Ty(), cell, offsets[i]),
                      llvm::MaybeAlign(16), value[i], llvm::MaybeAlign(1),
                      leafBytes(types[i]));
    b.CreateStore(cell, result());
    return llvm::Error::success();
  }
  case Opcode::TapeTop:
  case Opcode::TapePop: {
    llvm::Value *cell = b.CreateLoad(ptr, leaf(op.getOperand(0)));
    branchToErrorIf(b.CreateIsNull(cell), me.addErrorSite(op.getLoc()),
                    "'" + op.getName().str() + "' of an empty tape");
    if (op.getOpcode() == Opcode::TapePop) {
      if (std::optional<bool> rel = ir::OpAttrs(op).releaseIf(); rel && *rel) {
        llvm::SmallVector<ir::Type, 4> types;
        flattenType(op.getOperand(0)->getType().getTapeElement(), types);
        int64_t size = 16;
        for (const ir::Type &t : types)
          size += alignTo16(leafBytes(t));
        llvm::Value *below =
            b.CreateLoad(ptr, b.CreateConstGEP1_64(b.getInt8Ty(), cell, 8));
        b.CreateCall(me.rt("tdl_rt_tape_release"), {cell, i64(size)});
        b.CreateStore(below, result());
        return llvm::Error::success();
      }
      b.CreateStore(
          b.CreateLoad(ptr, b.CreateConstGEP1_64(b.getInt8Ty(), cell, 8)),
          result());
      return llvm::Error::success();
    }
    llvm::SmallVector<ir::Type, 4> types;
    flattenType(op.getResult(0)->getType(), types);
    Leaves leaves;
    int64_t offset = 16;
    for (const ir::Type &t : types) {
      leaves.push_back(b.CreateConstGEP1_64(b.getInt8Ty(), cell, offset));
      offset += alignTo16(leafBytes(t));
    }
    bind(op.getResult(0), leaves);
    return llvm::Error::success();
  }
  default:
    return unsupported(op);
  }
}

} // namespace tdl::cpu

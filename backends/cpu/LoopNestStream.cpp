//===- LoopNestStream.cpp - large nest results written past the caches ----===//
#include "backends/cpu/LoopNestStream.h"

namespace tdl::cpu {

namespace {

constexpr int64_t kStreamMinBytes = int64_t(4) << 20;
constexpr int64_t kStreamRowMinBytes = 1024;
constexpr int64_t kStreamRowMaxBytes = 16 * 1024;
constexpr int64_t kStreamBlockBytes = 8 * 1024; // a rank-1 result's rows

} // namespace

int64_t streamedRowElements(FunctionEmitter &fe, const ir::Type &t) {
  int64_t elemBytes =
      int64_t(fe.elemType(t.getDType())->getPrimitiveSizeInBits() / 8);
  if (t.getRank() == 0 || elemBytes == 0 ||
      t.getNumElements() * elemBytes < kStreamMinBytes)
    return 0;
  if (t.getRank() == 1) {
    int64_t block = kStreamBlockBytes / elemBytes;
    return t.getNumElements() % block == 0 ? block : 0;
  }
  int64_t row = t.getShape().back();
  if (row * elemBytes < kStreamRowMinBytes ||
      row * elemBytes > kStreamRowMaxBytes)
    return 0;
  return row;
}

llvm::Value *emitStreamWanted(FunctionEmitter &fe, int64_t totalBytes) {
  llvm::Value *wanted =
      fe.b.CreateCall(fe.me.rt("tdl_rt_stream_wanted"), {fe.i64(totalBytes)});
  return fe.b.CreateICmpNE(wanted, fe.b.getInt32(0));
}

void emitStoreRow(FunctionEmitter &fe, llvm::Value *dst, llvm::Value *src,
                  int64_t bytes) {
  fe.b.CreateCall(fe.me.rt("tdl_rt_store_block"), {dst, src, fe.i64(bytes)});
}

void emitStreamFence(FunctionEmitter &fe) {
  fe.b.CreateCall(fe.me.rt("tdl_rt_stream_fence"), {});
}

} // namespace tdl::cpu

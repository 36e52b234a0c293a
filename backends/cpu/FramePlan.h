//===- FramePlan.h - compile-time layout of a function's frame -----*- C++
//-*-===//
//
// The cpu backend keeps every large temporary of a function in one frame
// (pushed on the per-thread stack of runtime/cpu/Workspace.cpp). The layout
// is planned while the function is emitted, in program order: a buffer is
// placed when its op is emitted and its bytes return to the plan when the
// last value using it is dead, so later buffers reuse them; a loop body's
// buffers are dead by the end of the body and are reused every iteration.
// The plan's peak is the frame's size.
//
// Placement is first fit over the free ranges (kept sorted and merged), in
// units of 64 bytes so every buffer is aligned for vector loads.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_BACKENDS_CPU_FRAMEPLAN_H
#define TDL_BACKENDS_CPU_FRAMEPLAN_H

#include <cstdint>
#include <map>
#include <vector>

namespace tdl::cpu {

class FramePlan {
public:
  static constexpr int64_t kAlign = 64;

  /// Places a buffer of `bytes`; returns its id (ids are never reused).
  unsigned allocate(int64_t bytes);
  int64_t offset(unsigned id) const { return buffers[id].offset; }
  int64_t size(unsigned id) const { return buffers[id].size; }
  bool isLive(unsigned id) const { return buffers[id].live; }

  /// References held by values: the buffer is released when the count drops
  /// back to zero (a buffer that was never referenced stays until release).
  void addRef(unsigned id) { ++buffers[id].refs; }
  unsigned refs(unsigned id) const { return buffers[id].refs; }
  void dropRef(unsigned id);
  /// Returns the bytes of a live buffer to the plan (no-op when released).
  void release(unsigned id);

  /// Bytes the frame needs: the highest end of any buffer placed.
  int64_t peak() const { return peakBytes; }
  /// Bytes placed and not yet released.
  int64_t liveBytes() const { return live; }

private:
  struct Buffer {
    int64_t offset = 0, size = 0;
    unsigned refs = 0;
    bool live = true;
  };
  std::vector<Buffer> buffers;
  std::map<int64_t, int64_t> freeRanges; // offset -> size, below peakBytes
  int64_t peakBytes = 0, live = 0;
};

} // namespace tdl::cpu

#endif

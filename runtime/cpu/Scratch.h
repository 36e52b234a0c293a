//===- Scratch.h - kernel scratch on the per-thread frame stack -*- C++ -*-===//
//
// Kernels that need scratch memory (GEMM packing, im2col, conv accumulators)
// take it from the frame stack of runtime/cpu/Workspace.cpp instead of
// malloc: after the first call the memory is reused, so steady-state calls
// allocate nothing. Scopes nest (last in, first out), like frames.
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_CPU_SCRATCH_H
#define TDL_RUNTIME_CPU_SCRATCH_H

#include <stdint.h>

extern "C" void *tdl_rt_frame_push(int64_t bytes, void **save);
extern "C" void tdl_rt_frame_pop(void **save);

namespace tdl::rt {

/// `bytes` of 64-byte aligned scratch until the end of the scope; `data` is
/// null when memory is exhausted.
class Scratch {
public:
  explicit Scratch(int64_t bytes) : data(tdl_rt_frame_push(bytes, save)) {}
  ~Scratch() { tdl_rt_frame_pop(save); }
  Scratch(const Scratch &) = delete;
  Scratch &operator=(const Scratch &) = delete;

  void *const data;

private:
  void *save[2];
};

} // namespace tdl::rt

#endif

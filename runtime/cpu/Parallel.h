//===- Parallel.h - the kernel runtime's thread pool (Parallel.cpp) -*- C++
//-*-===//
#ifndef TDL_RUNTIME_CPU_PARALLEL_H
#define TDL_RUNTIME_CPU_PARALLEL_H

#include <stdint.h>

/// fn(ctx, p) for every p in [0, parts), split over the pool's threads;
/// serial inside a part of another parallel loop.
extern "C" void tdl_rt_parallel(int64_t parts, void (*fn)(void *, int64_t),
                                void *ctx);
/// Threads parallel loops use: TDL_NUM_THREADS, tdl_rt_set_num_threads, or
/// the machine's cores.
extern "C" int32_t tdl_rt_num_threads(void);
extern "C" void tdl_rt_set_num_threads(int32_t n);

#endif

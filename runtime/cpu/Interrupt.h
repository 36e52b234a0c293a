//===- Interrupt.h - the REPL's Ctrl-C check in long kernels ---*- C++ -*-===//
//
// `tdlc repl` runs inputs on the JIT, where Ctrl-C interrupts the running
// evaluation (docs/repl.md): its SIGINT handler sets a flag that generated
// loops and the long kernels poll. Only the JIT's copy of the runtime is
// compiled with TDL_RT_INTERRUPTIBLE (backends/cpu/CMakeLists.txt); in the
// runtime linked into objects the check is `false` and compiles to nothing,
// so objects do not change. An interrupted kernel returns early, leaving its
// output unfinished; the generated code then fails with "interrupted".
//
//===----------------------------------------------------------------------===//
#ifndef TDL_RUNTIME_CPU_INTERRUPT_H
#define TDL_RUNTIME_CPU_INTERRUPT_H

#include <stdint.h>

#ifdef TDL_RT_INTERRUPTIBLE
/// Non-zero once an interruption is requested (the JIT session defines it).
extern "C" int32_t tdl_rt_interrupt_flag;
#define TDL_RT_INTERRUPTED()                                                   \
  (__atomic_load_n(&tdl_rt_interrupt_flag, __ATOMIC_RELAXED) != 0)
#else
#define TDL_RT_INTERRUPTED() false
#endif

#endif

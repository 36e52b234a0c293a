//===- Parallel.cpp - the kernel runtime's thread pool --------------------===//
//
// tdl_rt_parallel(parts, fn, ctx) runs fn(ctx, p) for p in [0, parts) on the
// calling thread and the pool's workers. Kernels split their output into
// parts whose elements are each computed entirely by one call of fn, in the
// same order whatever thread runs it, so results are bit-identical at every
// thread count (docs/cpu-backend.md "Threads").
//
// The number of threads is the machine's cores unless TDL_NUM_THREADS or
// tdl_set_num_threads() says otherwise. A parallel loop started from a
// thread that is already running a part (a kernel inside a kernel, or an
// exported function called from a part) runs serially: no oversubscription.
// Workers are created on first use; between loops they spin briefly, then
// wait on a condition variable. tdl_rt_shutdown stops and joins them: the
// code they run goes away with the JIT that `tdlc run` tears down, or with
// a shared library when it is unloaded (a destructor of every object calls
// it). Written on pthreads and atomics only: the runtime has no C++ runtime
// library (CpuRuntime.cpp).
//
//===----------------------------------------------------------------------===//
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define TDL_RT extern "C" __attribute__((visibility("default")))

extern "C" int32_t *tdl_rt_in_parallel_flag(void);  // Workspace.cpp
extern "C" void tdl_rt_release_thread_states(void); // Workspace.cpp
extern "C" void *tdl_rt_frame_push(int64_t bytes, void **save);
extern "C" void tdl_rt_frame_pop(void **save);

namespace {

constexpr int32_t kMaxThreads = 256;

using PartFn = void (*)(void *ctx, int64_t part);

struct Pool {
  pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
  pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
  int32_t workers = 0; // threads started
  int32_t threads = 0; // the default (0: not decided yet)
  uint64_t generation = 0;
  int32_t busy = 0;     // workers still in the current loop
  int32_t running = 0;  // a loop is in progress (one at a time)
  int32_t stopping = 0; // tdl_rt_shutdown: workers leave, loops run serially
  pthread_t handles[kMaxThreads];
  // The current loop.
  PartFn fn = nullptr;
  void *ctx = nullptr;
  int64_t parts = 0;
  int64_t next = 0;    // the next part to take (atomic)
  int32_t allowed = 0; // workers that may take parts
};

Pool pool;

int32_t defaultThreads() {
  if (const char *env = getenv("TDL_NUM_THREADS")) {
    long n = strtol(env, nullptr, 10);
    if (n >= 1)
      return n > kMaxThreads ? kMaxThreads : int32_t(n);
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores < 1 ? 1 : cores > kMaxThreads ? kMaxThreads : int32_t(cores);
}

/// Takes parts of the current loop until none is left.
void runParts(PartFn fn, void *ctx, int64_t parts) {
  int32_t *flag = tdl_rt_in_parallel_flag();
  int32_t was = flag ? *flag : 0;
  if (flag)
    *flag = 1;
  for (;;) {
    int64_t p = __atomic_fetch_add(&pool.next, 1, __ATOMIC_RELAXED);
    if (p >= parts)
      break;
    fn(ctx, p);
  }
  if (flag)
    *flag = was;
}

/// Spins this many pauses (tens of microseconds) before sleeping: kernels
/// of a model come in quick succession, and a futex wake-up costs more than
/// a small loop's work.
constexpr int32_t kSpins = 4000;

void spinPause() { __builtin_ia32_pause(); }

void *workerMain(void *arg) {
  int32_t index = int32_t(reinterpret_cast<intptr_t>(arg));
  uint64_t seen = 0;
  // This thread's state and first frame chunk, made now (during the loop
  // that starts the pool) rather than in whichever later call first hands
  // this worker a part: steady-state calls allocate nothing.
  void *save[2];
  if (tdl_rt_frame_push(1, save))
    tdl_rt_frame_pop(save);
  for (;;) {
    for (int32_t i = 0;
         i < kSpins &&
         __atomic_load_n(&pool.generation, __ATOMIC_ACQUIRE) == seen &&
         !__atomic_load_n(&pool.stopping, __ATOMIC_ACQUIRE);
         ++i)
      spinPause();
    pthread_mutex_lock(&pool.mu);
    while (pool.generation == seen && !pool.stopping)
      pthread_cond_wait(&pool.wake, &pool.mu);
    if (pool.stopping) {
      pthread_mutex_unlock(&pool.mu);
      return nullptr;
    }
    seen = pool.generation;
    PartFn fn = pool.fn;
    void *ctx = pool.ctx;
    int64_t parts = pool.parts;
    bool take = index < pool.allowed;
    pthread_mutex_unlock(&pool.mu);
    if (take)
      runParts(fn, ctx, parts);
    if (__atomic_sub_fetch(&pool.busy, 1, __ATOMIC_ACQ_REL) == 0) {
      pthread_mutex_lock(&pool.mu);
      pthread_cond_broadcast(&pool.finished); // the owner, or a shutdown
      pthread_mutex_unlock(&pool.mu);
    }
  }
  return nullptr;
}

} // namespace

/// The thread count tdl_set_num_threads asked for (0: none). Shared by the
/// runtime copies of every tdlc object in a program (a weak definition the
/// runtime linker keeps), so one call sets it for all modules; each module
/// still has its own pool.
extern "C" __attribute__((weak, visibility("default")))
int32_t tdl_rt_requested_threads = 0;

/// Threads the next parallel loops use (at least 1).
TDL_RT void tdl_rt_set_num_threads(int32_t n) {
  __atomic_store_n(&tdl_rt_requested_threads,
                   n < 1             ? 1
                   : n > kMaxThreads ? kMaxThreads
                                     : n,
                   __ATOMIC_RELAXED);
}

TDL_RT int32_t tdl_rt_num_threads(void) {
  int32_t requested =
      __atomic_load_n(&tdl_rt_requested_threads, __ATOMIC_RELAXED);
  if (requested > 0)
    return requested;
  pthread_mutex_lock(&pool.mu);
  if (pool.threads == 0)
    pool.threads = defaultThreads();
  int32_t n = pool.threads;
  pthread_mutex_unlock(&pool.mu);
  return n;
}

/// fn(ctx, p) for every p in [0, parts), on up to tdl_rt_num_threads()
/// threads; returns when all are done.
TDL_RT void tdl_rt_parallel(int64_t parts, PartFn fn, void *ctx) {
  int32_t *flag = tdl_rt_in_parallel_flag();
  int32_t threads = parts > 1 ? tdl_rt_num_threads() : 1;
  if (threads <= 1 || (flag && *flag)) {
    for (int64_t p = 0; p < parts; ++p)
      fn(ctx, p);
    return;
  }
  pthread_mutex_lock(&pool.mu);
  // Another application thread's loop is running, or the pool is shut down.
  if (pool.running || pool.stopping) {
    pthread_mutex_unlock(&pool.mu);
    for (int64_t p = 0; p < parts; ++p)
      fn(ctx, p);
    return;
  }
  while (pool.workers < threads - 1) {
    pthread_t t;
    if (pthread_create(&t, nullptr, workerMain,
                       reinterpret_cast<void *>(intptr_t(pool.workers))) != 0)
      break;
    pool.handles[pool.workers++] = t;
  }
  pool.running = 1;
  pool.fn = fn;
  pool.ctx = ctx;
  pool.parts = parts;
  pool.next = 0;
  pool.allowed = threads - 1;
  __atomic_store_n(&pool.busy, pool.workers, __ATOMIC_RELEASE);
  __atomic_store_n(&pool.generation, pool.generation + 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&pool.wake);
  pthread_mutex_unlock(&pool.mu);

  runParts(fn, ctx, parts);

  for (int32_t i = 0;
       i < kSpins && __atomic_load_n(&pool.busy, __ATOMIC_ACQUIRE) > 0; ++i)
    spinPause();
  pthread_mutex_lock(&pool.mu);
  while (__atomic_load_n(&pool.busy, __ATOMIC_ACQUIRE) > 0)
    pthread_cond_wait(&pool.finished, &pool.mu);
  pool.running = 0;
  pthread_cond_broadcast(&pool.finished); // a shutdown waiting for the loop
  pthread_mutex_unlock(&pool.mu);
}

/// Stops the pool's workers and waits for them to exit (after the loop in
/// progress, if any), then frees the calling thread's stacks and the
/// per-thread state key (Workspace.cpp). Parallel loops after it run on the
/// calling thread. Called before the code of the runtime goes away.
TDL_RT void tdl_rt_shutdown(void) {
  pthread_mutex_lock(&pool.mu);
  while (pool.running) // another thread's loop: let it finish
    pthread_cond_wait(&pool.finished, &pool.mu);
  __atomic_store_n(&pool.stopping, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&pool.wake);
  int32_t workers = pool.workers;
  pool.workers = 0;
  pthread_mutex_unlock(&pool.mu);
  for (int32_t i = 0; i < workers; ++i)
    pthread_join(pool.handles[i], nullptr);
  tdl_rt_release_thread_states();
}

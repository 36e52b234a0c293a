//===- Workspace.cpp - the per-thread frame stack of generated code -------===//
//
// Every generated function keeps its large temporaries in one frame whose
// layout the backend plans at compile time (backends/cpu/FramePlan.h): the
// function pushes its frame on entry and pops it on exit. Frames live on a
// per-thread stack of chunks that are kept after use, so steady-state calls
// allocate nothing and touch no fresh page: the first call grows the stack,
// later calls reuse the same memory.
//
// A chunk is never moved or resized while frames live in it (pointers into
// it are held by callers); a push that does not fit the current chunk moves
// to the next one, reusing a cached chunk when it is large enough, so the
// stack grows geometrically. A second stack of the same kind holds
// autodiff's tape cells: a push is a bump of its top, and the whole tape
// memory of an exported call is dropped when the call returns. The chunks
// of a thread are freed when the thread exits (a pthread key destructor).
// An application can also lend a buffer (tdl_rt_workspace_lend): frames
// then go there until it is returned.
//
// Each thread's stacks are found through a pthread key (also in the JIT,
// which has no thread-local storage for generated code).
//
//===----------------------------------------------------------------------===//
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define TDL_RT extern "C" __attribute__((visibility("default")))

namespace {

/// Frames are 64-byte aligned (a cache line, an AVX-512 vector).
constexpr int64_t kFrameAlign = 64;
/// The smallest chunk the stack grows by.
constexpr int64_t kMinChunk = int64_t(1) << 20;

struct Chunk {
  Chunk *next;  // the next chunk of the stack (cached once popped)
  char *data;   // kFrameAlign-aligned
  int64_t cap;  // usable bytes at `data`
  int64_t used; // bytes in use by live frames
  void *block;  // what to free (null for a lent buffer)
};

struct Stack {
  Chunk *first = nullptr; // the bottom chunk
  Chunk *cur = nullptr;   // the chunk the top frame is in (null: empty)
};

/// What a thread owns: its frame stack (frames and kernel scratch), its
/// tape stack (autodiff's tape cells, which outlive the function that
/// pushes them and are dropped when the exported call ends), and whether it
/// runs a part of a parallel loop (Parallel.cpp). Found through a pthread
/// key rather than `thread_local`, which the JIT cannot give generated code
/// (RuntimeLinker.cpp): so worker threads have their own stacks there too.
struct ThreadState {
  Stack frames, tapes;
  int32_t inParallel;
  int64_t tapeBytes, tapePeak; // tape cells' bytes in use, their maximum
};

/// The key is made on first use and deleted by tdl_rt_shutdown (its
/// destructor is code that may go away); a use after that makes a new one.
pthread_key_t stateKey;
int32_t stateKeyMade = 0; // atomic; changed under stateKeyMutex
pthread_mutex_t stateKeyMutex = PTHREAD_MUTEX_INITIALIZER;

void freeChain(Chunk *c) {
  while (c) {
    Chunk *next = c->next;
    free(c->block);
    c = next;
  }
}

void destroyState(void *p) {
  ThreadState *s = static_cast<ThreadState *>(p);
  freeChain(s->frames.first);
  freeChain(s->tapes.first);
  free(s);
}

bool makeStateKey() {
  pthread_mutex_lock(&stateKeyMutex);
  if (!stateKeyMade && pthread_key_create(&stateKey, destroyState) == 0)
    __atomic_store_n(&stateKeyMade, 1, __ATOMIC_RELEASE);
  bool made = stateKeyMade;
  pthread_mutex_unlock(&stateKeyMutex);
  return made;
}

/// The calling thread's state, made on first use (null when memory is
/// exhausted).
ThreadState *state() {
  if (!__atomic_load_n(&stateKeyMade, __ATOMIC_ACQUIRE) && !makeStateKey())
    return nullptr;
  void *p = pthread_getspecific(stateKey);
  if (!p) {
    p = calloc(1, sizeof(ThreadState));
    if (!p || pthread_setspecific(stateKey, p) != 0) {
      free(p);
      return nullptr;
    }
  }
  return static_cast<ThreadState *>(p);
}

Chunk *newChunk(int64_t bytes) {
  int64_t cap = bytes < kMinChunk ? kMinChunk : bytes;
  void *block = malloc(sizeof(Chunk) + kFrameAlign + cap);
  if (!block)
    return nullptr;
  Chunk *c = static_cast<Chunk *>(block);
  uintptr_t data = reinterpret_cast<uintptr_t>(c + 1);
  data = (data + kFrameAlign - 1) & ~uintptr_t(kFrameAlign - 1);
  c->next = nullptr;
  c->data = reinterpret_cast<char *>(data);
  c->cap = cap;
  c->used = 0;
  c->block = block;
  return c;
}

/// The chunk after `c` (the first one after `c == null`), made to hold at
/// least `bytes`: a cached chunk that is too small is replaced (with the
/// ones after it, which are unused too).
Chunk *nextChunk(Stack &st, Chunk *c, int64_t bytes) {
  Chunk **slot = c ? &c->next : &st.first;
  if (*slot && (*slot)->cap >= bytes)
    return *slot;
  int64_t grown = c ? 2 * c->cap : 0;
  Chunk *n = newChunk(bytes > grown ? bytes : grown);
  if (!n)
    return nullptr;
  freeChain(*slot);
  *slot = n;
  return n;
}

/// `bytes` (a multiple of the alignment) on top of `st`; null when memory
/// is exhausted.
void *bump(Stack &st, int64_t bytes) {
  Chunk *c = st.cur;
  if (!c || c->cap - c->used < bytes) {
    c = nextChunk(st, c, bytes);
    if (!c)
      return nullptr;
    c->used = 0;
    st.cur = c;
  }
  char *p = c->data + c->used;
  c->used += bytes;
  return p;
}

} // namespace

/// Frees the calling thread's stacks and deletes the key (tdl_rt_shutdown,
/// after the pool's workers have exited and freed theirs). Other threads'
/// stacks are leaked: their destructor must not run once the code is gone.
TDL_RT void tdl_rt_release_thread_states(void) {
  pthread_mutex_lock(&stateKeyMutex);
  if (stateKeyMade) {
    if (void *p = pthread_getspecific(stateKey))
      destroyState(p);
    pthread_key_delete(stateKey);
    __atomic_store_n(&stateKeyMade, 0, __ATOMIC_RELEASE);
  }
  pthread_mutex_unlock(&stateKeyMutex);
}

/// Pushes a frame of `bytes` (rounded up to 64) on the calling thread's
/// stack; `save[2]` receives what tdl_rt_frame_pop needs. Null when memory
/// is exhausted.
TDL_RT void *tdl_rt_frame_push(int64_t bytes, void **save) {
  ThreadState *t = state();
  if (!t) {
    save[0] = save[1] = nullptr;
    return nullptr;
  }
  Chunk *c = t->frames.cur;
  save[0] = c;
  save[1] = reinterpret_cast<void *>(c ? c->used : 0);
  return bump(t->frames, (bytes + kFrameAlign - 1) & ~(kFrameAlign - 1));
}

TDL_RT void tdl_rt_frame_pop(void **save) {
  ThreadState *t = state(); // exists: the push made it
  Chunk *c = static_cast<Chunk *>(save[0]);
  t->frames.cur = c;
  if (c)
    c->used = reinterpret_cast<int64_t>(save[1]);
}

/// A tape cell of `bytes` (16-byte aligned), kept until the exported call
/// that pushed it returns (tdl_rt_tape_reset); null when memory is exhausted.
TDL_RT void *tdl_rt_tape_alloc(int64_t bytes) {
  ThreadState *t = state();
  if (!t)
    return nullptr;
  bytes = (bytes + 15) & ~int64_t(15);
  t->tapeBytes += bytes;
  if (t->tapeBytes > t->tapePeak)
    t->tapePeak = t->tapeBytes;
  return bump(t->tapes, bytes);
}

/// Drops `cell` (pushed with `bytes`) if it is the newest on the tape
/// stack: a `tape_pop {release = true}` (autodiff's binomial checkpointing,
/// which pops its snapshots in the order it pushed them).
TDL_RT void tdl_rt_tape_release(void *cell, int64_t bytes) {
  ThreadState *t = state();
  if (!t || !cell)
    return;
  bytes = (bytes + 15) & ~int64_t(15);
  Chunk *c = t->tapes.cur;
  if (!c || c->used < bytes || c->data + c->used - bytes != cell)
    return;
  c->used -= bytes;
  t->tapeBytes -= bytes;
}

/// The tape stack's top (save[0..2]), saved by an exported call before it
/// runs, and by each iteration of a loop with `reclaim_tapes`.
TDL_RT void tdl_rt_tape_mark(void **save) {
  ThreadState *t = state();
  Chunk *c = t ? t->tapes.cur : nullptr;
  save[0] = c;
  save[1] = reinterpret_cast<void *>(c ? c->used : 0);
  save[2] = reinterpret_cast<void *>(t ? t->tapeBytes : 0);
}

/// Drops every tape cell pushed since tdl_rt_tape_mark(save).
TDL_RT void tdl_rt_tape_reset(void **save) {
  ThreadState *t = state();
  if (!t)
    return;
  Chunk *c = static_cast<Chunk *>(save[0]);
  t->tapes.cur = c;
  if (c)
    c->used = reinterpret_cast<int64_t>(save[1]);
  t->tapeBytes = reinterpret_cast<int64_t>(save[2]);
}

/// The most bytes of tape cells the calling thread held at once (cells
/// are rounded to 16 bytes and include their 16-byte header); with `reset`,
/// starts over from what it holds now. `tdlc run --backend=cpu --stats`.
TDL_RT int64_t tdl_rt_tape_peak(int32_t reset) {
  ThreadState *t = state();
  if (!t)
    return 0;
  int64_t peak = t->tapePeak;
  if (reset)
    t->tapePeak = t->tapeBytes;
  return peak;
}

/// The calling thread's "runs a part of a parallel loop" flag (Parallel.cpp);
/// null when memory is exhausted.
TDL_RT int32_t *tdl_rt_in_parallel_flag(void) {
  ThreadState *t = state();
  return t ? &t->inParallel : nullptr;
}

/// Lends the caller's `buffer` of `bytes` as the bottom of the calling
/// thread's frame stack until tdl_rt_workspace_return(save). Fails (returns
/// 0) while frames are live (a call from inside a generated function).
TDL_RT int32_t tdl_rt_workspace_lend(void *buffer, int64_t bytes, void **save) {
  ThreadState *t = state();
  if (!t || (t->frames.cur && t->frames.cur->used))
    return 0;
  Chunk *lent = static_cast<Chunk *>(static_cast<void *>(save + 2));
  uintptr_t data = reinterpret_cast<uintptr_t>(buffer);
  uintptr_t aligned = (data + kFrameAlign - 1) & ~uintptr_t(kFrameAlign - 1);
  lent->next = nullptr;
  lent->data = reinterpret_cast<char *>(aligned);
  lent->cap = bytes - int64_t(aligned - data);
  lent->used = 0;
  lent->block = nullptr;
  save[0] = t->frames.first;
  save[1] = t->frames.cur;
  t->frames.first = lent;
  t->frames.cur = nullptr;
  return 1;
}

TDL_RT void tdl_rt_workspace_return(void **save) {
  ThreadState *t = state();
  Chunk *lent = static_cast<Chunk *>(static_cast<void *>(save + 2));
  freeChain(lent->next); // chunks grown past the lent buffer
  t->frames.first = static_cast<Chunk *>(save[0]);
  t->frames.cur = static_cast<Chunk *>(save[1]);
}

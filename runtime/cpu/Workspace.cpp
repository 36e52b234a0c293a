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
// memory of an exported call is dropped when the call returns. The
// chunks of a thread are freed when the thread exits (a pthread key
// destructor) or by tdl_release_workspace(). An application can also lend a
// buffer (tdl_rt_workspace_lend): frames then go there until it is returned.
//
// In the JIT the thread-locals become plain globals (RuntimeLinker.cpp); the
// JIT runs one entry at a time.
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
  Chunk *next;     // the next chunk of the stack (cached once popped)
  char *data;      // kFrameAlign-aligned
  int64_t cap;     // usable bytes at `data`
  int64_t used;    // bytes in use by live frames
  void *block;     // what to free (null for a lent buffer)
};

struct Stack {
  Chunk *first = nullptr; // the bottom chunk
  Chunk *cur = nullptr;   // the chunk the top frame is in (null: empty)
};

/// Frames (and kernel scratch); autodiff's tape cells, which outlive the
/// function that pushes them and are dropped when the exported call ends.
thread_local Stack stack, tapeStack;

pthread_key_t stackKey;
pthread_once_t stackKeyOnce = PTHREAD_ONCE_INIT;

void freeChain(Chunk *c) {
  while (c) {
    Chunk *next = c->next;
    free(c->block);
    c = next;
  }
}

void destroyStack(void *) {
  freeChain(stack.first);
  stack.first = stack.cur = nullptr;
  freeChain(tapeStack.first);
  tapeStack.first = tapeStack.cur = nullptr;
}

void makeStackKey() { pthread_key_create(&stackKey, destroyStack); }

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
  if (!c) {
    pthread_once(&stackKeyOnce, makeStackKey);
    pthread_setspecific(stackKey, &stack);
  }
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

/// Pushes a frame of `bytes` (rounded up to 64) on the calling thread's
/// stack; `save[2]` receives what tdl_rt_frame_pop needs. Null when memory
/// is exhausted.
TDL_RT void *tdl_rt_frame_push(int64_t bytes, void **save) {
  Chunk *c = stack.cur;
  save[0] = c;
  save[1] = reinterpret_cast<void *>(c ? c->used : 0);
  return bump(stack, (bytes + kFrameAlign - 1) & ~(kFrameAlign - 1));
}

TDL_RT void tdl_rt_frame_pop(void **save) {
  Chunk *c = static_cast<Chunk *>(save[0]);
  stack.cur = c;
  if (c)
    c->used = reinterpret_cast<int64_t>(save[1]);
}

/// A tape cell of `bytes` (16-byte aligned), kept until the exported call
/// that pushed it returns (tdl_rt_tape_reset); null when memory is exhausted.
TDL_RT void *tdl_rt_tape_alloc(int64_t bytes) {
  return bump(tapeStack, (bytes + 15) & ~int64_t(15));
}

/// The tape stack's top, saved by an exported call before it runs.
TDL_RT void tdl_rt_tape_mark(void **save) {
  save[0] = tapeStack.cur;
  save[1] = reinterpret_cast<void *>(tapeStack.cur ? tapeStack.cur->used : 0);
}

/// Drops every tape cell pushed since tdl_rt_tape_mark(save).
TDL_RT void tdl_rt_tape_reset(void **save) {
  Chunk *c = static_cast<Chunk *>(save[0]);
  tapeStack.cur = c;
  if (c)
    c->used = reinterpret_cast<int64_t>(save[1]);
}

/// Frees the calling thread's cached frame memory (none may be live).
TDL_RT void tdl_rt_release_workspace(void) {
  if (stack.cur && stack.cur->used)
    return; // called from inside a generated function: keep it
  freeChain(stack.first);
  stack.first = stack.cur = nullptr;
}

/// Lends the caller's `buffer` of `bytes` as the bottom of the calling
/// thread's frame stack until tdl_rt_workspace_return(save). Fails (returns
/// 0) while frames are live (a call from inside a generated function).
TDL_RT int32_t tdl_rt_workspace_lend(void *buffer, int64_t bytes,
                                     void **save) {
  if (stack.cur && stack.cur->used)
    return 0;
  Chunk *lent = static_cast<Chunk *>(static_cast<void *>(save + 2));
  uintptr_t data = reinterpret_cast<uintptr_t>(buffer);
  uintptr_t aligned = (data + kFrameAlign - 1) & ~uintptr_t(kFrameAlign - 1);
  lent->next = nullptr;
  lent->data = reinterpret_cast<char *>(aligned);
  lent->cap = bytes - int64_t(aligned - data);
  lent->used = 0;
  lent->block = nullptr;
  save[0] = stack.first;
  save[1] = stack.cur;
  stack.first = lent;
  stack.cur = nullptr;
  return 1;
}

TDL_RT void tdl_rt_workspace_return(void **save) {
  Chunk *lent = static_cast<Chunk *>(static_cast<void *>(save + 2));
  freeChain(lent->next); // chunks grown past the lent buffer
  stack.first = static_cast<Chunk *>(save[0]);
  stack.cur = static_cast<Chunk *>(save[1]);
}

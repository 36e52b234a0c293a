//===- ParallelTest.cpp - the kernel runtime's thread pool ----------------===//
//
// The pool of runtime/cpu/Parallel.cpp, compiled natively: every part runs
// exactly once at every thread count, and tdl_rt_shutdown joins the workers
// (the JIT tears down the code they run right after it; a worker left
// waiting there crashed `tdlc run` at exit) and leaves later loops serial.
//
//===----------------------------------------------------------------------===//
#include "runtime/cpu/Parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <dirent.h>
#include <pthread.h>
#include <thread>
#include <vector>

extern "C" void tdl_rt_shutdown(void);
extern "C" void *tdl_rt_frame_push(int64_t bytes, void **save);
extern "C" void tdl_rt_frame_pop(void **save);

namespace {

/// Threads of this process (entries of /proc/self/task).
int threadCount() {
  int n = 0;
  if (DIR *d = opendir("/proc/self/task")) {
    while (dirent *e = readdir(d))
      n += e->d_name[0] != '.';
    closedir(d);
  }
  return n;
}

struct Record {
  std::vector<std::atomic<int>> runs;
  std::vector<pthread_t> by;
  explicit Record(int parts) : runs(parts), by(parts) {}
};

void recordPart(void *ctx, int64_t p) {
  auto *r = static_cast<Record *>(ctx);
  r->runs[p].fetch_add(1);
  r->by[p] = pthread_self();
  // Frames work in workers too (each has its own stack).
  void *save[2];
  char *f = static_cast<char *>(tdl_rt_frame_push(4096, save));
  ASSERT_NE(f, nullptr);
  f[0] = char(p);
  tdl_rt_frame_pop(save);
}

TEST(CpuPool, ShutdownJoinsTheWorkersAndLaterLoopsRunSerially) {
  // A sanitizer may start a helper thread of its own at the first
  // pthread_create (ThreadSanitizer does): create one first, so that the
  // counts below are the pool's alone.
  std::thread([] {}).join();
  int before = threadCount();
  tdl_rt_set_num_threads(3);
  for (int parts : {1, 2, 7, 64}) {
    Record r(parts);
    tdl_rt_parallel(parts, recordPart, &r);
    for (int p = 0; p < parts; ++p)
      EXPECT_EQ(r.runs[p].load(), 1) << parts << " parts, part " << p;
  }
  EXPECT_EQ(threadCount(), before + 2); // two workers and the caller

  tdl_rt_shutdown();
  EXPECT_EQ(threadCount(), before);

  Record r(16);
  tdl_rt_parallel(16, recordPart, &r);
  for (int p = 0; p < 16; ++p) {
    EXPECT_EQ(r.runs[p].load(), 1);
    EXPECT_TRUE(pthread_equal(r.by[p], pthread_self()));
  }
  EXPECT_EQ(threadCount(), before);
}

} // namespace

//===- bench_cpu_memory_bound.cpp - tdlc's memory-bound kernels -----------===//
//
// Calls the functions of cpu_memory_bound.tdl (compiled by tdlc into an
// object) and prints, per workload and thread count (arguments: repetitions,
// then thread counts; default 20 1 2), the median time of a steady-state call,
// the bytes it must move (inputs + outputs) as GB/s, and the heap
// allocations and minor page faults per steady-state call. malloc is counted
// through the linker's --wrap, so every call the object makes is seen.
// cpu_memory_bound.py runs this next to NumPy and PyTorch and prints ratios.
//
//===----------------------------------------------------------------------===//
#include "cpu_memory_bound.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>

extern "C" void *__real_malloc(size_t);
static long mallocCalls = 0;
extern "C" void *__wrap_malloc(size_t n) {
  ++mallocCalls;
  return __real_malloc(n);
}

static long minorFaults() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

static std::vector<float> randomData(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> d(-2.0f, 2.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = d(gen);
  return v;
}

static int threads = 1;

static void measure(const char *name, double bytes,
                    const std::function<int()> &call, int reps) {
  for (int i = 0; i < 3; ++i) // warm up: the frame stack grows here
    if (call() != 0) {
      std::fprintf(stderr, "%s failed: %s\n", name, tdl_last_error());
      std::exit(1);
    }
  std::vector<double> ms;
  long faults0 = minorFaults(), mallocs0 = mallocCalls;
  for (int i = 0; i < reps; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    call();
    auto t1 = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  long faults = minorFaults() - faults0, mallocs = mallocCalls - mallocs0;
  std::sort(ms.begin(), ms.end());
  double med = ms[ms.size() / 2];
  std::printf("%-16s %2d %9.3f ms %7.2f GB/s %6.2f faults/call %6.2f "
              "mallocs/call\n",
              name, threads, med, bytes / (med * 1e6), double(faults) / reps,
              double(mallocs) / reps);
}

int main(int argc, char **argv) {
  int reps = argc > 1 ? std::atoi(argv[1]) : 20;
  // Threads to measure with: the arguments after the repetitions (default
  // 1 and 2), through the object's tdl_set_num_threads.
  std::vector<int> counts;
  for (int i = 2; i < argc; ++i)
    counts.push_back(std::atoi(argv[i]));
  if (counts.empty())
    counts = {1, 2};
  const size_t n4m = 2048 * 2048, rows = 4096, cols = 1024;
  std::vector<float> x = randomData(n4m, 1), y = randomData(n4m, 2);
  std::vector<float> out(n4m);
  std::vector<float> r = randomData(rows * cols, 3), rout(rows * cols);
  std::vector<float> g = randomData(cols, 4), b = randomData(cols, 5);
  std::vector<float> lse(rows);
  float scalar = 0;
  double mb4 = 4.0 * n4m, rb = 4.0 * rows * cols;
  for (int count : counts) {
    threads = count;
    tdl_set_num_threads(count);
    measure(
        "ew_chain", 2 * mb4, [&] { return ew_chain(x.data(), out.data()); },
        reps);
    measure(
        "axpb", 3 * mb4, [&] { return axpb(x.data(), y.data(), out.data()); },
        reps);
    measure(
        "axpb_flat", 3 * mb4,
        [&] { return axpb_flat(x.data(), y.data(), out.data()); }, reps);
    measure(
        "softmax", 2 * rb, [&] { return softmax(r.data(), rout.data()); },
        reps);
    measure(
        "layer_norm", 2 * rb,
        [&] { return layer_norm(r.data(), g.data(), b.data(), rout.data()); },
        reps);
    measure(
        "logsumexp_rows", rb,
        [&] { return logsumexp_rows(r.data(), lse.data()); }, reps);
    measure(
        "total", mb4, [&] { return total(x.data(), &scalar); }, reps);
  }
  return 0;
}

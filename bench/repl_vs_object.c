// For bench/repl_vs_object.sh: times `summm` (an object tdlc wrote from
// bench/repl_vs_object.tdl) the way the REPL times `:time sum(a @ a)`:
// mean and standard deviation of 5 runs of N calls, N grown until a run
// takes 50 ms.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int32_t summm(const float *a, float *out0);
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}
int main(void) {
  float *a = malloc(512 * 512 * sizeof(float)), out;
  for (int i = 0; i < 512 * 512; ++i)
    a[i] = (float)((i * 7919) % 1000) / 1000.0f;
  long loops = 1;
  double s;
  for (;;) {
    double t0 = now();
    for (long i = 0; i < loops; ++i)
      summm(a, &out);
    s = now() - t0;
    if (s >= 0.05)
      break;
    loops *= s < 0.005 ? 10 : 2;
  }
  double t[5], mean = 0, var = 0;
  for (int r = 0; r < 5; ++r) {
    double t0 = now();
    for (long i = 0; i < loops; ++i)
      summm(a, &out);
    t[r] = (now() - t0) / loops;
    mean += t[r] / 5;
  }
  for (int r = 0; r < 5; ++r)
    var += (t[r] - mean) * (t[r] - mean) / 4;
  printf("%.3f ms +- %.3f ms per call (5 runs, %ld loops each) [%g]\n",
         mean * 1e3, sqrt(var) * 1e3, loops, out);
  return 0;
}

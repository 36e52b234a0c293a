/* The accelerator from C: the layer's result against a plain C loop, and
 * the statistics of the call. Prints "accel ok regions 1". */
#include "qlayer.h"

#include <stdio.h>

int main(void) {
  static int8_t x[32 * 64], w[64 * 32], y[32 * 32];
  for (int i = 0; i < 32 * 64; ++i) {
    x[i] = (int8_t)(i * 37 % 255 - 127);
    w[i] = (int8_t)(i * 91 % 253 - 126);
  }
  if (qlayer(x, w, y) != 0) {
    fprintf(stderr, "error: %s\n", tdl_last_error());
    return 1;
  }
  for (int r = 0; r < 32; ++r)
    for (int c = 0; c < 32; ++c) {
      int32_t acc = 0;
      for (int k = 0; k < 64; ++k)
        acc += x[r * 64 + k] * w[k * 32 + c];
      acc >>= 6;
      acc = acc < -128 ? -128 : acc > 127 ? 127 : acc;
      if (y[r * 32 + c] != acc) {
        printf("mismatch at %d,%d: %d, wanted %d\n", r, c, y[r * 32 + c], acc);
        return 1;
      }
    }
  TdlAccelCallStats s;
  tdl_accel_call_stats(&s);
  printf("accel ok regions %llu\n", (unsigned long long)s.regions);
  return s.cycles > 0 ? 0 : 1;
}

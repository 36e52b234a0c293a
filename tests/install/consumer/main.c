#include "model.h"
#include "stats.h"

#include <stdio.h>

int main(void) {
  float w[3] = {1, 2, 3}, b[3] = {0.5f, 0, -1}, x[3] = {1, 1, 1}, y[3];
  model_Layer layer = {w, b};
  model_apply_result r;
  stats_total_result t;
  r.out0 = y;
  if (model_apply(&layer, x, &r) != 0 || stats_total(y, &t) != 0) {
    fprintf(stderr, "error: %s\n", tdl_last_error());
    return 1;
  }
  printf("%g %g %g sum %g\n", y[0], y[1], y[2], t.out0);
  return 0;
}

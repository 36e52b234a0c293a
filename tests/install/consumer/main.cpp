#include "model.h"
#include "stats.h"

#include <array>
#include <cstdio>
#include <vector>

int main() {
  std::vector<float> w{1, 2, 3}, b{0.5f, 0, -1};
  std::array<float, 3> x{1, 1, 1}, y{};
  model::apply_result r{};
  r.out0 = y.data();
  float sum = 0;
  if (model::apply(model::Layer{w.data(), b.data()}, x, &r) != 0 ||
      stats::total(y, sum) != 0) {
    std::fprintf(stderr, "error: %s\n", model::last_error());
    return 1;
  }
  std::printf("%g %g %g sum %g\n", y[0], y[1], y[2], sum);
  return 0;
}

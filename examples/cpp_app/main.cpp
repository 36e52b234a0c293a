// Uses a tdlc-compiled model from C++ (docs/cpu-backend.md): the object and
// header come from `tdlc model.tdl -c -o model.o --header model.h`; nothing
// else is linked.
#include "model.h"

#include <cstdio>
#include <vector>

int main() {
  // Layer weights and five input rows, filled by simple formulas.
  std::vector<float> w(12), b{0.1f, -0.2f, 0.05f}, x(20);
  for (int i = 0; i < 12; ++i)
    w[i] = float((i * 7) % 5) * 0.5f - 1.0f;
  for (int i = 0; i < 20; ++i)
    x[i] = float(i % 6) * 0.25f - 0.5f;

  std::vector<float> probs(5 * 3);
  std::vector<int64_t> cls(5);
  if (model::classify(w, b, x, probs, cls) != 0) {
    std::fprintf(stderr, "classify failed: %s\n", model::last_error());
    return 1;
  }
  for (int r = 0; r < 5; ++r)
    std::printf("row %d: p = [%.4f, %.4f, %.4f] -> class %lld\n", r,
                probs[r * 3], probs[r * 3 + 1], probs[r * 3 + 2],
                (long long)cls[r]);

  // A run-time error comes back as a status and a message.
  std::vector<float> out(4);
  if (model::row(x, 7, out) != 0)
    std::printf("row(7): error: %s\n", model::last_error());
  if (model::row(x, 2, out) == 0)
    std::printf("row(2) = [%g, %g, %g, %g]\n", out[0], out[1], out[2], out[3]);
  return 0;
}

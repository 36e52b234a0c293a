/* Calls print_model's `show` as print_model.tdl's main does; `print` goes
   to stderr, or (argv[1] == "callback") through an installed callback that
   prefixes each line. */
#include "print_model.h"

#include <stdio.h>
#include <string.h>

static void collect(const char *text, void *user) {
  fprintf((FILE *)user, "cb: %s\n", text);
}

int main(int argc, char **argv) {
  float x[3] = {0.1f, 2.5f, -3.0f}, big[1200], total = 0;
  int i;
  for (i = 0; i < 1200; ++i)
    big[i] = (float)i * 0.5f;
  if (argc > 1 && strcmp(argv[1], "callback") == 0)
    tdl_set_print_callback(collect, stdout);
  if (show(x, big, 1.0 / 3.0, -7, &total) != 0) {
    fprintf(stderr, "error: %s\n", tdl_last_error());
    return 1;
  }
  (void)total;
  return 0;
}

/*===- CHeaderTest.c - the generated header from C99 -----------------------===
 *
 * Built with -std=c99 -Wall -Wextra -Werror: the header is C. The struct
 * forms must give exactly what the flat functions give, and the two
 * modules' objects link into one program without --prefix.
 *
 *===----------------------------------------------------------------------===*/
#include "header_model.h"
#include "other_model.h"

#include <stdio.h>
#include <string.h>

static int failures = 0;
#define EXPECT(cond)                                                           \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);      \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

int main(void) {
  float w[6] = {1, -2, 0.5f, 3, -1, 2}, b[2] = {0.25f, -0.5f};
  float k[2] = {1.5f, -3};
  float x[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, -3};
  header_model_Layer layer = {w, b, {k, 0.5f}};

  /* forward: struct form == flat form, and y = x @ w + b by hand. */
  float y_flat[8], s_flat, y[8];
  header_model_forward_result fr;
  EXPECT(forward(w, b, k, 0.5f, x, y_flat, &s_flat) == 0);
  fr.out0 = y;
  EXPECT(header_model_forward(&layer, x, &fr) == 0);
  EXPECT(memcmp(y, y_flat, sizeof y) == 0);
  EXPECT(fr.out1 == s_flat);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 2; ++j) {
      float v = b[j];
      for (int t = 0; t < 3; ++t)
        v += x[i * 3 + t] * w[t * 2 + j];
      EXPECT(y[i * 2 + j] == v);
    }

  /* update: a struct result through an _out struct of pointers. */
  float w2[6], b2[2], k2[2], s2 = 0;
  header_model_update_result ur;
  ur.out0.w = w2;
  ur.out0.b = b2;
  ur.out0.inner.k = k2;
  ur.out0.inner.s = &s2;
  EXPECT(header_model_update(&layer, 0.5f, 7, &ur) == 0);
  EXPECT(w2[1] == -1 && b2[0] == 1.25f && k2[1] == -6 && s2 == 1.5f);
  EXPECT(ur.out1 == 14);

  /* loss_grad: the gradient is a Layer; d/dk = s, d/ds = sum(k). */
  float gw[6], gb[2], gk[2], gw_flat[6], gb_flat[2], gk_flat[2];
  float gs = 0, gs_flat = 0;
  header_model_loss_grad_result gr;
  gr.out0.w = gw;
  gr.out0.b = gb;
  gr.out0.inner.k = gk;
  gr.out0.inner.s = &gs;
  EXPECT(header_model_loss_grad(&layer, x, &gr) == 0);
  EXPECT(loss_grad(w, b, k, 0.5f, x, gw_flat, gb_flat, gk_flat, &gs_flat) == 0);
  EXPECT(memcmp(gw, gw_flat, sizeof gw) == 0 && gs == gs_flat);
  EXPECT(gk[0] == 0.5f && gk[1] == 0.5f && gs == -1.5f);

  /* Errors: one message buffer, whichever module's accessor reads it. */
  float v4[4] = {1, 2, 3, 4}, v2[2] = {1, 2}, out = 0;
  header_model_at_result ar;
  EXPECT(header_model_at(v4, 2, &ar) == 0 && ar.out0 == 3);
  EXPECT(second(v2, 5, &out) != 0);
  EXPECT(strstr(tdl_last_error(), "index 5 out of range") != NULL);
  EXPECT(at(v4, -1, &out) != 0);
  EXPECT(strstr(tdl_last_error(), "index -1 out of range") != NULL);
  float sx[3] = {1, 2, 3}, sy[3];
  other_model_scale_result sr;
  sr.out0 = sy;
  EXPECT(other_model_scale(sx, 2, &sr) == 0 && sy[2] == 6);

  if (failures)
    return 1;
  printf("ok\n");
  return 0;
}

import numpy as np
from reference import emit

a, b, t0, t1 = np.array([1.0, -2.0]), 3.0, np.array([0.5, 0.25]), 4.0
qa, qb, qt0, qt1 = np.array([10.0, 20.0]), -1.0, np.array([1.0, 1.0]), 0.5


def emit_p(pa, pb, pt0, pt1):
    emit(pa, "f32"); emit(pb, "f32"); emit(pt0, "f32"); emit(pt1, "f64")


emit_p(-a, -b, -t0, -t1)
emit_p(qa - 2 * a, qb - 2 * b, qt0 - 2 * t0, qt1 - 2 * t1)
emit([-1.5, 2.5], "f32"); emit(-7.0, "f64")
# loss = sum((-a)^3) + (-b) * b + 2 * sum(-t0): d/da = -3 a^2, d/db = -2 b,
# d/dt0 = -2, d/dt1 = 0 (t.1 is unused)
emit_p(-3 * a * a, -2 * b, [-2.0, -2.0], 0.0)

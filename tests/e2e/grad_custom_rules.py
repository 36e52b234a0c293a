# NumPy reference for grad_custom_rules.tdl (independent of tdlc): the
# primals' true derivatives by central finite differences in f64 (the rules
# are exact, so they must match), second order by finite differences of
# hand-written gradients.
import numpy as np
from reference import emit, numgrad as fd, tolerance
tolerance(1e-6, 1e-8)
E = lambda v: emit(v, "f64")
sq2 = lambda x: x * x  # sqrt(x^4)


def loop(x, w):
    h = x
    for _ in range(3):
        h = np.sin(sq2(h * w) + h)
    return np.sum(sq2(h))


def loop_b(x, s):
    h = x
    for _ in range(2):
        h = np.cos(sq2(h) * s + h)
    return np.sum(h)


def along(f, args, tans, eps=1e-6):
    hi = [a + eps * t for a, t in zip(args, tans)]
    lo = [a - eps * t for a, t in zip(args, tans)]
    return (f(*hi) - f(*lo)) / (2 * eps)


x = np.array([0.0, 0.7, -0.4, 0.3]); w = np.array([0.9, 0.0, -0.6, 0.5])
tx = np.array([0.5, -1.0, 0.25, 2.0]); tw = np.array([1.0, 0.5, -0.5, 0.0])
dy = np.array([1.0, -2.0, 0.5, 3.0])
# jvp / grad of the loop with the vjp rule, then with the forward rule.
E(loop(x, w)); E(along(loop, [x, w], [tx, tw]))
E(fd(loop, [x, w], 0)); E(fd(loop, [x, w], 1))
E(fd(loop, [x, w], 0)); E(fd(loop, [x, w], 1))
E(loop(x, w)); E(along(loop, [x, w], [tx, tw]))
E(fd(lambda a: sq2(a) * dy, [x], 0))
# Both rules, with the scale parameter.
s = 1.5
E(fd(loop_b, [x, s], 0)); E(fd(loop_b, [x, s], 1))
E(loop_b(x, s)); E(along(loop_b, [x, s], [tx, 0.75]))
# Hessian-vector products of sum(sin(c x^2) x): gradient 2c x^2 cos(c x^2) + sin(c x^2).
for c in (1.0, 1.0, 1.5):
    g = lambda a, c=c: 2 * c * a * a * np.cos(c * a * a) + np.sin(c * a * a)
    E(g(x)); E(along(g, [x], [tx]))
# std.math softplus: sum(softplus(x) (x + 1)); gradient sigmoid(x) (x + 1) + softplus(x).
softplus = lambda a: np.logaddexp(0.0, a)
sig = lambda a: 1 / (1 + np.exp(-a))
gsp = lambda a: sig(a) * (a + 1) + softplus(a)
E(fd(lambda a: softplus(a) * (a + 1), [x], 0)); E(gsp(x)); E(along(gsp, [x], [tx]))

# Reference for reduce_extremes.tdl (independent of tdlc): max/min as the
# definition states them -- the first NaN, else the first extreme (ties
# between -0 and +0 keep the earlier one) -- written as plain Python loops.
import math
import numpy as np
from reference import emit

f = np.float32


def first_extreme(xs, larger):
    best = None
    for v in xs:
        if best is None:
            best = v
        elif math.isnan(best):
            break
        elif math.isnan(v) or (v > best if larger else v < best):
            best = v
    return best


def rows(a, larger):
    return [first_extreme(list(r), larger) for r in a]


x = ((np.arange(9 * 200) * 37 + 11) % 1000).astype(f) * f(0.1) - f(50.0)
x = x.reshape(9, 200)
nan, inf = float("nan"), float("inf")
x[1, 3] = nan
x[2, 199] = nan
x[3, 20] = nan
x[3, 150] = nan
x[4] = -inf
x[5] = -0.0
x[5, 100] = 0.0
x[6] = 0.0
x[6, 101] = -0.0
x[7, 77] = inf
x[7, 199] = -inf
emit(rows(x, True), "f32")
emit(rows(x, False), "f32")
with np.errstate(divide="ignore"):
    emit(f(1.0) / np.array(rows(x[5:7], True), f), "f32")
    emit(f(1.0) / np.array(rows(x[5:7], False), f), "f32")
emit(rows(x * f(2.0) - f(1.0), True), "f32")
emit(rows(np.abs(x) + f(0.5), False), "f32")
emit(rows(x.T, True)[0:12], "f32")
emit(first_extreme(list(x[0]), True), "f32")
emit(first_extreme(list(x[8]), False), "f32")
emit(first_extreme(list(x[2]), True), "f32")
d = (((np.arange(3 * 131) * 13) % 97).astype(np.float64) - 48.0).reshape(3, 131)
d[1, 130] = nan
emit(rows(d, True), "f64")
emit(rows(d, False), "f64")

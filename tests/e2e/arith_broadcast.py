import numpy as np
from reference import emit
f = np.float32
a = np.array([[1, 2, 3], [4, 5, 6]], f)
col = np.array([[10], [20]], f)
row = np.array([0.5, -1.5, 2.0], f)
s = a * col - row / f(2) + f(1)
p = a ** f(2) - (-a) * f(0.25)
c = (a > f(2.5)) == (col < f(15))
d = np.array([1, 4, 9], np.float64)
e = np.sqrt(d) * np.exp(d * 0) + np.log(d) - np.fmod(np.abs(-d), 2.5)
i = np.array([[7, -7], [9, 4]], np.int32)
div = np.array([2, 3], np.int32)
q = np.trunc(i / div).astype(np.int32) + np.fmod(i, div) * 10
t = np.tanh(a) + 1 / (1 + np.exp(a)) + np.sin(a) * np.cos(a) + 1 / np.sqrt(a)
m = (np.maximum(a, f(2.5)) - np.minimum(row, f(0)) + np.power(a, row) + np.sign(row - f(0.5))
     + np.floor(a / f(4)) + np.ceil(row) + np.round(row))
for v, t_ in [(s, "f32"), (p, "f32"), (c, "bool"), (e, "f64"), (q, "i32"), (t, "f32"), (m.sum(), "f32")]:
    emit(v, t_)

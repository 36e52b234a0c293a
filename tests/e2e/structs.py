import numpy as np
from reference import emit
f = np.float32
m = {"w1": np.array([[1, -1, 0.5], [0.5, 2, -1]], f), "b1": np.array([0.1, 0.2, 0.3], f),
     "w2": np.array([[1], [-0.5], [2]], f), "b2": np.array([0.25], f),
     "e0": f(2), "e1": np.array([3, 4], f)}
g = {"w1": np.ones((2, 3), f), "b1": np.array([1, 2, 3], f),
     "w2": np.ones((3, 1), f), "b2": np.array([-1], f),
     "e0": f(1), "e1": np.array([0.5, 0.5], f)}
keys = ["w1", "b1", "w2", "b2", "e0", "e1"]
st = {k: m[k] - f(0.1) * g[k] for k in keys}
x = np.array([[1, 2], [-1, 0.5], [0, 0], [3, -2]], f)
h = np.maximum(x @ st["w1"] + st["b1"], 0)
emit((h @ st["w2"] + st["b2"]) * st["e0"], "f32")
for k in keys:                       # a struct result prints leaf by leaf
    emit((m[k] + m[k]) / f(2), "f32")
emit(st["e1"], "f32")
emit([1.0], "f32")                   # (q, p) = swap(([1], [2, 3])) reversed back
emit([2.0, 3.0], "f32")

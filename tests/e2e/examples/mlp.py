# NumPy reference for examples/mlp.tdl (random draws from reference.py's
# independent Philox4x32-10).
import numpy as np
from reference import emit, normal, uniform
f = np.float32
w1 = normal(42, (8, 16)) * f(0.1)
w2 = normal(43, (16, 3)) * f(0.1)
x = uniform(7, (4, 8), lo=-1.0, hi=1.0)
h = np.maximum(x @ w1, 0)
z = h @ w2
e = np.exp(z - z.max(axis=1, keepdims=True))
p = e / e.sum(axis=1, keepdims=True)
emit(p, "f32")
emit(p.argmax(axis=1), "i64")

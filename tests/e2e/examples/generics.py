# NumPy reference for examples/generics.tdl.
import numpy as np
from reference import emit
f = np.float32
x = np.array([[1, -2, 3], [-4, 5, -6]], f)
y = x @ np.ones((3, 2), f) + np.array([0.5, -0.5], f)
emit(np.maximum(y, 0), "f32")
emit(np.maximum(np.array([-1, 0, 2.5]), 0), "f64")
img = np.broadcast_to(np.arange(4, dtype=f), (2, 3, 4))
emit(img.reshape(2, 12), "f32")
emit(np.concatenate([y, [[7, 8]]], axis=0), "f32")

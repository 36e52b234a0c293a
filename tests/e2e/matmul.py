import numpy as np
from reference import emit
f = np.float32
a = np.array([[1, 2, 3], [-1, 0.5, 2]], f)
b = np.array([[0.5, -1, 2], [1, 1, 0], [2, 3, -0.5]], f)
v = np.array([1, -2, 0.5], f)
emit(a @ b.T @ np.array([[1, 0], [0, 1], [1, 1]], f), "f32")
emit(v @ b, "f32")
emit(a @ v, "f32")
emit(np.broadcast_to(np.arange(3, dtype=f), (2, 2, 3)) @ b, "f32")
emit(np.dot([1.0, 2, 3], [4.0, -5, 6]), "f64")
emit(np.outer([1.0, 2, 3], [10.0, -1]), "f64")
x8 = np.array([[100, 100, 100], [-128, 127, 1]], np.int32)
y8 = np.array([[100, 1], [100, 2], [100, 3]], np.int32)
emit(x8 @ y8, "i32")  # accumulated in i32: no i8 overflow
emit(a @ a.T, "f32")

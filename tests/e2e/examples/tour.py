# NumPy reference for examples/tour.tdl.
import numpy as np
from reference import emit
f = np.float32
a = np.array([[1, 2, 3], [4, 5, 6]], f)
b = a * f(2) + np.array([10, 20, 30], f)
v = np.array([3, 1, 4, 1, 5], f)
norm = np.sqrt(f(3) * f(3) + f(4) * f(4))
count = sum(1 for i in range(10) if i % 3 != 0)
label = 1 if count > 5 else 0
for x, t in [(b, "f32"), (v.mean(), "f32"), (v.max(), "f32"), (norm, "f32"),
             (b.T.T, "f32"), (norm, "f32"), (count + label, "i32")]:
    emit(x, t)

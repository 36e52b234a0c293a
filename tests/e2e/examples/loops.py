# NumPy reference for examples/loops.tdl.
import numpy as np
from reference import emit
x = 2.0
for _ in range(6):
    x = 0.5 * (x + 2.0 / x)
emit(x, "f64")
n, steps = 27, 0
while n != 1:
    n = n // 2 if n % 2 == 0 else 3 * n + 1
    steps += 1
emit(steps, "i64")
acc = np.zeros(4, np.float32)
for i in range(5):
    acc = acc + np.float32(i)
    acc[0] += 1
emit(acc, "f32")

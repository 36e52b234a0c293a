import numpy as np
from reference import emit
x = np.arange(12, dtype=np.float32).reshape(4, 3)
emit(x[1:3, :2], "f32")
emit(x[-1, -2], "f32")
emit(x[:, 1][1:], "f32")
y = np.zeros((4, 3), np.float32)
for i in range(4):
    y[i] = x[i] * i
    y[i, 2] += 100
y[1:3, 0:2] = [[-1, -2], [-3, -4]]
y[0, :] = 7
emit(y, "f32")
d = np.zeros(4, np.float32)
for i in range(3):
    d[i + 1] = x[i, i]
emit(d, "f32")
fib = np.array([0, 1, 0, 0, 0], np.int64)
for i in range(2, 5):
    fib[i] = fib[i - 1] + fib[i - 2]
emit(fib, "i64")
z = x.copy()
z[-1] = x[0] - x[-1]
emit(z, "f32")

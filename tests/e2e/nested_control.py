import numpy as np
from reference import emit

emit(-1, "i32")          # report(-2.0)
emit(2.5, "f32")         # report(2.5)
m = np.array([1, 2, 3], np.float32)
k = 0
printed = []
while k < 3:
    k2 = k + 1
    if k2 % 2 == 0:
        printed.append(m[k2 - 1])
    else:
        m = m + 1
    m[k] *= 10
    k = k2
for p in printed:
    emit(p, "f32")

v = [0.5, -1.0, 3.0, 1.5, 0.25, 2.0]
hist = np.zeros(4, np.float32)
for x in v:
    hist[0 if x < 0 else 1 if x < 1 else 2 if x < 2 else 3] += 1
emit(sum(np.float32(x) for x in v), "f32")
emit(hist, "f32")

count, last = 0, (0, 0)
for i in range(7):
    if i % 3 == 0:
        continue
    for j in range(i):
        if i * j > 12:
            break
        count += 1
        last = (i, j)
emit(count * 1000 + last[0] * 10 + last[1], "i64")
emit(count, "i64")

def first_big(limit):
    for i in range(1, 10):
        n = i
        while n != 1:
            if n > limit:
                return i
            n = n // 2 if n % 2 == 0 else 3 * n + 1
    return -1
emit(first_big(20), "i64")
emit(first_big(10000), "i64")
emit(m, "f32")

import math
from reference import emit

def classify(x):
    return -1 if x < 0 else 0 if x == 0 else 1 if x < 10 else 2

def find_first(v, t):
    for i, e in enumerate(v):
        if e > t:
            return i
    return -1

def find_pair(n):
    for i in range(1, 10):
        for j in range(1, 10):
            if i * j == n:
                return i, j
    return 0, 0

emit([classify(x) for x in [-3, 0, 5, 50]], "i32")
v = [1, 4, -2, 9, 3, 12]
emit(find_first(v, 3.5), "i64")
emit(find_first(v, 100), "i64")
pi, pj = find_pair(12)
emit(pi * 10 + pj, "i64")
total = last = 0
for i in range(100):
    if total + i * i > 50:
        break
    total += i * i
    last = i
emit(total * 100 + last, "i64")
n = odd = 0
while n < 20:
    n += 1
    if n % 2 == 0 or n % 3 == 0:
        continue
    odd += n
emit(odd, "i64")
emit(math.gcd(1071, 462), "i64")
acc, steps = 1.0, 0
while acc < 1000:
    acc = acc * 3 if steps % 2 == 0 else acc + 7
    steps += 1
emit(acc, "f32")
emit(steps, "i32")
emit(n, "i64")

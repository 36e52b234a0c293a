import os, sys
sys.path.insert(0, os.path.dirname(__file__))
from tasmref import random_fill, fmt

a = random_fill(11, 64 * 64)
wblocks = random_fill(12, 64 * 64)
# W is stored as WGT blocks: (nb, kb) -> 16x16 [o][k] at element nb*4 + kb.
def w(n, k):
    nb, o, kb, kk = n // 16, n % 16, k // 16, k % 16
    return wblocks[((nb * 4 + kb) * 16 + o) * 16 + kk]
c = []
for i in range(64):
    for j in range(64):
        s = sum(a[i * 64 + k] * w(j, k) for k in range(64))
        c.append(min(max(s >> 11, -128), 127))
print(fmt("i8", [64, 64], c))

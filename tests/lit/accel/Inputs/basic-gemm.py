import os, sys
sys.path.insert(0, os.path.dirname(__file__))
from tasmref import random_fill, matmul_wt, i8, fmt

a = random_fill(1, 64, "i8", -20, 20)
w = random_fill(2, 256, "i8")
c = [i8(v) for v in matmul_wt(a, w, 4, 16, 16)]
print(fmt("i8", [4, 16], c))
print(fmt("i8", [64], c))

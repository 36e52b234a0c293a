import numpy as np
from reference import emit

def wrap(values, bits):
    # two's complement wraparound, computed exactly on Python ints
    m = 1 << bits
    return [((v + m // 2) % m) - m // 2 for v in values]

small = [120, -120, 100, 1]
emit(wrap([a + b for a, b in zip(small, [10, -10, 100, 127])], 8), "i8")
emit(wrap([a * b + c for a, b, c in zip([2147483647, -2147483647, 65536], [2, 3, 65536], [1, -10, 0])], 32), "i32")
s = [1, -16, 255]
emit([(v << 3) + (v >> 2) + (v & 12) + (v | 3) + (v ^ 5) for v in s], "i64")

def sat(x, lo=-2**31, hi=2**31 - 1):
    if x != x:
        return 0
    t = int(x)  # truncates toward zero
    return max(lo, min(hi, t))
f32 = np.float32
vals = [f32(3.7), f32(-3.7), f32(1e10), f32(-1e10), f32("nan"), f32(2147483520.0)]
emit([sat(float(v)) for v in vals], "i32")
emit(wrap([300, -129, 255, 128], 8), "i8")
emit(np.array([16777217, -3, 7], np.int64).astype(np.float32), "f32")
emit([-v * 3 for v in [1, -2, 3, -4]], "i32")
emit([False, True, True], "bool")

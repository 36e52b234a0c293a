# NumPy reference for quant_numpy.tdl (used by check_accel.py): int8 GEMMs
# and convolutions with i32 wrapping accumulation, std.quant's requantize
# (add 2^(s-1), arithmetic shift, clamp) and narrowing casts.
import numpy as np
from reference import emit


def gen(n, a, c):
    return (np.arange(n, dtype=np.int64) * a + c) % 256 - 128


def wrap32(x):
    return (x + 2**31) % 2**32 - 2**31


def requantize(acc, s):
    rounding = (1 << (s - 1)) if s > 0 else 0
    return np.clip(wrap32(acc + rounding) >> s, -128, 127)


def narrow(x):
    return (x + 128) % 256 - 128


def conv(x, w, stride=(1, 1), pad=(0, 0, 0, 0), dil=(1, 1), groups=1):
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[1]), (pad[2], pad[3])))
    oh = (h + pad[0] + pad[1] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + pad[2] + pad[3] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, oh, ow), np.int64)
    per = o // groups
    for oc in range(o):
        g = oc // per
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, g * cg:(g + 1) * cg,
                           i * dil[0]:i * dil[0] + stride[0] * (oh - 1) + 1:stride[0],
                           j * dil[1]:j * dil[1] + stride[1] * (ow - 1) + 1:stride[1]]
                out[:, oc] += np.einsum("nchw,c->nhw", patch, w[oc, :, i, j])
    return wrap32(out)


a = gen(185, 37, 11).reshape(5, 37)
b = gen(703, 53, 7).reshape(37, 19)
emit(requantize(a @ b, 6), "i8")
emit(requantize(gen(37, 29, 3) @ b, 5), "i8")
emit(requantize(a @ gen(37, 31, 5), 4), "i8")
x3 = gen(120, 41, 9).reshape(2, 3, 20)
w3 = gen(280, 43, 1).reshape(2, 20, 7)
emit(requantize(x3 @ w3, 0), "i8")
x5 = gen(80, 13, 2).reshape(4, 20)
w5 = gen(180, 17, 3).reshape(20, 9)
bias = np.arange(9) * 1000 - 4000
emit(np.maximum(requantize(x5 @ w5 + bias, 8), 0), "i8")
col = ((np.arange(5) * 977 + 3) % 70000 - 35000).reshape(5, 1)
b6 = gen(703, 53, 29).reshape(37, 19)
emit(narrow(wrap32(a @ b6 + col) >> 6), "i8")

x = gen(792, 37, 11).reshape(2, 4, 9, 11)
w = gen(72, 53, 7).reshape(6, 2, 3, 2)
cb = (np.arange(6) * 300 - 800).reshape(1, 6, 1, 1)
emit(requantize(conv(x, w, (2, 2), (1, 0, 2, 1), (1, 2), 2) + cb, 7), "i8")
xd = gen(294, 29, 3).reshape(1, 6, 7, 7)
wd = gen(54, 31, 5).reshape(6, 1, 3, 3)
emit(requantize(wrap32(conv(xd, wd, groups=6) * 3 - 50), 4), "i8")
x1 = gen(245, 41, 9).reshape(1, 5, 7, 7)
w1 = gen(40, 43, 1).reshape(8, 5, 1, 1)
emit(np.maximum(requantize(conv(x1, w1), 5), 0), "i8")
x4 = gen(120, 13, 2).reshape(2, 4, 5, 3)
w4 = gen(64, 17, 3).reshape(4, 4, 2, 2)
emit(narrow(np.clip(conv(x4, w4, (2, 1), (1, 1, 1, 1), (2, 2)) >> 3, -100, 100)), "i8")

wl = gen(400, 37, 11).reshape(20, 20)
h = gen(60, 29, 3).reshape(3, 20)
for i in range(3):
    h = np.maximum(requantize(h @ wl, 6), 0)
    if i == 1:
        h = requantize(h @ wl, 5)
emit(h, "i8")

# NumPy reference for avg_pool_int.tdl (independent of tdlc): exact sums in
# Python integers, then floor((sum + area // 2) / area).
import numpy as np
from reference import emit

def avg(x, win, stride, pad):
    x = np.pad(x.astype(object), [(0, 0), (0, 0), (pad, pad), (pad, pad)],
               constant_values=0)
    N, C, H, W = x.shape
    OH, OW = (H - win) // stride + 1, (W - win) // stride + 1
    area = win * win
    y = np.zeros((N, C, OH, OW), dtype=object)
    for i in range(OH):
        for j in range(OW):
            s = x[:, :, i*stride:i*stride+win, j*stride:j*stride+win].sum(axis=(2, 3))
            y[:, :, i, j] = (s + area // 2) // area
    return y

a = ((np.arange(32) * 37 % 256) - 128).reshape(1, 2, 4, 4)
ties = np.array([1, 0, -1, 0, 1, 0, -1, 0, 3, 0, -3, 0, 1, 1, -1, -1,
                 127, 127, -128, -128, 127, 127, -128, -128,
                 5, -7, 9, -11, 13, -15, 17, -19]).reshape(1, 2, 4, 4)
big = (np.arange(16) * 100000000 - 700000000).reshape(1, 1, 4, 4)
u = (np.arange(16) * -3000000000000 + 7).reshape(1, 1, 4, 4)
emit(avg(ties, 2, 2, 0), "i8")
emit(avg(a, 3, 2, 1), "i8")
emit(avg(big, 2, 2, 0), "i32")
emit(avg(u, 2, 2, 0), "i64")

import numpy as np
from reference import emit
f = np.float32
x = (np.arange(50, dtype=f) * f(0.1) - f(2)).reshape(1, 2, 5, 5)
w = (np.arange(36, dtype=f) * f(0.05) - f(0.4)).reshape(2, 2, 3, 3)

def conv(x, w, stride=(1, 1), pad=(0, 0, 0, 0), dil=(1, 1), groups=1):
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad[0], pad[1]), (pad[2], pad[3])))
    oh = (h + pad[0] + pad[1] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + pad[2] + pad[3] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, oh, ow))
    per = o // groups
    for oc in range(o):
        gi = oc // per
        for i in range(oh):
            for j in range(ow):
                patch = xp[0, gi * cg:(gi + 1) * cg,
                           i * stride[0]:i * stride[0] + dil[0] * (kh - 1) + 1:dil[0],
                           j * stride[1]:j * stride[1] + dil[1] * (kw - 1) + 1:dil[1]]
                out[0, oc, i, j] = (patch * w[oc]).sum()
    return out

def pool(x, k, s, op):
    n, c, h, wd = x.shape
    oh, ow = (h - k) // s + 1, (wd - k) // s + 1
    out = np.zeros((n, c, oh, ow))
    for ch in range(c):
        for i in range(oh):
            for j in range(ow):
                out[0, ch, i, j] = op(x[0, ch, i * s:i * s + k, j * s:j * s + k])
    return out

emit(conv(x, w, stride=(2, 2), pad=(1, 1, 1, 1)), "f32")
emit(pool(x, 2, 2, np.max), "f32")
emit(pool(x, 3, 2, np.mean), "f32")
wg = (np.arange(36, dtype=f) * f(0.1) - f(1.5)).reshape(4, 1, 3, 3)
emit(conv(x, wg, groups=2, dil=(2, 2), pad=(1, 1, 1, 1)), "f32")
emit(conv(x, w, stride=(2, 1), pad=(0, 1, 1, 0)), "f32")

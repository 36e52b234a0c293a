# NumPy reference for conv_grad.tdl: gradients by central finite differences.
import numpy as np
from reference import emit, numgrad, tolerance
tolerance(1e-6, 1e-8)


def conv(x, w, stride=(1, 1), pad=(0, 0, 0, 0), dil=(1, 1), groups=1):
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[1]), (pad[2], pad[3])))
    oh = (h + pad[0] + pad[1] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + pad[2] + pad[3] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    og = o // groups
    y = np.zeros((n, o, oh, ow))
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dil[0], j * dil[1]
            patch = xp[:, :, r0:r0 + stride[0] * (oh - 1) + 1:stride[0],
                       c0:c0 + stride[1] * (ow - 1) + 1:stride[1]]
            for g in range(groups):
                y[:, g * og:(g + 1) * og] += np.einsum(
                    "nchw,oc->nohw", patch[:, g * cg:(g + 1) * cg],
                    w[g * og:(g + 1) * og, :, i, j])
    return y


def cot(y):
    return np.sum(y * y * 0.5 + np.sin(y))


def inp(shape, seed):
    return np.sin(np.arange(np.prod(shape)) * 0.37 + seed).reshape(shape)


cases = [
    ((2, 3, 5, 5), (4, 3, 3, 3), {}),
    ((2, 3, 7, 8), (4, 3, 3, 2), dict(stride=(2, 3), pad=(1, 0, 0, 1))),
    ((2, 3, 6, 5), (4, 3, 2, 3), dict(dil=(2, 1), pad=(1, 0, 1, 1))),
    ((2, 4, 6, 6), (4, 2, 3, 3), dict(groups=2, stride=(2, 2), pad=(1, 1, 1, 1))),
    ((2, 2, 3, 4), (4, 1, 3, 3), dict(groups=2, pad=(1, 1, 1, 0))),
    ((2, 3, 8, 9), (4, 3, 2, 3), dict(stride=(3, 3), dil=(1, 2))),
]
for k, (xs, ws, kw) in enumerate(cases):
    x = inp(xs, 0.1 + 0.2 * k)
    w = inp(ws, 0.2 + 0.2 * k) * 0.3
    f = lambda x, w: cot(conv(x, w, **kw))
    emit(numgrad(f, [x, w], 0), "f64")
    emit(numgrad(f, [x, w], 1), "f64")

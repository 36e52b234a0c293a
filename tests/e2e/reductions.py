import numpy as np
from reference import emit
x = np.array([[[1.0, -2.0, 3.0, 0.5], [4.0, 5.0, -6.0, 2.0], [0.0, 7.0, 1.5, -1.0]],
              [[2.0, 2.0, -3.0, 8.0], [-4.0, 1.0, 6.0, 0.0], [3.0, -7.0, 2.5, 1.0]]], np.float32)
def lse(v, axis=None):
    v = v.astype(np.float64)
    m = v.max(axis=axis, keepdims=True)
    return (np.log(np.exp(v - m).sum(axis=axis, keepdims=True)) + m).squeeze(axis)
emit(x.sum(), "f32")
emit(x.sum(axis=(0, 2)), "f32")
emit(x[:, 0, :].mean(axis=1, keepdims=True), "f32")
emit(x.max(axis=(0, 1)), "f32")
emit(x[:, 2, :].min(axis=-1), "f32")
emit(x.prod(axis=1, keepdims=True), "f32")
emit(x[:, 1, :].argmax(axis=1), "i64")
emit(x.argmin(), "i64")
emit(x[0].argmax(axis=0), "i64")
emit(lse(x[:, 0, :] * 100, axis=1), "f32")
emit(lse(np.array([1000.0, 1000.0, -1000.0])), "f64")

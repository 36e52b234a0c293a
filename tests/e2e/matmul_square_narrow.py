import numpy as np
from reference import emit


def mk(m, k, s, dt):
    i = np.arange(m)[:, None]
    j = np.arange(k)[None, :]
    return ((i * 7 + j * (3 + s)) % 11 - 5).astype(dt)


emit(mk(16, 19, 0, np.int32) @ mk(19, 16, 1, np.int32), "i32")
emit(mk(16, 5, 2, np.int32) @ mk(5, 16, 3, np.int32), "i32")
emit(mk(16, 3, 4, np.int64) @ mk(3, 16, 5, np.int64), "i64")
emit(mk(16, 7, 6, np.float64) @ mk(7, 16, 7, np.float64), "f64")
emit(mk(24, 9, 8, np.float32) @ mk(9, 24, 9, np.float32), "f32")
emit(mk(24, 33, 10, np.int32) @ mk(33, 24, 11, np.int32), "i32")
emit(mk(8, 17, 12, np.int32) @ mk(17, 8, 13, np.int32), "i32")

import numpy as np
from reference import emit
f = np.float32
x = np.arange(12, dtype=f).reshape(2, 3, -1)
emit(np.transpose(x, (1, 0, 2)), "f32")
m = np.array([[1, 2], [3, 4], [5, 6]], f)
mt = m.T
bt = np.broadcast_to(np.array([1, 2, 3], f), (2, 3))
emit(mt, "f32")
emit(bt, "f32")
ed = np.array([1, 2, 3], f)[None, :, None]
emit(ed, "f32")
emit(ed.squeeze(), "f32")
emit(np.concatenate([mt, bt], axis=0), "f32")
emit(np.stack([mt, bt], axis=0), "f32")
emit(np.pad(mt, [(1, 1), (0, 2)], constant_values=-1), "f32")
emit(np.flip(bt * mt, axis=1), "f32")
i, j = np.indices((2, 3))
emit(j * 10 + i, "i32")
emit(np.eye(3) * 2, "f64")
emit(np.full((2, 2), 7), "i64")
emit(np.eye(4)[[2, 0, 3]], "f32")
emit(np.where(mt > 2.5, mt, -mt), "f32")
emit(np.clip(mt, 2, 4.5), "f32")

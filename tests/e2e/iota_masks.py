import numpy as np
from reference import emit
labels = np.array([3, 0, 1, 3, 2])
hot = np.eye(4, dtype=np.float32)[labels] * np.float32(2) + np.float32(0.5)
rows, cols = np.indices((4, 4))
scores = np.arange(16, dtype=np.float32).reshape(4, 4) * np.float32(0.25)
causal = np.where(cols <= rows, scores, np.float32(-1))
wide = (np.broadcast_to(np.arange(200), (2, 200)).astype(np.int8) + np.int8(1)).astype(np.int8)
i, j = np.indices((3, 2))
d = i * 0.5 + j
a, b = np.indices((3, 5))
s = (b * a).sum(axis=1).astype(np.int32)
t = np.broadcast_to(np.arange(3, dtype=np.float32), (2, 3)).T - np.float32(1)
for v, ty in [(hot, "f32"), (causal, "f32"), (wide, "i8"), (d, "f64"), (s, "i32"), (t, "f32")]:
    emit(v, ty)

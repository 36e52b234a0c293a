# NumPy reference for pack_splice.tdl (independent of tdlc).
import numpy as np
from reference import emit
x = np.arange(24, dtype=np.float32).reshape(2, 12)
y = (x * np.float32(0.5)).reshape(2, 3, 4)
emit(y, "f32")
emit(y.reshape(2, 12) + np.float32(1.0), "f32")
emit(y[1].reshape(3, 4, 1), "f32")
emit([6, 5, 7], "i64")

import numpy as np
from reference import emit
v = np.pad(np.array([1, 2, 3], np.float32), [(1, 3)], constant_values=-1.5)
m = np.pad(np.arange(6, dtype=np.int32).reshape(2, 3), [(2, 0), (0, 3)], constant_values=9)
c = np.pad(np.arange(6, dtype=np.float64).reshape(1, 2, 3) * 0.5, [(0, 1), (1, 0), (0, 1)],
           constant_values=7.25)
q = np.pad(np.arange(6, dtype=np.int8).reshape(1, 1, 2, 3), [(1, 1), (0, 0), (0, 0), (1, 1)],
           constant_values=-3)
b = np.pad(np.array([[True, False]]), [(1, 0), (1, 1)], constant_values=True)
same = np.arange(15, dtype=np.float32).reshape(5, 3)
for x, t in [(v, "f32"), (m, "i32"), (c, "f64"), (q, "i8"), (b, "bool"), (same, "f32")]:
    emit(x, t)

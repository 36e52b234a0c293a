# NumPy reference for literal_inference.tdl (independent of tdlc).
import numpy as np
from reference import emit
x = np.array([0.1, 0.2, 0.3], np.float64)
emit(4.0 + 2.0, "f64")
emit(1.0 + np.exp(np.float64(-4.0)), "f64")
emit(np.sqrt(np.float64(2.0)) * 1.5 - 0.25, "f64")
acc = sum(range(200))
emit(acc, "i64")
emit(x * (np.float64(1.0) / np.float64(3.0)) + np.tanh(np.float64(0.5)), "f64")
emit(3000000000 + acc, "i64")
emit(np.float32(0.1), "f32")

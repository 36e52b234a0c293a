import numpy as np
from reference import emit, uniform, normal, repeat
repeat()
emit(uniform(42, (2, 3)), "f32")
emit(uniform(7, (5,), lo=-1.0, hi=3.0), "f32")
emit(uniform(-5, (3,), dtype="f64"), "f64")
emit(normal(123, (2, 2)), "f32")
emit(normal(9, (4,), mean=10.0, std=2.0, dtype="f64"), "f64")
emit(True, "bool")

# NumPy reference for grad_checkpoint.tdl (independent of tdlc): finite
# differences of the plain functions; the checkpointed gradients must equal
# the plain ones exactly (the program compares them with ==).
import numpy as np
from reference import emit, numgrad, tolerance
tolerance(1e-6, 1e-8)
E = lambda v: emit(v, "f64")
B = lambda v: emit(v, "bool")

def cell(h, w): return np.tanh(h @ w) * 0.9 + np.sin(h) * 0.1
def rnn(x, w):
    h = x
    for i in range(60): h = cell(h, w)
    return np.sum(h * h)
def nest(x, w):
    a = x
    for i in range(9):
        for j in range(7): a = np.sin(a * w) + a * 0.5
        a = a * 0.9 if i % 2 == 0 else np.tanh(a)
    return np.sum(a)
def steps(h, w):
    a = h
    for k in range(12): a = np.sin(a * w) * 0.8 + a * 0.3
    return a
def outer(x, w):
    h = x
    for i in range(5): h = steps(h, w)
    return np.sum(h)

x = np.array([0.3, -0.2, 0.5, 0.1])
w = np.array([[0.5, -0.3, 0.2, 0.1], [0.1, 0.4, -0.2, 0.3], [-0.3, 0.2, 0.6, -0.1], [0.2, 0.1, -0.4, 0.5]])
E(numgrad(rnn, [x, w], 0)); E(numgrad(rnn, [x, w], 1)); B(True); B(True)
y = np.array([0.4, -0.7, 1.1])
E(numgrad(nest, [y, 1.3], 0)); E(numgrad(nest, [y, 1.3], 1)); B(True); B(True)
E(numgrad(outer, [y, 1.2], 0)); E(numgrad(outer, [y, 1.2], 1))
t = np.array([1.0, 0.5, -0.5, 2.0]); eps = 1e-6
E((rnn(x + eps * t, w) - rnn(x - eps * t, w)) / (2 * eps))

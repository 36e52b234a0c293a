# NumPy reference for grad_checkpoint_binomial.tdl (independent of tdlc):
# finite differences of the plain functions; the checkpointed gradients must
# equal the plain ones exactly (the program compares them with ==).
import numpy as np
from reference import emit, numgrad, tolerance
tolerance(1e-6, 1e-8)
E = lambda v: emit(v, "f64")
B = lambda v: emit(v, "bool")

def cell(h, w): return np.tanh(h @ w) * 0.9 + np.sin(h) * 0.1
def rnn(x, w):
    h = x
    for i in range(80): h = cell(h, w) + x * 0.3 + i * 0.001
    return np.sum(h * h)
def nest(x, w):
    a = x
    for i in range(9):
        for j in range(13): a = np.sin(a * w) * 0.6 + x * 0.4
        a = a * 0.9 if i % 2 == 0 else np.tanh(a)
    return np.sum(a)

def grow(x, w):
    a = x; n = 0
    while np.sum(a) < 2.5 and n < 500:
        a = np.sin(a * w) * 0.5 + a * 0.55 + 0.01; n += 1
    return np.sum(a * a)
def brk(x, w):
    a = x
    for i in range(400):
        a = np.sin(a * w) * 0.5 + a * 0.55 + 0.01
        if np.sum(a) > 2.5: break
    return np.sum(a * a)

x = np.array([0.3, -0.2, 0.5, 0.1])
w = np.array([[0.5, -0.3, 0.2, 0.1], [0.1, 0.4, -0.2, 0.3], [-0.3, 0.2, 0.6, -0.1], [0.2, 0.1, -0.4, 0.5]])
E(numgrad(rnn, [x, w], 0)); E(numgrad(rnn, [x, w], 1)); B(True); B(True)
E(rnn(x, w)); B(True)
y = np.array([0.4, -0.7, 1.1])
E(numgrad(nest, [y, 1.3], 0)); E(numgrad(nest, [y, 1.3], 1)); B(True); B(True)
z = np.array([0.1, 0.2, -0.05])
E(numgrad(grow, [z, 1.1], 0)); E(numgrad(grow, [z, 1.1], 1)); B(True)
E(numgrad(brk, [z, 1.1], 0)); E(numgrad(brk, [z, 1.1], 1)); B(True)

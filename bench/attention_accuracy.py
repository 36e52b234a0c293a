#!/usr/bin/env python3
"""Normwise error of an attention gradient in f32: tdlc against PyTorch.

Usage (docs/performance.md "Accuracy"):
  /usr/bin/python3 bench/attention_accuracy.py build/bin/tdlc

Compiles attention_accuracy.tdl into a shared object (tdlc -c, then cc
-shared), calls its f32 and f64 gradients through ctypes on the same inputs,
and does the same in PyTorch (float32 and float64 autograd). Each f32
gradient is compared with the f64 gradient of the same implementation:
||g32 - g64|| / ||g64|| over dq, dk and dv together.
"""
import ctypes
import os
import subprocess
import sys
import tempfile

import numpy as np

try:
    import torch
except ImportError:
    torch = None

HERE = os.path.dirname(os.path.abspath(__file__))
T, D = 128, 64


def build(tdlc, tmp):
    obj = os.path.join(tmp, "att.o")
    so = os.path.join(tmp, "att.so")
    subprocess.run([tdlc, os.path.join(HERE, "attention_accuracy.tdl"), "-O2",
                    "-c", "-o", obj], check=True)
    subprocess.run(["cc", "-shared", "-o", so, obj, "-lm"], check=True)
    return ctypes.CDLL(so)


def tdlc_grads(lib, inputs, dtype, name):
    args = [np.ascontiguousarray(a, dtype=dtype) for a in inputs]
    outs = [np.zeros((T, D), dtype=dtype) for _ in range(3)]
    ptr = lambda a: a.ctypes.data_as(ctypes.c_void_p)
    fn = getattr(lib, name)
    fn.restype = ctypes.c_int32
    if fn(*[ptr(a) for a in args + outs]) != 0:
        sys.exit(f"{name} failed")
    return np.concatenate([o.ravel().astype(np.float64) for o in outs])


def torch_grads(inputs, dtype):
    q, k, v, w = [torch.tensor(a, dtype=dtype, requires_grad=i < 3)
                  for i, a in enumerate(inputs)]
    p = torch.softmax((q @ k.T) * 0.125, dim=1)
    ((p @ v) * w).sum().backward()
    return np.concatenate([t.grad.numpy().ravel().astype(np.float64)
                           for t in (q, k, v)])


def rel(a, ref):
    return np.linalg.norm(a - ref) / np.linalg.norm(ref)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        lib = build(sys.argv[1], tmp)
        print(f"{'scale':>6} {'tdlc f32':>10} {'torch f32':>10}")
        for scale in (1.0, 4.0):
            inputs = [rng.uniform(-scale, scale, (T, D)) for _ in range(4)]
            # Both precisions see the same (f32-representable) inputs.
            inputs = [a.astype(np.float32).astype(np.float64) for a in inputs]
            e_tdlc = rel(tdlc_grads(lib, inputs, np.float32, "grad_f32"),
                         tdlc_grads(lib, inputs, np.float64, "grad_f64"))
            line = f"{scale:6.1f} {e_tdlc:10.2e}"
            if torch is not None:
                e_torch = rel(torch_grads(inputs, torch.float32),
                              torch_grads(inputs, torch.float64))
                line += f" {e_torch:10.2e}"
            print(line)


if __name__ == "__main__":
    main()

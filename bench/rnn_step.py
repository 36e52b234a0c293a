#!/usr/bin/env python3
"""A tanh RNN's value_and_grad (T=50, batch 32, hidden 256): tdlc against
PyTorch CPU.

Usage (docs/performance.md "Training steps"):
  /usr/bin/python3 bench/rnn_step.py build/bin/tdlc [THREADS]

Compiles rnn_step.tdl (tdlc -O3 -march=native -c, then cc -shared), calls
rnn_value_and_grad through ctypes on the same random inputs and weights as
the PyTorch version (torch.set_num_threads(THREADS), default 1; tdlc gets
TDL_NUM_THREADS the same), prints the median time of tdlc alone, then
of both timed call by call in turn on one thread (bench_util.
interleaved_ms; one after the other with more threads), the ratio
of those and tdlc's share of the FLOP roofline (2 * multiply-adds of the forward and
backward matmuls / (0.8 * 200 GF/s per thread)). Checks that the losses
and gradients agree.
"""
import ctypes
import os
import sys

import numpy as np

from bench_util import (compare_ms, load_tdl, median_ms, random_params,
                        threads_from_argv)

HERE = os.path.dirname(os.path.abspath(__file__))
T, B, I, H, C = 50, 32, 64, 256, 10
SHAPES = [(I, H), (H, H), (H,), (H, C)]
PEAK_GFLOPS = 200.0  # FMA peak of one core of this machine


def flops():
    fwd = 2 * T * B * H * (I + H) + 2 * B * H * C
    # Backward: dh Whᵀ, dWh += hᵀ dz, dWx += xᵀ dz, dx = dz Wxᵀ, readout.
    bwd = 2 * T * B * H * (H + H + I + I) + 2 * 2 * B * H * C
    return fwd + bwd


def main():
    threads = threads_from_argv(sys.argv, __doc__)
    rng = np.random.default_rng(0)
    params = random_params(rng, SHAPES)
    xs = rng.normal(0, 1, (T, B, I)).astype(np.float32)
    labels = rng.integers(0, C, B).astype(np.int32)
    lib = load_tdl(sys.argv[1], os.path.join(HERE, "rnn_step.tdl"))
    grads = [np.zeros(s, np.float32) for s in SHAPES]
    dxs = np.zeros_like(xs)
    loss = ctypes.c_float()
    ptr = lambda a: a.ctypes.data_as(ctypes.c_void_p)
    args = ([ptr(p) for p in params] + [ptr(xs), ptr(labels),
            ctypes.byref(loss)] + [ptr(g) for g in grads] + [ptr(dxs)])
    step = lambda: lib.rnn_value_and_grad(*args)
    if step() != 0:
        sys.exit("rnn_value_and_grad failed")
    tdlc_loss = loss.value
    tdlc_ms = median_ms(step, reps=30, warmup=5)
    roofline_ms = flops() / (0.8 * PEAK_GFLOPS * threads * 1e9) * 1e3
    print(f"tdlc  value_and_grad: {tdlc_ms:8.3f} ms (loss {tdlc_loss:.6f}, "
          f"{roofline_ms / tdlc_ms:.2f} of the FLOP roofline)")
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(threads)
    net = [torch.tensor(p, requires_grad=True) for p in params]
    tx = torch.tensor(xs, requires_grad=True)
    tl = torch.tensor(labels, dtype=torch.long)

    def torch_step():
        wx, wh, b, wo = net
        h = torch.zeros(B, H)
        for t in range(T):
            h = torch.tanh(tx[t] @ wx + h @ wh + b)
        l = torch.nn.functional.cross_entropy(h @ wo, tl)
        return l, torch.autograd.grad(l, net + [tx])

    torch_loss, torch_grads = torch_step()
    print(f"torch loss {torch_loss.item():.6f}")
    compare_ms(step, torch_step, threads, reps=40)
    for mine, theirs in zip(grads + [dxs], torch_grads):
        theirs = theirs.numpy()
        err = np.abs(mine - theirs).max() / max(np.abs(theirs).max(), 1e-30)
        if err > 1e-4:
            sys.exit(f"the gradients differ (relative max error {err:.2e})")
    if abs(torch_loss.item() - tdlc_loss) > 1e-4 * abs(tdlc_loss):
        sys.exit("the losses differ")


if __name__ == "__main__":
    main()

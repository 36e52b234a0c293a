#!/usr/bin/env python3
"""A LeNet training step (batch 32): tdlc against PyTorch CPU.

Usage (docs/performance.md "Training steps"):
  /usr/bin/python3 bench/lenet_step.py build/bin/tdlc [THREADS]

Compiles lenet_step.tdl (tdlc -O3 -march=native -c, then cc -shared),
calls train_step through ctypes on the same random batch and weights as
the PyTorch version of the network (torch.set_num_threads(THREADS), default
1; tdlc gets TDL_NUM_THREADS the same), and prints the median step time of
tdlc alone, then of both timed call by call in turn on one thread
(bench_util.interleaved_ms: the shared machine's load drifts; with more
threads one after the other, since either pool's spinning workers would
slow the other) and the ratio of those.
Also checks that the two losses agree.
"""
import ctypes
import os
import sys

import numpy as np

from bench_util import (compare_ms, load_tdl, median_ms, random_params,
                        threads_from_argv)

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPES = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (256, 120), (120,),
          (120, 10), (10,)]


def main():
    threads = threads_from_argv(sys.argv, __doc__)
    rng = np.random.default_rng(0)
    params = random_params(rng, SHAPES)
    x = rng.uniform(0, 1, (32, 1, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, 32).astype(np.int32)
    lib = load_tdl(sys.argv[1], os.path.join(HERE, "lenet_step.tdl"))
    outs = [np.zeros(s, np.float32) for s in SHAPES]
    loss = ctypes.c_float()
    ptr = lambda a: a.ctypes.data_as(ctypes.c_void_p)
    args = ([ptr(p) for p in params] + [ptr(x), ptr(labels),
            ctypes.c_float(0.01)] + [ptr(o) for o in outs] +
            [ctypes.byref(loss)])
    step = lambda: lib.train_step(*args)
    if step() != 0:
        sys.exit("train_step failed")
    tdlc_loss = loss.value
    tdlc_ms = median_ms(step, reps=30, warmup=5)
    print(f"tdlc  step: {tdlc_ms:8.3f} ms (loss {tdlc_loss:.6f})")
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(threads)
    net = [torch.tensor(p, requires_grad=True) for p in params]
    tx, tl = torch.tensor(x), torch.tensor(labels, dtype=torch.long)
    F = torch.nn.functional

    def torch_step():
        c1, b1, c2, b2, w3, b3, w4, b4 = net
        h = F.max_pool2d(F.relu(F.conv2d(tx, c1, b1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, c2, b2)), 2)
        h = F.relu(h.reshape(32, 256) @ w3 + b3)
        l = F.cross_entropy(h @ w4 + b4, tl)
        grads = torch.autograd.grad(l, net)
        with torch.no_grad():
            return [p - 0.01 * g for p, g in zip(net, grads)], l

    torch_loss = torch_step()[1].item()
    print(f"torch loss {torch_loss:.6f}")
    compare_ms(step, torch_step, threads, reps=60)
    if abs(torch_loss - tdlc_loss) > 1e-4 * abs(torch_loss):
        sys.exit("the losses differ")


if __name__ == "__main__":
    main()

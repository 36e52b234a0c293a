#!/usr/bin/env python3
"""Memory-bound kernels: tdlc against NumPy and PyTorch CPU, one thread.

Usage (docs/performance.md "Memory-bound kernels"):
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 \
      bench/cpu_memory_bound.py build/bench/bench_cpu_memory_bound

Runs the tdlc object's harness (bench_cpu_memory_bound.cpp) at 1 and 2
threads and the same workloads written in NumPy (one thread) and PyTorch
(the same thread count) in this process, and prints the median time of
each, the ratios, and tdlc's share of the streaming roofline (bytes moved /
50 GB/s). PyTorch is optional (Debian's python3-torch).
"""
import os
import subprocess
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np

from bench_util import median_ms

try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    torch = None

STREAM_GBS = 50.0  # this machine's streaming bandwidth (docs/performance.md)


def workloads(xp, x, y, r, g, b):
    """The functions of cpu_memory_bound.tdl in NumPy (xp=np) or torch."""
    if xp is np:
        sig = lambda v: 1.0 / (1.0 + np.exp(-v))
        amax = lambda v: v.max(axis=1, keepdims=True)
        rs = lambda v: 1.0 / np.sqrt(v)
    else:
        sig = torch.sigmoid
        amax = lambda v: v.amax(dim=1, keepdim=True)
        rs = torch.rsqrt
    x1, y1 = x.reshape(-1), y.reshape(-1)  # rank 1 views, no copies

    def softmax():
        if xp is np:
            e = np.exp(r - amax(r))
            return e / e.sum(axis=1, keepdims=True)
        return torch.softmax(r, dim=1)

    def layer_norm():
        if xp is np:
            mu = r.mean(axis=1, keepdims=True)
            d = r - mu
            v = (d * d).mean(axis=1, keepdims=True)
            return d * rs(v + 1e-5) * g + b
        return torch.nn.functional.layer_norm(r, (r.shape[1],), g, b, 1e-5)

    def lse():
        if xp is np:
            m = amax(r)
            return np.log(np.exp(r - m).sum(axis=1)) + m[:, 0]
        return torch.logsumexp(r, dim=1)

    return {
        "ew_chain": lambda: xp.tanh(x * 0.5 + 0.1) * sig(x) + x * x,
        "axpb": lambda: x * 2.0 + y,
        "axpb_flat": lambda: x1 * 2.0 + y1,
        "softmax": softmax,
        "layer_norm": layer_norm,
        "logsumexp_rows": lse,
        "total": lambda: x.sum(),
    }


def run_tdlc(binary):
    """{(workload, threads): figures} from the harness (1 and 2 threads)."""
    out = subprocess.run([binary, "20", "1", "2"], check=True,
                         capture_output=True, text=True)
    rows = {}
    for line in out.stdout.splitlines():
        f = line.split()
        rows[(f[0], int(f[1]))] = {"ms": float(f[2]), "gbs": float(f[4]),
                                   "faults": float(f[6]),
                                   "mallocs": float(f[8])}
    return rows


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    tdlc = run_tdlc(sys.argv[1])
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, (2048, 2048)).astype(np.float32)
    y = rng.uniform(-2, 2, (2048, 2048)).astype(np.float32)
    r = rng.uniform(-2, 2, (4096, 1024)).astype(np.float32)
    g = rng.uniform(-2, 2, 1024).astype(np.float32)
    b = rng.uniform(-2, 2, 1024).astype(np.float32)
    peers = {"numpy": workloads(np, x, y, r, g, b)}
    if torch is not None:
        t = [torch.from_numpy(a) for a in (x, y, r, g, b)]
        peers["torch"] = workloads(torch, *t)
    head = (f"{'workload':16} {'thr':>3} {'tdlc ms':>9} {'GB/s':>7} "
            f"{'roofline':>8}")
    for p in peers:
        head += f" {p + ' ms':>10} {p + '/tdlc':>11}"
    head += f" {'faults':>7} {'mallocs':>8}"
    print(head)
    # NumPy runs these on one thread; PyTorch gets the same thread count.
    for (name, threads), row in tdlc.items():
        if torch is not None:
            torch.set_num_threads(threads)
        line = (f"{name:16} {threads:3d} {row['ms']:9.3f} {row['gbs']:7.2f} "
                f"{row['gbs'] / STREAM_GBS:8.2f}")
        for p, fns in peers.items():
            ms = median_ms(fns[name])
            line += f" {ms:10.3f} {ms / row['ms']:11.2f}"
        line += f" {row['faults']:7.2f} {row['mallocs']:8.2f}"
        print(line)


if __name__ == "__main__":
    main()

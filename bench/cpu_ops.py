#!/usr/bin/env python3
"""Common tensor operations: tdlc against NumPy and PyTorch CPU, one thread.

Usage (docs/performance.md "Other workloads"):
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 \\
      bench/cpu_ops.py build/bin/tdlc [CASE ...]

Compiles cpu_ops.tdl (tdlc -O3 -march=native -c, cc -shared), then for
each function times the tdlc call, the same operation in NumPy and in
PyTorch, call by call in turn (bench_util.interleaved_ms), and prints the
medians and the ratios (> 1: tdlc is faster). Each tdlc result is first
checked against NumPy's (or PyTorch's where NumPy has no such op), so a
fast wrong answer cannot pass. The search for slow paths that the
memory-bound suite (cpu_memory_bound.py) does not cover: a matrix-vector
product ran at 26x NumPy's time, a row argmax at 70x, a column variance at
10x and a transpose at 3x PyTorch's before they were fixed.
"""
import ctypes
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ["TDL_NUM_THREADS"] = "1"
import numpy as np

from bench_util import interleaved_ms, load_tdl

try:
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
except ImportError:
    torch = None

HERE = os.path.dirname(os.path.abspath(__file__))


def cases(rng):
    """(name, inputs, output, numpy fn or None, torch fn) per function of
    cpu_ops.tdl."""
    f32 = lambda *s: rng.uniform(-2, 2, s).astype(np.float32)
    T = torch.from_numpy if torch else None
    X, Y, b, c = f32(2048, 2048), f32(2048, 2048), f32(2048), f32(2048, 1)
    P = np.abs(X) + 0.1
    H1, H2 = f32(2048, 1024), f32(2048, 1024)
    D = X.astype(np.float64)
    I = rng.integers(-1000, 1000, (2048, 2048)).astype(np.int32)
    s1, s2 = f32(64), f32(64)
    C, R = f32(1024, 4096), f32(4096, 1024)
    CX, CW, DW = f32(1, 64, 56, 56), f32(64, 64, 3, 3) * 0.1, f32(64, 1, 3, 3)
    A3, B3 = f32(32, 128, 64), f32(32, 64, 128)
    MP, Q = f32(32, 64, 56, 56), f32(64, 256, 256)
    out = lambda shape, dt=np.float32: np.empty(shape, dt)

    def np_colsoftmax():
        e = np.exp(C - C.max(0, keepdims=True))
        return e / e.sum(0, keepdims=True)

    def np_lsm():
        m = R.max(1, keepdims=True)
        return R - np.log(np.exp(R - m).sum(1, keepdims=True)) - m

    return [
        ("colsum", [X], out(2048), lambda: X.sum(0), lambda: T(X).sum(0)),
        ("rowsum", [X], out(2048), lambda: X.sum(1), lambda: T(X).sum(1)),
        ("colmax", [X], out(2048), lambda: X.max(0), lambda: T(X).amax(0)),
        ("rowmax", [X], out(2048), lambda: X.max(1), lambda: T(X).amax(1)),
        ("transp", [X], out((2048, 2048)), lambda: np.ascontiguousarray(X.T),
         lambda: T(X).t().contiguous()),
        ("transp_add", [X, Y], out((2048, 2048)), lambda: X.T + Y,
         lambda: T(X).t() + T(Y)),
        ("addrow", [X, b], out((2048, 2048)), lambda: X + b,
         lambda: T(X) + T(b)),
        ("addcol", [X, c], out((2048, 2048)), lambda: X + c,
         lambda: T(X) + T(c)),
        ("expx", [X], out((2048, 2048)), lambda: np.exp(X),
         lambda: torch.exp(T(X))),
        ("logx", [P], out((2048, 2048)), lambda: np.log(P),
         lambda: torch.log(T(P))),
        ("sqrtx", [P], out((2048, 2048)), lambda: np.sqrt(P),
         lambda: torch.sqrt(T(P))),
        ("relux", [X], out((2048, 2048)), lambda: np.maximum(X, 0),
         lambda: torch.relu(T(X))),
        ("leaky", [X], out((2048, 2048)), lambda: np.where(X > 0, X, X * 0.1),
         lambda: torch.where(T(X) > 0, T(X), T(X) * 0.1)),
        ("argmaxr", [X], out(2048, np.int64), lambda: X.argmax(1),
         lambda: T(X).argmax(1)),
        ("colmean_var", [X], out(2048), lambda: X.var(0),
         lambda: T(X).var(0, unbiased=False)),
        ("slice_half", [X], out((2048, 1024)),
         lambda: np.ascontiguousarray(X[:, 512:1536]),
         lambda: T(X)[:, 512:1536].contiguous()),
        ("cat", [H1, H2], out((2048, 2048)),
         lambda: np.concatenate((H1, H2), 1),
         lambda: torch.cat((T(H1), T(H2)), 1)),
        ("gemv", [X, b], out(2048), lambda: X @ b, lambda: T(X) @ T(b)),
        ("f64chain", [D], out((2048, 2048), np.float64), lambda: D * 2 + D * D,
         lambda: T(D) * 2 + T(D) * T(D)),
        ("i32chain", [I], out((2048, 2048), np.int32), lambda: I * 3 + (I >> 2),
         lambda: T(I) * 3 + (T(I) >> 2)),
        ("small_add", [s1, s2], out(64), lambda: s1 + s2,
         lambda: T(s1) + T(s2)),
        ("colsoftmax", [C], out((1024, 4096)), np_colsoftmax,
         lambda: torch.softmax(T(C), 0)),
        ("conv", [CX, CW], out((1, 64, 56, 56)), None,
         lambda: F.conv2d(T(CX), T(CW), padding=1)),
        ("conv_dw", [CX, DW], out((1, 64, 56, 56)), None,
         lambda: F.conv2d(T(CX), T(DW), padding=1, groups=64)),
        ("bmm", [A3, B3], out((32, 128, 128)), lambda: A3 @ B3,
         lambda: T(A3) @ T(B3)),
        ("maxpool", [MP], out((32, 64, 28, 28)), None,
         lambda: F.max_pool2d(T(MP), 2, 2)),
        ("powx", [P], out((2048, 2048)), lambda: np.power(P, np.float32(1.5)),
         lambda: torch.pow(T(P), 1.5)),
        ("sinx", [X], out((2048, 2048)), lambda: np.sin(X),
         lambda: torch.sin(T(X))),
        ("absclamp", [X], out((2048, 2048)),
         lambda: np.clip(np.abs(X), 0.1, 0.9),
         lambda: torch.clamp(torch.abs(T(X)), 0.1, 0.9)),
        ("perm3", [Q], out((256, 64, 256)),
         lambda: np.ascontiguousarray(Q.transpose(1, 0, 2)),
         lambda: T(Q).permute(1, 0, 2).contiguous()),
        ("lsm", [R], out((4096, 1024)), np_lsm,
         lambda: torch.log_softmax(T(R), 1)),
    ]


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    if torch is None:
        raise SystemExit("cpu_ops.py needs PyTorch (Debian's python3-torch)")
    lib = load_tdl(sys.argv[1], os.path.join(HERE, "cpu_ops.tdl"))
    lib.tdl_set_num_threads(1)
    only = set(sys.argv[2:])
    ptr = lambda a: a.ctypes.data_as(ctypes.c_void_p)
    print(f"{'case':12s} {'tdlc ms':>9s} {'NumPy ms':>9s} {'torch ms':>9s} "
          f"{'NumPy/tdlc':>10s} {'torch/tdlc':>10s}")
    for name, ins, out, np_fn, torch_fn in cases(np.random.default_rng(0)):
        if only and name not in only:
            continue
        fn = getattr(lib, name)
        args = [ptr(a) for a in ins] + [ptr(out)]
        call = lambda: fn(*args)
        if call() != 0:
            raise SystemExit(f"{name}: the tdlc call failed")
        want = np_fn() if np_fn else torch_fn().numpy()
        if out.dtype.kind == "f":
            ok = np.allclose(out, want, rtol=1e-4, atol=1e-4, equal_nan=True)
        else:
            ok = np.array_equal(out, want)
        if not ok:
            raise SystemExit(f"{name}: tdlc's result differs from the peer's")
        fns = [call] + ([np_fn] if np_fn else []) + [torch_fn]
        times = interleaved_ms(fns, reps=15, warmup=2)
        t, tt = times[0], times[-1]
        tn = times[1] if np_fn else float("nan")
        print(f"{name:12s} {t:9.3f} {tn:9.3f} {tt:9.3f} {tn / t:10.2f} "
              f"{tt / t:10.2f}", flush=True)


if __name__ == "__main__":
    main()

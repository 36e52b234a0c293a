#!/usr/bin/env python3
"""The cpu backend's int8 throughput (MACs/s) on the layers of
bench/accel_networks: the measurement the accelerator cost model's
`HostMacsPerSecond` (backends/accel/offload/Partition.h) is calibrated on.

Usage (docs/performance.md "Layouts across regions, weights packed once,
the host rate measured"):
  /usr/bin/python3 bench/accel_host_rate.py build/bin/tdlc [--reps N]

Compiles accel_host_rate.tdl (tdlc -O3 -march=native -c, one thread:
TDL_NUM_THREADS=1 as the cost model assumes one core), calls each exported
layer on random int8 inputs and prints its median time and MACs/s, then the
geometric mean of the dense layers (GEMMs and full convs) and the
depthwise layer's rate apart.
"""
import argparse
import ctypes
import math
import os
import sys

import numpy as np

from bench_util import load_tdl, median_ms

HERE = os.path.dirname(os.path.abspath(__file__))

# name: (input shape, weight shape, bias shape, result shape, MACs)
LAYERS = {
    "gru_zr": ((8, 384), (384, 512), (512,), (8, 512), 8 * 384 * 512),
    "conv3_64_32": ((1, 64, 32, 32), (64, 64, 3, 3), (1, 64, 1, 1),
                    (1, 64, 32, 32), 64 * 64 * 9 * 32 * 32),
    "conv3_256_8": ((1, 256, 8, 8), (256, 256, 3, 3), (1, 256, 1, 1),
                    (1, 256, 8, 8), 256 * 256 * 9 * 8 * 8),
    "pw_128_256_8": ((1, 128, 8, 8), (256, 128, 1, 1), (1, 256, 1, 1),
                     (1, 256, 8, 8), 128 * 256 * 8 * 8),
    "pw_512_512_2": ((1, 512, 2, 2), (512, 512, 1, 1), (1, 512, 1, 1),
                     (1, 512, 2, 2), 512 * 512 * 2 * 2),
    "dw_128_16": ((1, 128, 16, 16), (128, 1, 3, 3), (1, 128, 1, 1),
                  (1, 128, 16, 16), 128 * 9 * 16 * 16),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tdlc")
    ap.add_argument("--reps", type=int, default=30)
    args = ap.parse_args()
    os.environ["TDL_NUM_THREADS"] = "1"
    lib = load_tdl(args.tdlc, os.path.join(HERE, "accel_host_rate.tdl"))
    rng = np.random.default_rng(0)
    ptr = lambda a: a.ctypes.data_as(ctypes.c_void_p)
    dense = []
    for name, (xs, ws, bs, rs, macs) in LAYERS.items():
        x = rng.integers(-128, 128, xs, dtype=np.int8)
        w = rng.integers(-128, 128, ws, dtype=np.int8)
        b = rng.integers(-1000, 1000, bs, dtype=np.int32)
        r = np.zeros(rs, np.int8)
        fn = getattr(lib, name)
        call = lambda: fn(ptr(x), ptr(w), ptr(b), ptr(r))
        if call() != 0:
            sys.exit(f"{name} failed")
        ms = median_ms(call, reps=args.reps, warmup=3)
        rate = macs / (ms / 1e3)
        if not name.startswith("dw"):
            dense.append(rate)
        print(f"{name:14s} {macs:10d} MACs {ms:8.3f} ms {rate / 1e9:6.2f} G MACs/s")
    geo = math.exp(sum(map(math.log, dense)) / len(dense))
    print(f"dense layers: geomean {geo / 1e9:.2f} G MACs/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

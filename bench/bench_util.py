"""Helpers shared by the Python benchmark scripts in bench/."""
import ctypes
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np


def _clock():
    """The timer: wall time, or with BENCH_CLOCK=thread the calling thread's
    CPU time (time.thread_time), which a loaded machine's descheduling does
    not inflate; it counts no other thread, so only for one-thread runs."""
    if os.environ.get("BENCH_CLOCK") == "thread":
        return time.thread_time
    return time.perf_counter


def median_ms(fn, reps=20, warmup=3):
    """Median time (_clock) of fn() in milliseconds, after `warmup` calls."""
    clock = _clock()
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(reps):
        t0 = clock()
        fn()
        ts.append((clock() - t0) * 1e3)
    return statistics.median(ts)


def interleaved_ms(fns, reps=40, warmup=5):
    """Median wall times (ms) of each of `fns`, called in turn: each round
    times every function once, so load from the shared machine lands on
    all of them alike rather than on whichever ran while it lasted."""
    clock = _clock()
    for _ in range(warmup):
        for fn in fns:
            fn()
    times = [[] for _ in fns]
    for _ in range(reps):
        for fn, ts in zip(fns, times):
            t0 = clock()
            fn()
            ts.append((clock() - t0) * 1e3)
    return [statistics.median(ts) for ts in times]


def load_tdl(tdlc, source, flags=()):
    """Compiles `source` with tdlc -O3 -march=native -c (and `flags`), links
    it into a shared library and loads it with ctypes."""
    with tempfile.TemporaryDirectory() as tmp:
        obj, so = os.path.join(tmp, "model.o"), os.path.join(tmp, "model.so")
        subprocess.run([tdlc, source, "-O3", "-march=native", "-c", "-o", obj,
                        *flags], check=True)
        subprocess.run(["cc", "-shared", "-o", so, obj, "-lm"], check=True)
        return ctypes.CDLL(so)


def compare_ms(tdl_step, torch_step, threads, reps):
    """Median times (ms) of tdlc's and PyTorch's step. One thread: call by
    call in turn (the machine's load drifts). More threads: one after the
    other, since either pool's spinning workers would take the cores the
    other needs. Prints both and the ratio."""
    if threads == 1:
        tdlc_ms, torch_ms = interleaved_ms([tdl_step, torch_step], reps=reps)
    else:
        tdlc_ms = median_ms(tdl_step, reps=reps // 2, warmup=5)
        torch_ms = median_ms(torch_step, reps=reps // 2, warmup=5)
    print(f"compared: tdlc {tdlc_ms:8.3f} ms, torch {torch_ms:8.3f} ms")
    print(f"torch / tdlc: {torch_ms / tdlc_ms:.2f} ({threads} thread(s))")
    return tdlc_ms, torch_ms


def threads_from_argv(argv, usage):
    """`argv` is [script, tdlc, [THREADS]]: the thread count (default 1),
    also set as TDL_NUM_THREADS for the tdlc object."""
    if len(argv) not in (2, 3):
        raise SystemExit(usage)
    threads = int(argv[2]) if len(argv) == 3 else 1
    os.environ["TDL_NUM_THREADS"] = str(threads)
    return threads


def random_params(rng, shapes):
    """N(0, 0.1) f32 arrays of `shapes`, contiguous (passed by pointer)."""
    return [rng.normal(0, 0.1, s).astype(np.float32) for s in shapes]

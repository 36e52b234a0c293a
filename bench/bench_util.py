"""Helpers shared by the Python benchmark scripts in bench/."""
import statistics
import time


def median_ms(fn, reps=20, warmup=3):
    """Median wall time of fn() in milliseconds, after `warmup` calls."""
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ts)


def interleaved_ms(fns, reps=40, warmup=5):
    """Median wall times (ms) of each of `fns`, called in turn: each round
    times every function once, so load from the shared machine lands on
    all of them alike rather than on whichever ran while it lasted."""
    for _ in range(warmup):
        for fn in fns:
            fn()
    times = [[] for _ in fns]
    for _ in range(reps):
        for fn, ts in zip(fns, times):
            t0 = time.perf_counter()
            fn()
            ts.append((time.perf_counter() - t0) * 1e3)
    return [statistics.median(ts) for ts in times]

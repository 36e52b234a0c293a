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

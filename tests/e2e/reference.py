"""Helpers for the NumPy reference implementations of the e2e programs.

emit(x, dtype) prints one expected line in `tdlc run`'s layout:
`dtype[d0,d1] [[...]]`, or `dtype value` for a scalar. Values are printed
with full precision (repr); run_e2e.py compares numerically.
"""
import math
import numpy as np

_NP = {"bool": np.bool_, "i8": np.int8, "i32": np.int32, "i64": np.int64,
       "f32": np.float32, "f64": np.float64}


def _text(v, dtype):
    if dtype == "bool":
        return "true" if v else "false"
    if dtype in ("f32", "f64"):
        v = float(v)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    return str(int(v))


def _nested(a, dtype):
    if a.ndim == 0:
        return _text(a[()], dtype)
    return "[" + ", ".join(_nested(x, dtype) for x in a) + "]"


def emit(x, dtype):
    a = np.asarray(x).astype(_NP[dtype])
    if a.ndim == 0:
        print("%s %s" % (dtype, _text(a[()], dtype)))
    else:
        print("%s[%s] %s" % (dtype, ",".join(str(d) for d in a.shape), _nested(a, dtype)))


def expect_error(exit_status, stderr_regex):
    print("!exit %d" % exit_status)
    print("!stderr " + stderr_regex)


def repeat():
    print("!repeat")


def tolerance(rtol, atol):
    """Float lines are compared with this rtol/atol (finite-difference refs)."""
    print("!tolerance %g %g" % (rtol, atol))


def numgrad(fun, args, i, eps=1e-6):
    """d sum(fun(*args)) / d args[i] by central differences in float64."""
    a = [np.array(v, dtype=np.float64) for v in args]
    g = np.zeros_like(a[i])
    for idx in np.ndindex(a[i].shape):
        hi = [v.copy() for v in a]
        lo = [v.copy() for v in a]
        hi[i][idx] += eps
        lo[i][idx] -= eps
        g[idx] = (np.sum(fun(*hi)) - np.sum(fun(*lo))) / (2 * eps)
    return g


# Philox4x32-10 (Salmon et al., SC'11) and the element mapping of
# runtime/kernels/Philox.h's header comment, written independently for the tests.
M32 = 0xFFFFFFFF


def philox_block(seed, block):
    c = [block & M32, (block >> 32) & M32, 0, 0]
    k0, k1 = seed & M32, (seed >> 32) & M32
    for r in range(10):
        if r:
            k0 = (k0 + 0x9E3779B9) & M32
            k1 = (k1 + 0xBB67AE85) & M32
        p0 = 0xD2511F53 * c[0]
        p1 = 0xCD9E8D57 * c[2]
        c = [((p1 >> 32) ^ c[1] ^ k0) & M32, p1 & M32,
             ((p0 >> 32) ^ c[3] ^ k1) & M32, p0 & M32]
    return c


def _u53(lo, hi):
    return ((hi << 32 | lo) >> 11) * 2.0 ** -53


def uniform(seed, shape, lo=0.0, hi=1.0, dtype="f32"):
    n = int(np.prod(shape))
    seed &= (1 << 64) - 1
    if dtype == "f32":
        u = np.array([np.float32((philox_block(seed, i // 4)[i % 4] >> 8) * 2.0 ** -24)
                      for i in range(n)], dtype=np.float32)
        u = u * np.float32(hi - lo) + np.float32(lo) if (lo, hi) != (0.0, 1.0) else u
    else:
        u = np.array([_u53(*philox_block(seed, i // 2)[2 * (i % 2):2 * (i % 2) + 2])
                      for i in range(n)])
        u = u * (hi - lo) + lo if (lo, hi) != (0.0, 1.0) else u
    return u.reshape(shape)


def normal(seed, shape, mean=0.0, std=1.0, dtype="f32"):
    n = int(np.prod(shape))
    seed &= (1 << 64) - 1
    z = []
    for i in range(n):
        w = philox_block(seed, i)
        u1, u2 = _u53(w[0], w[1]), _u53(w[2], w[3])
        z.append(math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(6.283185307179586 * u2))
    t = np.float32 if dtype == "f32" else np.float64
    z = np.array(z).astype(t)
    if std != 1.0:
        z = z * t(std)
    if mean != 0.0:
        z = z + t(mean)
    return z.reshape(shape)

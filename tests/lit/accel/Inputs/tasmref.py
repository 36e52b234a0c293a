"""Independent reference for the accelerator lit tests.

Re-implements, in plain Python, the pieces of docs/accel.md a test needs:
the SplitMix64 `random(seed, lo, hi)` fill, int8 GEMM with wrapping i32
accumulation, the ALU ops, narrowing, and NumPy-style printing
(`i8[2,3] [[1, 2, 3], [4, 5, 6]]`). Nothing here calls tdlc.
"""

MASK64 = (1 << 64) - 1

DTYPE_RANGE = {
    "i8": (-128, 127), "u8": (0, 255), "i16": (-32768, 32767),
    "u16": (0, 65535), "i32": (-(1 << 31), (1 << 31) - 1), "u32": (0, (1 << 32) - 1),
}


def splitmix64(seed):
    state = seed & MASK64
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        yield z ^ (z >> 31)


def random_fill(seed, count, dtype="i8", lo=None, hi=None):
    dlo, dhi = DTYPE_RANGE[dtype]
    lo = dlo if lo is None else lo
    hi = dhi if hi is None else hi
    gen = splitmix64(seed)
    return [lo + next(gen) % (hi - lo + 1) for _ in range(count)]


def wrap(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >= 1 << (bits - 1) else v


def i32(v):
    return wrap(v, 32)


def i8(v):
    return wrap(v, 8)


def shr(a, amount):
    """SHR as documented: arithmetic right shift, negative = left shift."""
    if amount >= 0:
        return a >> min(amount, 31)
    if amount <= -32:
        return 0
    return i32(a << -amount)


def matmul_wt(a, w, m, n, k):
    """C[m][n] = sum_k A[m][k] * W[n][k] (exact integers)."""
    return [sum(a[i * k + x] * w[j * k + x] for x in range(k))
            for i in range(m) for j in range(n)]


def fmt(dtype, shape, flat):
    def rec(dims, offset):
        if not dims:
            return str(flat[offset]), offset + 1
        parts = []
        for _ in range(dims[0]):
            text, offset = rec(dims[1:], offset)
            parts.append(text)
        return "[" + ", ".join(parts) + "]", offset
    body, _ = rec(list(shape), 0)
    return "%s[%s] %s" % (dtype, ",".join(str(d) for d in shape), body)

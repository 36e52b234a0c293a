#!/usr/bin/python3
"""Random accelerator regions: int8 matmul / batched matmul / conv2d programs
with random shapes (not multiples of the GEMM blocks), random conv
parameters and random epilogue chains (immediates in and out of the ALU's
i16 range, bias rows, full tensors, subtractions, shifts, an i8 max/min
after a clamp), then random i8 steps after the narrowing (residual adds and
subtractions of i8 tensors, wrapping or saturating as std.quant's qadd,
constant max/min/mul/shift) and, after a conv, a max or average pool with
random window, stride and padding; each run with
`--backend=accel --accel-offload=always` and compared byte for byte with the
interpreter. Half the cases use a small hardware config (batch 2, 8x8
blocks, small SRAMs).

usage: random_regions.py --tdlc PATH [--seed N] [--cases N] [--config F.json]
Exits 1 if any program disagrees or was not offloaded; prints it.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile


def dims(shape):
    return "[" + ", ".join(map(str, shape)) + "]"


def rand_i8(seed, shape):
    return "(uniform(%d, %s, lo: -128.0, hi: 127.0) as i8)" % (seed, dims(shape))


def seed_product(r):
    """A random i8 x i8 -> i32 product: its TDL text, result shape and the
    axis a bias row runs along."""
    kind = r.choice(["matmul", "matmul", "batched_lhs", "batched_rhs", "conv", "conv"])
    if kind == "matmul":
        m, k, n = r.randint(1, 40), r.randint(1, 70), r.randint(1, 40)
        return "%s @ %s" % (rand_i8(1, [m, k]), rand_i8(2, [k, n])), [m, n], 1
    if kind == "batched_lhs":
        b, m, k, n = r.randint(2, 3), r.randint(1, 9), r.randint(1, 40), r.randint(1, 20)
        return "%s @ %s" % (rand_i8(1, [b, m, k]), rand_i8(2, [k, n])), [b, m, n], 2
    if kind == "batched_rhs":
        b, m, k, n = r.randint(2, 3), r.randint(1, 9), r.randint(1, 40), r.randint(1, 20)
        lhs = [b, m, k] if r.random() < 0.5 else [m, k]
        return "%s @ %s" % (rand_i8(1, lhs), rand_i8(2, [b, k, n])), [b, m, n], 2
    groups = r.choice([1, 1, 2, 3])
    cg, og = r.randint(1, 4), r.randint(1, 6)
    nb, h, w = r.randint(1, 2), r.randint(3, 9), r.randint(3, 9)
    kh, kw = r.randint(1, 3), r.randint(1, 3)
    stride, pad, dil = r.randint(1, 2), r.randint(0, 2), r.randint(1, 2)
    oh = (h + 2 * pad - dil * (kh - 1) - 1) // stride + 1
    ow = (w + 2 * pad - dil * (kw - 1) - 1) // stride + 1
    if oh < 1 or ow < 1:
        return seed_product(r)
    x = rand_i8(1, [nb, cg * groups, h, w])
    wt = rand_i8(2, [og * groups, cg, kh, kw])
    text = "conv2d(%s, %s, stride: %d, padding: %d, dilation: %d, groups: %d)" % (
        x, wt, stride, pad, dil, groups)
    return text, [nb, og * groups, oh, ow], 1


def epilogue(r, shape, axis):
    """A random chain of ALU-able steps on `acc`, ending in `as i8`."""
    lets, expr = [], "acc"
    for i in range(r.randint(0, 4)):
        step = r.choice(["imm", "imm", "bigimm", "row", "full", "subfull", "subimm", "shr"])
        op = r.choice(["+", "*", "max", "min"])
        if step == "imm":
            operand = str(r.randint(-300, 300))
        elif step == "bigimm":
            operand = str(r.choice([-1, 1]) * r.randint(40000, 100000))
        elif step == "row":
            n = shape[axis]
            view = [1] * len(shape)
            view[axis] = n
            lets.append("  let row%d = reshape((iota([%d], axis: 0) * %d - %d) as i32, %s);"
                        % (i, n, r.randint(1, 999), r.randint(0, 5000), dims(view)))
            operand = "row%d" % i
        elif step in ("full", "subfull"):
            lets.append("  let full%d = uniform(%d, %s, lo: -50000.0, hi: 50000.0) as i32;"
                        % (i, 10 + i, dims(shape)))
            operand = "full%d" % i
            if step == "subfull":
                op = "-"
        elif step == "subimm":
            op, operand = "-", str(r.randint(-2000, 2000))
        else:
            op, operand = ">>", str(r.randint(0, 31))
        if op in ("max", "min"):
            expr = "%s(%s, %s)" % (op, expr, operand)
        else:
            expr = "(%s %s %s)" % (expr, op, operand)
    if r.random() < 0.3:  # clamped, then an i8 relu/cap after the cast
        return lets, "%s(clamp(%s, -128, 127) as i8, %d)" % (
            r.choice(["max", "min"]), expr, r.randint(-128, 127))
    return lets, "(%s) as i8" % expr


def i8_tail(r, shape, expr):
    """Random i8 steps after the narrowing, each one the region can take."""
    lets = []
    for i in range(r.randint(0, 3)):
        step = r.choice(["res", "subres", "qadd", "relu", "cap", "mul", "shr"])
        if step in ("res", "subres", "qadd"):
            lets.append("  let res%d = uniform(%d, %s, lo: -128.0, hi: 127.0) as i8;"
                        % (i, 30 + i, dims(shape)))
        if step == "res":
            expr = "(%s + res%d)" % (expr, i)
        elif step == "subres":
            expr = "(%s - res%d)" % (expr, i)
        elif step == "qadd":
            expr = "(clamp((%s as i32) + (res%d as i32), -128, 127) as i8)" % (expr, i)
        elif step == "relu":
            expr = "max(%s, %d)" % (expr, r.randint(-20, 20))
        elif step == "cap":
            expr = "min(%s, %d)" % (expr, r.randint(-20, 100))
        elif step == "mul":
            expr = "(%s * %d)" % (expr, r.choice([-5, -3, -1, 2, 3, 5]))
        else:
            expr = "(%s >> %d)" % (expr, r.randint(0, 7))
    return lets, expr


def pool(r, shape, expr):
    """A max or average pool of a conv's i8 result: (text, pooled shape)."""
    average = r.random() < 0.4
    windows = [(1, 2), (2, 1), (2, 2), (2, 4), (4, 2), (1, 1)] if average else \
        [(kh, kw) for kh in (1, 2, 3) for kw in (1, 2, 3)]
    kh, kw = r.choice(windows)
    sh, sw = r.randint(1, 2), r.randint(1, 3)
    pads = [r.randint(0, kh - 1), r.randint(0, kh - 1),
            r.randint(0, kw - 1), r.randint(0, kw - 1)]
    ph = (shape[2] + pads[0] + pads[1] - kh) // sh + 1
    pw = (shape[3] + pads[2] + pads[3] - kw) // sw + 1
    if shape[2] + pads[0] + pads[1] < kh or shape[3] + pads[2] + pads[3] < kw:
        return expr, shape
    text = "%s(%s, window: (%d, %d), stride: (%d, %d), padding: (%d, %d, %d, %d))" % (
        "avg_pool2d" if average else "max_pool2d", expr, kh, kw, sh, sw, *pads)
    return text, shape[:2] + [ph, pw]


def program(r):
    product, shape, axis = seed_product(r)
    lets, narrowed = epilogue(r, shape, axis)
    tail_lets, narrowed = i8_tail(r, shape, narrowed)
    out = shape
    if product.startswith("conv2d") and r.random() < 0.5:
        narrowed, out = pool(r, shape, narrowed)
    body = ["  let acc = %s;" % product] + lets + tail_lets + ["  return %s;" % narrowed]
    return "fn main() -> i8%s {\n%s\n}\n" % (dims(out), "\n".join(body))


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tdlc", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--config")
    args = ap.parse_args()
    r = random.Random(args.seed)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in range(args.cases):
            text = program(r)
            path = os.path.join(tmp, "case%d.tdl" % case)
            open(path, "w").write(text)
            want = run([args.tdlc, "run", "--backend=interp", path])
            cmd = [args.tdlc, "run", "--backend=accel", "--accel-offload=always",
                   "--stats", path]
            if args.config and case % 2:
                cmd.append("--accel-config=" + args.config)
            got = run(cmd)
            results, _, stats = got[1].partition("accelerator: ")
            ok = (got[0] == want[0] == 0 and results == want[1]
                  and stats.startswith("1 region(s) offloaded"))
            if not ok:
                failures += 1
                print("case %d disagrees (%s):\n%s--- interp (%d)\n%s%s--- accel (%d)\n%s%s"
                      % (case, " ".join(cmd[1:]), text, want[0], want[1], want[2],
                         got[0], got[1], got[2]))
    print("%d of %d random regions match the interpreter" % (args.cases - failures, args.cases))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

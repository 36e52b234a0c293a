#!/usr/bin/python3
"""Differential tests: random TDL programs run by `tdlc run`, checked against
NumPy (values) and central finite differences (gradients).

usage: differential.py --tdlc PATH {float,int,grad,shape} [--seed N] [--cases N]
                       [--backend interp|cpu]

  float  elementwise float expressions with broadcasting (f32/f64)
  int    integer arithmetic, shifts, bitwise ops and casts (wraparound,
         truncating / and %) on i8/i32/i64
  grad   grad of sum(expression) with broadcasting and keepdims reductions
  shape  chains of reshape/transpose/slice/index/flip/pad/concat/expand_dims/
         squeeze/broadcast_to/sum, their values and their gradients
Exits 1 if any program fails or disagrees; prints each such program.
"""
import argparse
import math
import os
import random
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import numgrad  # noqa: E402
from run_e2e import parse_line  # noqa: E402

T = None
BACKEND = "interp"
np.seterr(all="ignore")  # NaN/inf in a reference are compared, not warned about

def run_float(N):
    fails = 0
    def rshape():
        return [random.choice([1, 2, 3]) for _ in range(random.randint(0, 3))]
    def bshape(s):  # a shape broadcastable to s
        s2 = [d if random.random() < 0.7 else 1 for d in s]
        k = random.randint(0, len(s2))
        return s2[k:]
    def lit(a):
        if a.ndim == 0: return repr(float(a))
        return "[" + ", ".join(lit(x) for x in a) + "]"
    for case in range(N):
        dt = random.choice(["f32", "f64"]); npdt = np.float32 if dt == "f32" else np.float64
        out = rshape()
        vars_ = {}
        lines = []
        for i in range(3):
            s = bshape(out)
            v = (np.random.default_rng(case * 10 + i).standard_normal(s) * 2).astype(npdt)
            vars_["v%d" % i] = v
            lines.append("  let v%d: %s%s = %s;" % (i, dt, "[" + ", ".join(map(str, s)) + "]" if s else "", lit(v) if v.ndim else repr(float(v))))
        def gen(d, allowc=False):
            if d == 0 or random.random() < 0.2:
                if allowc and random.random() < 0.3:
                    c = round(random.uniform(-3, 3), 2); return (str(c), npdt(c))
                n = random.choice(list(vars_)); return (n, vars_[n])
            op = random.choice(["+", "-", "*", "/", "max", "min", "tanh", "exp", "sin", "abs", "where", "clamp", "sigmoid", "sqrtabs", "neg", "pow"])
            bin_ = op in ["+", "-", "*", "/"]
            a, av = gen(d - 1, bin_); b, bv = gen(d - 1, bin_ and not a[0].isdigit() and not a.startswith('-'))
            with np.errstate(all="ignore"):
                if op in "+-*/":
                    f = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}[op]
                    return ("(%s %s %s)" % (a, op, b), f(av, bv).astype(npdt))
                if op == "max": return ("max(%s, %s)" % (a, b), np.maximum(av, bv).astype(npdt))
                if op == "min": return ("min(%s, %s)" % (a, b), np.minimum(av, bv).astype(npdt))
                if op == "tanh": return ("tanh(%s)" % a, np.tanh(av).astype(npdt))
                if op == "exp": return ("exp(clamp(%s, -10.0, 10.0))" % a, np.exp(np.clip(av, -10, 10)).astype(npdt))
                if op == "sin": return ("sin(%s)" % a, np.sin(av).astype(npdt))
                if op == "abs": return ("abs(%s)" % a, np.abs(av).astype(npdt))
                if op == "neg": return ("(-%s)" % a, (-np.asarray(av)).astype(npdt))
                if op == "sigmoid": return ("sigmoid(%s)" % a, (1 / (1 + np.exp(-np.asarray(av, np.float64)))).astype(npdt))
                if op == "sqrtabs": return ("sqrt(abs(%s))" % a, np.sqrt(np.abs(av)).astype(npdt))
                if op == "clamp": return ("clamp(%s, -1.5, %s)" % (a, b), np.minimum(np.maximum(av, npdt(-1.5)), bv).astype(npdt))
                if op == "pow": return ("pow(abs(%s) + 0.5, clamp(%s, -2.0, 2.0))" % (a, b), np.power(np.abs(av) + npdt(0.5), np.clip(bv, -2, 2)).astype(npdt))
                c, cv = gen(d - 1)
                return ("where(%s > %s, %s, %s)" % (a, b, c, a), np.where(av > bv, cv, av).astype(npdt))
        e, ev = gen(3)
        ev = np.asarray(ev)
        src = "fn main() -> %s%s {\n%s\n  return %s;\n}\n" % (dt, "[" + ", ".join(map(str, ev.shape)) + "]" if ev.ndim else "", "\n".join(lines), e)
        open("c.tdl", "w").write(src)
        r = subprocess.run([T, "run", "--backend=" + BACKEND, "--print-precision=17", "c.tdl"], capture_output=True, text=True)
        if r.returncode != 0:
            fails += 1; print("FAIL exit", r.returncode, r.stderr[:400]); print(src); continue
        from run_e2e import parse_line
        d, s, vals = parse_line(r.stdout.strip())
        want = ev.reshape(-1)
        rt = 1e-5 if dt == "f32" else 1e-12
        bad = [k for k in range(len(want)) if not (abs(vals[k] - want[k]) <= 1e-6 + 1e-4 * abs(want[k]) or (math.isnan(vals[k]) and math.isnan(want[k])) or vals[k] == want[k])]
        if list(s) != list(ev.shape) or bad:
            fails += 1; print("MISMATCH", s, ev.shape, bad[:3], [vals[k] for k in bad[:3]], [want[k] for k in bad[:3]]); print(src)
    return fails


def run_int(N):
    fails = 0
    BITS = {"i8": 8, "i32": 32, "i64": 64}
    def wrap(v, b):
        m = 1 << b; return ((v + m // 2) % m) - m // 2
    def tdiv(a, b): 
        q = abs(a) // abs(b); return q if (a >= 0) == (b > 0) else -q
    def trem(a, b): return a - b * tdiv(a, b)
    for case in range(N):
        dt = random.choice(["i8", "i32", "i64"]); b = BITS[dt]
        n = 4
        vals = [[random.randint(-(1 << (b - 1)), (1 << (b - 1)) - 1) if random.random() < 0.5 else random.randint(-20, 20) for _ in range(n)] for _ in range(3)]
        def gen(d):
            if d == 0 or random.random() < 0.2:
                i = random.randrange(3); return ("v%d" % i, list(vals[i]))
            op = random.choice(["+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^", "neg", "abs", "max", "cast"])
            a, av = gen(d - 1); c, cv = gen(d - 1)
            if op == "+": return ("(%s + %s)" % (a, c), [wrap(x + y, b) for x, y in zip(av, cv)])
            if op == "-": return ("(%s - %s)" % (a, c), [wrap(x - y, b) for x, y in zip(av, cv)])
            if op == "*": return ("(%s * %s)" % (a, c), [wrap(x * y, b) for x, y in zip(av, cv)])
            if op in ["/", "%"]:
                # divisor forced odd (never 0): (c | 1)
                dv = [y | 1 for y in cv]
                if op == "/": return ("(%s / (%s | 1))" % (a, c), [wrap(tdiv(x, y), b) for x, y in zip(av, dv)])
                return ("(%s %% (%s | 1))" % (a, c), [wrap(trem(x, y), b) for x, y in zip(av, dv)])
            if op in ["<<", ">>"]:
                sh = random.randint(0, b - 1)
                if op == "<<": return ("(%s << %d)" % (a, sh), [wrap(x << sh, b) for x in av])
                return ("(%s >> %d)" % (a, sh), [x >> sh for x in av])
            if op == "&": return ("(%s & %s)" % (a, c), [x & y for x, y in zip(av, cv)])
            if op == "|": return ("(%s | %s)" % (a, c), [x | y for x, y in zip(av, cv)])
            if op == "^": return ("(%s ^ %s)" % (a, c), [x ^ y for x, y in zip(av, cv)])
            if op == "neg": return ("(-%s)" % a, [wrap(-x, b) for x in av])
            if op == "abs": return ("abs(%s)" % a, [wrap(abs(x), b) for x in av])
            if op == "max": return ("max(%s, %s)" % (a, c), [max(x, y) for x, y in zip(av, cv)])
            # cast through another int type and back
            o = random.choice(["i8", "i32", "i64"])
            return ("((%s as %s) as %s)" % (a, o, dt), [wrap(wrap(x, BITS[o]), b) for x in av])
        e, ev = gen(3)
        lines = ["  let v%d: %s[%d] = [%s];" % (i, dt, n, ", ".join(str(x) for x in vals[i])) for i in range(3)]
        src = "fn main() -> %s[%d] {\n%s\n  return %s;\n}\n" % (dt, n, "\n".join(lines), e)
        open("i.tdl", "w").write(src)
        r = subprocess.run([T, "run", "--backend=" + BACKEND, "i.tdl"], capture_output=True, text=True)
        if r.returncode != 0:
            fails += 1; print("FAIL", r.stderr[:300]); print(src); continue
        _, _, got = parse_line(r.stdout.strip())
        if got != ev:
            fails += 1; print("MISMATCH got", got, "want", ev); print(src)
    return fails


def run_grad(N):
    fails = 0
    def rshape(): return [random.choice([1, 2, 3]) for _ in range(random.randint(0, 3))]
    def bshape(s):
        s2 = [d if random.random() < 0.7 else 1 for d in s]; return s2[random.randint(0, len(s2)):]
    def lit(a): return repr(float(a)) if a.ndim == 0 else "[" + ", ".join(lit(x) for x in a) + "]"
    def shp(v): return "f64" + ("[" + ", ".join(map(str, v.shape)) + "]" if v.ndim else "")
    U = {"tanh": ("tanh(%s)", "np.tanh(%s)"), "sin": ("sin(%s)", "np.sin(%s)"), "sig": ("sigmoid(%s)", "1/(1+np.exp(-(%s)))"),
         "exp": ("exp(tanh(%s))", "np.exp(np.tanh(%s))"), "sq": ("sqrt(%s * %s + 1.0)", "np.sqrt((%s)*(%s)+1.0)"), "neg": ("(-%s)", "(-(%s))"),
         "log": ("log(abs(%s) + 1.0)", "np.log(np.abs(%s)+1.0)"), "cos": ("cos(%s)", "np.cos(%s)")}
    B = {"+": ("(%s + %s)", "(%s + %s)"), "-": ("(%s - %s)", "(%s - %s)"), "*": ("(%s * %s)", "(%s * %s)"),
         "/": ("(%s / (%s * %s + 1.0))", "((%s) / ((%s)*(%s) + 1.0))"), "max": ("max(%s, %s)", "np.maximum(%s, %s)"),
         "pow": ("pow(%s * %s + 0.5, tanh(%s))", "np.power((%s)*(%s) + 0.5, np.tanh(%s))")}
    R = {"sum": ("sum(%s, axis: %d, keepdims: true)", "np.sum(%s, axis=%d, keepdims=True)"), "mean": ("mean(%s, axis: %d, keepdims: true)", "np.mean(%s, axis=%d, keepdims=True)"),
         "lse": ("logsumexp(%s, axis: %d, keepdims: true)", "LSE(%s, %d)")}
    def LSE(x, ax):
        m = np.max(x, axis=ax, keepdims=True); return m + np.log(np.sum(np.exp(x - m), axis=ax, keepdims=True))
    for case in range(N):
        out = rshape(); V = {}
        for i in range(3):
            V["v%d" % i] = np.random.default_rng(case * 7 + i).standard_normal(bshape(out))
        def gen(d):
            if d == 0 or random.random() < 0.2:
                n = random.choice(list(V)); return n, n, V[n].ndim
            k = random.random()
            if k < 0.35:
                op = random.choice(list(U)); a, an, r = gen(d - 1)
                t, p = U[op]; c = t.count("%s")
                return t % ((a,) * c), p % ((an,) * c), r
            if k < 0.85:
                op = random.choice(list(B)); a, an, ra = gen(d - 1); b, bn, rb = gen(d - 1)
                t, p = B[op]
                if op == "/": return t % (a, b, b), p % (an, bn, bn), max(ra, rb)
                if op == "pow": return t % (a, a, b), p % (an, an, bn), max(ra, rb)
                return t % (a, b), p % (an, bn), max(ra, rb)
            a, an, r = gen(d - 1)
            if r == 0: return a, an, r
            op = random.choice(list(R)); ax = random.randrange(r); t, p = R[op]
            return t % (a, ax), p % (an, ax), r
        e, en, _ = gen(4)
        lines = ["  let v%d: %s = %s;" % (i, shp(V["v%d" % i]), lit(V["v%d" % i])) for i in range(3)]
        params = ", ".join("v%d: %s" % (i, shp(V["v%d" % i])) for i in range(3))
        src = "fn f(%s) -> f64 { return sum(%s); }\nfn main() -> (%s) {\n%s\n  return grad(f)(v0, v1, v2);\n}\n" % (params, e, ", ".join(shp(V["v%d" % i]) for i in range(3)), "\n".join(lines))
        open("g.tdl", "w").write(src)
        r = subprocess.run([T, "run", "--backend=" + BACKEND, "-O" + random.choice("03"), "--print-precision=17", "g.tdl"], capture_output=True, text=True)
        if r.returncode != 0:
            fails += 1; print("FAIL", r.returncode, r.stderr[:300]); print(src); continue
        fn = eval("lambda v0, v1, v2: np.sum(%s)" % en, {"np": np, "LSE": LSE})
        got = r.stdout.strip().splitlines()
        for i in range(3):
            want = numgrad(fn, [V["v0"], V["v1"], V["v2"]], i).reshape(-1)
            _, _, g = parse_line(got[i])
            bad = [k for k in range(len(want)) if abs(g[k] - want[k]) > 1e-5 + 1e-5 * abs(want[k])]
            if bad:
                fails += 1; print("MISMATCH v%d" % i, [g[k] for k in bad[:3]], [want[k] for k in bad[:3]]); print(src); print(en); break
    return fails


def run_shape(N):
    fails = 0
    for case in range(N):
        shape = [random.randint(1, 4) for _ in range(3)]
        x = np.random.default_rng(case).standard_normal(shape)
        e, en, s = "x", "x", list(shape)
        for step in range(random.randint(2, 6)):
            op = random.choice(["reshape", "transpose", "slice", "flip", "pad", "concat", "expand", "squeeze", "index", "bcast", "sum", "T"])
            r = len(s)
            if op == "reshape" and r >= 1:
                n = int(np.prod(s)); divs = [d for d in range(1, n + 1) if n % d == 0]; d0 = random.choice(divs)
                s2 = [d0, -1]; e, en = "reshape(%s, [%d, -1])" % (e, d0), "np.reshape(%s, (%d, -1))" % (en, d0); s = [d0, n // d0]
            elif op == "transpose" and r >= 2:
                p = list(range(r)); random.shuffle(p)
                e, en = "transpose(%s, perm: (%s,))" % (e, ", ".join(map(str, p))), "np.transpose(%s, %s)" % (en, tuple(p)); s = [s[i] for i in p]
            elif op == "T" and r == 2:
                e, en = "%s.T" % e, "(%s).T" % en; s = s[::-1]
            elif op == "slice" and r >= 1:
                ax = random.randrange(r); lo = random.randint(-s[ax], s[ax] - 1); hi = random.randint(lo + 1 if lo >= 0 else lo + s[ax] + 1, s[ax]) if True else None
                lo_n = lo if lo >= 0 else lo + s[ax]
                if hi <= lo_n: continue
                idx = [":"] * r; idx[ax] = "%d:%d" % (lo, hi)
                e, en = "%s[%s]" % (e, ", ".join(idx)), "(%s)[%s]" % (en, ", ".join(idx)); s[ax] = hi - lo_n
            elif op == "index" and r >= 2:
                ax = random.randrange(r); i = random.randint(-s[ax], s[ax] - 1)
                idx = [":"] * r; idx[ax] = str(i)
                e, en = "%s[%s]" % (e, ", ".join(idx)), "(%s)[%s]" % (en, ", ".join(idx)); s.pop(ax)
            elif op == "flip" and r >= 1:
                ax = random.randrange(r); e, en = "flip(%s, axis: %d)" % (e, ax), "np.flip(%s, %d)" % (en, ax)
            elif op == "pad" and r >= 1:
                p = [(random.randint(0, 2), random.randint(0, 2)) for _ in range(r)]
                e = "pad(%s, [%s], value: 0.5)" % (e, ", ".join("(%d, %d)" % q for q in p)); en = "np.pad(%s, %s, constant_values=0.5)" % (en, p)
                s = [d + a + b for d, (a, b) in zip(s, p)]
            elif op == "concat" and r >= 1:
                ax = random.randrange(r); e, en = "concat((%s, %s * 2.0), axis: %d)" % (e, e, ax), "np.concatenate([%s, (%s) * 2.0], %d)" % (en, en, ax); s[ax] *= 2
            elif op == "expand" and r <= 3:
                ax = random.randint(-(r + 1), r); e, en = "expand_dims(%s, axis: %d)" % (e, ax), "np.expand_dims(%s, %d)" % (en, ax)
                s.insert(ax if ax >= 0 else ax + r + 1, 1)
            elif op == "squeeze" and 1 in s and r >= 2:
                e, en = "squeeze(%s)" % e, "np.squeeze(%s)" % en; s = [d for d in s if d != 1]
            elif op == "bcast" and r <= 3:
                s2 = [2] + s; e, en = "broadcast_to(%s, [%s])" % (e, ", ".join(map(str, s2))), "np.broadcast_to(%s, %s)" % (en, tuple(s2)); s = s2
            elif op == "sum" and r >= 2:
                ax = random.randrange(r); e, en = "sum(%s * %s, axis: %d)" % (e, e, ax), "np.sum((%s) * (%s), axis=%d)" % (en, en, ax); s.pop(ax)
        fn = eval("lambda x: %s" % en, {"np": np})
        want = np.asarray(fn(x))
        if want.size > 600: continue
        ts = "f64" + ("[" + ", ".join(map(str, want.shape)) + "]" if want.ndim else "")
        xs = "f64[" + ", ".join(map(str, shape)) + "]"
        def lit(a): return repr(float(a)) if a.ndim == 0 else "[" + ", ".join(lit(v) for v in a) + "]"
        src = "fn f(x: %s) -> %s { return %s; }\nfn l(x: %s) -> f64 { return sum(sin(f(x))); }\nfn main() -> (%s, %s) {\n  let x: %s = %s;\n  return (f(x), grad(l)(x));\n}\n" % (xs, ts, e, xs, ts, xs, xs, lit(x))
        open("s.tdl", "w").write(src)
        r = subprocess.run([T, "run", "--backend=" + BACKEND, "-O" + random.choice("03"), "--print-precision=17", "s.tdl"], capture_output=True, text=True)
        if r.returncode != 0:
            fails += 1; print("FAIL", r.returncode, r.stderr[:400]); print(src); continue
        lines = r.stdout.strip().splitlines()
        _, gs, g = parse_line(lines[0])
        if list(gs) != list(want.shape) or np.max(np.abs(np.array(g) - want.reshape(-1)), initial=0) > 1e-12:
            fails += 1; print("VALUE MISMATCH", gs, want.shape); print(src); continue
        gw = numgrad(lambda x: np.sum(np.sin(fn(x))), [x], 0).reshape(-1)
        _, _, gg = parse_line(lines[1])
        if np.max(np.abs(np.array(gg) - gw), initial=0) > 1e-6:
            fails += 1; print("GRAD MISMATCH", gg[:5], gw[:5]); print(src)
    return fails


def main():
    global T, BACKEND
    ap = argparse.ArgumentParser()
    ap.add_argument("--tdlc", required=True)
    ap.add_argument("kind", choices=["float", "int", "grad", "shape"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=25)
    ap.add_argument("--backend", default="interp")
    args = ap.parse_args()
    T = os.path.abspath(args.tdlc)
    BACKEND = args.backend
    random.seed(args.seed)
    os.chdir(tempfile.mkdtemp(prefix="tdl-differential-"))
    fails = globals()["run_" + args.kind](args.cases)
    print("%s: %d of %d programs failed" % (args.kind, fails, args.cases))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())

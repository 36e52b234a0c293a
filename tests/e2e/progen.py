#!/usr/bin/python3
"""Whole-program differential testing: random, well-typed TDL programs run on
every backend and compared byte for byte, with gradients checked against
central finite differences in f64.

usage: progen.py --tdlc PATH [--seed N] [--seeds N] [--batch N] [--jobs-log F]
                 [--emit SEED] [--keep DIR] [--quiet]

A seed is one *unit*: a handful of declarations whose names start with
`s<seed>_` and a `s<seed>_main()` that prints its results. Two kinds:

  float (3 seeds in 4)
    - generic helpers: an elementwise `<T: float, ..S>` one and a dim-generic
      `<T: float, N, M>` one whose body is random statements;
    - sometimes a struct generic over a dtype and a dim;
    - a loss `f<T: float, A, B>(x: T[A, B], y: T[B], ...) -> T` whose body is
      random statements: broadcasting arithmetic, smooth elementwise
      builtins, reductions (sum/mean/logsumexp, keepdims), slices, constant
      and dynamic indexing, matmul, transpose, expand_dims, if expressions,
      `if`/`for`/`while` statements with `var` accumulators, functional
      updates, `break`/`continue`, calls of the helpers (at several
      instances) and struct fields;
    - a value-only `g<T: float, A, B>` with the non-smooth ops too (abs,
      floor, round, sign, clamp, max/min, where/select, fmod, pow, sqrt and
      log of negatives: NaN and inf must print alike, argmax/argmin, prod);
    - its main prints f and g at f32 on one shape and at f64 on two,
      `grad(f)` at f64 and the same gradient by central finite differences
      in f64, computed in TDL by one loop over the elements (eps 1e-6),
      and for a third of the units jvp(f)'s tangent against <grad, t>;
    - for half of the units, an integer function `int<I: int, N>` at i8,
      i32 and i64 on each dtype's extremes: wrapping + - * **, truncating
      / and % (by `b | 1`), shifts by any amount (negative and >= the
      width are defined), & | ^, casts through other dtypes, select,
      reductions, a loop with a dynamic index.
  quant (1 seed in 4)
    - an int8 chain generic over its dims: std.quant's quantize, qdense,
      qmatmul, requantize, qrelu, raw i8 @ i8 with i32 epilogues
      (+ * max min >> clamp, `as i8` wrapping), batched left operands, host
      i8 arithmetic between layers, dequantize at the end; called at two
      instances.

Seeds are batched: `--batch` units go into one file with a `main` calling
each unit's main, so one `tdlc run` per backend checks many seeds. Each file
runs with `--backend=interp`, `--backend=cpu -O0`, `--backend=cpu -O3`, and
files of quant units also with `--backend=accel --accel-offload=always`,
on the default hardware and on tests/e2e/accel/small_config.json;
stdout and the exit status must be identical. A failing file is split into
its units to name the seeds. Then every grad/finite-difference pair is
compared (|g - fd| <= 1e-5 + 1e-5 |fd| + the difference's rounding noise,
FD_NOISE_ULPS ulps of f over 2 eps: seed 2464's f is 1.2e9, so its finite
differences are only good to about 0.5), where f is finite.

`--emit SEED` prints the one-unit program of SEED (to reduce it with
progen_reduce.py). Exits 1 if any seed fails, printing each one.
"""
import argparse
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

EPS = 1e-6
# (hi - lo) / (2 EPS) carries the rounding of hi and lo: a few ulps of f,
# divided by 2 EPS (seed 2464: f = 1.2e9, the differences were off by up to
# 4 of its ulps, 0.48, on gradient entries of 3e3 that 1e-5 relative
# cannot cover).
FD_NOISE_ULPS = 32


# ---------------------------------------------------------------------------
# Shapes. A dim is (text, least value): the text is how the program writes it
# (an integer, a dim parameter, `A - 1`), the least value is its smallest value
# over every instance the generator creates. Two dims are the same iff their
# texts are equal; `1` broadcasts.
def D(v):
    return (str(v), v)


def tshape(dt, shape):
    return dt + ("[" + ", ".join(d[0] for d in shape) + "]" if shape else "")


def bcast(a, b):
    """The broadcast shape of a and b, or None."""
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else None
        y = b[-i] if i <= len(b) else None
        if x is None:
            out.append(y)
        elif y is None:
            out.append(x)
        elif x[0] == y[0]:
            out.append(x)
        elif x[0] == "1":
            out.append(y)
        elif y[0] == "1":
            out.append(x)
        else:
            return None
    return tuple(reversed(out))


def fits(small, big):
    """small broadcasts to exactly big."""
    return bcast(small, big) == tuple(big)


def nelem(shape):
    n = 1
    for d in shape:
        n *= d[1]
    return n


class Body:
    """Random statements over an environment of typed locals."""

    def __init__(self, r, dt, env, smooth, helpers, dimvals, indent="  "):
        self.r = r
        self.dt = dt            # the dtype text (`T` in a generic)
        self.env = dict(env)    # name -> shape
        self.smooth = smooth    # only ops with continuous derivatives
        self.helpers = helpers  # callable helpers: list of Helper
        self.lines = []
        self.n = 0
        self.indent = indent
        self.dimvals = dimvals  # for slicing: least values are in the dims

    def fresh(self):
        self.n += 1
        return "v%d" % self.n

    def vars_(self, pred=lambda s: True):
        return [k for k, s in self.env.items() if pred(s)]

    def pick(self, pred=lambda s: True):
        c = self.vars_(pred)
        return self.r.choice(c) if c else None

    def lit(self):
        return self.r.choice(["0.5", "2.0", "-1.5", "0.25", "3.0", "-0.75", "1.0"])

    def unary(self, e):
        r = self.r
        ops = ["tanh(%s)", "sin(%s)", "cos(%s)", "sigmoid(%s)", "exp(tanh(%s))",
               "sqrt(%s * %s + 1.0)", "log(%s * %s + 1.0)", "(-%s)", "(%s * %s)"]
        if not self.smooth:
            ops += ["abs(%s)", "relu(%s)", "floor(%s)", "round(%s)", "sign(%s)",
                    "clamp(%s, -0.5, 0.5)", "rsqrt(%s * %s + 0.5)", "exp(%s)", "sqrt(%s)",
                    "log(abs(%s))", "ceil(%s * 3.0)", "(%s ** 2.0)"]
        t = r.choice(ops)
        return t % ((e,) * t.count("%s"))

    def operand(self, shape):
        """An expression whose shape broadcasts to `shape` (or a literal)."""
        r = self.r
        if r.random() < 0.2:
            return self.lit(), ()
        v = self.pick(lambda s: fits(s, shape))
        if r.random() < 0.4:
            return self.unary(v), self.env[v]
        return v, self.env[v]

    def binop(self, a, b):
        r = self.r
        ops = ["(%s + %s)", "(%s - %s)", "(%s * %s)", "(%s / (%s * %s + 1.0))"]
        if not self.smooth:
            ops += ["max(%s, %s)", "min(%s, %s)", "(%s / %s)", "where(%s > %s, %s, %s)",
                    "pow(abs(%s) + 0.5, %s)", "(%s %% (abs(%s) + 0.5))",
                    "select(%s <= %s, %s, %s * 0.5)"]
        t = r.choice(ops)
        if t.count("%s") == 4:
            return t % (a, b, b, a)
        if t.count("%s") == 3:
            return t % (a, b, b)
        return t % (a, b)

    def emit(self, line):
        self.lines.append(self.indent + line)

    def let(self, expr, shape, mutable=False):
        v = self.fresh()
        self.emit("%s %s = %s;" % ("var" if mutable else "let", v, expr))
        self.env[v] = tuple(shape)
        return v

    # One random statement (or a small block).
    def step(self, depth=0):
        r = self.r
        k = r.random()
        recent = self.vars_()[-3:]
        a = r.choice(recent) if r.random() < 0.5 else self.pick()
        sa = self.env[a]
        if k < 0.25:
            # broadcasting binary arithmetic
            b = self.pick(lambda s: bcast(s, sa) is not None)
            sb = self.env[b]
            ea = self.unary(a) if r.random() < 0.4 else a
            eb = self.unary(b) if r.random() < 0.4 else b
            if r.random() < 0.2:
                eb = self.lit()
                sb = ()
            return self.let(self.binop(ea, eb), bcast(sa, sb))
        if k < 0.35:
            return self.let(self.unary(a), sa)
        if k < 0.47 and sa:
            # reductions
            ax = r.randrange(len(sa))
            red = r.choice(["sum", "mean", "logsumexp"] + ([] if self.smooth else
                                                          ["max", "min", "prod", "argmax", "argmin"]))
            keep = r.random() < 0.3
            if r.random() < 0.15:
                if red in ("argmax", "argmin"):  # the flattened index
                    return self.let("(%s(%s) as %s)" % (red, a, self.dt), ())
                return self.let("%s(%s)" % (red, a), ())
            axt = str(ax if r.random() < 0.5 else ax - len(sa))
            if red in ("argmax", "argmin"):  # i64 indices, back to the dtype
                if keep:
                    ns = sa[:ax] + (D(1),) + sa[ax + 1:]
                    return self.let("(%s(%s, axis: %s, keepdims: true) as %s)"
                                    % (red, a, axt, self.dt), ns)
                return self.let("(%s(%s, axis: %s) as %s)" % (red, a, axt, self.dt),
                                sa[:ax] + sa[ax + 1:])
            if keep:
                ns = sa[:ax] + (D(1),) + sa[ax + 1:]
                return self.let("%s(%s, axis: %s, keepdims: true)" % (red, a, axt), ns)
            return self.let("%s(%s, axis: %s)" % (red, a, axt), sa[:ax] + sa[ax + 1:])
        if k < 0.55 and sa:
            # slices and constant indices
            idx, ns = [], []
            for d in sa:
                c = r.random()
                if c < 0.5:
                    idx.append(":")
                    ns.append(d)
                elif c < 0.65 and d[1] >= 2:
                    idx.append("1:")
                    txt = str(int(d[0]) - 1) if d[0].isdigit() else "%s - 1" % d[0]
                    ns.append((txt, d[1] - 1))
                elif c < 0.8:
                    lo = r.randrange(d[1])
                    idx.append("%d:%d" % (lo, lo + 1))
                    ns.append(D(1))
                elif c < 0.9:
                    idx.append(str(r.randrange(d[1])))
                else:
                    idx.append("-1")
            while len(idx) > 1 and idx[-1] == ":" and r.random() < 0.5:
                idx.pop()  # unindexed trailing dims are kept
            return self.let("%s[%s]" % (a, ", ".join(idx)), ns)
        if k < 0.62 and len(sa) >= 1:
            # matmul with a local whose first dim is our last
            b = self.pick(lambda s: len(s) in (1, 2) and s[0][0] == sa[-1][0])
            if b is not None and not (len(sa) == 1 and len(self.env[b]) == 1):
                sb = self.env[b]
                ns = sa[:-1] + sb[1:]
                return self.let("(%s @ %s)" % (a, b), ns)
            if len(sa) == 2:
                return self.let("%s.T" % a, (sa[1], sa[0]))
            return self.let("expand_dims(%s, axis: 0)" % a, (D(1),) + sa)
        if k < 0.66 and len(sa) >= 2:
            p = list(range(len(sa)))
            r.shuffle(p)
            return self.let("transpose(%s, perm: (%s,))" % (a, ", ".join(map(str, p))),
                            tuple(sa[i] for i in p))
        if k < 0.69 and len(sa) <= 2:
            ax = r.randint(0, len(sa))
            return self.let("expand_dims(%s, axis: %d)" % (a, ax), sa[:ax] + (D(1),) + sa[ax:])
        if k < 0.74:
            # if expression on a data-dependent condition
            b = self.pick()
            c = "sum(%s) > %s" % (b, r.choice(["0.0", "0.5", "-0.5"]))
            return self.let("if %s { %s } else { %s * %s }" % (c, self.unary(a), a, self.lit()), sa)
        if k < 0.8 and self.helpers:
            h = r.choice(self.helpers)
            return h.call(self, a)
        if depth > 1:
            return self.let(self.unary(a), sa)
        if k < 0.87:
            return self.for_loop(a, sa, depth)
        if k < 0.92:
            return self.while_loop(a, sa, depth)
        if k < 0.96:
            return self.if_stmt(a, sa, depth)
        if sa:
            return self.update(a, sa)
        return self.let(self.unary(a), sa)

    def nested(self, depth, body_env_extra=None):
        """Statements of a nested block: returns (lines, last var)."""
        sub = Body(self.r, self.dt, self.env, self.smooth, self.helpers, self.dimvals,
                   self.indent + "  ")
        sub.n = self.n
        if body_env_extra:
            sub.env.update(body_env_extra)
        for _ in range(self.r.randint(0, 2)):
            sub.step(depth + 1)
        self.n = sub.n
        return sub

    def for_loop(self, a, sa, depth):
        r = self.r
        acc = self.let(a, sa, mutable=True)
        # iterate over the first dim of some local, indexing it dynamically
        x = self.pick(lambda s: len(s) >= 1 and fits(s[1:], sa))
        if x is not None and r.random() < 0.8:
            bound = self.env[x][0]
            i = "it%d" % self.n
            sub = self.nested(depth, {i + "_row": self.env[x][1:]})
            row = "%s[%s]" % (x, i)
            self.emit("for %s in 0..%s {" % (i, bound[0]))
            self.emit("  let %s_row = %s;" % (i, row))
            self.lines += sub.lines
            tail = sub.pick(lambda s: fits(s, sa))
            if r.random() < 0.3:
                self.emit("  if %s == %d { %s; }" % (i, r.randrange(max(1, bound[1])),
                                                    r.choice(["break", "continue"])))
            self.emit("  %s = %s * %s + %s;" % (acc, acc, r.choice(["0.5", "0.75", "-0.5"]),
                                                self.unary(tail)))
            self.emit("}")
        else:
            i = "it%d" % self.n
            n = r.randint(1, 4)
            self.emit("for %s in 0..%d {" % (i, n))
            self.emit("  %s = %s * 0.5 + %s * (%s as %s);" % (acc, acc, self.unary(acc), i, self.dt))
            self.emit("}")
        return acc

    def while_loop(self, a, sa, depth):
        r = self.r
        acc = self.let(a, sa, mutable=True)
        j = "wh%d" % self.n
        self.emit("var %s: i64 = 0;" % j)
        sub = self.nested(depth)
        tail = sub.pick(lambda s: fits(s, sa))
        self.emit("while %s < %d {" % (j, r.randint(1, 3)))
        self.lines += sub.lines
        self.emit("  %s = %s - 0.25 * %s;" % (acc, acc, self.unary(tail)))
        self.emit("  %s = %s + 1;" % (j, j))
        self.emit("}")
        return acc

    def if_stmt(self, a, sa, depth):
        r = self.r
        z = self.let(a, sa, mutable=True)
        b = self.pick()
        self.emit("if sum(%s) %s %s {" % (b, r.choice([">", "<"]), r.choice(["0.0", "1.0"])))
        sub = self.nested(depth)
        self.lines += sub.lines
        self.emit("  %s = %s * 0.5 + %s;" % (z, z, self.unary(sub.pick(lambda s: fits(s, sa)))))
        if r.random() < 0.7:
            self.emit("} else {")
            sub = self.nested(depth)
            self.lines += sub.lines
            self.emit("  %s = %s * %s + %s;" % (z, sub.pick(lambda s: fits(s, sa)), self.lit(), z))
        self.emit("}")
        return z

    def update(self, a, sa):
        r = self.r
        u = self.let(a, sa, mutable=True)
        d = sa[0]
        if r.random() < 0.5:
            i = r.randrange(d[1])
            self.emit("%s[%d] = %s;" % (u, i, self.unary("%s[%d]" % (u, i))))
        else:
            self.emit("%s[0:1] = %s[0:1] * %s;" % (u, u, self.lit()))
        return u


class Helper:
    """A generic helper function and how to call it."""

    def __init__(self, name, kind, text, ret=None, params=None):
        self.name, self.kind, self.text = name, kind, text
        self.ret, self.params = ret, params

    def call(self, body, a):
        sa = body.env[a]
        r = body.r
        if self.kind == "elementwise":
            b = body.pick(lambda s: s == sa)
            return body.let("%s(%s, %s)" % (self.name, a, b), sa)
        # dim-generic on rank 2: T[N, M] -> self.ret (dims over N, M)
        # the helper's body assumes N, M >= 2 (it may slice `1:` or index 1):
        # a local with a dim of 1 is no argument for it (seed 1821)
        x = body.pick(lambda s: len(s) == 2 and s[0][1] >= 2 and s[1][1] >= 2)
        if x is None:
            return body.let(body.unary(a), sa)
        sx = body.env[x]
        sub = {"N": sx[0], "M": sx[1]}
        ns = []
        for txt, _ in self.ret:
            if txt in sub:
                ns.append(sub[txt])
            elif txt.isdigit():
                ns.append(D(int(txt)))
            else:  # `N - 1`-like
                base, _, c = txt.partition(" - ")
                bd = sub[base]
                t2 = str(int(bd[0]) - int(c)) if bd[0].isdigit() else "%s - %s" % (bd[0], c)
                if not bd[0].isdigit() and " " in bd[0]:
                    # nested expression: keep it simple, use the unary instead
                    return body.let(body.unary(a), sa)
                ns.append((t2, bd[1] - int(c)))
        return body.let("%s(%s)" % (self.name, x), ns)


def gen_float_unit(seed):
    r = random.Random(seed * 7919 + 1)
    p = "s%d_" % seed
    decls = []
    helpers = []
    # an elementwise helper over a shape pack
    if r.random() < 0.7:
        b = Body(r, "T", {"a": (("S", 1),), "b": (("S", 1),)}, True, [], None)
        # the pack behaves like one opaque dim: only elementwise ops
        for _ in range(r.randint(1, 3)):
            x, y = r.choice(["a", "b"] + b.vars_()[2:]), r.choice(["a", "b"] + b.vars_()[2:])
            b.let(b.binop(b.unary(x) if r.random() < 0.5 else x, y), (("S", 1),))
        last = b.vars_()[-1]
        decls.append("fn %sew<T: float, ..S>(a: T[..S], b: T[..S]) -> T[..S] {\n%s\n  return %s;\n}"
                     % (p, "\n".join(b.lines), last))
        helpers.append(Helper(p + "ew", "elementwise", None))
    # a dim-generic helper on rank 2
    if r.random() < 0.6:
        b = Body(r, "T", {"x": (("N", 2), ("M", 2))}, True, [], None)
        for _ in range(r.randint(1, 4)):
            b.step(depth=2)
        cands = [v for v, s in b.env.items() if all(d[0] in ("N", "M", "N - 1", "M - 1") or d[0].isdigit() for d in s)]
        last = cands[-1]
        ret = b.env[last]
        decls.append("fn %sdg<T: float, N, M>(x: T[N, M]) -> %s {\n%s\n  return %s;\n}"
                     % (p, tshape("T", ret), "\n".join(b.lines), last))
        helpers.append(Helper(p + "dg", "dimgeneric", None, ret=ret))
    # the loss
    use_struct = r.random() < 0.5
    if use_struct:
        decls.append("struct %sP<T: float, B> { w: T[B], s: T }" % p)
    params = [("x", (("A", 2), ("B", 2))), ("y", (("B", 2),))]
    env = dict(params)
    if use_struct:
        env["pw"] = (("B", 2),)
        env["ps"] = ()
    if r.random() < 0.5:
        params.append(("m", (("B", 2), D(3))))
        env["m"] = params[-1][1]
    body = Body(r, "T", env, True, helpers, None)
    if use_struct:
        body.lines.append("  let pw = p.w;")
        body.lines.append("  let ps = p.s;")
    for _ in range(r.randint(3, 9)):
        body.step()
    outs = [v for v in body.vars_() if v not in ("pw", "ps")][-3:]
    loss = " + ".join("sum(%s)" % v if r.random() < 0.5 else "mean(tanh(%s))" % v for v in outs)
    ptxt = ", ".join("%s: %s" % (n, tshape("T", s)) for n, s in params)
    if use_struct:
        ptxt += ", p: %sP<T, B>" % p
    decls.append("fn %sf<T: float, A, B>(%s) -> T {\n%s\n  return %s;\n}"
                 % (p, ptxt, "\n".join(body.lines), loss))

    # a value-only function with the non-smooth ops (and NaN, inf), whose
    # tensor result is printed
    gb = Body(r, "T", {"x": (("A", 2), ("B", 2)), "y": (("B", 2),)}, False, helpers, None)
    for _ in range(r.randint(3, 8)):
        gb.step()
    gout = gb.vars_()[-1]
    decls.append("fn %sg<T: float, A, B>(x: T[A, B], y: T[B]) -> %s {\n%s\n  return %s;\n}"
                 % (p, tshape("T", gb.env[gout]), "\n".join(gb.lines), gout))

    int_lines = gen_int_part(r, p, seed, decls) if r.random() < 0.5 else []

    # main: inputs at two shapes, values at f32 and f64, grad vs finite differences
    lines = []
    # one entry per printed line: "v" value, "f" the value of f where the
    # gradient is taken, ("g", k) / ("fd", k)
    layout = []
    shapes = [(r.randint(2, 4), r.randint(2, 4)) for _ in range(2)]
    if r.random() < 0.3:  # vector loops and their remainders at -O3
        shapes[1] = (r.randint(5, 9), r.randint(5, 19))
    # p.s: not 0.5, which put `sum(ps) > 0.5` exactly on its threshold and
    # made the finite difference jump (seeds 1170, 1246, 1280)
    ps_val = r.choice(["0.3719", "-0.6143", "0.8291", "-0.2377"])
    for si, (A, B) in enumerate(shapes):
        names = []
        # f32 at the first shape, f64 at both (each instance costs JIT time)
        for dt in (("f32", "f64") if si == 0 else ("f64",)):
            args = []
            for pi, (n, s) in enumerate(params):
                dims = [A if d[0] == "A" else B if d[0] == "B" else d[1] for d in s]
                args.append("uniform(%d, [%s], lo: -1.0, hi: 1.0) as %s"
                            % (seed * 100 + si * 10 + pi, ", ".join(map(str, dims)), dt))
            if use_struct:
                args.append("%sP { w: uniform(%d, [%d], lo: -1.0, hi: 1.0) as %s, s: %s as %s }"
                            % (p, seed * 100 + si * 10 + 9, B, dt, ps_val, dt))
            nm = "in%d_%s" % (si, dt)
            for k, a in enumerate(args):
                lines.append("  let %s_%d = %s;" % (nm, k, a))
            names.append((dt, ["%s_%d" % (nm, k) for k in range(len(args))]))
        for dt, ns in names:
            lines.append("  print(%sf(%s));" % (p, ", ".join(ns)))
            lines.append("  print(%sg(%s, %s));" % (p, ns[0], ns[1]))
            last = si == len(shapes) - 1 and dt == "f64"
            layout += ["f" if last else "v", "v"]
    # gradient at f64 (the last shape) against central differences
    dt, ns = names[-1]
    A, B = shapes[-1]
    wrt = [n for n, _ in params] + (["p"] if use_struct else [])
    lines.append("  let g = grad(%sf)(%s);" % (p, ", ".join(ns)))
    leaves = []  # (grad expression, arg index, perturbation builder, shape)
    for k, (n, s) in enumerate(params):
        dims = [A if d[0] == "A" else B if d[0] == "B" else d[1] for d in s]
        leaves.append(("g.%d" % k, k, None, dims))
    if use_struct:
        k = len(params)
        leaves.append(("g.%d.w" % k, k, "w", [B]))
        leaves.append(("g.%d.s" % k, k, "s", []))
    # One loop over the elements of every leaf, so that f is called at two
    # places only (calls are inlined: this keeps the program small).
    total = 0
    offs = []
    for gexpr, k, field, dims in leaves:
        n = 1
        for d in dims:
            n *= d
        offs.append((total, n))
        total += n
    lines.append("  var fd = zeros([%d], f64);" % total)
    lines.append("  for k in 0..%d {" % total)
    lines.append("    let e = (iota([%d], axis: 0) == k) as f64 * %r;" % (total, EPS))
    for sign, nm in (("+", "hi"), ("-", "lo")):
        args = list(ns)
        sw = {}
        for (gexpr, k, field, dims), (o, n) in zip(leaves, offs):
            pe = "reshape(e[%d:%d], [%s])" % (o, o + n, ", ".join(map(str, dims))) if dims \
                else "e[%d]" % o
            if field is None:
                args[k] = "%s %s %s" % (ns[k], sign, pe)
            else:
                sw[field] = "%s.%s %s %s" % (ns[k], field, sign, pe)
        if use_struct:
            k = len(params)
            args[k] = "%sP { w: %s, s: %s }" % (p, sw["w"], sw["s"])
        lines.append("    let %s = %sf(%s);" % (nm, p, ", ".join(args)))
    lines.append("    fd[k] = (hi - lo) / %r;" % (2 * EPS))
    lines.append("  }")
    for li, ((gexpr, k, field, dims), (o, n)) in enumerate(zip(leaves, offs)):
        if dims:
            lines.append("  print(%s, reshape(fd[%d:%d], [%s]));"
                         % (gexpr, o, o + n, ", ".join(map(str, dims))))
        else:
            lines.append("  print(%s, fd[%d]);" % (gexpr, o))
        layout += [("g", li), ("fd", li)]
    # forward mode: jvp(f)'s tangent against <grad, t> (one unit in three)
    if r.random() < 0.35:
        ts, dots = [], []
        for k, (n, s) in enumerate(params):
            dims = [A if d[0] == "A" else B if d[0] == "B" else d[1] for d in s]
            lines.append("  let t%d = uniform(%d, [%s], lo: -1.0, hi: 1.0) as f64;"
                         % (k, seed * 100 + 50 + k, ", ".join(map(str, dims))))
            ts.append("t%d" % k)
            dots.append("sum(g.%d * t%d)" % (k, k))
        if use_struct:
            k = len(params)
            lines.append("  let t%d = %sP { w: uniform(%d, [%d], lo: -1.0, hi: 1.0) as f64, s: 0.25 as f64 };"
                         % (k, p, seed * 100 + 59, B))
            ts.append("t%d" % k)
            dots.append("sum(g.%d.w * t%d.w) + g.%d.s * t%d.s" % (k, k, k, k))
        lines.append("  let jv = jvp(%sf)(%s, %s);" % (p, ", ".join(ns), ", ".join(ts)))
        lines.append("  print(jv.1, %s);" % " + ".join(dots))
        layout += [("g", "jvp"), ("fd", "jvp")]
    for ln in int_lines:
        lines.append(ln)
        layout.append("v")
    decls.append("fn %smain() {\n%s\n}" % (p, "\n".join(lines)))
    return decls, layout, []


INT_EXTREMES = {"i8": [-128, 127, -1, 0, 1, 100, -100],
                "i32": [-2147483648, 2147483647, -1, 0, 1, 65536, -1000000],
                "i64": [-9223372036854775808, 9223372036854775807, -1, 0, 1, 4294967296, -3]}


def gen_int_part(r, p, seed, decls):
    """An integer function generic over <I: int, N>: wrapping arithmetic,
    truncating / and %, shifts by any amount (out-of-range amounts are
    defined, docs/ir.md), bitwise ops, casts, select, a loop with a dynamic
    index. Returns main's print lines (one line each)."""
    env = ["a", "b"]
    body = []
    n = 0
    for _ in range(r.randint(2, 6)):
        x, y = r.choice(env), r.choice(env)
        op = r.choice(["+", "-", "*", "/", "%", "<<", ">>", ">>v", "&", "|", "^", "neg",
                       "abs", "max", "min", "cast", "pow", "select", "sum", "loop"])
        if op in ("+", "-", "*", "&", "|", "^"):
            e = "(%s %s %s)" % (x, op, y)
        elif op in ("/", "%"):
            e = "(%s %s (%s | 1))" % (x, op, y)
        elif op == "<<":
            e = "(%s << (%s & 7))" % (x, y)
        elif op == ">>":
            e = "(%s >> %d)" % (x, r.randint(0, 7))
        elif op == ">>v":
            e = "(%s %s %s)" % (x, r.choice(["<<", ">>"]), y)  # any amount
        elif op == "neg":
            e = "(-%s)" % x
        elif op == "abs":
            e = "abs(%s)" % x
        elif op in ("max", "min"):
            e = "%s(%s, %s)" % (op, x, y)
        elif op == "cast":
            e = "((%s as %s) as I)" % (x, r.choice(["i8", "i32", "i64", "f32", "f64"]))
        elif op == "pow":
            e = "(%s ** %d)" % (x, r.randint(0, 5))
        elif op == "select":
            e = "select(%s > %s, %s, %s * 3)" % (x, y, x, y)
        elif op == "sum":
            e = "(%s + %s(%s))" % (x, r.choice(["sum", "max", "min", "prod"]), y)
        else:
            n += 1
            body.append("  var acc%d = %s;" % (n, x))
            body.append("  for i in 0..N {")
            body.append("    acc%d = acc%d * 3 + %s[i];" % (n, n, y))
            body.append("  }")
            env.append("acc%d" % n)
            continue
        n += 1
        body.append("  let w%d = %s;" % (n, e))
        env.append("w%d" % n)
    decls.append("fn %sint<I: int, N>(a: I[N], b: I[N]) -> I[N] {\n%s\n  return %s;\n}"
                 % (p, "\n".join(body), env[-1]))
    out = []
    for dt, vals in INT_EXTREMES.items():
        a = list(vals)
        b = list(vals)
        r.shuffle(a)
        r.shuffle(b)
        b[r.randrange(len(b))] = r.randint(-70, 70)
        out.append("  print(%sint(%s as %s, %s as %s));" % (
            p, "[%s]" % ", ".join(map(str, a)) if dt != "i64" else "[%s]" % ", ".join(map(str, a)),
            dt, "[%s]" % ", ".join(map(str, b)), dt))
    return out


# ---------------------------------------------------------------------------
def gen_quant_unit(seed):
    r = random.Random(seed * 7919 + 2)
    p = "s%d_" % seed
    decls = []
    # q<M, K>(x: i8[M, K]) -> i8[M, ...]: a chain of layers with fixed widths
    widths = [None] + [r.randint(1, 40) for _ in range(r.randint(1, 4))]
    lines = []
    cur, cw = "x", "K"
    batched = r.random() < 0.3
    lead = "Bt, " if batched else ""
    for li, w in enumerate(widths[1:]):
        kind = r.choice(["qdense", "qmatmul", "requant", "epilogue", "wrap", "hostmix"])
        kw = 32 if cw == "K" else int(cw)
        sh = max(0, 7 + kw.bit_length() + r.randint(-2, 1))
        wname = "w%d" % li
        lines.append("  let %s = uniform(%d, [%s, %d], lo: -128.0, hi: 127.0) as i8;"
                     % (wname, seed * 50 + li, cw, w))
        if kind == "qdense" or (batched and kind in ("qdense", "qmatmul")):
            lines.append("  let b%d = (iota([%d], axis: 0) * %d - %d) as i32;"
                         % (li, w, r.randint(1, 999), r.randint(0, 5000)))
            if batched:
                e = "requantize(%s @ %s + b%d, shift: %d)" % (cur, wname, li, sh)
            else:
                e = "qdense(%s, %s, b%d, shift: %d)" % (cur, wname, li, sh)
        elif kind == "qmatmul":
            e = "qmatmul(%s, %s, shift: %d)" % (cur, wname, sh)
        elif kind == "requant":
            e = "requantize(%s @ %s, shift: %d)" % (cur, wname, sh)
        elif kind == "wrap":
            e = "(%s @ %s) as i8" % (cur, wname)
        elif kind == "hostmix":
            e = "qrelu(requantize(%s @ %s, shift: %d)) + (%s @ %s) as i8" % (cur, wname, sh, cur, wname)
        else:
            ops = []
            ex = "(%s @ %s)" % (cur, wname)
            for _ in range(r.randint(1, 3)):
                op = r.choice(["+", "*", "max", "min", "-"])
                c = r.randint(-300, 300)
                if op in "+*-":
                    ex = "(%s %s %d)" % (ex, op, c)
                else:
                    ex = "%s(%s, %d)" % (op, ex, c)
            e = "clamp(%s >> %d, -128, 127) as i8" % (ex, sh)
        if r.random() < 0.3:
            e = "qrelu(%s)" % e
        v = "h%d" % li
        lines.append("  let %s = %s;" % (v, e))
        cur, cw = v, str(w)
    outs = [cur, "dequantize(%s, shift: %d)" % (cur, r.randint(0, 7))]
    xt = "i8[%sM, K]" % lead
    rt_txt = "(i8[%sM, %s], f32[%sM, %s])" % (lead, cw, lead, cw)
    gens = "<%sM, K>" % ("Bt, " if batched else "")
    decls.append("fn %sq%s(x: %s) -> %s {\n%s\n  return (%s);\n}"
                 % (p, gens, xt, rt_txt, "\n".join(lines), ", ".join(outs)))
    mlines = []
    layout = []
    for si in range(2):
        m, k = r.randint(1, 20), r.randint(1, 60)
        dims = ([r.randint(2, 3)] if batched else []) + [m, k]
        if r.random() < 0.5:
            xin = "uniform(%d, [%s], lo: -128.0, hi: 127.0) as i8" % (seed * 10 + si, ", ".join(map(str, dims)))
        else:
            xin = "quantize(uniform(%d, [%s], lo: -2.0, hi: 2.0), shift: %d)" % (
                seed * 10 + si, ", ".join(map(str, dims)), r.randint(3, 6))
        mlines.append("  let r%d = %sq(%s);" % (si, p, xin))
        mlines.append("  print(r%d.0, r%d.1);" % (si, si))
        layout += ["v", "v"]
    decls.append("fn %smain() {\n%s\n}" % (p, "\n".join(mlines)))
    return decls, layout, ["std.quant"]


def unit_kind(seed):
    return "quant" if seed % 4 == 3 else "float"


def gen_unit(seed):
    return gen_quant_unit(seed) if unit_kind(seed) == "quant" else gen_float_unit(seed)


def program(seeds):
    """The text of one file holding the units of `seeds`, and their layouts."""
    imports, decls, layouts = set(), [], {}
    for s in seeds:
        d, lay, imp = gen_unit(s)
        decls += d
        layouts[s] = lay
        imports.update(imp)
    text = "".join("import %s;\n" % m for m in sorted(imports))
    text += "\n\n".join(decls)
    text += "\n\nfn main() {\n%s\n}\n" % "\n".join("  s%d_main();" % s for s in seeds)
    return text, layouts


# ---------------------------------------------------------------------------
CONFIGS = [("interp", ["--backend=interp", "-O0"]),
           ("cpu-O0", ["--backend=cpu", "-O0"]),
           ("cpu-O3", ["--backend=cpu", "-O3"])]
ACCEL = ("accel", ["--backend=accel", "--accel-offload=always", "-O2"])


def run(tdlc, path, flags, timeout=1200):
    # No --timeout: it counts the JIT's compile time, which a loaded machine
    # can stretch (generated loops are bounded, a program cannot run away).
    cmd = [tdlc, "run", "--print-precision=17", "--print-full"] + flags + [path]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return -1, "", "timeout"


def parse_values(line):
    """The numbers of one printed line (`f64[2,3] [[...]]` or `f64 1.5`)."""
    _, _, rest = line.partition(" ")
    out = []
    for t in re.findall(r"-?(?:inf|nan|[0-9.]+(?:e[-+]?[0-9]+)?)", rest):
        out.append(float(t))
    return out


def check_text(tdlc, text, layouts, configs, workdir, tag):
    """Runs one file on every config. Returns a list of (seeds, message)."""
    path = os.path.join(workdir, tag + ".tdl")
    with open(path, "w") as f:
        f.write(text)
    results = [(name, run(tdlc, path, flags)) for name, flags in configs]
    base_name, base = results[0]
    problems = []
    for name, res in results[1:]:
        if res != base:
            problems.append("%s and %s differ%s" % (base_name, name,
                                                   " (timeout)" if res[0] == -1 else ""))
    if base[0] != 0 and not problems:
        problems.append("exit %d on every backend: %s" % (base[0], base[2][:2000]))
    if problems:
        return [(list(layouts), "; ".join(problems), results)]
    # gradient checks
    lines = base[1].splitlines()
    pos = 0
    bad = []
    for s, lay in layouts.items():
        mine = lines[pos:pos + len(lay)]
        pos += len(lay)
        grads = {}
        noise = 0.0
        for kind, ln in zip(lay, mine):
            if kind == "f":
                fs = parse_values(ln)
                if fs and math.isfinite(fs[0]):
                    noise = FD_NOISE_ULPS * 2.0 ** -52 * abs(fs[0]) / (2 * EPS)
                else:
                    # f overflowed (seed 2936: v = v * 0.75 + v * v, A
                    # times, is inf at A = 8): no gradient to check; the
                    # backends were compared byte for byte above.
                    noise = math.inf
            elif kind != "v":
                grads.setdefault(kind[1], {})[kind[0]] = parse_values(ln)
        if noise == math.inf:
            continue
        for k, gf in grads.items():
            g, fd = gf["g"], gf["fd"]
            if len(g) != len(fd) or any(
                    not (abs(a - b) <= 1e-5 + 1e-5 * abs(b) + noise)
                    for a, b in zip(g, fd)):
                bad.append(([s], "gradient %s differs from its reference:\n  grad %s\n  fd   %s"
                            % (k, g[:8], fd[:8]), results))
                break
    if pos != len(lines):
        bad.append((list(layouts), "printed %d lines, expected %d" % (len(lines), pos), results))
    return bad


# the small hardware of the accel e2e tests: batch 2, 8x8 blocks, small SRAMs
ACCEL_SMALL = ("accel-small", ACCEL[1] + ["--accel-config=" + os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "accel", "small_config.json")])


def configs_for(seeds, accel=True):
    quant = accel and any(unit_kind(s) == "quant" for s in seeds)
    return CONFIGS + ([ACCEL, ACCEL_SMALL] if quant else [])


def check_seeds(tdlc, seeds, workdir, accel=True):
    """Checks a batch; a batch that fails is split to name its seeds."""
    text, layouts = program(seeds)
    found = check_text(tdlc, text, layouts, configs_for(seeds, accel), workdir,
                       "batch%d" % seeds[0])
    if not found or len(seeds) == 1:
        return found
    out = []
    for s in {s for f in found for s in f[0]}:
        t1, l1 = program([s])
        out += check_text(tdlc, t1, l1, configs_for([s], accel), workdir, "seed%d" % s)
    if not out:  # fails only in a batch: report the batch
        return found
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tdlc")
    ap.add_argument("--seed", type=int, default=1, help="first seed")
    ap.add_argument("--seeds", type=int, default=40, help="how many seeds")
    ap.add_argument("--batch", type=int, default=20, help="units per file")
    ap.add_argument("--emit", type=int, help="print the program of one seed and exit")
    ap.add_argument("--no-accel", action="store_true")
    ap.add_argument("--keep", help="write failing programs into this directory")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if args.emit is not None:
        sys.stdout.write(program([args.emit])[0])
        return 0
    tdlc = os.path.abspath(args.tdlc)
    workdir = tempfile.mkdtemp(prefix="tdl-progen-")
    all_seeds = list(range(args.seed, args.seed + args.seeds))
    # windows of consecutive seeds, split by kind so that float units never
    # run on the accelerator
    groups = []
    for i in range(0, len(all_seeds), args.batch):
        w = all_seeds[i:i + args.batch]
        groups += [[s for s in w if unit_kind(s) == k] for k in ("float", "quant")]
    failures = []
    t0 = time.time()
    done = 0
    for g in groups:
        for i in range(0, len(g), args.batch):
            chunk = g[i:i + args.batch]
            found = check_seeds(tdlc, chunk, workdir, not args.no_accel)
            done += len(chunk)
            for seeds, msg, results in found:
                failures.append((seeds, msg))
                print("FAIL seeds %s: %s" % (seeds, msg))
                for name, (rc, out, err) in results:
                    print("--- %s: exit %d\n%s%s" % (name, rc, out[-1500:], err[-1500:]))
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    for s in seeds:
                        with open(os.path.join(args.keep, "seed%d.tdl" % s), "w") as f:
                            f.write(program([s])[0])
                sys.stdout.flush()
            if not args.quiet:
                print("%d/%d seeds, %d failing, %.1f s" % (done, len(all_seeds), len(failures),
                                                            time.time() - t0))
                sys.stdout.flush()
    print("progen: seeds %d..%d: %d of %d failed (%.1f s)" % (
        args.seed, args.seed + args.seeds - 1, len({s for f in failures for s in f[0]}),
        len(all_seeds), time.time() - t0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

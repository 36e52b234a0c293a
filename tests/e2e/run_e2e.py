#!/usr/bin/python3
"""Runs one TDL program with `tdlc run` and compares it with its NumPy reference.

usage: run_e2e.py --tdlc PATH [--opt N] [--backend B] [--reference REF.py] PROGRAM.tdl

PROGRAM.py (next to the program) is an independent implementation written
with NumPy: it prints the expected output lines through reference.emit, in
the order `tdlc run` prints them (print() output first, then one line per
result leaf). Lines are compared numerically, not textually: same dtype and
shape, integers and bools exactly, floats within a tolerance (f32: rtol 1e-5,
f64: rtol 1e-10). Directives the reference may print:
  !exit N           expected exit status (default 0)
  !stderr REGEX     stderr must match (re.search)
  !repeat           run twice and require byte-identical output (determinism)
  !tolerance R A    compare floats with rtol R and atol A instead (for
                    references computed by finite differences)
"""
import argparse
import math
import os
import re
import subprocess
import sys

LINE = re.compile(r"^(bool|i8|i32|i64|f32|f64)(\[[0-9,]*\])? (.*)$")


def parse_values(text):
    if "..." in text:
        raise ValueError("summarized output cannot be compared: " + text)
    env = {"nan": math.nan, "inf": math.inf, "true": True, "false": False,
           "__builtins__": {}}
    return eval(text, env)  # the text is numbers, brackets and the names above


def flatten(v, out):
    if isinstance(v, list):
        for x in v:
            flatten(x, out)
    else:
        out.append(v)
    return out


def parse_line(line):
    m = LINE.match(line)
    if not m:
        raise ValueError("not a value line: " + repr(line))
    dtype = m.group(1)
    shape = [int(d) for d in m.group(2)[1:-1].split(",") if d] if m.group(2) else []
    values = flatten(parse_values(m.group(3)), [])
    n = 1
    for d in shape:
        n *= d
    if len(values) != n:
        raise ValueError("%d values for shape %s in %r" % (len(values), shape, line))
    return dtype, shape, values


def close(a, b, dtype, tol=None):
    if dtype in ("bool", "i8", "i32", "i64"):
        return a == b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    rtol, atol = (1e-5, 1e-6) if dtype == "f32" else (1e-10, 1e-12)
    if tol:
        rtol, atol = tol
    return abs(a - b) <= atol + rtol * abs(b)


def compare(got_lines, want_lines, tol=None):
    errors = []
    if len(got_lines) != len(want_lines):
        errors.append("expected %d lines, got %d" % (len(want_lines), len(got_lines)))
    for i, (g, w) in enumerate(zip(got_lines, want_lines)):
        try:
            gd, gs, gv = parse_line(g)
        except ValueError as e:
            errors.append("line %d: %s" % (i + 1, e))
            continue
        wd, ws, wv = parse_line(w)
        if (gd, gs) != (wd, ws):
            errors.append("line %d: got %s%s, expected %s%s" % (i + 1, gd, gs, wd, ws))
            continue
        bad = [k for k in range(len(wv)) if not close(gv[k], wv[k], wd, tol)]
        if bad:
            k = bad[0]
            errors.append("line %d: element %d is %r, expected %r (%d mismatches)\n  got:      %s\n  expected: %s"
                          % (i + 1, k, gv[k], wv[k], len(bad), g, w))
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tdlc", required=True)
    ap.add_argument("--opt", default="0")
    ap.add_argument("--backend", default="interp")
    ap.add_argument("--reference", help="the NumPy reference (default: PROGRAM.py)")
    ap.add_argument("program")
    args = ap.parse_args()

    ref = args.reference or os.path.splitext(args.program)[0] + ".py"
    want = subprocess.run(["/usr/bin/python3", ref], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.abspath(__file__))))
    if want.returncode != 0:
        print("reference %s failed:\n%s" % (ref, want.stderr))
        return 1
    expect_exit, stderr_re, repeat, tol, want_lines = 0, None, False, None, []
    for line in want.stdout.splitlines():
        if line.startswith("!exit "):
            expect_exit = int(line.split()[1])
        elif line.startswith("!stderr "):
            stderr_re = line[len("!stderr "):]
        elif line == "!repeat":
            repeat = True
        elif line.startswith("!tolerance "):
            tol = tuple(float(t) for t in line.split()[1:3])
        else:
            want_lines.append(line)

    cmd = [args.tdlc, "run", "--backend=" + args.backend, "-O" + args.opt,
           "--print-precision=17", "--color=never", args.program]
    got = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    errors = []
    if got.returncode != expect_exit:
        errors.append("exit status %d, expected %d" % (got.returncode, expect_exit))
    if stderr_re and not re.search(stderr_re, got.stderr):
        errors.append("stderr does not match %r" % stderr_re)
    if expect_exit == 0 and got.returncode == 0:
        errors += compare(got.stdout.splitlines(), want_lines, tol)
    if repeat:
        again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if again.stdout != got.stdout:
            errors.append("a second run printed different output")
    if errors:
        print("FAIL: " + " ".join(cmd))
        print("\n".join(errors))
        print("--- stdout\n" + got.stdout + "--- stderr\n" + got.stderr)
        return 1
    print("PASS: " + " ".join(cmd))
    return 0


if __name__ == "__main__":
    sys.exit(main())

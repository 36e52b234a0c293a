#!/usr/bin/python3
"""Builds and runs examples/cpp_app and compares what the C++ program prints
with `tdlc run --backend=interp model.tdl` (the interpreter is the oracle).

usage: check.py TDLC OUT_DIR
"""
import ast
import os
import re
import subprocess
import sys

tdlc, out = sys.argv[1:3]
here = os.path.dirname(os.path.abspath(__file__))
app = subprocess.run([os.path.join(here, "build-and-run.sh"), tdlc, out],
                     capture_output=True, text=True)
if app.returncode != 0:
    sys.exit("cpp_app failed:\n" + app.stdout + app.stderr)
ref = subprocess.run([tdlc, "run", "--backend=interp", os.path.join(here, "model.tdl")],
                     capture_output=True, text=True, check=True).stdout.splitlines()
probs = [v for row in ast.literal_eval(ref[0].split(" ", 1)[1]) for v in row]
classes = ast.literal_eval(ref[1].split(" ", 1)[1])

errors = []
rows = re.findall(r"row (\d): p = \[(.*)\] -> class (\d+)", app.stdout)
if len(rows) != 5:
    errors.append("expected 5 rows, got %d" % len(rows))
for r, ps, c in rows:
    r = int(r)
    got = [float(v) for v in ps.split(",")]
    want = probs[3 * r:3 * r + 3]
    if any(abs(g - w) > 6e-5 for g, w in zip(got, want)):
        errors.append("row %d: p %s, interpreter %s" % (r, got, want))
    if int(c) != classes[r]:
        errors.append("row %d: class %s, interpreter %d" % (r, c, classes[r]))
if "row(7): error: index 7 out of range for dim 0 of size 5" not in app.stdout:
    errors.append("no out-of-range error for row(7)")
if "row(2) = [0, 0.25, 0.5, 0.75]" not in app.stdout:
    errors.append("wrong row(2)")
if errors:
    sys.exit("\n".join(errors) + "\n--- cpp_app output:\n" + app.stdout)
print(app.stdout, end="")
print("ok: cpp_app matches the interpreter")

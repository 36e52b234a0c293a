#!/usr/bin/python3
"""Runs examples/fashion_mnist in quick mode and checks what it prints:
the loss goes down, the float model's test accuracy reaches a floor, the int8
program's count of correct predictions is close to the float model's on the
same 256 images and equal to main.cpp's C++ model of the int8 arithmetic,
and the accelerator runs (cost-based and --accel-offload=always) print what
`tdlc run --backend=interp` prints.

usage: check.py TDLC OUT_DIR
Exits 77 (ctest SKIP_RETURN_CODE) when the dataset is not installed.
"""
import os
import re
import subprocess
import sys

DATA = "/usr/share/datasets/fashion-mnist"
# Quick mode (12800 training images, 200 Adam steps) measured 0.812 with the
# fixed seeds; the floor leaves room for any change in float rounding.
MIN_TEST_ACCURACY = 0.78
# int8 vs float on the same 256 images: at most this many predictions apart.
MAX_INT8_DROP = 8

tdlc, out = sys.argv[1:3]
if not os.path.isdir(DATA):
    print("SKIP: %s is missing (Debian package dataset-fashion-mnist)" % DATA)
    sys.exit(77)

here = os.path.dirname(os.path.abspath(__file__))
run = subprocess.run([os.path.join(here, "build-and-run.sh"), tdlc, out, "--quick"],
                     capture_output=True, text=True)
log = run.stdout
if run.returncode != 0:
    sys.exit("build-and-run.sh failed (exit %d):\n%s%s" % (run.returncode, log, run.stderr))

errors = []
losses = [float(v) for v in re.findall(r"mean loss ([0-9.]+)", log)]
if len(losses) < 2 or not losses[-1] < 0.75 * losses[0]:
    errors.append("the loss did not go down by a quarter: %s" % losses)
acc = re.findall(r"test accuracy ([0-9.]+)", log)
if not acc or float(acc[-1]) < MIN_TEST_ACCURACY:
    errors.append("test accuracy %s, want >= %g" % (acc, MIN_TEST_ACCURACY))

def count(pattern):
    m = re.search(pattern, log)
    if not m:
        errors.append("no line matching %r" % pattern)
        return None
    return int(m.group(1))

float_count = count(r"float model on the first 256 test images: (\d+) correct")
cpp_int8 = count(r"int8 model \(C\+\+ reference\) on the first 256 test images: (\d+)")

# The accelerator run's results are the two lines after the marker (--stats
# follows them); the interpreter must print exactly those.
accel = log.split("--- tdlc run --backend=accel --stats quantized.tdl\n", 1)
accel_results = accel[1].splitlines()[:2] if len(accel) == 2 else []
interp = subprocess.run([tdlc, "run", "--backend=interp",
                         os.path.join(out, "quantized.tdl")],
                        capture_output=True, text=True)
if interp.returncode != 0:
    errors.append("tdlc run --backend=interp failed:\n" + interp.stderr)
elif interp.stdout.splitlines() != accel_results:
    errors.append("accel and interp differ:\n  accel:  %s\n  interp: %s"
                  % ([l[:80] for l in accel_results],
                     [l[:80] for l in interp.stdout.splitlines()]))
# Both layers on the simulator (the cost model keeps the small second one on
# the host by default): the same results again.
always = subprocess.run([tdlc, "run", "--backend=accel", "--accel-offload=always",
                         os.path.join(out, "quantized.tdl")],
                        capture_output=True, text=True)
if always.returncode != 0 or always.stdout.splitlines() != accel_results:
    errors.append("--accel-offload=always differs (exit %d):\n%s"
                  % (always.returncode, always.stderr))
m = re.match(r"i32 (\d+)$", accel_results[0]) if accel_results else None
if not m:
    errors.append("no count in the accelerator run's output")
elif None not in (float_count, cpp_int8):
    int8_count = int(m.group(1))
    if int8_count != cpp_int8:
        errors.append("int8 program: %d correct, main.cpp's model of it: %d"
                      % (int8_count, cpp_int8))
    if int8_count < float_count - MAX_INT8_DROP:
        errors.append("int8: %d correct, float: %d (allowed drop %d)"
                      % (int8_count, float_count, MAX_INT8_DROP))

if errors:
    sys.exit("\n".join(errors) + "\n--- output:\n" + log)
print(log, end="")
print("ok: fashion_mnist trains, and its int8 program agrees on accel and interp")

#!/usr/bin/python3
"""Runs a TDL program on the interpreter and with --backend=accel and
requires the same exit status and results, byte for byte, and that the
accelerator really ran: `--stats` must report at least the number of
offloaded regions the program states in a `// ACCEL-OFFLOADED: N` line,
and, on the default hardware, at least the region inputs taken blocked from
DRAM (activations passed between regions without a host conversion) that
an `// ACCEL-BLOCKED: N` line states, and at least the region calls that
found their weights packed already (a loop's steps) an
`// ACCEL-WEIGHTS-REUSED: N` line states.

usage: check_accel.py --tdlc PATH [--opt N] [--config F.json] PROGRAM.tdl

The interpreter is the oracle (ARCHITECTURE.md); the accelerator's int8
arithmetic is exact, so nothing but identical output is right. A program
with an independent NumPy reference next to it (PROGRAM.py, printing through
tests/e2e/reference.emit as run_e2e.py's references do) is also compared with
that, value for value.
"""
import argparse
import os
import re
import subprocess
import sys


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tdlc", required=True)
    ap.add_argument("--opt", default="0")
    ap.add_argument("--config")
    ap.add_argument("program")
    args = ap.parse_args()
    text = open(args.program).read()
    m = re.search(r"ACCEL-OFFLOADED: (\d+)", text)
    if not m:
        print("the program states no ACCEL-OFFLOADED count")
        return 1
    expected = int(m.group(1))

    want = run([args.tdlc, "run", "--backend=interp", "-O" + args.opt, args.program])
    cmd = [args.tdlc, "run", "--backend=accel", "--accel-offload=always",
           "--stats", "-O" + args.opt, args.program]
    if args.config:
        cmd.append("--accel-config=" + args.config)
    got = run(cmd)
    if got[0] != want[0] or got[2] != want[2]:
        print("exit status or stderr differs:\n--- interp\n%s%s\n--- accel\n%s%s"
              % (want[0], want[2], got[0], got[2]))
        return 1
    results, sep, stats = got[1].partition("accelerator: ")
    if not sep:
        print("no accelerator statistics in the output:\n" + got[1])
        return 1
    if results != want[1]:
        print("results differ:\n--- interp\n%s\n--- accel\n%s" % (want[1], results))
        return 1
    ref = os.path.splitext(args.program)[0] + ".py"
    if os.path.exists(ref):
        e2e_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        sys.path.insert(0, e2e_dir)
        import run_e2e
        numpy = subprocess.run(["/usr/bin/python3", ref], capture_output=True,
                               text=True, env=dict(os.environ, PYTHONPATH=e2e_dir))
        if numpy.returncode != 0:
            print("reference %s failed:\n%s" % (ref, numpy.stderr))
            return 1
        errors = run_e2e.compare(results.splitlines(), numpy.stdout.splitlines())
        if errors:
            print("results differ from the NumPy reference %s:\n%s"
                  % (ref, "\n".join(errors)))
            return 1
    offloaded = int(re.match(r"(\d+) region", stats).group(1))
    programs = int(re.search(r"(\d+) program run", stats).group(1))
    if offloaded < expected or programs < offloaded:
        print("expected at least %d offloaded regions, got:\n%s" % (expected, stats))
        return 1
    blocked = re.search(r"ACCEL-BLOCKED: (\d+)", text)
    passed = re.search(r"(\d+) region input\(s\) taken blocked", stats)
    if blocked and not args.config and (
            not passed or int(passed.group(1)) < int(blocked.group(1))):
        print("expected at least %s region inputs taken blocked from DRAM, "
              "got:\n%s" % (blocked.group(1), stats))
        return 1
    reused = re.search(r"ACCEL-WEIGHTS-REUSED: (\d+)", text)
    packed = re.search(r"weights packed already on (\d+) call", stats)
    if reused and (not packed or int(packed.group(1)) < int(reused.group(1))):
        print("expected the weights packed already on at least %s calls, "
              "got:\n%s" % (reused.group(1), stats))
        return 1
    print("ok: %d regions, %d programs on the accelerator match the interpreter"
          % (offloaded, programs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

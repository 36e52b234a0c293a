#!/usr/bin/python3
"""Runs one TDL program on the interpreter and on another backend and
requires the same exit status, stdout and stderr, byte for byte.

usage: compare_backends.py --tdlc PATH [--opt N] [--backend cpu] PROGRAM.tdl

The interpreter is the oracle (ARCHITECTURE.md): the cpu backend computes
every op in the interpreter's order, so even float results print the same.
"""
import argparse
import subprocess
import sys


def run(tdlc, backend, opt, program):
    p = subprocess.run([tdlc, "run", "--backend=" + backend, "-O" + opt, program],
                       capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tdlc", required=True)
    ap.add_argument("--opt", default="0")
    ap.add_argument("--backend", default="cpu")
    ap.add_argument("program")
    args = ap.parse_args()
    want = run(args.tdlc, "interp", args.opt, args.program)
    got = run(args.tdlc, args.backend, args.opt, args.program)
    if got == want:
        print("ok: %s matches the interpreter" % args.backend)
        return 0
    for label, w, g in zip(("exit status", "stdout", "stderr"), want, got):
        if w != g:
            print("%s differs:\n--- interp\n%s\n--- %s\n%s" % (label, w, args.backend, g))
    return 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""expect-exit.py N CMD ARGS...: run CMD, pass its output through, succeed iff it exits with N.

lit's `not` only says "non-zero"; CLI.md gives each exit status a meaning.
"""
import subprocess
import sys

want = int(sys.argv[1])
got = subprocess.run(sys.argv[2:]).returncode
if got != want:
    sys.stderr.write(f"expect-exit: expected exit status {want}, got {got}\n")
    sys.exit(1)

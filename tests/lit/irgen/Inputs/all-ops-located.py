"""Reads IR text on stdin; fails if an op or function line has no loc(...)."""
import re
import sys

bad = []
for n, line in enumerate(sys.stdin, 1):
    s = line.strip()
    if not s or s in ("}", "} {") or s.startswith("^("):
        continue
    if "loc(" not in s:
        bad.append("%d: %s" % (n, s))
if bad:
    print("ops without a location:\n" + "\n".join(bad))
    sys.exit(1)
print("all located")

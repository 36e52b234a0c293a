"""Op counts of IR before and after the -O pipelines (docs/performance.md).

Usage: op-counts.py TDL_OPT TDLC FILE...
  .tir files: `tdl-opt FILE` vs `tdl-opt FILE -O<n>`
  .tdl files: `tdlc --emit=ir FILE` vs `tdlc --emit=ir-opt -O<n> FILE`
Counts every op except the terminators (yield, return), nested ones
included, and prints a Markdown table row per file.
"""
import re
import subprocess
import sys

tdl_opt, tdlc, files = sys.argv[1], sys.argv[2], sys.argv[3:]
OP = re.compile(r"^\s+(?:%[\w.#:$-]+(?:, %[\w.#:$-]+)* = )?([a-z_0-9]+)\b")


def count(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return None
    n = 0
    for line in p.stdout.splitlines():
        m = OP.match(line)
        if m and m.group(1) not in ("yield", "return", "func"):
            n += 1
    return n


print("| file | -O0 | -O1 | -O2 | -O3 |")
print("|---|---|---|---|---|")
for f in files:
    if f.endswith(".tdl"):
        cmds = [[tdlc, "--emit=ir", f]] + [
            [tdlc, "--emit=ir-opt", f"-O{n}", f] for n in (1, 2, 3)]
    else:
        cmds = [[tdl_opt, f]] + [[tdl_opt, f, f"-O{n}"] for n in (1, 2, 3)]
    counts = [count(c) for c in cmds]
    print(f"| {f} | " + " | ".join("-" if c is None else str(c)
                                     for c in counts) + " |")

"""Semantic preservation: every runnable program gives the same output at
-O0 and at each higher -O level.

Usage: opt-equivalence.py TDL_OPT TDLC ROOT... [--tdl DIR...]

For every .tir file under the roots (files expecting diagnostics skipped),
each function without parameters is run with `tdl-opt --run=F -O<n>`; every
.tdl program directly in a --tdl directory (tests/e2e, examples) is run with
`tdlc run -O<n>` (when tdlc is built). A program whose -O0 run crashes
(exit status other than 0/1) is reported and skipped: that is a front-end
bug, not an optimizer difference. stdout and the exit status must be identical
to -O0; stderr too when the program fails (the same run-time error). A
non-exported function that -O2 inlined everywhere and erased is no longer
an entry point; its callers still run it.
"""
import pathlib
import re
import subprocess
import sys

tdl_opt, tdlc, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
split = rest.index("--tdl") if "--tdl" in rest else len(rest)
roots, tdl_dirs = rest[:split], rest[split + 1:]
LEVELS = ["-O1", "-O2", "-O3"]
FUNC = re.compile(r"^\s*(?:export\s+)?func\s+@([\w.$-]+)\(\)\s*->", re.M)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr if p.returncode else ""


def compare(label, opt_flag_at):
    global failures, compared
    global skipped
    base = run(opt_flag_at("-O0"))
    if base[0] not in (0, 1):
        skipped += 1
        print(f"SKIP {label}: crashes at -O0 (exit {base[0]})")
        return
    for level in LEVELS:
        got = run(opt_flag_at(level))
        if "no function named" in got[2] and "no function named" not in base[2]:
            continue  # inlined into all its callers and erased: they cover it
        compared += 1
        if got != base:
            failures += 1
            print(f"FAIL {label} {level}: differs from -O0\n"
                  f"--- -O0 (exit {base[0]})\n{base[1]}{base[2]}"
                  f"--- {level} (exit {got[0]})\n{got[1]}{got[2]}")


failures = compared = skipped = 0
try:
    tdlc_runs = subprocess.run([tdlc, "run", "--help"], capture_output=True,
                               text=True).returncode == 0
except OSError:  # tdlc not built in this build directory
    tdlc_runs = False
for root in map(pathlib.Path, roots):
    for path in sorted(root.rglob("*.tir")):
        text = path.read_text()
        if "expected-error" in text or "expected-warning" in text:
            continue
        for name in FUNC.findall(text):
            compare(f"{path}:@{name}",
                    lambda lvl: [tdl_opt, str(path), f"--run={name}", lvl])
if tdlc_runs:
    for d in map(pathlib.Path, tdl_dirs):
        for path in sorted(d.glob("*.tdl")):
            compare(str(path), lambda lvl: [tdlc, "run", lvl, str(path)])
print(f"compared {compared} runs, {failures} failures, {skipped} skipped")
sys.exit(1 if failures or compared == 0 else 0)

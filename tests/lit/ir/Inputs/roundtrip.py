"""Checks print -> parse -> print is the identity on every .tir lit input.

For each .tir file under the given directory (tests that expect errors are
skipped), prints it with tdl-opt, parses that output again and requires the
two printings to be identical.
"""
import pathlib
import subprocess
import sys

tdl_opt, root = sys.argv[1], pathlib.Path(sys.argv[2])
failures, checked = 0, 0
for path in sorted(root.rglob("*.tir")):
    text = path.read_text()
    if "expected-error" in text or "NO-ROUNDTRIP" in text:
        continue
    first = subprocess.run([tdl_opt, str(path)], capture_output=True, text=True)
    if first.returncode != 0:
        print(f"FAIL {path}: tdl-opt exited {first.returncode}\n{first.stderr}")
        failures += 1
        continue
    second = subprocess.run([tdl_opt, "-"], input=first.stdout,
                            capture_output=True, text=True)
    checked += 1
    if second.returncode != 0 or second.stdout != first.stdout:
        print(f"FAIL {path}: printing is not stable\n--- first\n{first.stdout}"
              f"--- second\n{second.stdout}{second.stderr}")
        failures += 1
print(f"round-tripped {checked} files, {failures} failures")
sys.exit(1 if failures or checked == 0 else 0)

#!/usr/bin/env python3
"""Fails when a diagnostic kind of basic/diags/Sema.def has no test.

Runs `tdlc check --diagnostics-format=json` on every tests/lit/sema/*.tdl
(with the -I / --stdlib flags of the file's own `%tdlc` RUN line), collects
the `id` of every diagnostic and note printed, and compares them with the
ids Sema.def declares. Usage: check-diag-coverage.py TDLC SEMA_DEF TEST_DIR
"""
import json
import pathlib
import re
import subprocess
import sys


def declared_ids(sema_def):
    ids = []
    for line in pathlib.Path(sema_def).read_text().splitlines():
        m = re.match(r"\s*(ERROR|WARNING|NOTE)\((\w+),", line)
        if m:
            ids.append(m.group(2))
    return ids


def run_flags(path):
    """The flags after %tdlc on the file's RUN line, minus -verify."""
    for line in path.read_text().splitlines():
        m = re.search(r"RUN:.*%tdlc\s+(.*?)(\||$)", line)
        if m:
            flags = []
            for f in m.group(1).split():
                if f in ("-verify", "%s") or f.startswith("--emit"):
                    continue
                flags.append(f.replace("%S", str(path.parent)))
            return flags
    return []


def collect(diag, seen):
    seen.add(diag["id"])
    for note in diag.get("notes", []):
        collect(note, seen)


def main():
    tdlc, sema_def, test_dir = sys.argv[1:4]
    seen = set()
    files = sorted(pathlib.Path(test_dir).glob("*.tdl"))
    if not files:
        sys.exit("no tests found in " + test_dir)
    for path in files:
        cmd = [tdlc, "check", "--diagnostics-format=json", "-ferror-limit=0"]
        cmd += run_flags(path) + [str(path)]
        out = subprocess.run(cmd, capture_output=True, text=True)
        for line in out.stderr.splitlines():
            line = line.strip()
            if line.startswith("{"):
                collect(json.loads(line), seen)
    missing = [i for i in declared_ids(sema_def) if i not in seen]
    if missing:
        print("diagnostic kinds of Sema.def without a test in tests/lit/sema:")
        for i in missing:
            print("  " + i)
        sys.exit(1)
    print(f"all {len(declared_ids(sema_def))} sema diagnostic kinds are tested")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""apply_fixits.py [--notes] SOURCE JSON_DIAGNOSTICS OUT: applies every
fix-it of the --diagnostics-format=json output to SOURCE, writes OUT, prints
how many. With --notes, the fix-its of notes too (what a note proposes,
such as adding an import, rather than the repair of the diagnostic).

Lines and columns are 1-based, columns in bytes, range ends exclusive. The
edits are applied from the last to the first, so earlier ones keep their
positions; the same edit proposed twice is applied once.
"""
import json
import sys

args = sys.argv[1:]
with_notes = args[0] == "--notes"
if with_notes:
    args = args[1:]
source = open(args[0], "rb").read()
line_starts = [0] + [i + 1 for i, b in enumerate(source) if b == ord("\n")]


def offset(position):
    return line_starts[position["line"] - 1] + position["column"] - 1


edits = set()


def collect(diag):
    for fix in diag["fixits"]:
        r = fix["range"]
        edits.add((offset(r["start"]), offset(r["end"]), fix["text"]))
    if with_notes:
        for note in diag["notes"]:
            collect(note)


for line in open(args[1], encoding="utf-8"):
    if line.startswith("{"):
        collect(json.loads(line))
for start, end, text in sorted(edits, reverse=True):
    source = source[:start] + text.encode("utf-8") + source[end:]
open(args[2], "wb").write(source)
print(f"applied {len(edits)} fix-its")

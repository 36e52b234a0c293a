#!/usr/bin/env python3
"""apply_fixits.py SOURCE JSON_DIAGNOSTICS OUT: applies every fix-it of the
--diagnostics-format=json output to SOURCE, writes OUT, prints how many.

Lines and columns are 1-based, columns in bytes, range ends exclusive. The
edits are applied from the last to the first, so earlier ones keep their
positions.
"""
import json
import sys

source = open(sys.argv[1], "rb").read()
line_starts = [0] + [i + 1 for i, b in enumerate(source) if b == ord("\n")]


def offset(position):
    return line_starts[position["line"] - 1] + position["column"] - 1


edits = []
for line in open(sys.argv[2], encoding="utf-8"):
    if line.startswith("{"):
        for fix in json.loads(line)["fixits"]:
            r = fix["range"]
            edits.append((offset(r["start"]), offset(r["end"]), fix["text"]))
for start, end, text in sorted(edits, reverse=True):
    source = source[:start] + text.encode("utf-8") + source[end:]
open(sys.argv[3], "wb").write(source)
print(f"applied {len(edits)} fix-its")

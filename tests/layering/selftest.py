#!/usr/bin/env python3
"""The layering check fails on a forbidden include, a transitive include
through an allowed folder passes, and an unlisted folder is reported."""
import os
import subprocess
import sys
import tempfile

CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                     'check_layering.py')
GRAPH = """```layering
low:
mid: low
high: mid
```
"""


def tree(files):
    root = tempfile.mkdtemp()
    files = dict(files)
    files['docs/architecture.md'] = GRAPH
    for path, text in files.items():
        os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(root, path), 'w') as f:
            f.write(text)
    return root


def run(files):
    done = subprocess.run([sys.executable, CHECK, tree(files)],
                          capture_output=True, text=True)
    return done.returncode, done.stdout


failures = []
code, out = run({'low/A.h': '', 'mid/B.h': '#include "low/A.h"\n',
                 'high/C.cpp': '#include "low/A.h"\n#include "mid/B.h"\n'})
if code != 0:
    failures.append('allowed (also transitive) includes rejected:\n' + out)
code, out = run({'low/A.h': '#include "high/C.h"\n', 'high/C.h': ''})
if code == 0 or 'low/A.h:1: low may not include "high/C.h"' not in out:
    failures.append('upward include accepted:\n' + out)
code, out = run({'other/D.cpp': ''})
if code == 0 or 'other: holds sources but is not in the layering' not in out:
    failures.append('unlisted folder accepted:\n' + out)
for failure in failures:
    print(failure)
sys.exit(1 if failures else 0)

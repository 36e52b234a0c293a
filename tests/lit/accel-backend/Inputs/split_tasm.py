"""Splits --emit=accel-asm output at its `# ==== @function ...` headers into
PREFIX.0.tasm, PREFIX.1.tasm, ... (one program each) and prints how many."""
import sys

text = open(sys.argv[1]).read()
parts = text.split("\n# ==== ")[1:]
for i, part in enumerate(parts):
    with open("%s.%d.tasm" % (sys.argv[2], i), "w") as f:
        f.write("# ==== " + part)
print("programs: %d" % len(parts))

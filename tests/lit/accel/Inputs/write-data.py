"""Writes the data files of data-files.tasm into the directory argv[1]:
a.npy (i8 [2,16], NumPy format 1.0, written by hand: no numpy needed),
w.bin (raw i8, one 16x16 block) and acc.npy (i32 [1,16]), then prints the
expected output of the program, computed here."""
import os, struct, sys
sys.path.insert(0, os.path.dirname(__file__))
from tasmref import fmt, i8

out = sys.argv[1]


def write_npy(path, descr, shape, values, pack):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, "".join("%d, " % d for d in shape) if len(shape) == 1 else
        ", ".join(str(d) for d in shape))
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode("latin1"))
        f.write(b"".join(struct.pack(pack, v) for v in values))


a = [((r * 16 + k) * 37) % 251 - 125 for r in range(2) for k in range(16)]
w = [((o * 16 + k) * 11) % 17 - 8 for o in range(16) for k in range(16)]
bias = [1000 * (o - 8) for o in range(16)]
write_npy(os.path.join(out, "a.npy"), "|i1", [2, 16], a, "<b")
write_npy(os.path.join(out, "acc.npy"), "<i4", [16], bias, "<i")
with open(os.path.join(out, "w.bin"), "wb") as f:
    f.write(bytes(v & 255 for v in w))
# C[r][o] = low 8 bits of bias[o] + sum_k a[r][k] * w[o][k]
c = [i8(bias[o] + sum(a[r * 16 + k] * w[o * 16 + k] for k in range(16)))
     for r in range(2) for o in range(16)]
print(fmt("i8", [2, 16], c))

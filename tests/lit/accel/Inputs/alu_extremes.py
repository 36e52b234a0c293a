"""ALU semantics at the edges of i32 (docs/accel.md "Instruction set"),
independently of tdlc, for alu-extremes.tasm.

  alu_extremes.py generate   prints the .tasm program (how it was written)
  alu_extremes.py check      reads `tdlc sim` output, prints one line per
                             mismatching row and `rows: N ok: M`

Every op (MIN MAX ADD MUL SHR) with a tensor operand and with immediates,
on INT_MIN, INT_MAX, -1, 1, 2^30 ... and shift amounts 0, 31, 32, 33, -1,
-31, -32, -33, INT_MIN, INT_MAX, 100, -100. STORE keeps only the low 8 bits,
so the program also stores copies of every result shifted right by 8, 16
and 24, and the checker reassembles the full 32-bit value from the four
bytes. block_out = 4 (Inputs/small.json).
"""
import sys

IMIN, IMAX = -2**31, 2**31 - 1
VALS = [IMIN, IMAX, -1, 1, 0x40000000, -7, 123456789, -98765]
AMTS = [0, 31, 32, 33, -1, -31, -32, -33, IMIN, IMAX, 100, -100, 5, -5, 8, 1]
IMMS = [-32768, 32767, -1, 0, 31, 32, -32, -33, 15]


def w32(x):
    return (x + 2**31) % 2**32 - 2**31


def shr(a, s):
    if s >= 0:
        return a >> min(s, 63)          # >= 32: sign fill
    if s <= -32:
        return 0
    return w32(a << -s)                  # negative: shift left, wrapping


OPS = {"MIN": min, "MAX": max, "ADD": lambda a, b: w32(a + b),
       "MUL": lambda a, b: w32(a * b), "SHR": shr}


def cases():
    rows_a, rows_b, ops = [], [], []
    for op in OPS:
        for i in range(0, 16, 4):
            for j in range(0, 8, 4):
                rows_a.append(VALS[j:j + 4])
                if op == "SHR":
                    rows_b.append(AMTS[i:i + 4])
                else:
                    rows_b.append([(VALS + AMTS)[(i * 3 + j + k * 5) % 24] for k in range(4)])
                ops.append(op)
    imm_rows = [(op, imm) for op in OPS for imm in IMMS]
    imm_a = [VALS[(k % 2) * 4:(k % 2) * 4 + 4] for k in range(len(imm_rows))]
    return rows_a, rows_b, ops, imm_rows, imm_a


def generate():
    rows_a, rows_b, ops, imm_rows, imm_a = cases()
    n, m = len(rows_a), len(imm_rows)
    total = n + m
    base_b, base_c = total, total + n
    uops = [(r, base_b + r, 0) for r in range(n)] + [(n + k, 0, 0) for k in range(m)]
    cu = len(uops)
    uops += [(base_c + (k - 1) * total, 0, 0) for k in (1, 2, 3)]
    out = ["buffer D : i32[%d, 4] = %s" % (total, rows_a + imm_a),
           "buffer S : i32[%d, 4] = %s" % (n, rows_b),
           "buffer O : i8[%d, 4]" % (4 * total),
           "uops U = %s" % uops,
           "LOAD UOP sram=0 dram=U x=%d" % len(uops),
           "LOAD ACC sram=0 dram=D x=%d" % total,
           "LOAD ACC sram=%d dram=S x=%d" % (base_b, n)]
    out += ["ALU %s uop=%d:%d" % (ops[r], r, r + 1) for r in range(n)]
    out += ["ALU %s uop=%d:%d imm=%d" % (o, n + k, n + k + 1, imm)
            for k, (o, imm) in enumerate(imm_rows)]
    for k in (1, 2, 3):  # copy every result, shifted right by 8k
        u = cu + k - 1
        out += ["ALU ADD reset uop=%d:%d iter=(1,%d) dst=(0,1)" % (u, u + 1, total),
                "ALU ADD uop=%d:%d iter=(1,%d) dst=(0,1) src=(0,1)" % (u, u + 1, total),
                "ALU SHR uop=%d:%d iter=(1,%d) dst=(0,1) imm=%d" % (u, u + 1, total, 8 * k)]
    out[-1] += " push_next"
    out += ["STORE sram=0 dram=O x=%d pop_prev" % total,
            "STORE sram=%d dram=O+%d x=%d" % (base_c, total, 3 * total),
            "FINISH", "print O"]
    print("\n".join(out))


def check():
    rows_a, rows_b, ops, imm_rows, imm_a = cases()
    want = [[OPS[o](a, b) for a, b in zip(ra, rb)] for o, ra, rb in zip(ops, rows_a, rows_b)]
    want += [[OPS[o](a, imm) for a in ra] for (o, imm), ra in zip(imm_rows, imm_a)]
    total = len(want)
    line = sys.stdin.read().strip()
    flat = [int(t) for t in line[line.index(" ") + 1:].replace("[", " ").replace("]", " ")
            .replace(",", " ").split()]
    if len(flat) != 4 * total * 4:
        print("expected %d values, got %d" % (16 * total, len(flat)))
        return
    ok = 0
    for r in range(total):
        got = []
        for lane in range(4):
            v = 0
            for k in range(4):
                v |= (flat[(k * total + r) * 4 + lane] & 255) << (8 * k)
            got.append(w32(v))
        if got == want[r]:
            ok += 1
        else:
            print("row %d: got %s, expected %s" % (r, got, want[r]))
    print("rows: %d ok: %d" % (total, ok))


if __name__ == "__main__":
    generate() if sys.argv[1] == "generate" else check()

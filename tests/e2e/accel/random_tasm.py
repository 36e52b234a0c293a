#!/usr/bin/python3
"""Random accelerator programs (.tasm) against a NumPy model of the ISA.

Each case picks a hardware shape (batch 1/2/4, block_in and block_out
4/8/16, small SRAMs), random INP/WGT/ACC data, a random micro-op table,
2-D LOADs with random windows, row pitches and zero padding (not on WGT),
then a chain of GEMM (accumulate or reset) and ALU instructions (every op,
immediates over the whole i16 range, tensor operands, reset) with random
iteration counts (zero included) and dst/src/wgt factors on both loop
levels, and STOREs all of ACC. Tokens make the order the program order
(LOADs, then COMPUTE, then the STORE), so the model runs the loop nest of
ACCEL.md section 3 sequentially, written out literally from the spec and
docs/accel.md (wrapping i32, SHR: negative amounts shift left, >= 32 sign
fill, <= -32 zero; STORE keeps the low 8 bits). `tdlc sim` must print the
same bytes.

usage: random_tasm.py --tdlc PATH [--seed N] [--cases N]
Exits 1 on the first disagreement, printing the program and its config.
"""
import argparse
import ast
import json
import os
import random
import subprocess
import sys
import tempfile

import numpy as np


def w32(x):
    return (np.asarray(x, dtype=np.int64) + 2**31) % 2**32 - 2**31


def shr(a, s):
    a = np.asarray(a, dtype=np.int64)
    s = np.asarray(s, dtype=np.int64)
    right = a >> np.clip(s, 0, 63)
    left = w32(a << np.clip(-s, 0, 31))
    return w32(np.where(s >= 0, right, np.where(s <= -32, 0, left)))


OPS = {"MIN": np.minimum, "MAX": np.maximum, "ADD": lambda a, b: w32(a + b),
       "MUL": lambda a, b: w32(a * b), "SHR": shr}
DEPTH = {"INP": 64, "WGT": 32, "ACC": 128, "UOP": 64}


def make_case(rnd):
    b = rnd.choice([1, 2, 4])
    bi = rnd.choice([4, 8, 16])
    bo = rnd.choice([4, 8, 16])
    config = {"batch": b, "block_in": bi, "block_out": bo, "inp_depth": DEPTH["INP"],
              "wgt_depth": DEPTH["WGT"], "acc_depth": DEPTH["ACC"], "uop_depth": DEPTH["UOP"]}
    sram = {"INP": np.zeros((DEPTH["INP"], b, bi), np.int64),
            "WGT": np.zeros((DEPTH["WGT"], bo, bi), np.int64),
            "ACC": np.zeros((DEPTH["ACC"], b, bo), np.int64)}
    n_a, n_w, n_d = rnd.randint(1, 20), rnd.randint(1, 12), rnd.randint(1, 20)
    dram = {
        "INP": np.array([rnd.randint(-128, 127) for _ in range(n_a * b * bi)]).reshape(n_a, b, bi),
        "WGT": np.array([rnd.randint(-128, 127) for _ in range(n_w * bo * bi)]).reshape(n_w, bo, bi),
        "ACC": np.array([rnd.randint(-2**31, 2**31 - 1) if rnd.random() < 0.3
                         else rnd.randint(-1000, 1000)
                         for _ in range(n_d * b * bo)]).reshape(n_d, b, bo)}
    names = {"INP": "A", "WGT": "W", "ACC": "D"}
    n_u = rnd.randint(1, 12)
    uops = [(rnd.randint(0, 40), rnd.randint(0, 40), rnd.randint(0, 20)) for _ in range(n_u)]
    text = ["buffer A : i8[%d,%d,%d] = %s" % (n_a, b, bi, dram["INP"].tolist()),
            "buffer W : i8[%d,%d,%d] = %s" % (n_w, bo, bi, dram["WGT"].tolist()),
            "buffer D : i32[%d,%d,%d] = %s" % (n_d, b, bo, dram["ACC"].tolist()),
            "buffer O : i8[%d,%d,%d]" % (DEPTH["ACC"], b, bo),
            "uops U = %s" % uops]

    def load(mem):
        src = dram[mem]
        n = src.shape[0]
        y = rnd.randint(1, 3)
        x = rnd.randint(1, max(1, n // y))
        stride = rnd.randint(x, max(x, n // y))
        if (y - 1) * stride + x > n:
            y, stride = 1, x
        base = rnd.randint(0, n - ((y - 1) * stride + x))
        pad = (0, 0, 0, 0) if mem == "WGT" else tuple(rnd.randint(0, 2) for _ in range(4))
        total = (pad[0] + y + pad[1]) * (pad[2] + x + pad[3])
        if total > DEPTH[mem]:
            pad, y, x = (0, 0, 0, 0), 1, min(x, DEPTH[mem])
            stride, base, total = x, rnd.randint(0, n - x), x
        sram_base = rnd.randint(0, DEPTH[mem] - total)
        k = sram_base
        for r in range(pad[0] + y + pad[1]):
            for c in range(pad[2] + x + pad[3]):
                yy, xx = r - pad[0], c - pad[2]
                inside = 0 <= yy < y and 0 <= xx < x
                sram[mem][k] = src[base + yy * stride + xx] if inside else 0
                k += 1
        padding = " pad=(%d,%d,%d,%d)" % pad if any(pad) else ""
        return "LOAD %s sram=%d dram=%s+%d y=%d x=%d stride=%d%s" % (
            mem, sram_base, names[mem], base, y, x, stride, padding)

    loads = [load("INP") for _ in range(rnd.randint(1, 3))]
    loads += [load("WGT") for _ in range(rnd.randint(1, 3))]
    loads[-1] += " push_next"
    compute = ["LOAD UOP sram=0 dram=U x=%d pop_prev" % n_u, load("ACC")]
    acc, inp, wgt = sram["ACC"], sram["INP"], sram["WGT"]
    for _ in range(rnd.randint(1, 8)):
        ub = rnd.randint(0, n_u - 1)
        ue = rnd.randint(ub, n_u)
        it_out = rnd.randint(1, 3) if rnd.random() < 0.9 else 0
        it_in = rnd.randint(1, 3) if rnd.random() < 0.9 else 0
        dst, src, wf = [(rnd.randint(0, 6), rnd.randint(0, 6)) for _ in range(3)]

        def reach(top, f):
            return top + max(it_out - 1, 0) * f[0] + max(it_in - 1, 0) * f[1]

        loops = "uop=%d:%d iter=(%d,%d) dst=(%d,%d) src=(%d,%d)" % (
            ub, ue, it_out, it_in, dst[0], dst[1], src[0], src[1])
        nest = [(y, x, u) for y in range(it_out) for x in range(it_in) for u in range(ub, ue)]
        if rnd.random() < 0.5:
            if reach(40, dst) >= DEPTH["ACC"] or reach(40, src) >= DEPTH["INP"] or reach(20, wf) >= DEPTH["WGT"]:
                continue
            reset = rnd.random() < 0.2
            compute.append("GEMM%s %s wgt=(%d,%d)" % (" reset" if reset else "", loops, wf[0], wf[1]))
            for y, x, u in nest:
                d, s, w = uops[u]
                a = d + y * dst[0] + x * dst[1]
                i = s + y * src[0] + x * src[1]
                k = w + y * wf[0] + x * wf[1]
                acc[a] = 0 if reset else w32(acc[a] + inp[i] @ wgt[k].T)
        else:
            if reach(40, dst) >= DEPTH["ACC"] or reach(40, src) >= DEPTH["ACC"]:
                continue
            op = rnd.choice(list(OPS))
            use_imm = rnd.random() < 0.5
            imm = rnd.choice([rnd.randint(-32768, 32767), rnd.randint(-40, 40)])
            reset = rnd.random() < 0.1
            compute.append("ALU %s%s %s%s" % (op, " reset" if reset else "", loops,
                                              " imm=%d" % imm if use_imm else ""))
            for y, x, u in nest:
                d, s, _ = uops[u]
                a = d + y * dst[0] + x * dst[1]
                i = s + y * src[0] + x * src[1]
                if reset:
                    acc[a] = 0
                else:
                    acc[a] = OPS[op](acc[a], np.full((b, bo), imm) if use_imm else acc[i])
    compute[-1] += " push_next"
    text += loads + compute + ["STORE sram=0 dram=O x=%d pop_prev" % DEPTH["ACC"],
                               "FINISH", "print O"]
    expected = (w32(acc) + 128) % 256 - 128
    return "\n".join(text) + "\n", config, expected


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tdlc", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=100)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        prog_path = os.path.join(tmp, "case.tasm")
        config_path = os.path.join(tmp, "config.json")
        for case in range(args.cases):
            rnd = random.Random(args.seed * 100003 + case)
            text, config, expected = make_case(rnd)
            with open(prog_path, "w") as f:
                f.write(text)
            with open(config_path, "w") as f:
                json.dump(config, f)
            p = subprocess.run([args.tdlc, "sim", prog_path, "--config", config_path],
                               capture_output=True, text=True, timeout=120)
            problem = None
            if p.returncode != 0:
                problem = "exit %d: %s" % (p.returncode, p.stderr)
            else:
                out = p.stdout.strip()
                got = np.array(ast.literal_eval(out[out.index(" ") + 1:]))
                if got.shape != expected.shape or not (got == expected).all():
                    rows = sorted(set(np.argwhere(got != expected)[:, 0].tolist()))
                    problem = "ACC rows differ from the model: %s" % rows[:20]
            if problem:
                print("case %d (seed %d): %s\nconfig: %s\n%s" % (case, args.seed, problem,
                                                                json.dumps(config), text))
                return 1
    print("ok: %d random programs match the NumPy ISA model" % args.cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())

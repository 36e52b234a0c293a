#!/usr/bin/env python3
"""Whole int8 networks on the accelerator simulator (issue 15's "How it is
measured"): ResNet-18 (CIFAR 32x32 and ImageNet 224x224), MobileNet-v1
(CIFAR-size input) and a GRU over 16 steps, all in TDL with std.quant
(bench/accel_networks/).

Usage (docs/performance.md "Accelerator: whole networks"):
  /usr/bin/python3 bench/accel_networks.py build/bin/tdlc [--reps N] [NETWORK ...]

Per network it runs `tdlc run` on the interpreter (the oracle), on the cpu
backend (the whole network on the host), and on the accelerator with the
cost model (`--accel-offload=auto`) and with every supported region
offloaded (`always`) twice: (b) `--accel-blocked-layouts=false`, the
per-operator offload where every region converts its tensors on the host,
and with activations passed between convs in DRAM in the blocked layout
(the default); each with --save. It fails unless every backend's
saved results are byte-identical to the interpreter's, and reports:
regions offloaded / kept, simulated cycles and time at clock_mhz, DRAM
bytes, MACs the accelerator issued (block padding included), the share
of the network's MACs offloaded (the offloaded regions' own MACs times
their calls, from --stats), utilization, the cycles over
the sum of the layers' rooflines (max(MACs/256, bytes/8) per layer at the
default configuration: minimal traffic, input + weights + output once),
the host runtime's layout conversions (gathering, packing, unpacking,
scattering: median over the runs of --stats' thread CPU time), how many region
inputs came blocked from DRAM and how many calls found their weights
packed already, "device + conversions" (simulated time at clock_mhz plus
those conversions) and, for `always`, that figure of (b) over the blocked
run's, and the median wall time of each `tdlc run` (compilation, JIT and,
for the accelerator, the simulator's own run time included). The network on
the cpu backend alone is also timed as a compiled object (its exported
`forward`, tdlc -O3 -march=native -c, through ctypes): the host time the
simulated accelerator time compares with. A network that
does not compile or run on a backend is reported as such, not skipped.
"""
import argparse
import ctypes
import filecmp
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from bench_util import load_tdl, median_ms

HERE = os.path.dirname(os.path.abspath(__file__))
NETS = os.path.join(HERE, "accel_networks")
PEAK_MACS, DRAM_BYTES = 256, 8  # per cycle, ACCEL.md §1 defaults


def conv(c, o, hw_out, k, groups=1, hw_in=None):
    """(MACs, minimal bytes) of an i8 conv: input, weights, i8 output."""
    hw_in = hw_in or hw_out
    macs = o * (c // groups) * k * k * hw_out * hw_out
    return macs, c * hw_in * hw_in + o * (c // groups) * k * k + o * hw_out * hw_out


def dense(m, k, n):
    return m * k * n, m * k + k * n + m * n


def resnet18_layers(imagenet=False):
    if imagenet:  # 7x7/2 stem on 224x224, then a 3x3/2 max pool
        layers, hw = [conv(3, 64, 112, 7, hw_in=224)], 56
    else:
        layers, hw = [conv(3, 64, 32, 3)], 32
    c = 64
    for o in (64, 128, 256, 512):
        if o != c:  # stride-2 block with a 1x1 projection
            layers += [conv(c, o, hw // 2, 3, hw_in=hw),
                       conv(c, o, hw // 2, 1, hw_in=hw)]
            hw, c = hw // 2, o
        else:
            layers.append(conv(c, c, hw, 3))
        layers += [conv(c, c, hw, 3)] * 3
    return layers + [dense(1, 512, 1000 if imagenet else 10)]


def mobilenet_layers():
    layers = [conv(3, 32, 32, 3)]
    hw, c = 32, 32
    for o, s in [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + \
            [(512, 1)] * 5 + [(1024, 2), (1024, 1)]:
        layers.append(conv(c, c, hw // s, 3, groups=c, hw_in=hw))
        hw //= s
        layers.append(conv(c, o, hw, 1))
        c = o
    return layers + [dense(1, 1024, 10)]


def gru_layers():
    return [dense(8, 384, 512), dense(8, 384, 256)] * 16


def offloaded_macs(out):
    """The network's MACs the accelerator ran: each offloaded region's
    `N call(s) of M MACs` (its own MACs, without block padding)."""
    return sum(int(n) * int(m) for n, m in
               re.findall(r"(\d+) call\(s\) of (\d+) MACs", out))


NETWORKS = {
    "resnet18_cifar": resnet18_layers,
    "resnet18_imagenet": lambda: resnet18_layers(imagenet=True),
    "mobilenet_v1_cifar": mobilenet_layers,
    "gru16": gru_layers,
}


def run(cmd, reps):
    """(returncode, stdout + stderr of the last run, median wall seconds,
    the outputs of every run)."""
    times, outs, p = [], [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800,
                           cwd=NETS)
        times.append(time.perf_counter() - t0)
        outs.append(p.stdout + p.stderr)
        if p.returncode != 0:
            break
    return p.returncode, outs[-1], statistics.median(times), outs


def stat(out, pattern, cast=int):
    m = re.search(pattern, out, re.M)
    return cast(m.group(1)) if m else None


# Appended to a copy of a network for its compiled object (a module with an
# export is compiled for its exports: `tdlc run` would find no @main).
FORWARD = """
export fn forward() -> i64 {
  let (out, digest) = main();
  return digest;
}
"""


def cpu_object_ms(tdlc, src, reps, tmp):
    """Median time of one call of the network's `forward` (FORWARD)
    compiled for the cpu alone (tdlc -O3 -march=native -c), and its
    digest."""
    copy = os.path.join(tmp, src)
    with open(os.path.join(NETS, src)) as f, open(copy, "w") as out:
        out.write(f.read() + FORWARD)
    lib = load_tdl(tdlc, copy)
    digest = ctypes.c_int64()
    call = lambda: lib.forward(ctypes.byref(digest))
    if call() != 0:
        raise SystemExit(f"{src}: forward failed")
    return median_ms(call, reps=reps, warmup=1), digest.value


def same_results(a, b):
    fa, fb = sorted(os.listdir(a)), sorted(os.listdir(b))
    return fa == fb and all(filecmp.cmp(os.path.join(a, f), os.path.join(b, f),
                                        shallow=False) for f in fa)


def bench(tdlc, name, reps, tmp):
    src = name + ".tdl"  # run in NETS: locations name the file alone
    layers = NETWORKS[name]()
    total_macs = sum(m for m, _ in layers)
    roofline = sum(max(m / PEAK_MACS, b / DRAM_BYTES) for m, b in layers)
    print(f"== {name}: {total_macs} MACs in {len(layers)} layers, "
          f"roofline sum {roofline:.0f} cycles")
    save = lambda tag: os.path.join(tmp, name + "." + tag)
    runs = [("interp", ["--backend=interp"], 1),
            ("cpu", ["--backend=cpu"], reps),
            ("accel auto", ["--backend=accel", "--stats"], reps),
            # (b): every region converting its tensors on the host.
            ("accel always host", ["--backend=accel", "--stats",
                             "--accel-offload=always",
                             "--accel-blocked-layouts=false"], reps),
            ("accel always", ["--backend=accel", "--stats",
                              "--accel-offload=always"], reps)]
    e2e = {}
    ok = True
    for tag, flags, n in runs:
        out_dir = save(tag.replace(" ", "_"))
        rc, out, wall, outs = run([tdlc, "run", src, "-O2", *flags,
                                   "--save=" + out_dir], n)
        if rc != 0:
            ok = False
            first = next((l for l in out.splitlines() if "error" in l),
                         out.strip().splitlines()[-1] if out.strip() else "")
            print(f"  {tag:12s} FAILED (exit {rc}): {first}")
            continue
        line = f"  {tag:12s} wall {wall:7.2f} s"
        if tag != "interp":
            same = same_results(save("interp"), out_dir)
            ok &= same
            line += "  results == interp" if same else "  RESULTS DIFFER"
        print(line)
        if tag == "cpu":
            ms, digest = cpu_object_ms(tdlc, src, max(reps, 3), tmp)
            want = int(np.load(os.path.join(save("interp"), "out1.npy")))
            ok &= digest == want
            print(f"  cpu object   forward() {ms:8.1f} ms (weights generated in "
                  "the call), digest "
                  + ("== interp" if digest == want else "DIFFERS"))
        if tag in ("interp", "cpu"):
            continue
        regions = re.search(r"(\d+) region\(s\) offloaded, (\d+) kept", out)
        cycles = stat(out, r"^cycles: (\d+)")
        macs = stat(out, r"^macs: (\d+)")
        ms = stat(out, r"^time: ([0-9.]+) us", float) / 1e3
        mhz = stat(out, r" at (\d+) MHz")
        dram = stat(out, r"total (\d+)")
        util = stat(out, r"^utilization: ([0-9.]+)", float)
        # The host's layout conversions: median over the runs (thread CPU
        # time of the runtime's loops; the machine's load still shows).
        host_ms = statistics.median(
            stat(o, r"^host layout conversions: ([0-9.]+) ms", float)
            for o in outs)
        reused = stat(out, r"weights packed already on (\d+) call")
        passed = stat(out, r"ms, (\d+) region input\(s\) taken blocked")
        offloaded = offloaded_macs(out) / total_macs
        line = (f"      regions offloaded {regions.group(1)}, kept "
                f"{regions.group(2)}; cycles {cycles} ({ms:.3f} ms at {mhz} "
                f"MHz); DRAM bytes {dram}; MACs issued {macs} (block "
                f"padding included); network MACs offloaded {offloaded:.1%};"
                f" utilization {util:.3f}")
        if regions.group(2) == "0":
            line += f"; cycles / roofline sum {cycles / roofline:.2f}"
        # End to end with every layer offloaded: device time at clock_mhz
        # plus the host's layout conversions (the host's other work is
        # the same elementwise glue in both).
        e2e[tag] = ms + host_ms
        line += (f"; host layout conversions {host_ms:.3f} ms (median), "
                 f"{passed} input(s) passed blocked, weights packed already "
                 f"on {reused} call(s); device + conversions "
                 f"{e2e[tag]:.3f} ms")
        if tag == "accel always" and "accel always host" in e2e:
            line += (f"; over per-operator offload with host conversions "
                     f"{e2e['accel always host'] / e2e[tag]:.2f}x")
        print(line)
        for kept in re.findall(r"kept on the host \((.*)", out):
            print(f"      kept: {kept[:150]}")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tdlc")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("networks", nargs="*", default=list(NETWORKS))
    args = ap.parse_intermixed_args()
    with tempfile.TemporaryDirectory() as tmp:
        tdlc = os.path.abspath(args.tdlc)
        ok = all([bench(tdlc, n, args.reps, tmp) for n in args.networks])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

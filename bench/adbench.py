#!/usr/bin/env python3
"""ADBench-style objectives and gradients: tdlc against PyTorch autograd.

Usage (docs/performance.md "ADBench-style suite"):
  /usr/bin/python3 bench/adbench.py build/bin/tdlc [--all] [--threads N]

Three ADBench workloads (Srajer, Habib, Fitzgibbon, "A benchmark of
selected algorithmic differentiation tools on some problems in computer
vision and machine learning", 2018), each an objective and its derivative
as compiled objects, next to PyTorch autograd in the same run.

GMM (ADBench's Gaussian mixture model objective, the ICF parametrization of
the inverse covariances and the Wishart prior, gamma = 1, m = 0) at
d in {2, 10, 20, 32, 64}, K in {5, 10, 25, 50, 100, 200}, n = 1000 and
10000 with --all; by default a representative subset (n = 1000 and
d = 2 .. 64 along K = 5 .. 200). TDL shapes are static, so each size is its
own program: generated from GMM_TDL, compiled with tdlc -O3 -march=native
-c into a shared library and called through ctypes (the objective and
`grad(objective, wrt: (alphas, means, icf))`, both exported). The same
function in PyTorch is timed in the same run (objective under no_grad;
gradient: the objective plus torch.autograd.grad). Prints per size the
median times, the ratio gradient / objective of each, and checks that the
objectives and gradients agree.

BA (bundle adjustment: Rodrigues rotation, radial distortion, weighted
reprojection errors) at ADBench's ba1..ba3 sizes (ba1..ba5 with --all),
synthetic data of those sizes; the derivative is the Jacobian's nonzero
blocks, two rows of 15 per observation from two vjps of the per-observation
error (PyTorch: two autograd.grad calls on the gathered parameters).

LSTM (ADBench's diagonal LSTM, b = 14): l = 2, 4 layers over c = 1024
characters (and 4096 with --all); the gradient w.r.t. the main and extra
parameters.
"""
import argparse
import ctypes
import math
import os
import sys

import numpy as np

from bench_util import interleaved_ms, load_tdl

HERE = os.path.dirname(os.path.abspath(__file__))

GMM_TDL = """
// ADBench GMM objective, d = {D}, K = {K}, n = {N} (bench/adbench.py).
fn lower(icf: f64[{K}, {ICF}]) -> f64[{K}, {D}, {D}] {{
  // Column j of the strictly lower triangle, column-major as in ADBench.
  return stack(({COLUMNS}), axis: 2);
}}

export fn gmm_objective(alphas: f64[{K}], means: f64[{K}, {D}],
                        icf: f64[{K}, {ICF}], x: f64[{N}, {D}]) -> f64 {{
  let qlog = icf[:, 0:{D}];
  let qdiag = exp(qlog);
  let sum_qs = sum(qlog, axis: 1);
  let q = lower(icf) + expand_dims(qdiag, axis: 2) * eye({D}, dtype: f64);
  let xc = expand_dims(x, axis: 0) - expand_dims(means, axis: 1);
  let qx = xc @ transpose(q, perm: (0, 2, 1));
  let main = expand_dims(alphas + sum_qs, axis: 1) - 0.5 * sum(qx * qx, axis: 2);
  let slse = sum(logsumexp(main, axis: 0));
  let off = icf[:, {D}:{ICF}];
  let prior = sum(0.5 * (sum(qdiag * qdiag, axis: 1) + sum(off * off, axis: 1)))
      - ({WISHART_C});
  return {CONSTANT} + slse - {N}.0 * logsumexp(alphas) + prior;
}}

export fn gmm_gradient = grad(gmm_objective, wrt: (alphas, means, icf));
"""


def gmm_constants(d, k, n):
    """CONSTANT and K * C of ADBench's gmm_objective (gamma 1, m 0)."""
    constant = -n * d * 0.5 * math.log(2 * math.pi)
    p, gamma, m = d, 1.0, 0
    nn = p + m + 1
    lgd = 0.25 * p * (p - 1) * math.log(math.pi) + sum(
        math.lgamma(0.5 * nn + 0.5 * (1 - j)) for j in range(1, p + 1))
    c = nn * p * (math.log(gamma) - 0.5 * math.log(2)) - lgd
    return constant, k * c


def gmm_source(d, k, n):
    icf = d * (d + 1) // 2
    cols, off = [], d
    for j in range(d):
        length = d - 1 - j
        if length == 0:
            cols.append("zeros([%d, %d], f64)" % (k, d))
        else:
            cols.append("pad(icf[:, %d:%d], [(0, 0), (%d, 0)])"
                        % (off, off + length, j + 1))
        off += length
    constant, wc = gmm_constants(d, k, n)
    return GMM_TDL.format(D=d, K=k, N=n, ICF=icf, COLUMNS=", ".join(cols),
                          CONSTANT=repr(constant), WISHART_C=repr(wc))


def gmm_torch(torch, alphas, means, icf, x):
    k, d = means.shape
    n = x.shape[0]
    qlog = icf[:, :d]
    qdiag = torch.exp(qlog)
    sum_qs = qlog.sum(1)
    rows, cols = np.tril_indices(d, -1)
    # ADBench's column-major order of the strictly lower triangle.
    order = np.lexsort((rows, cols))
    l = torch.zeros(k, d, d, dtype=torch.float64)
    l[:, rows[order], cols[order]] = icf[:, d:]
    q = l + torch.diag_embed(qdiag)
    xc = x.unsqueeze(0) - means.unsqueeze(1)
    qx = xc @ q.transpose(1, 2)
    main = (alphas + sum_qs).unsqueeze(1) - 0.5 * (qx * qx).sum(2)
    slse = torch.logsumexp(main, 0).sum()
    off = icf[:, d:]
    constant, wc = gmm_constants(d, k, n)
    prior = (0.5 * ((qdiag * qdiag).sum(1) + (off * off).sum(1))).sum() - wc
    return constant + slse - n * torch.logsumexp(alphas, 0) + prior


def run_gmm(tdlc, d, k, n, torch):
    rng = np.random.default_rng(d * 1000 + k)
    icf_n = d * (d + 1) // 2
    alphas = rng.normal(0, 1, k)
    means = rng.uniform(0, 1, (k, d))
    icf = rng.normal(0, 0.1, (k, icf_n))
    x = rng.uniform(0, 1, (n, d))
    src = os.path.join(tdlc_tmp, "gmm_%d_%d_%d.tdl" % (d, k, n))
    with open(src, "w") as f:
        f.write(gmm_source(d, k, n))
    lib = load_tdl(tdlc, src, tdlc_flags)
    ptr = lambda a: a.ctypes.data_as(ctypes.c_void_p)
    value = ctypes.c_double()
    g_alphas, g_means, g_icf = (np.zeros(k), np.zeros((k, d)),
                                np.zeros((k, icf_n)))
    ins = [ptr(alphas), ptr(means), ptr(icf), ptr(x)]
    obj = lambda: lib.gmm_objective(*ins, ctypes.byref(value))
    grad = lambda: lib.gmm_gradient(*ins, ptr(g_alphas), ptr(g_means),
                                    ptr(g_icf))
    if obj() != 0 or grad() != 0:
        sys.exit("gmm: the tdlc call failed")

    ta, tm, ti = (torch.tensor(v, requires_grad=True)
                  for v in (alphas, means, icf))
    tx = torch.tensor(x)

    def torch_obj():
        with torch.no_grad():
            return gmm_torch(torch, ta, tm, ti, tx)

    def torch_grad():
        return torch.autograd.grad(gmm_torch(torch, ta, tm, ti, tx),
                                   [ta, tm, ti])

    want = torch_obj().item()
    if abs(value.value - want) > 1e-9 * max(1.0, abs(want)):
        sys.exit(f"gmm d={d} K={k} n={n}: objective {value.value} != {want}")
    for mine, theirs in zip((g_alphas, g_means, g_icf), torch_grad()):
        theirs = theirs.numpy()
        err = np.abs(mine - theirs).max() / max(np.abs(theirs).max(), 1e-30)
        if err > 1e-9:
            sys.exit(f"gmm d={d} K={k} n={n}: gradients differ ({err:.1e})")
    reps = 30 if n * k * d < 2_000_000 else 8
    t_obj, t_grad, p_obj, p_grad = interleaved_ms(
        [obj, grad, torch_obj, torch_grad], reps=reps, warmup=2)
    print(f"gmm  d={d:2d} K={k:3d} n={n:5d}  tdlc obj {t_obj:9.3f} ms "
          f"grad {t_grad:9.3f} ms  ratio {t_grad / t_obj:5.2f} | torch obj "
          f"{p_obj:9.3f} ms grad {p_grad:9.3f} ms  ratio "
          f"{p_grad / p_obj:5.2f}", flush=True)


BA_TDL = """
// ADBench bundle adjustment, n = {N} cameras, m = {M} points, p = {P}
// observations (bench/adbench.py). Rows are observations.
fn cross(a: f64[{P}, 3], b: f64[{P}, 3]) -> f64[{P}, 3] {{
  return concat((a[:, 1:2] * b[:, 2:3] - a[:, 2:3] * b[:, 1:2],
                 a[:, 2:3] * b[:, 0:1] - a[:, 0:1] * b[:, 2:3],
                 a[:, 0:1] * b[:, 1:2] - a[:, 1:2] * b[:, 0:1]), axis: 1);
}}

// Rodrigues rotation (the rotations are never zero), radial distortion.
fn reproj(cam: f64[{P}, 11], x: f64[{P}, 3], w: f64[{P}], feat: f64[{P}, 2])
    -> f64[{P}, 2] {{
  let rot = cam[:, 0:3];
  let p = x - cam[:, 3:6];
  let theta = sqrt(sum(rot * rot, axis: 1, keepdims: true));
  let u = rot / theta;
  let c = cos(theta);
  let rp = p * c + cross(u, p) * sin(theta)
      + u * (sum(u * p, axis: 1, keepdims: true) * (1.0 - c));
  let proj = rp[:, 0:2] / rp[:, 2:3];
  let rsq = sum(proj * proj, axis: 1, keepdims: true);
  let l = 1.0 + cam[:, 9:10] * rsq + cam[:, 10:11] * rsq * rsq;
  return expand_dims(w, axis: 1) * (proj * l * cam[:, 6:7] + cam[:, 7:9] - feat);
}}

fn gather(cams: f64[{N}, 11], pts: f64[{M}, 3], obs: i64[{P}, 2])
    -> (f64[{P}, 11], f64[{P}, 3]) {{
  var gc = zeros([{P}, 11], f64);
  var gx = zeros([{P}, 3], f64);
  for i in 0..{P} {{
    gc[i] = cams[obs[i, 0]];
    gx[i] = pts[obs[i, 1]];
  }}
  return (gc, gx);
}}

export fn ba_objective(cams: f64[{N}, 11], pts: f64[{M}, 3], w: f64[{P}],
                       feats: f64[{P}, 2], obs: i64[{P}, 2])
    -> (f64[{P}, 2], f64[{P}]) {{
  let (gc, gx) = gather(cams, pts, obs);
  return (reproj(gc, gx, w, feats), 1.0 - w * w);
}}

fn rows = vjp(reproj, wrt: (cam, x, w));

// The Jacobian's nonzero blocks: per observation, d(error)/d(its camera,
// point, weight) as two rows of 15 (two vjps), and d(1 - w^2)/dw.
export fn ba_jacobian(cams: f64[{N}, 11], pts: f64[{M}, 3], w: f64[{P}],
                      feats: f64[{P}, 2], obs: i64[{P}, 2])
    -> (f64[{P}, 2, 15], f64[{P}]) {{
  let (gc, gx) = gather(cams, pts, obs);
  let e0: f64[2] = [1.0, 0.0];
  let e1: f64[2] = [0.0, 1.0];
  let (c0, x0, w0) = rows(gc, gx, w, feats, broadcast_to(e0, [{P}, 2]));
  let (c1, x1, w1) = rows(gc, gx, w, feats, broadcast_to(e1, [{P}, 2]));
  let r0 = concat((c0, x0, expand_dims(w0, axis: 1)), axis: 1);
  let r1 = concat((c1, x1, expand_dims(w1, axis: 1)), axis: 1);
  return (stack((r0, r1), axis: 1), -2.0 * w);
}}
"""


def ba_torch(torch, gc, gx, w, feat):
    rot, p = gc[:, 0:3], gx - gc[:, 3:6]
    theta = torch.sqrt((rot * rot).sum(1, keepdim=True))
    u = rot / theta
    c = torch.cos(theta)
    rp = (p * c + torch.cross(u, p, dim=1) * torch.sin(theta)
          + u * ((u * p).sum(1, keepdim=True) * (1 - c)))
    proj = rp[:, 0:2] / rp[:, 2:3]
    rsq = (proj * proj).sum(1, keepdim=True)
    l = 1 + gc[:, 9:10] * rsq + gc[:, 10:11] * rsq * rsq
    return w.unsqueeze(1) * (proj * l * gc[:, 6:7] + gc[:, 7:9] - feat)


def run_ba(tdlc, n, m, p, torch):
    rng = np.random.default_rng(n + m + p)
    cams = np.concatenate([rng.uniform(-0.5, 0.5, (n, 3)),
                           rng.uniform(-1, 1, (n, 3)),
                           rng.uniform(400, 600, (n, 1)),
                           rng.uniform(-10, 10, (n, 2)),
                           rng.uniform(-1e-2, 1e-2, (n, 2))], axis=1)
    pts = rng.uniform(-1, 1, (m, 3)) + np.array([0, 0, 10.0])
    w = rng.uniform(0.5, 1.5, p)
    feats = rng.uniform(-50, 50, (p, 2))
    obs = np.stack([rng.integers(0, n, p), rng.integers(0, m, p)],
                   axis=1).astype(np.int64)
    src = os.path.join(tdlc_tmp, "ba_%d_%d_%d.tdl" % (n, m, p))
    with open(src, "w") as f:
        f.write(BA_TDL.format(N=n, M=m, P=p))
    lib = load_tdl(tdlc, src, tdlc_flags)
    ptr = lambda a: a.ctypes.data_as(ctypes.c_void_p)
    err, werr = np.zeros((p, 2)), np.zeros(p)
    jac, wjac = np.zeros((p, 2, 15)), np.zeros(p)
    ins = [ptr(cams), ptr(pts), ptr(w), ptr(feats), ptr(obs)]
    obj = lambda: lib.ba_objective(*ins, ptr(err), ptr(werr))
    jacobian = lambda: lib.ba_jacobian(*ins, ptr(jac), ptr(wjac))
    if obj() != 0 or jacobian() != 0:
        sys.exit("ba: the tdlc call failed")

    tc, tp, tw, tf = (torch.tensor(v) for v in (cams, pts, w, feats))
    ic, ip = torch.tensor(obs[:, 0]), torch.tensor(obs[:, 1])

    def torch_obj():
        with torch.no_grad():
            return ba_torch(torch, tc[ic], tp[ip], tw, tf), 1 - tw * tw

    def torch_jac():
        gc = tc[ic].requires_grad_()
        gx = tp[ip].requires_grad_()
        ww = tw.clone().requires_grad_()
        e = ba_torch(torch, gc, gx, ww, tf)
        rows = []
        for k in range(2):
            g = torch.autograd.grad(e[:, k].sum(), [gc, gx, ww],
                                    retain_graph=k == 0)
            rows.append(torch.cat([g[0], g[1], g[2].unsqueeze(1)], 1))
        return torch.stack(rows, 1), -2 * tw

    want = torch_obj()[0].numpy()
    if np.abs(err - want).max() > 1e-9 * np.abs(want).max():
        sys.exit(f"ba n={n} m={m} p={p}: errors differ")
    tj = torch_jac()[0].numpy()
    if np.abs(jac - tj).max() > 1e-9 * np.abs(tj).max():
        sys.exit(f"ba n={n} m={m} p={p}: Jacobians differ")
    t_obj, t_jac, p_obj, p_jac = interleaved_ms(
        [obj, jacobian, torch_obj, torch_jac], reps=10, warmup=2)
    print(f"ba   n={n:4d} m={m:6d} p={p:7d}  tdlc obj {t_obj:9.3f} ms "
          f"jac {t_jac:9.3f} ms  ratio {t_jac / t_obj:5.2f} | torch obj "
          f"{p_obj:9.3f} ms jac {p_jac:9.3f} ms  ratio "
          f"{p_jac / p_obj:5.2f}", flush=True)


LSTM_TDL = """
// ADBench LSTM, l = {L} layers, c = {C} characters, b = {B} (bench/adbench.py).
export fn lstm_objective(main: f64[{L2}, {B4}], extra: f64[3, {B}],
                         state: f64[{L2}, {B}], seq: f64[{C}, {B}]) -> f64 {{
{INIT}
  var total = 0.0;
  for t in 0..{C1} {{
    var inp = seq[t] * extra[0];
{LAYERS}
    let ypred = inp * extra[1] + extra[2];
    total = total + sum(seq[t + 1] * (ypred - logsumexp(ypred)));
  }}
  return -total / {COUNT}.0;
}}

export fn lstm_gradient = grad(lstm_objective, wrt: (main, extra));
"""

LSTM_LAYER = """    let f{i} = sigmoid(inp * main[{w}, 0:{B}] + main[{bb}, 0:{B}]);
    let g{i} = sigmoid(h{i} * main[{w}, {B}:{B2}] + main[{bb}, {B}:{B2}]);
    let o{i} = sigmoid(inp * main[{w}, {B2}:{B3}] + main[{bb}, {B2}:{B3}]);
    let k{i} = tanh(h{i} * main[{w}, {B3}:{B4}] + main[{bb}, {B3}:{B4}]);
    c{i} = c{i} * f{i} + g{i} * k{i};
    h{i} = o{i} * tanh(c{i});
    inp = h{i};"""


def lstm_source(l, c, b):
    init = "\n".join("  var h%d = state[%d];\n  var c%d = state[%d];"
                      % (i, 2 * i, i, 2 * i + 1) for i in range(l))
    layers = "\n".join(LSTM_LAYER.format(i=i, w=2 * i, bb=2 * i + 1, B=b,
                                          B2=2 * b, B3=3 * b, B4=4 * b)
                        for i in range(l))
    return LSTM_TDL.format(L=l, L2=2 * l, B=b, B4=4 * b, C=c, C1=c - 1,
                           COUNT=(c - 1) * b, INIT=init, LAYERS=layers)


def lstm_torch(torch, main, extra, state, seq):
    l = main.shape[0] // 2
    b = seq.shape[1]
    hs = [state[2 * i] for i in range(l)]
    cs = [state[2 * i + 1] for i in range(l)]
    total = 0.0
    for t in range(seq.shape[0] - 1):
        inp = seq[t] * extra[0]
        for i in range(l):
            w, bb = main[2 * i], main[2 * i + 1]
            f = torch.sigmoid(inp * w[:b] + bb[:b])
            g = torch.sigmoid(hs[i] * w[b:2 * b] + bb[b:2 * b])
            o = torch.sigmoid(inp * w[2 * b:3 * b] + bb[2 * b:3 * b])
            k = torch.tanh(hs[i] * w[3 * b:] + bb[3 * b:])
            cs[i] = cs[i] * f + g * k
            hs[i] = o * torch.tanh(cs[i])
            inp = hs[i]
        ypred = inp * extra[1] + extra[2]
        total = total + (seq[t + 1] * (ypred - torch.logsumexp(ypred, 0))).sum()
    return -total / ((seq.shape[0] - 1) * b)


def run_lstm(tdlc, l, c, torch, b=14):
    rng = np.random.default_rng(l * 10000 + c)
    main = rng.uniform(-0.5, 0.5, (2 * l, 4 * b))
    extra = rng.uniform(-0.5, 0.5, (3, b))
    state = rng.uniform(-0.5, 0.5, (2 * l, b))
    seq = np.eye(b)[rng.integers(0, b, c)]
    src = os.path.join(tdlc_tmp, "lstm_%d_%d.tdl" % (l, c))
    with open(src, "w") as f:
        f.write(lstm_source(l, c, b))
    lib = load_tdl(tdlc, src, tdlc_flags)
    ptr = lambda a: a.ctypes.data_as(ctypes.c_void_p)
    value = ctypes.c_double()
    g_main, g_extra = np.zeros_like(main), np.zeros_like(extra)
    ins = [ptr(main), ptr(extra), ptr(state), ptr(seq)]
    obj = lambda: lib.lstm_objective(*ins, ctypes.byref(value))
    grad = lambda: lib.lstm_gradient(*ins, ptr(g_main), ptr(g_extra))
    if obj() != 0 or grad() != 0:
        sys.exit("lstm: the tdlc call failed")
    tm, te = (torch.tensor(v, requires_grad=True) for v in (main, extra))
    ts, tq = torch.tensor(state), torch.tensor(seq)

    def torch_obj():
        with torch.no_grad():
            return lstm_torch(torch, tm, te, ts, tq)

    def torch_grad():
        return torch.autograd.grad(lstm_torch(torch, tm, te, ts, tq), [tm, te])

    want = torch_obj().item()
    if abs(value.value - want) > 1e-9 * abs(want):
        sys.exit(f"lstm l={l} c={c}: objective {value.value} != {want}")
    for mine, theirs in zip((g_main, g_extra), torch_grad()):
        theirs = theirs.numpy()
        if np.abs(mine - theirs).max() > 1e-8 * np.abs(theirs).max():
            sys.exit(f"lstm l={l} c={c}: gradients differ")
    t_obj, t_grad, p_obj, p_grad = interleaved_ms(
        [obj, grad, torch_obj, torch_grad], reps=5 if c > 1024 else 10,
        warmup=1)
    print(f"lstm l={l} c={c:4d} b={b}      tdlc obj {t_obj:9.3f} ms "
          f"grad {t_grad:9.3f} ms  ratio {t_grad / t_obj:5.2f} | torch obj "
          f"{p_obj:9.3f} ms grad {p_grad:9.3f} ms  ratio "
          f"{p_grad / p_obj:5.2f}", flush=True)


# ADBench's BA instances (cameras, points, observations): ba1 .. ba5.
BA_SIZES = [(49, 7776, 31843), (21, 11315, 36455), (161, 48126, 182072),
            (372, 47423, 204472), (257, 65132, 225911)]


def main():
    global tdlc_tmp, tdlc_flags
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tdlc")
    ap.add_argument("--all", action="store_true",
                    help="every ADBench size (slow), not the subset")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--only", choices=["gmm", "ba", "lstm"],
                    help="one of the three benchmarks")
    ap.add_argument("--tdlc-flag", action="append", default=[],
                    help="pass a flag to tdlc (e.g. --ad-loop-memory=64K)")
    args = ap.parse_args()
    os.environ["TDL_NUM_THREADS"] = str(args.threads)
    import tempfile
    import torch
    torch.set_num_threads(args.threads)
    if args.all:
        sizes = [(d, k, n) for n in (1000, 10000) for d in (2, 10, 20, 32, 64)
                 for k in (5, 10, 25, 50, 100, 200)]
    else:
        sizes = [(2, 5, 1000), (10, 25, 1000), (20, 50, 1000),
                 (32, 100, 1000), (64, 200, 1000), (10, 200, 10000)]
    ba_sizes = BA_SIZES if args.all else BA_SIZES[:3]
    lstm_sizes = ([(l, c) for l in (2, 4) for c in (1024, 4096)]
                  if args.all else [(2, 1024), (4, 1024)])
    tdlc_flags = args.tdlc_flag
    with tempfile.TemporaryDirectory() as tmp:
        tdlc_tmp = tmp
        if args.only in (None, "gmm"):
            for d, k, n in sizes:
                run_gmm(args.tdlc, d, k, n, torch)
        if args.only in (None, "ba"):
            for n, m, p in ba_sizes:
                run_ba(args.tdlc, n, m, p, torch)
        if args.only in (None, "lstm"):
            for l, c in lstm_sizes:
                run_lstm(args.tdlc, l, c, torch)


tdlc_tmp = None
tdlc_flags = []

if __name__ == "__main__":
    main()

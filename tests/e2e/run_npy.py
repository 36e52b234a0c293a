#!/usr/bin/env python3
"""`tdlc run --arg/--save` against NumPy's own .npy files (docs/cli.md).

Arrays written by numpy.save go in through --arg on each backend, results
come back through --save and numpy.load: identity functions give the same
bytes for every dtype, an elementwise function matches NumPy exactly, and
arrays tdlc cannot take (Fortran order, big-endian, uint8, wrong shape)
are exit-2 errors naming the parameter.

usage: run_npy.py TDLC BACKEND
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

TDLC, BACKEND = sys.argv[1], sys.argv[2]
PROGRAM = """
fn ids(b: bool[3], c: i8[2, 2], i: i32[4], l: i64[2], f: f32[2, 3],
       d: f64[3]) -> (bool[3], i8[2, 2], i32[4], i64[2], f32[2, 3], f64[3]) {
    return (b, c, i, l, f, d);
}

fn affine(x: f32[64, 33], y: f32[64, 33], s: f64) -> (f32[64, 33], f64) {
    return (x * 2.0 + y * y, s * 3.0);
}
"""
failures = []


def run(tmp, entry, args, save):
    cmd = [TDLC, 'run', '--backend=' + BACKEND, '--entry', entry,
           os.path.join(tmp, 'p.tdl'), '--save', save]
    for name, value in args.items():
        cmd += ['--arg', f'{name}={value}']
    return subprocess.run(cmd, capture_output=True, text=True)


with tempfile.TemporaryDirectory() as tmp:
    with open(os.path.join(tmp, 'p.tdl'), 'w') as f:
        f.write(PROGRAM)
    rng = np.random.default_rng(7)
    arrays = {
        'b': np.array([True, False, True]),
        'c': np.array([[-128, 127], [0, -1]], np.int8),
        'i': rng.integers(-2**31, 2**31, 4, dtype=np.int32),
        'l': np.array([-2**63, 2**63 - 1], np.int64),
        'f': rng.standard_normal((2, 3)).astype(np.float32),
        'd': np.array([np.pi, -0.0, np.inf]),
    }
    args = {}
    for name, a in arrays.items():
        path = os.path.join(tmp, name + '.npy')
        np.save(path, a)
        args[name] = path
    done = run(tmp, 'ids', args, os.path.join(tmp, 'ids'))
    if done.returncode != 0:
        failures.append('ids: ' + done.stderr)
    else:
        for k, name in enumerate(arrays):
            got = np.load(os.path.join(tmp, 'ids', f'out{k}.npy'))
            want = arrays[name]
            if got.dtype != want.dtype or got.tobytes() != want.tobytes():
                failures.append(f'ids: {name} came back as {got!r}')

    x = rng.standard_normal((64, 33)).astype(np.float32)
    y = rng.standard_normal((64, 33)).astype(np.float32)
    np.save(os.path.join(tmp, 'x.npy'), x)
    np.save(os.path.join(tmp, 'y.npy'), y)
    done = run(tmp, 'affine', {'x': os.path.join(tmp, 'x.npy'),
                               'y': os.path.join(tmp, 'y.npy'), 's': '0.1'},
               os.path.join(tmp, 'affine'))
    if done.returncode != 0:
        failures.append('affine: ' + done.stderr)
    else:
        got = np.load(os.path.join(tmp, 'affine', 'out0.npy'))
        want = x * np.float32(2.0) + y * y
        if not np.array_equal(got, want):
            failures.append('affine: result differs from NumPy')
        s = np.load(os.path.join(tmp, 'affine', 'out1.npy'))
        if s.shape != () or s != 0.1 * 3.0:
            failures.append(f'affine: scalar result {s!r}')

    bad = {
        'fortran': (np.asfortranarray(x), 'Fortran order'),
        'bigendian': (x.astype('>f4'), 'big-endian'),
        'uint8': (x.astype(np.uint8), 'uint8'),
        'shape': (x[:10], "the parameter is f32[64,33], but"),
    }
    for label, (array, message) in bad.items():
        path = os.path.join(tmp, label + '.npy')
        np.save(path, array)
        done = run(tmp, 'affine', {'x': path, 'y': os.path.join(tmp, 'y.npy'),
                                   's': '1'}, os.path.join(tmp, label))
        if done.returncode != 2 or message not in done.stderr or \
                "--arg x=" not in done.stderr:
            failures.append(f'{label}: exit {done.returncode}: {done.stderr}')

for failure in failures:
    print('FAIL:', failure)
sys.exit(1 if failures else 0)

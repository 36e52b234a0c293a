#!/usr/bin/env python3
"""Installs tdlc into a fresh prefix and uses it from outside the tree.

1. `cmake --install BUILD --prefix WORK/prefix`;
2. configures and builds tests/install/consumer (find_package(TDL),
   tdlc_add_library) with Ninja and with Unix Makefiles, runs its C99,
   C++17 and C++20 programs and a C program whose model runs on the
   accelerator (ACCEL, TDL::accel_host);
3. edits the file the model imports and rebuilds: only the depfile tells
   the build about that file, so the new output proves the rebuild;
4. builds the same model without CMake through pkg-config.

usage: check_install.py BUILD_DIR WORK_DIR
"""
import os
import shutil
import subprocess
import sys
import time

BUILD, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def run(cmd, **kw):
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        print('$ ' + ' '.join(cmd))
        print(done.stdout + done.stderr)
        sys.exit(f'command failed with exit status {done.returncode}')
    return done.stdout


shutil.rmtree(WORK, ignore_errors=True)
prefix = os.path.join(WORK, 'prefix')
run(['cmake', '--install', BUILD, '--prefix', prefix])
for f in ('bin/tdlc', 'bin/tdl-opt', 'lib/cmake/TDL/TDLConfig.cmake',
          'lib/tdl/libtdl_accel_host.a',
          'lib/cmake/TDL/TDLConfigVersion.cmake', 'lib/pkgconfig/tdl.pc',
          'share/doc/tdlc/cli.md', 'share/bash-completion/completions/tdlc'):
    if not os.path.exists(os.path.join(prefix, f)):
        failures.append('not installed: ' + f)

def expect_outputs(build, label, want):
    for app in ('app_c', 'app_cxx17', 'app_cxx20'):
        got = run([os.path.join(build, app)]).strip()
        if got != want:
            failures.append(f'{label}: {app} printed {got!r}, wanted {want!r}')


# Ninja and CMake's default generator on Linux (Makefiles), each from a
# fresh copy of the consumer.
for generator in ('Ninja', 'Unix Makefiles'):
    tag = generator.split()[-1].lower()
    source = os.path.join(WORK, 'consumer-' + tag)
    shutil.copytree(os.path.join(HERE, 'consumer'), source)
    build = os.path.join(WORK, 'build-' + tag)
    run(['cmake', '-S', source, '-B', build, '-G', generator,
         '-DCMAKE_PREFIX_PATH=' + prefix])
    run(['cmake', '--build', build])
    # y = 2 * (w * x + b) = [3, 4, 4]
    expect_outputs(build, generator + ', first build', '3 4 4 sum 11')
    got = run([os.path.join(build, 'app_accel')]).strip()
    if got != 'accel ok regions 1':
        failures.append(f'{generator}: app_accel printed {got!r}')
    time.sleep(1.1)  # a new mtime even on coarse file systems
    with open(os.path.join(source, 'layers', 'affine.tdl'), 'w') as f:
        f.write('fn scaled(x: f32[3]) -> f32[3] {\n    return x * 3.0;\n}\n')
    rebuilt = run(['cmake', '--build', build])
    if 'tdlc model.tdl' not in rebuilt or 'tdlc stats.tdl' in rebuilt:
        failures.append(f'{generator}: editing the imported file did not '
                        'rebuild exactly the model that imports it:\n' +
                        rebuilt)
    expect_outputs(build, generator + ', after editing the import',
                   '4.5 6 6 sum 16.5')
    if 'tdlc ' in run(['cmake', '--build', build]):
        failures.append(f'{generator}: a second rebuild ran tdlc again')

# Without CMake: pkg-config names tdlc and the link flags.
env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix, 'lib',
                                                     'pkgconfig'))
tdlc = run(['pkg-config', '--variable=tdlc', 'tdl'], env=env).strip()
libs = run(['pkg-config', '--libs', 'tdl'], env=env).split()
plain = os.path.join(WORK, 'plain')
os.makedirs(plain)
for model in ('model', 'stats'):
    run([tdlc, os.path.join(source, model + '.tdl'), '-c', '-o',
         os.path.join(plain, model + '.o'), '--header',
         os.path.join(plain, model + '.h')])
run(['cc', '-std=c99', '-I', plain, os.path.join(source, 'main.c'),
     os.path.join(plain, 'model.o'), os.path.join(plain, 'stats.o'), '-o',
     os.path.join(plain, 'app')] + libs)
got = run([os.path.join(plain, 'app')]).strip()
if got != '4.5 6 6 sum 16.5':
    failures.append(f'pkg-config build printed {got!r}')

for failure in failures:
    print('FAIL:', failure)
sys.exit(1 if failures else 0)

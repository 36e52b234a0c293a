#!/usr/bin/env bash
# The demo: run every example program with the freshly built tdlc (the cpu
# backend: LLVM JIT) and print what it prints: `print` output
# first, then one line per result.
set -euo pipefail
build_dir="${1:?usage: run-demo.sh BUILD_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tdlc="$build_dir/bin/tdlc"
shopt -s nullglob
status=0
for f in "$here"/*.tdl; do
  echo "--- tdlc run examples/$(basename "$f")"
  if ! "$tdlc" run "$f"; then
    echo "*** $(basename "$f") failed" >&2
    status=1
  fi
  echo
done
# The cpu backend's objects: a model compiled with `tdlc -c --header` and
# linked into a C++ program (examples/cpp_app).
echo "--- examples/cpp_app: tdlc model.tdl -c --header, then a C++ program"
if ! "$here/cpp_app/build-and-run.sh" "$tdlc" "$build_dir/examples/cpp_app"; then
  echo "*** cpp_app failed" >&2
  status=1
fi
echo
# Fashion-MNIST (Debian's dataset-fashion-mnist): an MLP trained through a tdlc
# object linked into a C++ program, then the trained network quantized to int8
# and run with --backend=accel (its big layer on the simulator).
echo "--- examples/fashion_mnist: train (tdlc object + C++), then int8 inference on the accelerator"
if ! "$here/fashion_mnist/build-and-run.sh" "$tdlc" "$build_dir/examples/fashion_mnist"; then
  echo "*** fashion_mnist failed" >&2
  status=1
fi
echo
# The accelerator simulator: an int8 tiled GEMM program and its timing report
# (the 64x64 result itself is long; the report follows it).
for f in "$here"/accel/*.tasm; do
  echo "--- tdlc sim examples/accel/$(basename "$f") --stats"
  if ! "$tdlc" sim --stats "$f" | tail -n 9; then
    echo "*** $(basename "$f") failed" >&2
    status=1
  fi
done
# The accelerator backend: int8 programs whose convolutions and matmuls run on
# the simulator (what was offloaded, what stayed on the host, cycle counts).
for f in "$here"/accel/*.tdl; do
  echo "--- tdlc run examples/accel/$(basename "$f") --backend=accel --stats"
  if ! "$tdlc" run --backend=accel --stats "$f"; then
    echo "*** $(basename "$f") failed" >&2
    status=1
  fi
done
exit $status

#!/usr/bin/env bash
# Fashion-MNIST end to end: compiles model.tdl with tdlc into an object +
# header, builds main.cpp against them (and zlib), trains the MLP on the
# images of Debian's dataset-fashion-mnist package, then runs the int8 program
# main.cpp writes (the trained weights and 256 test images quantized) on the
# accelerator simulator.
#   build-and-run.sh TDLC OUT_DIR [--quick]
# --quick trains on 12800 images (one pass) instead of 2 epochs on all 60000.
set -euo pipefail
usage="usage: build-and-run.sh TDLC OUT_DIR [--quick]"
tdlc="${1:?$usage}"
out="${2:?$usage}"
quick="${3:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data=/usr/share/datasets/fashion-mnist
if [ ! -d "$data" ]; then
  echo "build-and-run.sh: $data is missing (apt-get install dataset-fashion-mnist)" >&2
  exit 1
fi
case "$quick" in
  "") train_args=(--epochs 2) ;;
  --quick) train_args=(--epochs 1 --train-limit 12800) ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
mkdir -p "$out"

"$tdlc" "$here/model.tdl" -O3 -c -o "$out/model.o" --header "$out/model.h" \
  --module-name model
"${CXX:-c++}" -std=c++20 -O2 -I "$out" "$here/main.cpp" "$out/model.o" -lz \
  -o "$out/fashion_mnist"
"$out/fashion_mnist" --data "$data" "${train_args[@]}" \
  --quantized-out "$out/quantized.tdl"

# The int8 inference: its matmul + requantize regions run on the simulator
# (cost-based: the large first layer is offloaded), the rest on the host.
echo "--- tdlc run --backend=accel --stats quantized.tdl"
"$tdlc" run --backend=accel --stats "$out/quantized.tdl"

#!/usr/bin/env bash
# Compiles model.tdl with tdlc into an object + header, builds main.cpp
# against them with the system C++ compiler (no other library) and runs it.
#   build-and-run.sh TDLC OUT_DIR
set -euo pipefail
tdlc="${1:?usage: build-and-run.sh TDLC OUT_DIR}"
out="${2:?usage: build-and-run.sh TDLC OUT_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$out"
"$tdlc" "$here/model.tdl" -O3 -c -o "$out/model.o" --header "$out/model.h" \
  --module-name model
"${CXX:-c++}" -std=c++20 -O2 -I "$out" "$here/main.cpp" "$out/model.o" \
  -o "$out/cpp_app"
"$out/cpp_app"

#!/usr/bin/env bash
# The demo: compile and run every example program with the freshly built tdlc.
set -euo pipefail
build_dir="${1:?usage: run-demo.sh BUILD_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tdlc="$build_dir/bin/tdlc"
shopt -s nullglob
for f in "$here"/*.tdl; do
  echo "--- $(basename "$f")"
  "$tdlc" --emit=ast "$f" | head -n 40
done

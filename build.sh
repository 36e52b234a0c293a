#!/usr/bin/env bash
# The one entry point for newcomers and CI.
#   ./build.sh deps    install the Debian packages tdlc needs (apt-get; sudo when not root)
#                      and the grammar test runner from npm into the build directory
#   ./build.sh build   deps + configure + build (incremental)
#   ./build.sh test    build + every test (ctest)
#   ./build.sh demo    build + the main job: compile and run the example programs
#   ./build.sh install PREFIX   build + install tdlc, the docs and the CMake package
#   ./build.sh test-sanitize    every test on an ASan + UBSan build (build-sanitize/)
#   ./build.sh test-tsan        the concurrent-call tests under ThreadSanitizer (build-tsan/)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build_dir="${TDLC_BUILD_DIR:-$root/build}"
jobs="${TDLC_JOBS:-$(nproc)}"

# Debian packages, one per line: what the build, the tests and the demo need.
packages=(
  cmake ninja-build g++ python3 python3-numpy
  pkg-config  # tests/install: the installed tdl.pc
  llvm-19-dev llvm-19-tools
  clang-19         # compiles the cpu backend's kernel runtime to bitcode
  libclang-rt-19-dev  # ThreadSanitizer's runtime (./build.sh test-tsan) and the fuzzers
  libopenblas-dev  # the baseline of bench/bench_cpu_matmul
  re2c bison
  libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev libedit-dev
  zlib1g-dev libzstd-dev libxml2-dev libffi-dev
  tmux  # the REPL's interactive test (tests/lit/repl)
  neovim  # a real LSP client for tdlc lsp (tests/lit/editors/neovim-lsp.test)
  nodejs npm  # vscode-tmgrammar-test below (tests/lit/editors/tmgrammar.test)
  dataset-fashion-mnist  # examples/fashion_mnist (zlib1g-dev above reads its .gz files)
)

log() { printf '==> %s\n' "$*"; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }
warn_loudly() {
  printf '\n%s\nbuild.sh: WARNING: %s\n%s\n\n' \
    '**********************************************************************' "$*" \
    '**********************************************************************' >&2
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@";
  elif command -v sudo >/dev/null 2>&1; then sudo "$@";
  else die "need root (or sudo) to run: $*"; fi
}

# The TextMate grammar's test runner (tests/lit/editors/tmgrammar.test), from
# npm into the build directory, pinned. Without a registry the build goes on
# and that test is UNSUPPORTED.
tmgrammar_test_version=0.1.3

node_tools() {
  local prefix="$build_dir/node"
  local have="$prefix/node_modules/vscode-tmgrammar-test/package.json"
  if [ -f "$have" ] && grep -q "\"version\": \"$tmgrammar_test_version\"" "$have"; then
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    warn_loudly "npm is not installed: tests/lit/editors/tmgrammar.test will be UNSUPPORTED"
    return
  fi
  log "installing vscode-tmgrammar-test@$tmgrammar_test_version into $prefix"
  mkdir -p "$prefix"
  if ! npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error \
      "vscode-tmgrammar-test@$tmgrammar_test_version" >/dev/null; then
    warn_loudly "npm install vscode-tmgrammar-test@$tmgrammar_test_version failed" \
      "(no npm registry?): tests/lit/editors/tmgrammar.test will be UNSUPPORTED"
  fi
}

deps() {
  deps_packages
  node_tools
}

deps_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    # NodeSource's nodejs ships npm itself and conflicts with Debian's npm.
    if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "dependencies: all present"
    return
  fi
  log "installing missing packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null \
    || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null || die "apt-get install failed for: ${missing[*]}"
  for p in "${missing[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
      || die "package $p is still missing after apt-get install"
  done
  log "installed: ${missing[*]}"
}

configure() {
  if [ ! -f "$build_dir/build.ninja" ]; then
    log "configuring in $build_dir"
    cmake -S "$root" -B "$build_dir" -G Ninja \
      -DCMAKE_BUILD_TYPE="${TDLC_BUILD_TYPE:-Release}" \
      -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
  fi
}

build() {
  deps
  configure
  log "building"
  cmake --build "$build_dir" -j "$jobs"
}

run_tests() {
  build
  log "testing"
  ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
}

demo() {
  build
  log "demo"
  "$root/examples/run-demo.sh" "$build_dir"
}

# The whole suite on a build with AddressSanitizer and UBSan, in its own
# build directory (docs/reliability.md "Sanitizers"). LLVM's library is
# built without RTTI, so UBSan's vptr check cannot read the dynamic type of
# LLVM's objects (cl::opt, ...) and reports every virtual call on them:
# tests/sanitize/ubsan.supp suppresses that check for llvm:: types only.
# Leak checking is off: the compiler keeps process-lifetime singletons.
test_sanitize() {
  build_dir="${TDLC_SANITIZE_BUILD_DIR:-$root/build-sanitize}"
  deps
  if [ ! -f "$build_dir/build.ninja" ]; then
    log "configuring in $build_dir (ASan + UBSan)"
    cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DTDLC_SANITIZE=ON
  fi
  log "building (sanitized)"
  cmake --build "$build_dir" -j "$jobs"
  log "testing (sanitized)"
  ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:${ASAN_OPTIONS:-}" \
  UBSAN_OPTIONS="print_stacktrace=1:suppressions=$root/tests/sanitize/ubsan.supp:${UBSAN_OPTIONS:-}" \
    ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" \
      ${TDLC_SANITIZE_EXCLUDE:+-E "$TDLC_SANITIZE_EXCLUDE"}
}

install() {
  [ -n "${1:-}" ] || die "usage: ./build.sh install PREFIX"
  build
  log "installing into $1"
  cmake --install "$build_dir" --prefix "$1"
}

# The unit tests that call exported functions and the runtime's thread pool
# from several threads, under ThreadSanitizer, in their own build directory
# (docs/reliability.md "ThreadSanitizer"). Only those targets are built, with
# clang-19 -fsanitize=thread; their models are compiled by the normal build's
# tdlc against a TSan-instrumented copy of the kernel runtime's bitcode.
tsan_targets=(CpuParallelTests CpuAbiTests AccelObjectTests)
test_tsan() {
  build
  local tdlc="$build_dir/bin/tdlc"
  build_dir="${TDLC_TSAN_BUILD_DIR:-$root/build-tsan}"
  if [ ! -f "$build_dir/build.ninja" ]; then
    log "configuring in $build_dir (ThreadSanitizer)"
    cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
      -DTDLC_TSAN=ON -DTDLC_HOST_TDLC="$tdlc"
  fi
  log "building (ThreadSanitizer): ${tsan_targets[*]}"
  cmake --build "$build_dir" -j "$jobs" --target "${tsan_targets[@]}"
  log "testing (ThreadSanitizer)"
  local names
  names="$(IFS='|'; echo "${tsan_targets[*]}")"
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:${TSAN_OPTIONS:-}" \
    ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" \
      -R "^unit/($names)(/|\$)"
}

case "${1:-}" in
  deps) deps ;;
  build) build ;;
  test) run_tests ;;
  demo) demo ;;
  install) install "${2:-}" ;;
  test-sanitize) test_sanitize ;;
  test-tsan) test_tsan ;;
  *) echo "usage: ./build.sh deps|build|test|test-sanitize|test-tsan|demo|install PREFIX" >&2; exit 2 ;;
esac

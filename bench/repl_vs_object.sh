#!/bin/sh
# The REPL's `:time sum(a @ a)` (512x512, on the JIT) against the same
# expression compiled to an object and timed by a C loop of the same shape
# (docs/performance.md, "REPL"). Usage: bench/repl_vs_object.sh TDLC [RUNS]
# Set TDL_NUM_THREADS to compare at a given thread count.
set -e
tdlc=$1
runs=${2:-5}
here=$(dirname "$0")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tdlc" "$here/repl_vs_object.tdl" -c -o "$work/mm.o"
"$tdlc" "$here/repl_vs_object.tdl" -c -march=native -o "$work/mm_native.o"
cc -O2 "$here/repl_vs_object.c" "$work/mm.o" -o "$work/obj" -lm -lpthread
cc -O2 "$here/repl_vs_object.c" "$work/mm_native.o" -o "$work/obj_native" \
  -lm -lpthread
printf 'let a = uniform(1, [512, 512]);\n:time sum(a @ a)\n' > "$work/t.tdl"
i=0
while [ $i -lt "$runs" ]; do
  echo "object:        $("$work/obj")"
  echo "object native: $("$work/obj_native")"
  echo "repl (JIT):    $("$tdlc" repl < "$work/t.tdl")"
  i=$((i + 1))
done

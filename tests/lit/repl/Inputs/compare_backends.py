#!/usr/bin/env python3
"""compare_backends.py TDLC SESSION [OPTIONS...]: pipes SESSION into
`TDLC repl` twice, on the cpu backend (`:backend cpu`, the JIT) and on the
reference interpreter (`:backend interp`), and fails unless both print the
same results, the same diagnostics and end with the same exit status (the
cpu backend is bit-identical to the interpreter). Prints the cpu run's
stdout, then its stderr and exit status, for FileCheck.
"""
import difflib
import subprocess
import sys

tdlc, session, options = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(session).read()


def run(backend):
    p = subprocess.run([tdlc, "repl"] + options,
                       input=":backend %s\n%s" % (backend, text),
                       capture_output=True, text=True)
    # The first line answers the :backend command.
    first, _, out = p.stdout.partition("\n")
    return first, (out, p.stderr, p.returncode)


cpu_first, cpu = run("cpu")
interp_first, interp = run("interp")
assert cpu_first == "running on the cpu backend (JIT)", cpu_first
assert interp_first == "running on the reference interpreter", interp_first
if cpu != interp:
    for name, a, b in zip(("stdout", "stderr"), cpu, interp):
        sys.stderr.writelines(difflib.unified_diff(
            b.splitlines(True), a.splitlines(True), "interp " + name,
            "cpu " + name))
    sys.exit("the backends differ (exit %d on cpu, %d on interp)" %
             (cpu[2], interp[2]))
sys.stdout.write(cpu[0])
sys.stdout.write("=== stderr\n" + cpu[1])
sys.stdout.write("=== exit %d\n" % cpu[2])

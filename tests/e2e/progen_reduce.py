#!/usr/bin/python3
"""Shrinks a TDL program that fails (a progen.py seed, or any program) while
it keeps failing the same way.

usage: progen_reduce.py --tdlc PATH PROGRAM.tdl [-o OUT.tdl]
                        (--mismatch | --error REGEX | --cmd 'CMD {}')
                        [--configs interp,cpu-O0,cpu-O3,accel]
       progen_reduce.py --tdlc PATH --selftest

What "failing" means (the interestingness test):
  --mismatch      the configs print different stdout or exit differently
                  (a front-end error on every config is not interesting);
  --error REGEX   some config's stderr or stdout matches REGEX (a crash,
                  `internal compiler error`, one diagnostic's text);
  --cmd CMD       CMD (run by the shell, `{}` replaced by the candidate file)
                  exits 0, e.g. a gradient check written for the program.

Passes, repeated until nothing changes: delete top-level declarations and
the calls of deleted units' mains; delete statements (a block statement
`for`/`while`/`if` as a whole), last first; replace a block statement by its
body; replace an expression by one of its operands or arguments (`f(a, b)`
-> `a`, `(a + b)` -> `b`, `if c { a } else { b }` -> `a`). A candidate that
no longer compiles is simply not interesting, so every step keeps a valid
program (unless the failure *is* a compile error, which --error pins down).

--selftest reduces a progen program against a fake `tdlc` whose cpu output
is wrong whenever the program calls `logsumexp` with `keepdims: true` (an
injected bug), and checks that the result is small and still shows it.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = {"interp": ["--backend=interp", "-O0"], "cpu-O0": ["--backend=cpu", "-O0"],
           "cpu-O3": ["--backend=cpu", "-O3"],
           "accel": ["--backend=accel", "--accel-offload=always", "-O2"]}


class Oracle:
    def __init__(self, args):
        self.tdlc = os.path.abspath(args.tdlc)
        self.args = args
        self.configs = args.configs.split(",")
        self.dir = tempfile.mkdtemp(prefix="tdl-reduce-")
        self.calls = 0
        self.cache = {}

    def run(self, path, cfg):
        cmd = [self.tdlc, "run", "--print-precision=17", "--print-full", "--timeout=60"] + \
            CONFIGS[cfg] + [path]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            return p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired:
            return -1, "", "timeout"

    def __call__(self, text):
        if text in self.cache:
            return self.cache[text]
        self.calls += 1
        path = os.path.join(self.dir, "cand.tdl")
        with open(path, "w") as f:
            f.write(text)
        a = self.args
        ok = False
        if a.cmd:
            ok = subprocess.run(a.cmd.replace("{}", path), shell=True,
                                capture_output=True).returncode == 0
        elif a.error:
            rx = re.compile(a.error)
            for cfg in self.configs:
                rc, out, err = self.run(path, cfg)
                if rx.search(err) or rx.search(out):
                    ok = True
                    break
                if rc == 1 and "error:" in err and cfg == self.configs[0]:
                    break  # a front-end error that is not the one we want
        else:
            first = self.run(path, self.configs[0])
            if not (first[0] == 1 and ": error:" in first[2]):
                for cfg in self.configs[1:]:
                    if self.run(path, cfg) != first:
                        ok = True
                        break
        self.cache[text] = ok
        return ok


# ---------------------------------------------------------------------------
# The program as lines; a statement is a line, or a block from a line ending
# in `{` to its matching `}` line.
def blocks(lines):
    """(start, end) line ranges of every statement inside a function body
    (end exclusive), innermost included, and of top-level declarations."""
    out = []
    stack = []
    for i, ln in enumerate(lines):
        s = ln.strip()
        opens = s.endswith("{")
        closes = s.startswith("}")
        if closes and stack:
            st = stack.pop()
            if not opens:  # `} else {` continues the statement
                out.append((st, i + 1))
            else:
                stack.append(st)
            continue
        if opens:
            stack.append(i)
        elif s and not closes:
            out.append((i, i + 1))
    return out


def balanced(s, i):
    """Index of the bracket closing the one at s[i]."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    depth = 0
    for j in range(i, len(s)):
        if s[j] in "([{":
            depth += 1
        elif s[j] in ")]}":
            depth -= 1
            if depth == 0:
                return j
    return -1


def split_top(s, seps):
    """Splits s at top-level occurrences of any of the strings in seps."""
    parts, depth, last, i = [], 0, 0, 0
    while i < len(s):
        c = s[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0:
            for sep in seps:
                if s.startswith(sep, i):
                    parts.append(s[last:i])
                    last = i + len(sep)
                    i += len(sep) - 1
                    break
        i += 1
    parts.append(s[last:])
    return [p.strip() for p in parts]


def expr_candidates(line):
    """Lines with one subexpression replaced by a part of it."""
    out = []
    for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_.]*\(|\(", line):
        i = m.end() - 1
        j = balanced(line, i)
        if j < 0:
            continue
        start = m.start()
        inner = line[i + 1:j]
        pieces = []
        for a in split_top(inner, [","]):
            if a and not re.match(r"^[A-Za-z_]+\s*:", a):
                pieces.append(a)
        if m.group(0) == "(":
            for op in (" + ", " - ", " * ", " / ", " @ "):
                ps = split_top(inner, [op])
                if len(ps) > 1:
                    pieces += [ps[0], op.join(ps[1:])]
        for p in pieces:
            if p and p != line[start:j + 1]:
                new = line[:start] + "(" + p + ")" + line[j + 1:]
                if new != line:
                    out.append(new)
    for m in re.finditer(r"if ", line):
        rest = line[m.start():]
        a = rest.find("{")
        if a < 0:
            continue
        b = balanced(rest, a)
        c = rest.find("{", b)
        if b < 0 or c < 0 or "else" not in rest[b:c]:
            continue
        d = balanced(rest, c)
        if d < 0:
            continue
        for br in (rest[a + 1:b], rest[c + 1:d]):
            out.append(line[:m.start()] + "(" + br.strip() + ")" + rest[d + 1:])
    return [c for c in out if c != line]


def reduce(text, interesting, log=print):
    lines = text.split("\n")
    assert interesting("\n".join(lines)), "the input program is not interesting"
    changed = True
    rounds = 0
    while changed:
        changed = False
        rounds += 1
        # 1. delete statements and declarations, largest and last first
        for st, en in sorted(blocks(lines), key=lambda b: (-(b[1] - b[0]), -b[0])):
            if en > len(lines):
                continue
            cand = lines[:st] + lines[en:]
            if lines[st].startswith("fn main"):
                continue
            if interesting("\n".join(cand)):
                lines = cand
                changed = True
                log("  deleted lines %d-%d: %d lines left" % (st + 1, en, len(lines)))
                break
        if changed:
            continue
        # 2. replace a block statement by its body
        for st, en in blocks(lines):
            if en - st < 3 or not lines[st].startswith(" "):
                continue
            body = [ln for ln in lines[st + 1:en - 1] if not ln.strip().startswith("}")]
            cand = lines[:st] + body + lines[en:]
            if interesting("\n".join(cand)):
                lines = cand
                changed = True
                log("  unwrapped the block at line %d" % (st + 1))
                break
        if changed:
            continue
        # 3. simplify expressions
        for i in range(len(lines) - 1, -1, -1):
            for new in expr_candidates(lines[i]):
                cand = lines[:i] + [new] + lines[i + 1:]
                if interesting("\n".join(cand)):
                    lines = cand
                    changed = True
                    log("  simplified line %d: %s" % (i + 1, new.strip()))
                    break
            if changed:
                break
    return "\n".join(lines)


FAKE_TDLC = r'''#!/usr/bin/python3
# A tdlc with an injected miscompilation: on the cpu backend, a program that
# calls logsumexp with keepdims: true prints a wrong last digit on its first
# line.
import subprocess, sys
p = subprocess.run([%r] + sys.argv[1:], capture_output=True, text=True)
out = p.stdout
src = open(sys.argv[-1]).read()
if "--backend=cpu" in sys.argv and "keepdims: true" in src and "logsumexp(" in src and out:
    first, _, rest = out.partition("\n")
    out = first[:-1] + ("0" if first[-1:] != "0" else "1") + "\n" + rest
sys.stdout.write(out); sys.stderr.write(p.stderr); sys.exit(p.returncode)
'''


def selftest(tdlc):
    sys.path.insert(0, HERE)
    import progen
    d = tempfile.mkdtemp(prefix="tdl-reduce-selftest-")
    fake = os.path.join(d, "fake-tdlc")
    with open(fake, "w") as f:
        f.write(FAKE_TDLC % os.path.abspath(tdlc))
    os.chmod(fake, 0o755)
    # the first float seed whose program has the bug's trigger
    for seed in range(1, 400):
        if progen.unit_kind(seed) != "float":
            continue
        text = progen.program([seed])[0]
        if re.search(r"logsumexp\([^;]*keepdims: true", text):
            break
    ns = argparse.Namespace(tdlc=fake, configs="interp,cpu-O0", cmd=None, error=None)
    oracle = Oracle(ns)
    before = len(text.splitlines())
    out = reduce(text, oracle, log=lambda *a: None)
    after = len([ln for ln in out.splitlines() if ln.strip()])
    print("selftest: seed %d reduced from %d to %d lines in %d runs:\n%s"
          % (seed, before, after, oracle.calls, out))
    real = Oracle(argparse.Namespace(tdlc=tdlc, configs="interp,cpu-O0,cpu-O3", cmd=None, error=None))
    if not oracle(out) or "logsumexp(" not in out or after > 12 or real(out):
        print("selftest FAILED")
        return 1
    print("selftest ok")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tdlc", required=True)
    ap.add_argument("program", nargs="?")
    ap.add_argument("-o", "--output")
    ap.add_argument("--mismatch", action="store_true")
    ap.add_argument("--error")
    ap.add_argument("--cmd")
    ap.add_argument("--configs", default="interp,cpu-O0,cpu-O3")
    ap.add_argument("--selftest", action="store_true")
    args = ap.parse_args()
    if args.selftest:
        return selftest(args.tdlc)
    if not (args.mismatch or args.error or args.cmd) or not args.program:
        ap.error("give a program and one of --mismatch, --error, --cmd")
    text = open(args.program).read()
    oracle = Oracle(args)
    out = reduce(text, oracle)
    print("reduced from %d to %d lines in %d runs" % (len(text.splitlines()),
                                                       len(out.splitlines()), oracle.calls))
    if args.output:
        with open(args.output, "w") as f:
            f.write(out)
    else:
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

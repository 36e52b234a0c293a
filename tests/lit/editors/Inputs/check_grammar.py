#!/usr/bin/env python3
"""Checks the TextMate grammar of editors/vscode without an editor.

usage: check_grammar.py GRAMMAR.json CASES

1. The grammar is valid JSON, every `include` names a repository entry,
   and every regex (match, begin, end) compiles. The grammar uses only the
   part of Oniguruma's syntax that Python's `re` shares, so `re` checks it.
2. A small TextMate tokenizer (leftmost match wins, ties go to the first
   pattern; begin/end rules nest and span lines) runs over the lines of
   CASES. A line `TEXT  ==>  TOKEN: SCOPE; TOKEN: SCOPE` asserts that the
   first occurrence of TOKEN in TEXT (`TOKEN@N`: the Nth) is covered by a
   scope starting with SCOPE; `-` as SCOPE asserts no scope but source.tdl.
Prints one line per failure and exits 1 if any.
"""
import json
import re
import sys


def patterns_of(rule, repo):
    out = []
    for p in rule.get("patterns", []):
        if "include" in p:
            name = p["include"]
            if name == "$self":
                out.extend(patterns_of(GRAMMAR, repo))
                continue
            target = repo[name[1:]]
            if "patterns" in target and "match" not in target and "begin" not in target:
                out.extend(patterns_of(target, repo))
            else:
                out.append(target)
        else:
            out.append(p)
    return out


def check_static(grammar):
    errors = []
    repo = grammar.get("repository", {})

    def visit(rule, where):
        for key in ("match", "begin", "end"):
            if key in rule:
                try:
                    re.compile(rule[key])
                except re.error as e:
                    errors.append(f"{where}.{key}: {e}: {rule[key]!r}")
        for i, p in enumerate(rule.get("patterns", [])):
            if "include" in p:
                inc = p["include"]
                if inc != "$self" and inc[1:] not in repo:
                    errors.append(f"{where}: unknown include {inc}")
            else:
                visit(p, f"{where}.patterns[{i}]")

    visit(grammar, "grammar")
    for name, rule in repo.items():
        visit(rule, f"repository.{name}")
    return errors


def tokenize(lines, grammar):
    """Yields, per line, a list of (start, end, scope) spans."""
    repo = grammar["repository"]
    top = patterns_of(grammar, repo)
    stack = []  # open begin/end rules
    result = []
    for line in lines:
        spans = []
        pos = 0
        while pos <= len(line):
            if stack:
                rule = stack[-1]
                candidates = [(re.compile(rule["end"]), "end", rule)]
                candidates += [(re.compile(p["begin"]), "begin", p)
                               for p in patterns_of(rule, repo) if "begin" in p]
                candidates += [(re.compile(p["match"]), "match", p)
                               for p in patterns_of(rule, repo) if "match" in p]
            else:
                candidates = []
                for p in top:
                    if "match" in p:
                        candidates.append((re.compile(p["match"]), "match", p))
                    elif "begin" in p:
                        candidates.append((re.compile(p["begin"]), "begin", p))
            best = None
            for rx, kind, p in candidates:
                m = rx.search(line, pos)
                if m and (best is None or m.start() < best[0].start()):
                    best = (m, kind, p)
            if best is None:
                if stack:
                    spans.append((pos, len(line), stack[-1]["name"]))
                break
            m, kind, p = best
            if stack and m.start() > pos:
                spans.append((pos, m.start(), stack[-1]["name"]))
            if kind == "match":
                if "name" in p:
                    spans.append((m.start(), m.end(), p["name"]))
                for g, cap in p.get("captures", {}).items():
                    g = int(g)
                    if m.group(g) is not None and "name" in cap:
                        spans.append((m.start(g), m.end(g), cap["name"]))
            elif kind == "begin":
                spans.append((m.start(), m.end(), p["name"]))
                stack.append(p)
            else:
                spans.append((m.start(), m.end(), stack[-1]["name"]))
                stack.pop()
            if m.end() == m.start():
                pos = m.end() + 1
            else:
                pos = m.end()
        result.append(spans)
    return result


def scopes_at(spans, offset):
    return [s for (a, b, s) in spans if a <= offset < b]


def main():
    global GRAMMAR
    GRAMMAR = json.load(open(sys.argv[1], encoding="utf-8"))
    errors = check_static(GRAMMAR)
    cases = []
    for raw in open(sys.argv[2], encoding="utf-8").read().splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        text, _, expect = raw.partition("  ==>  ")
        cases.append((text, expect))
    spans = tokenize([t for t, _ in cases], GRAMMAR)
    checked = 0
    for (text, expect), line_spans in zip(cases, spans):
        for item in filter(None, (e.strip() for e in expect.split(";"))):
            token, _, scope = item.rpartition(": ")
            nth = 1
            if "@" in token[1:]:
                token, _, n = token.rpartition("@")
                nth = int(n)
            at = -1
            for _ in range(nth):
                at = text.find(token, at + 1)
            if at < 0:
                errors.append(f"{text!r}: no {token!r} in the line")
                continue
            got = scopes_at(line_spans, at)
            ok = (not got) if scope == "-" else any(g.startswith(scope) for g in got)
            if not ok:
                errors.append(f"{text!r}: {token!r} has {got or ['source.tdl']}, want {scope}")
            checked += 1
    for e in errors:
        print(e)
    print(f"{checked} scopes checked, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

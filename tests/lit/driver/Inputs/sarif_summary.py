#!/usr/bin/env python3
"""sarif_summary.py LOG: check a tdlc SARIF log, print a summary to FileCheck.

Fails (exit 1, with the reason) unless LOG is exactly one JSON document with
what tdlc promises: version 2.1.0, the schema, one run, tool.driver.name
"tdlc" with a version, one rule per ruleId that occurs (ruleIndex pointing
at it), and for every result a ruleId, a level, message.text, and locations
whose regions have 1-based lines and columns inside the file they name.

The summary prints each result with the source text its region covers, read
back from the file the URI names, so a test checks locations against the
source rather than against numbers alone:

  result ParseExpectedFound error 1:22-1:23 '(' "expected ')', found ';'"
  related 1:18 '(' "to match this '('"
  fix 1:31-1:31 '' -> ';'
  fix 1:1-1:1 '' -> 'import std.nn;\n' "<the note that proposes it>"
"""
import json
import sys
import urllib.parse


def fail(why):
    sys.exit("sarif_summary: " + why)


def need(obj, key, kind, where):
    if key not in obj:
        fail(f"{where}: no '{key}'")
    if not isinstance(obj[key], kind):
        fail(f"{where}: '{key}' is not a {kind.__name__}")
    return obj[key]


def path_of(uri):
    parsed = urllib.parse.urlparse(uri)
    if parsed.scheme not in ("", "file"):
        fail(f"unexpected URI scheme in {uri!r}")
    return urllib.parse.unquote(parsed.path)


def region_text(uri, region, where):
    """The region as 'L:C[-L:C]' and the source text it covers."""
    lines = open(path_of(uri), encoding="utf-8").read().split("\n")
    start_line = need(region, "startLine", int, where)
    start_col = need(region, "startColumn", int, where)
    if start_line < 1 or start_line > len(lines):
        fail(f"{where}: startLine {start_line} outside the file")
    line = lines[start_line - 1]
    if start_col < 1 or start_col > len(line) + 1:
        fail(f"{where}: startColumn {start_col} outside line {start_line}")
    if "endColumn" not in region:
        return f"{start_line}:{start_col}", line[start_col - 1:start_col]
    end_line = need(region, "endLine", int, where)
    end_col = need(region, "endColumn", int, where)
    if (end_line, end_col) < (start_line, start_col):
        fail(f"{where}: region ends before it starts")
    if end_line == start_line:
        text = line[start_col - 1:end_col - 1]
    else:
        text = "\n".join([line[start_col - 1:]] + lines[start_line:end_line - 1]
                         + [lines[end_line - 1][:end_col - 1]])
    return f"{start_line}:{start_col}-{end_line}:{end_col}", text


def location_text(location, where):
    physical = need(location, "physicalLocation", dict, where)
    artifact = need(physical, "artifactLocation", dict, where)
    uri = need(artifact, "uri", str, where)
    region = need(physical, "region", dict, where)
    return region_text(uri, region, where)


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    try:
        log = json.loads(text)  # one document, nothing before or after it
    except json.JSONDecodeError as e:
        fail(f"not one JSON document: {e}")
    if log.get("version") != "2.1.0":
        fail("version is not 2.1.0")
    if log.get("$schema") != "https://json.schemastore.org/sarif-2.1.0.json":
        fail("missing or wrong $schema")
    runs = need(log, "runs", list, "log")
    if len(runs) != 1:
        fail(f"{len(runs)} runs, expected exactly 1")
    run = runs[0]
    driver = need(need(run, "tool", dict, "run"), "driver", dict, "tool")
    if driver.get("name") != "tdlc":
        fail("tool.driver.name is not tdlc")
    need(driver, "version", str, "driver")
    rules = need(driver, "rules", list, "driver")
    rule_ids = [need(r, "id", str, "rule") for r in rules]
    if len(set(rule_ids)) != len(rule_ids):
        fail(f"a rule is listed twice: {rule_ids}")
    results = need(run, "results", list, "run")
    used = set()
    for i, r in enumerate(results):
        where = f"results[{i}]"
        rule = need(r, "ruleId", str, where)
        if rule not in rule_ids:
            fail(f"{where}: ruleId {rule} has no rule")
        if rule_ids[need(r, "ruleIndex", int, where)] != rule:
            fail(f"{where}: ruleIndex does not point at {rule}")
        used.add(rule)
        level = need(r, "level", str, where)
        if level not in ("error", "warning", "note"):
            fail(f"{where}: bad level {level}")
        message = need(need(r, "message", dict, where), "text", str, where)
        place = "nowhere"
        for j, loc in enumerate(r.get("locations", [])):
            span, covered = location_text(loc, f"{where}.locations[{j}]")
            place = f"{span} {covered!r}"
        print(f"result {rule} {level} {place} {json.dumps(message)}")
        for j, rel in enumerate(r.get("relatedLocations", [])):
            w = f"{where}.relatedLocations[{j}]"
            note = need(need(rel, "message", dict, w), "text", str, w)
            span, covered = location_text(rel, w)
            print(f"related {span} {covered!r} {json.dumps(note)}")
        for j, fix in enumerate(r.get("fixes", [])):
            w = f"{where}.fixes[{j}]"
            for change in need(fix, "artifactChanges", list, w):
                uri = need(need(change, "artifactLocation", dict, w), "uri",
                           str, w)
                for rep in need(change, "replacements", list, w):
                    span, covered = region_text(
                        uri, need(rep, "deletedRegion", dict, w), w)
                    new = need(need(rep, "insertedContent", dict, w), "text",
                               str, w)
                    why = fix.get("description", {}).get("text")
                    print(f"fix {span} {covered!r} -> {new!r}"
                          + (f" {json.dumps(why)}" if why else ""))
    if used != set(rule_ids):
        fail(f"rules without results: {sorted(set(rule_ids) - used)}")
    invocations = need(run, "invocations", list, "run")
    if len(invocations) != 1:
        fail("expected one invocation")
    inv = invocations[0]
    print(f"invocation successful={inv.get('executionSuccessful')} "
          f"exit={inv.get('exitCode')}")
    for n in inv.get("toolExecutionNotifications", []):
        print(f"notification {n['descriptor']['id']} {n['level']} "
              f"{json.dumps(n['message']['text'])}")
    print(f"{len(results)} results")


if __name__ == "__main__":
    main()

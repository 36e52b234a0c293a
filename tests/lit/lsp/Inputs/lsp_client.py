#!/usr/bin/env python3
"""A scripted LSP client for the lit tests of `tdlc lsp`.

usage: lsp_client.py SCRIPT -- SERVER ARGS...

Reads the messages to send from the `SEND` lines of SCRIPT (a lit test
file), frames them (Content-Length), writes them all to the server's stdin,
closes it, and prints every message the server wrote, one JSON object per
line with sorted keys, then `exit status: N`. The server's output must be
well-framed; anything else fails the run.

Directives in SCRIPT (after a `//` comment marker):
  SEND: {json}        one message, framed
  SEND-BODY: text     a framed body sent as is (malformed JSON)
  SEND-RAW: text      bytes sent as is, no framing; Python escapes (\\r\\n)
                      are processed

Substitutions in SEND and SEND-BODY lines, paths relative to SCRIPT's
folder:
  {{uri:PATH}}        the file:// URI of PATH
  {{text:PATH}}       the contents of PATH as a JSON string
  {{pos:PATH:PATTERN}}  a Position object: where PATTERN first occurs in
                      PATH, at its `^` if it has one (else its start);
                      `character` counts UTF-16 code units
"""
import json
import os
import re
import subprocess
import sys
import urllib.parse


def file_uri(path):
    return "file://" + urllib.parse.quote(os.path.abspath(path))


def position(path, pattern):
    text = open(path, encoding="utf-8").read()
    caret = pattern.find("^")
    needle = pattern.replace("^", "", 1)
    at = text.find(needle)
    if at < 0:
        sys.exit(f"lsp_client: pattern {pattern!r} not found in {path}")
    at += caret if caret >= 0 else 0
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    character = len(text[start:at].encode("utf-16-le")) // 2
    return json.dumps({"line": line, "character": character})


def substitute(line, base):
    def replace(m):
        kind, arg = m.group(1), m.group(2)
        if kind == "uri":
            return file_uri(os.path.join(base, arg))
        if kind == "text":
            return json.dumps(open(os.path.join(base, arg), encoding="utf-8").read())
        path, _, pattern = arg.partition(":")
        return position(os.path.join(base, path), pattern)

    return re.sub(r"\{\{(uri|text|pos):(.*?)\}\}", replace, line)


def frame(body):
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_messages(data):
    messages = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            sys.exit(f"lsp_client: unframed server output: {data[:200]!r}")
        length = None
        for h in head.split(b"\r\n"):
            name, _, value = h.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length is None or len(rest) < length:
            sys.exit(f"lsp_client: bad header or short body: {head!r}")
        messages.append(json.loads(rest[:length].decode("utf-8")))
        data = rest[length:]
    return messages


def main():
    if "--" not in sys.argv:
        sys.exit(__doc__)
    split = sys.argv.index("--")
    script, server = sys.argv[1], sys.argv[split + 1:]
    base = os.path.dirname(os.path.abspath(script))
    stream = b""
    for line in open(script, encoding="utf-8"):
        m = re.match(r"\s*//\s*(SEND|SEND-BODY|SEND-RAW):\s?(.*)$", line)
        if not m:
            continue
        kind, payload = m.group(1), m.group(2)
        if kind == "SEND":
            body = json.dumps(json.loads(substitute(payload, base)))
            stream += frame(body.encode("utf-8"))
        elif kind == "SEND-BODY":
            stream += frame(substitute(payload, base).encode("utf-8"))
        else:
            stream += payload.encode("utf-8").decode("unicode_escape").encode("latin-1")
    proc = subprocess.run(server, input=stream, stdout=subprocess.PIPE, timeout=120)
    for message in read_messages(proc.stdout):
        print(json.dumps(message, sort_keys=True))
    print(f"exit status: {proc.returncode}")


if __name__ == "__main__":
    main()

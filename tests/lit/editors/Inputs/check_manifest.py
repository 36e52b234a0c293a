#!/usr/bin/env python3
"""check_manifest.py EXTENSION_DIR: package.json and
language-configuration.json parse, the files they name exist, and the
extension starts `tdlc lsp`."""
import json
import os
import sys

root = sys.argv[1]
pkg = json.load(open(os.path.join(root, "package.json")))
problems = []
lang = pkg["contributes"]["languages"][0]
json.load(open(os.path.join(root, lang["configuration"])))
grammar = pkg["contributes"]["grammars"][0]
if not os.path.exists(os.path.join(root, grammar["path"])):
    problems.append("missing grammar " + grammar["path"])
if grammar["language"] != lang["id"] or ".tdl" not in lang["extensions"]:
    problems.append("grammar and language do not agree")
main = open(os.path.join(root, pkg["main"])).read()
if "'lsp'" not in main or "vscode-languageclient" not in pkg["dependencies"]:
    problems.append("the extension does not start tdlc lsp")
for p in problems:
    print(p)
if not problems:
    print(f"manifest ok: {lang['id']}, {grammar['scopeName']}, tdlc lsp")
sys.exit(1 if problems else 0)

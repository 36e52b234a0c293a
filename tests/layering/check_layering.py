#!/usr/bin/env python3
"""Fails when a source file includes a folder its library may not depend on.

The allowed graph is written once, in docs/architecture.md, as a fenced
block tagged `layering`: one line per folder, `folder: dep dep ...` (direct
dependencies; a folder may include everything its dependencies reach, and
`*` means anything). A file belongs to the longest folder of the graph that
contains it; an include of a project header ("folder/File.h") belongs to the
folder holding that header. Every folder holding C/C++ sources must be in
the graph, so a new folder cannot slip past the check.

usage: check_layering.py SOURCE_ROOT
"""
import os
import re
import sys

SOURCE_SUFFIXES = ('.h', '.c', '.cpp', '.def', '.inc', '.re', '.yy')
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SKIP_DIRS = {'.git', 'node_modules', '__pycache__'}


def read_graph(doc):
    text = open(doc, encoding='utf-8').read()
    block = re.search(r'```layering\n(.*?)```', text, re.S)
    if not block:
        sys.exit(f'{doc}: no ```layering block')
    graph = {}
    for number, line in enumerate(block.group(1).splitlines(), 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        folder, _, deps = line.partition(':')
        graph[folder.strip()] = deps.split()
    for folder, deps in graph.items():
        for dep in deps:
            if dep != '*' and dep not in graph:
                sys.exit(f'{doc}: {folder} depends on {dep}, '
                         'which is not in the graph')
    return graph


def closure(graph):
    reach = {}

    def visit(folder, stack):
        if folder in reach:
            return reach[folder]
        if folder in stack:
            sys.exit('layering graph has a cycle: ' +
                     ' -> '.join(stack + [folder]))
        result = set()
        for dep in graph[folder]:
            result.add(dep)
            if dep != '*':
                result |= visit(dep, stack + [folder])
        reach[folder] = result
        return result

    for folder in graph:
        visit(folder, [])
    return reach


def owner(path, folders):
    best = None
    for folder in folders:
        if path == folder or path.startswith(folder + '/'):
            if best is None or len(folder) > len(best):
                best = folder
    return best


def main():
    root = os.path.abspath(sys.argv[1])
    graph = read_graph(os.path.join(root, 'docs', 'architecture.md'))
    reach = closure(graph)
    errors = []
    unowned = set()
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and
                       not (rel_dir == '.' and d.startswith('build'))]
        for name in filenames:
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            rel = os.path.normpath(os.path.join(rel_dir, name))
            folder = owner(rel, graph)
            if folder is None:
                unowned.add(os.path.dirname(rel))
                continue
            allowed = reach[folder]
            if '*' in allowed:
                continue
            text = open(os.path.join(dirpath, name), encoding='utf-8',
                        errors='replace').read()
            for match in INCLUDE.finditer(text):
                target = owner(match.group(1), graph)
                if target is None or target == folder or target in allowed:
                    continue
                line = text.count('\n', 0, match.start()) + 1
                errors.append(f'{rel}:{line}: {folder} may not include '
                              f'"{match.group(1)}" ({target} is not among '
                              'its dependencies in docs/architecture.md)')
    for folder in sorted(unowned):
        errors.append(f'{folder}: holds sources but is not in the layering '
                      'graph of docs/architecture.md')
    for error in errors:
        print(error)
    if errors:
        return 1
    print(f'layering: {len(graph)} folders, no include against the graph')
    return 0


if __name__ == '__main__':
    sys.exit(main())

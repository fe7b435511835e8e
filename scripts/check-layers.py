#!/usr/bin/env python3
"""Checks the include graph against cuttle's layers (docs/architecture.md).

Reads every `#include "..."` in the repository's C++ files and fails when a
directory includes one it may not (a layer violation), when the directories or
the files include each other in a cycle, or when a directory below proxy/server
includes Asio or Beast socket code.
    scripts/check-layers.py [REPO_ROOT]
"""
import os
import re
import sys

# Directory -> the directories its files may include (besides its own). Lower
# layers first; the table itself must be acyclic (checked below).
LAYERS = {
    "carp": [],
    "icp": [],
    "store": [],
    "proxy/log": [],
    "proxy/config": ["carp", "proxy/log"],
    "proxy/helpers": ["proxy/config", "proxy/log"],
    "proxy/dns": ["proxy/config"],
    "proxy/auth": ["proxy/config"],
    "proxy/http": ["proxy/config", "proxy/log", "carp"],
    "proxy/cache": ["proxy/http", "proxy/config", "proxy/log", "carp"],
    "proxy/peers": ["proxy/http", "proxy/config", "proxy/log", "carp"],
    "proxy/metrics": ["proxy/peers", "proxy/cache", "proxy/http", "proxy/config", "proxy/log",
                      "carp", "icp", "store"],
    "proxy/server": ["proxy/dns", "proxy/auth", "proxy/helpers", "proxy/metrics", "proxy/peers", "proxy/cache", "proxy/http", "proxy/config",
                     "proxy/log", "carp", "icp", "store"],
    "proxy/app": ["proxy/server", "proxy/dns", "proxy/auth", "proxy/helpers", "proxy/metrics", "proxy/peers", "proxy/cache", "proxy/http",
                  "proxy/config", "proxy/log", "carp", "icp", "store"],
    # Programs on top: they may include anything, nothing may include them.
    "tests": ["*"],
    "bench": ["*"],
}

# The pure layers (no sockets, no event loop): Asio only for its address and
# buffer value types, Beast only for its HTTP message types.
PURE = ["carp", "proxy/log", "proxy/config", "proxy/helpers", "proxy/auth", "proxy/http", "proxy/cache", "proxy/peers"]
ASIO_VALUES = re.compile(r"boost/asio/(ip/address[a-z0-9_]*|buffer)\.hpp$")
BEAST_IO = re.compile(r"boost/beast(\.hpp|/core/(tcp_stream|basic_stream|flat_stream|detect_ssl)|/ssl|/websocket|/http\.hpp|/http/(read|write)\.hpp)")

SOURCE = re.compile(r".*\.(h|hpp|cc|cpp|inc|in)$")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')


def layer_of(path):
    """The LAYERS key a repository-relative path belongs to, or None."""
    best = None
    for key in LAYERS:
        if path == key or path.startswith(key + "/"):
            if best is None or len(key) > len(best):
                best = key
    return best


def source_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        # Build trees (build, build-fuzz, build-asan ...) and dot directories are not sources.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "build")))
        for name in sorted(filenames):
            if SOURCE.match(name):
                yield os.path.relpath(os.path.join(dirpath, name), root)


def cycles(graph):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    problems = []

    allowed = {k: set(v) for k, v in LAYERS.items() if "*" not in v}
    for component in cycles(allowed):
        problems.append("the LAYERS table has a cycle: " + " -> ".join(component))

    file_graph, dir_graph, examples = {}, {}, {}
    for path in source_files(root):
        layer = layer_of(path)
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
        for number, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            where = f"{path}:{number}"
            kind, target = m.groups()
            if kind == "<":
                if layer in PURE and target.startswith("boost/") and (
                        (target.startswith("boost/asio") and not ASIO_VALUES.search(target)) or BEAST_IO.match(target)):
                    problems.append(f"{where}: {layer} is below proxy/server and may not include <{target}>")
                continue
            # Quoted includes name files from the repository root (a sibling as a fallback).
            if not os.path.isfile(os.path.join(root, target)):
                sibling = os.path.normpath(os.path.join(os.path.dirname(path), target))
                if not os.path.isfile(os.path.join(root, sibling)):
                    problems.append(f'{where}: "{target}" is not a file of the repository')
                    continue
                target = sibling
            file_graph.setdefault(path, set()).add(target)
            target_layer = layer_of(target)
            if layer is None or target_layer is None:
                problems.append(f"{where}: {path if layer is None else target} is in no layer of LAYERS")
                continue
            if target_layer == layer:
                continue
            dir_graph.setdefault(layer, set()).add(target_layer)
            examples.setdefault((layer, target_layer), where)
            if "*" not in LAYERS[layer] and target_layer not in LAYERS[layer]:
                problems.append(f'{where}: {layer} may not include {target_layer} ("{target}")')

    for component in cycles(dir_graph):
        edges = [f"{a} -> {b} ({examples[(a, b)]})" for a in component for b in sorted(dir_graph[a]) if b in component]
        problems.append("directories include each other: " + "; ".join(edges))
    for component in cycles(file_graph):
        problems.append("files include each other: " + ", ".join(component))

    for p in problems:
        print(p)
    print(f"check-layers: {len(file_graph)} files, {sum(map(len, dir_graph.values()))} directory edges, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

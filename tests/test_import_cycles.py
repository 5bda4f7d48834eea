"""No two modules of dangqun/ import each other, directly or round a longer loop.

Every import statement counts, the ones inside functions too. A function-local import keeps a cycle from
failing at import time, which is why cycles get closed that way, but the two modules still need each
other: neither can be read, tested or moved without the other. Imports by name at run time
(importlib.import_module, as i18n collects its page modules) are not seen.

An import names the most specific module of dangqun/ it reaches: `from dangqun import db` is
dangqun.db, `from dangqun.ingest.read import tidy` is dangqun.ingest.read (not the package's __init__).
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "dangqun"

# Cycles that exist today and are being removed on other branches. Once a fix is merged its
# test below passes, which strict xfail reports as a failure: delete the cycle from this list then.
KNOWN_CYCLES = [
]


def _modules() -> dict[str, Path]:
    out = {}
    for path in (ROOT / PACKAGE).rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports_of(source: str, name: str, is_package: bool, modules) -> set[str]:
    """The modules of dangqun/ (among `modules`) that the source of module `name` imports anywhere."""

    def known(target: str) -> str | None:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    package = name if is_package else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets |= {known(a.name) for a in node.names if a.name.split(".")[0] == PACKAGE}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] == PACKAGE:
                targets |= {f"{base}.{a.name}" if f"{base}.{a.name}" in modules else known(base)
                            for a in node.names}
    return targets - {name, None}


@lru_cache(maxsize=1)
def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: imports_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", modules)
            for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
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
                found.append(tuple(sorted(component)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_imports_are_read_everywhere_and_resolved_to_modules():
    modules = {"dangqun", "dangqun.db", "dangqun.ingest", "dangqun.ingest.read", "dangqun.ingest.normalise"}
    source = """
import os
from dangqun import db
from . import read
def preview():
    from dangqun.ingest.read import tidy
    import dangqun.ingest
    from .. import db as again
"""
    assert imports_of(source, "dangqun.ingest.normalise", False, modules) == {
        "dangqun.db", "dangqun.ingest.read", "dangqun.ingest"}


def test_the_cycle_finder_finds_loops_of_any_length():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [("a", "b", "c")]
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [("a", "b")]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_but_the_known_ones():
    assert [c for c in cycles(import_graph()) if c not in KNOWN_CYCLES] == []


@pytest.mark.xfail(strict=True, reason="known cycle, fixed on another branch: remove it from KNOWN_CYCLES")
@pytest.mark.parametrize("cycle", KNOWN_CYCLES, ids=" <-> ".join)
def test_known_cycle_is_gone(cycle):
    assert cycle not in cycles(import_graph())

"""The architecture, checked from the source: which package may import which, and no cycles.

Every `import` statement of every module is read (also those inside functions), so a deferred
import cannot hide an upward dependency or a cycle. The layers, lowest first, are in
docs/architecture.md.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("queueing", "metrics", "displays", "hall")

LAYERS: dict[str, int] = {
    "queueing": 0,
    "metrics": 1,
    "displays": 2,
    "hall.auth": 3,
    "hall.bus": 3,
    "hall.storage": 3,
    "hall.accounts": 4,
    "hall.engine": 4,
    "hall.report": 4,
    "hall.webhooks": 4,
    "hall.server": 5,
    "hall.demo": 6,
    "hall.cli": 7,
    "hall.__main__": 8,
}
"""A module may import its own part and the parts of lower layers, never a higher or a sibling
part of the same layer."""

ONLY: dict[str, frozenset[str]] = {
    "queueing": frozenset(),
    "hall.storage": frozenset({"queueing"}),
    "hall.bus": frozenset(),
}
"""Parts that may import no more than these (besides the standard library, third-party
libraries and themselves): the core and the storage and bus backends."""

ENTRY_ONLY = frozenset({"hall.server"})
"""Parts that others reach only through the package itself (`from hall.server import serve`),
never through its modules."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def imported(module: str) -> set[str]:
    """The project modules `module` imports (`from a import b` is `a.b` when b is a module)."""
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                names.add(submodule if submodule in modules() else node.module)
    return {name for name in names if name.split(".")[0] in PACKAGES}


def part(module: str) -> str:
    """The layer part a module belongs to: a top package, or `hall.<sub>`."""
    pieces = module.split(".")
    return ".".join(pieces[:2]) if pieces[0] == "hall" and len(pieces) > 1 else pieces[0]


def edges() -> Iterator[tuple[str, str]]:
    for module in modules():
        for target in imported(module):
            yield module, target


def test_every_module_belongs_to_a_layer() -> None:
    assert {part(m) for m in modules()} - {"hall"} <= set(LAYERS)


def test_no_module_imports_upward_or_sideways() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, target in edges()
        if part(module) != part(target)
        and part(target) != "hall"
        and LAYERS[part(target)] >= LAYERS[part(module)]
    ]
    assert wrong == []


def test_the_core_storage_and_bus_import_only_what_they_may() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, target in edges()
        if part(module) in ONLY
        and part(target) != part(module)
        and part(target) not in ONLY[part(module)]
    ]
    assert wrong == []


def test_the_server_is_reached_only_through_its_package() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, target in edges()
        if part(target) in ENTRY_ONLY and part(module) != part(target) and target != part(target)
    ]
    assert wrong == []


def test_the_core_imports_only_the_standard_library() -> None:
    outside: set[str] = set()
    for module, path in modules().items():
        if part(module) != "queueing":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                outside.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                outside.add(node.module.split(".")[0])
    assert outside - set(sys.stdlib_module_names) - {"queueing"} == set()


def test_there_is_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {m: set() for m in modules()}
    for module, target in edges():
        if target in graph and target != module:
            graph[module].add(target)
    assert find_cycle(graph) is None


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path that returns to its start, or None."""
    done: set[str] = set()
    for start in graph:
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        if start in done:
            continue
        path.append(start)
        on_path.add(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
            elif child in on_path:
                return [*path[path.index(child) :], child]
            elif child not in done:
                stack.append((child, iter(sorted(graph[child]))))
                path.append(child)
                on_path.add(child)
    return None


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"x": set(), "a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
    ],
)
def test_find_cycle_finds_cycles_and_only_cycles(
    graph: dict[str, set[str]], cycle: list[str] | None
) -> None:
    assert find_cycle(graph) == cycle

"""Import cycles and private names used across modules in ``src/snanalys``.

A newcomer should be able to read the package bottom-up: no two modules need each
other (directly or round a loop), and a module uses only the public names of another
(a leading underscore means "mine"). Every import counts, also one inside a function:
a lazy import hides a cycle from Python, not from the reader.

    .venv/bin/python tools/check_imports.py          # exit 1 and the findings, if any

``tests/tools/test_check_imports.py`` runs it in the test suite.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "snanalys"


@dataclass(frozen=True)
class PrivateUse:
    module: str
    line: int
    source: str
    name: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} uses the private name {self.source}.{self.name}"


def modules(src: Path) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of a (possibly relative) ``from`` import."""
    if level == 0:
        return target or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def analyse(src: Path = ROOT / "src") -> tuple[dict[str, set[str]], list[PrivateUse]]:
    """The import graph (module → the package's modules it imports) and the private uses."""
    known = modules(src)
    graph: dict[str, set[str]] = {name: set() for name in known}
    private: list[PrivateUse] = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        aliases: dict[str, str] = {}  # local name → imported module of the package
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in known and alias.name != name:
                        graph[name].add(alias.name)
                        if alias.asname:
                            aliases[alias.asname] = alias.name
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(name, is_package, node.level, node.module)
                if not source.split(".")[0] == PACKAGE:
                    continue
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    if submodule in known:
                        target = submodule
                        aliases[alias.asname or alias.name] = submodule
                    else:
                        target = source
                        if _is_private(alias.name) and source != name:
                            private.append(PrivateUse(name, node.lineno, source, alias.name))
                    if target in known and target != name:
                        graph[name].add(target)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and _is_private(node.attr)
            ):
                private.append(PrivateUse(name, node.lineno, aliases[node.value.id], node.attr))
    return graph, sorted(set(private), key=lambda p: (p.module, p.line, p.name))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _is_package_edge(a: str, b: str) -> bool:
    """A package's ``__init__`` and its own submodules: the import system's edge, not a design one."""
    return b.startswith(a + ".") or a.startswith(b + ".")


def design_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph without the edges between a package and the modules inside it."""
    return {a: {b for b in targets if not _is_package_edge(a, b)} for a, targets in graph.items()}


def main() -> int:
    graph, private = analyse()
    loops = cycles(design_graph(graph))
    for loop in loops:
        print("import cycle: " + " ↔ ".join(loop))
    for use in private:
        print(use)
    if not loops and not private:
        print(f"{len(graph)} modules: no import cycles, no private names used across modules")
    return 1 if loops or private else 0


if __name__ == "__main__":
    sys.exit(main())

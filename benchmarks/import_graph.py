"""Print the import graph of macros/: one line per module, the macros modules it imports.

Owns: reading each module's imports (top level and inside functions) with ast and printing the
edges, the module sizes and any cycle. Does not own: any rule about which imports are allowed
(tests/test_code_quality.py checks cycles and private names).

    python benchmarks/import_graph.py
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "macros"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The macros modules `path` imports, relative imports resolved."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from . import records` names a module, not a value.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name in known and name != here}


def graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(path) for path in paths}
    return {module_name(path): imported_modules(path, known) for path in paths}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def main() -> int:
    edges = graph()
    short = {name: name.removeprefix("macros.") for name in edges}
    for name in sorted(edges):
        path = ROOT / (name.replace(".", "/") + ".py")
        if not path.exists():
            path = ROOT / name.replace(".", "/") / "__init__.py"
        lines = len(path.read_text(encoding="utf-8").splitlines())
        targets = ", ".join(short[target] for target in sorted(edges[name]))
        print(f"{short[name]} ({lines} lines) -> {targets or '-'}")
    total = sum(len(targets) for targets in edges.values())
    print(f"{len(edges)} modules, {total} edges")
    for group in cycles(edges):
        print("cycle: " + " <-> ".join(short[name] for name in group))
    return 0


if __name__ == "__main__":
    sys.exit(main())

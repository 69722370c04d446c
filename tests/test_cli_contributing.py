"""CONTRIBUTING.md explains every message code the engine can print, and only real ones; its
table of record kinds is the one generated from the facts types (macros/kinds.py).

A code is the fourth argument (or `code=`) of each Problem(...), Invalid(...) and problem(...)
call in macros/: a literal, a module constant, or an f-string whose fixed start (such as
'vendor-') must begin at least one documented code.
"""

from __future__ import annotations

import ast
import re

from conftest import ROOT

from macros.kinds import kinds_table

CALLS = ("Problem", "Invalid", "problem")


def _constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }


def codes_in_the_engine() -> tuple[dict[str, str], dict[str, str]]:
    """(code -> where it is used, fixed prefix of computed codes -> where it is used)."""
    codes, prefixes = {}, {}
    for file in sorted((ROOT / "macros").rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
            if name not in CALLS:
                continue
            code = call.args[3] if len(call.args) > 3 else None
            code = next((k.value for k in call.keywords if k.arg == "code"), code)
            where = f"{file.relative_to(ROOT)}:{call.lineno}"
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                codes.setdefault(code.value, where)
            elif isinstance(code, ast.Name) and code.id in constants:
                codes.setdefault(constants[code.id], where)
            elif isinstance(code, ast.JoinedStr) and isinstance(code.values[0], ast.Constant):
                prefixes.setdefault(code.values[0].value, where)
    return codes, prefixes


def documented_codes() -> set[str]:
    """The first column of the table under 'Read an error message'."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("\n## Read an error message\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", section, flags=re.M))


def test_the_engine_uses_codes_at_all() -> None:
    codes, _ = codes_in_the_engine()
    assert {"unknown-source", "unused-source", "stale-source", "duplicate-key"} <= codes.keys()


def test_every_code_the_engine_prints_is_explained_in_contributing() -> None:
    codes, prefixes = codes_in_the_engine()
    documented = documented_codes()
    missing = {code: where for code, where in codes.items() if code not in documented}
    assert missing == {}, "add a row for each to the table in CONTRIBUTING.md"
    for prefix, where in prefixes.items():
        assert any(code.startswith(prefix) for code in documented), (prefix, where)


def test_contributing_explains_no_code_the_engine_does_not_print() -> None:
    codes, prefixes = codes_in_the_engine()
    stale = {
        code
        for code in documented_codes()
        if code not in codes and not any(code.startswith(prefix) for prefix in prefixes)
    }
    assert stale == set()


def test_every_command_is_documented_for_writers_and_in_the_readme() -> None:
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("check", "new", "sources", "impact", "vendor-check", "verify-sources"):
        assert f"python -m macros {command}" in contributing, command
        assert f"python -m macros {command}" in readme, command


def test_the_kinds_table_is_the_one_the_facts_types_give() -> None:
    table = kinds_table()
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert table in contributing, (
        "CONTRIBUTING.md's table of record kinds (under 'Source records') differs from the "
        "facts types in macros/kinds.py. Replace the table with:\n" + table
    )

"""The code's habits, checked like any other promise: ruff's lint rules and formatting and a type
check of macros/ (mypy, configured in pyproject.toml) over the whole repository, and the shape of
macros/: small modules that say what they own, no import cycle, no private name imported."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from benchmarks import import_graph


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("ruff", "check", "--no-cache", "."), id="ruff-check"),
        pytest.param(("ruff", "format", "--check", "--no-cache", "."), id="ruff-format"),
        # Its cache (.mypy_cache/) keeps a second run to about a second.
        pytest.param(("mypy",), id="mypy"),
    ],
)
def test_tool_passes(command: tuple[str, ...]) -> None:
    result = run_tool(*command)
    assert result.returncode == 0, (
        f"`{' '.join(command)}` failed; run it in the repository and fix what it reports "
        f"(`ruff format .` rewrites the formatting):\n{result.stdout}{result.stderr}"
    )


# --- the shape of macros/ --------------------------------------------------------------------------

MAX_MODULE_LINES = 400
MODULES = sorted((ROOT / "macros").rglob("*.py"))


def test_no_module_in_macros_is_longer_than_one_can_hold_in_mind() -> None:
    long = {
        path.relative_to(ROOT).as_posix(): lines
        for path in MODULES
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, f"split these along a real seam (at most {MAX_MODULE_LINES} lines each)"


def test_every_module_says_what_it_owns_and_what_it_does_not() -> None:
    unsaid = [
        path.relative_to(ROOT).as_posix()
        for path in MODULES
        if path.name != "__main__.py"  # one line: it only starts the command line
        and not {"Owns", "Does not own"} <= set(re.findall(r"Owns|Does not own", _docstring(path)))
    ]
    assert unsaid == [], "open each with a docstring saying 'Owns: ...' and 'Does not own: ...'"


def test_the_macros_import_no_cycle() -> None:
    found = import_graph.cycles(import_graph.graph())
    assert found == [], f"modules that import each other, directly or not: {found}"


def test_no_private_name_crosses_a_module() -> None:
    crossing = [
        f"{path.relative_to(ROOT).as_posix()}:{node.lineno}: {alias.name}"
        for path in MODULES
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and (node.level or (node.module or "").startswith("macros"))
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert crossing == [], "make these names public, or move the code that needs them"


def _docstring(path: Path) -> str:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return " ".join(docstring.split())  # "Does not" may end one line and "own" start the next

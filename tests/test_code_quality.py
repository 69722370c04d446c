"""The code's habits, checked like any other promise: ruff's lint rules and formatting, and a type
check of macros/ (mypy, configured in pyproject.toml), over the whole repository."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT


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

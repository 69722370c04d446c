"""One tiny site per bad input: the real `mkdocs build` must fail with the exact message.

Each folder in tests/fixtures/cases/ holds the files it lays over tests/fixtures/_base/ and an
`expected.txt` with the messages the build must print (one per line, without the log-level prefix).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, make_fixture_site, run_mkdocs

CASES = sorted(p for p in (FIXTURES / "cases").iterdir() if p.is_dir())


def test_the_base_fixture_builds_cleanly(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path)
    result = run_mkdocs(site, "build", "--strict")
    assert result.returncode == 0, result.stdout
    assert "ERROR" not in result.stdout and "WARNING" not in result.stdout


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_fails_the_build_with_its_message(tmp_path: Path, case: Path) -> None:
    site = make_fixture_site(tmp_path, case)
    last_good = site / "site" / "index.html"
    last_good.parent.mkdir()
    last_good.write_text("last good build")

    result = run_mkdocs(site, "build", "--strict")

    assert result.returncode != 0
    printed = [line.split("-  ", 1)[-1] for line in result.stdout.splitlines()]
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert expected, "a case must say what message it expects"
    for message in expected:
        assert message in printed, result.stdout
    assert "Traceback" not in result.stdout
    assert last_good.read_text() == "last good build", "a failed build replaced the last good site"

"""One tiny site per bad input: the real `mkdocs build` and `python -m macros check` must both fail
with the exact message, print no traceback, and leave the last good site where it was.

Each folder in tests/fixtures/cases/ holds the files it lays over tests/fixtures/_base/ and an
`expected.txt` with the messages both commands must print (one per line, without the log-level
prefix). A case whose messages are warnings (which stop the strict build) holds `check-args.txt`
with `--strict`, the check's equivalent of that build. A case may hold `pad-to-bytes.txt`, lines of `path size`: the file at path is padded with
YAML comment lines to that many bytes here, so that no huge file has to be kept in the repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, make_fixture_site, run_mkdocs

CASES = sorted(p for p in (FIXTURES / "cases").iterdir() if p.is_dir())
PAD_FILE = "pad-to-bytes.txt"
CHECK_ARGS = "check-args.txt"


def lay_out_case(tmp_path: Path, case: Path) -> Path:
    site = make_fixture_site(tmp_path, case)
    pad = case / PAD_FILE
    for line in pad.read_text(encoding="utf-8").splitlines() if pad.exists() else []:
        name, size = line.split()
        grow(site / name, int(size))
    return site


def grow(file: Path, size: int) -> None:
    data = file.read_bytes()
    filler = b"# padding to test the size limit\n"
    data += filler * ((size - len(data)) // len(filler))
    if len(data) < size:
        data += b"#" * (size - len(data) - 1) + b"\n"
    file.write_bytes(data)
    assert file.stat().st_size == size


def run_check(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m macros check` in the site's folder, as a writer runs it (no arguments unless
    the case asks for some)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "macros", "check", *args],
        cwd=site,
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
    )


def expected_messages(case: Path) -> list[str]:
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert expected, "a case must say what message it expects"
    return expected


def test_the_base_fixture_builds_and_checks_cleanly(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path)
    result = run_mkdocs(site, "build", "--strict")
    assert result.returncode == 0, result.stdout
    assert "ERROR" not in result.stdout and "WARNING" not in result.stdout
    check = run_check(site)
    assert (check.returncode, check.stdout) == (0, ""), check.stdout + check.stderr


def test_the_corpus_covers_at_least_thirty_bad_inputs() -> None:
    assert len(CASES) >= 30
    assert [c.name for c in CASES if not (c / "expected.txt").is_file()] == []


def test_padding_makes_a_file_of_exactly_the_size_asked(tmp_path: Path) -> None:
    file = tmp_path / "x.yml"
    file.write_text("- id: a\n")
    grow(file, 1_000_001)
    assert file.read_bytes().startswith(b"- id: a\n# padding")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_fails_the_build_with_its_message(tmp_path: Path, case: Path) -> None:
    site = lay_out_case(tmp_path, case)
    last_good = site / "site" / "index.html"
    last_good.parent.mkdir()
    last_good.write_text("last good build")

    result = run_mkdocs(site, "build", "--strict")

    assert result.returncode != 0
    printed = [line.split("-  ", 1)[-1] for line in result.stdout.splitlines()]
    for message in expected_messages(case):
        assert message in printed, result.stdout
    assert "Traceback" not in result.stdout
    assert last_good.read_text() == "last good build", "a failed build replaced the last good site"
    assert sorted(p.name for p in (site / "site").iterdir()) == ["index.html"]
    assert not (site / "site.building").exists(), "a failed build left its staging folder"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_fails_the_check_with_its_message(tmp_path: Path, case: Path) -> None:
    site = lay_out_case(tmp_path, case)
    args = (case / CHECK_ARGS).read_text().split() if (case / CHECK_ARGS).exists() else []

    result = run_check(site, *args)

    assert result.returncode == 1, result.stdout + result.stderr
    for message in expected_messages(case):
        assert message in result.stdout.splitlines(), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr

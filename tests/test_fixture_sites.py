"""One tiny site per bad input: the real `mkdocs build --strict` and `python -m macros check` must
both fail with exactly the expected messages, print no traceback, and leave the last good site
where it was.

Each folder in tests/fixtures/cases/ holds the files it lays over tests/fixtures/_base/ and an
`expected.txt` with every message both commands must print (one per line, without the log-level
prefix); a message missing or one more fails the case. A case whose messages are warnings (which
stop the strict build) holds `check-args.txt` with `--strict`, the check's equivalent of that
build. A case may hold `pad-to-bytes.txt`, lines of `path size`: the file at path is padded with
YAML comment lines to that many bytes here, so that no huge file has to be kept in the
repository.

Every case runs MkDocs' build and the check in this process (conftest.build_in_process), which
prints and exits as the commands do; one case of each kind of failure also runs both as real
commands, which proves exit codes, output and "no traceback" for real, and that the two ways agree.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    FIXTURES,
    ROOT,
    build_in_process,
    check_in_process,
    make_fixture_site,
    run_mkdocs,
)

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
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "macros", "check", *args],
        cwd=site,
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
    )


def check_args(case: Path) -> list[str]:
    """The check's arguments a case asks for in check-args.txt (`--strict` for warnings)."""
    return (case / CHECK_ARGS).read_text().split() if (case / CHECK_ARGS).exists() else []


def expected_messages(case: Path) -> list[str]:
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert expected, "a case must say what message it expects"
    return expected


# Each kind of failure, named by what the build prints last, and a case that fails that way; the
# cases listed here also run as real commands.
REAL_RUNS = {
    "Aborted with a configuration error!": "beam-products-not-a-mapping",
    "N problem(s) in the source records or pages; nothing was built and the last good site is "
    "untouched. Fix the lines above. | Aborted with a BuildError!": "unknown-kind",
    "N problem(s) in pages; nothing was published. Fix the lines above. | Aborted with a "
    "BuildError!": "unknown-id",
    "Aborted with 2 warnings in strict mode!": "uncited-claim",
}
PROBLEM = re.compile(r"\S+:\d+: .+ \[[a-z0-9-]+\]")


def printed(output: str) -> list[str]:
    """The lines the build printed, without their log-level prefix."""
    return [line.split("-  ", 1)[-1] for line in output.splitlines()]


def problems_printed(output: str) -> list[str]:
    """Every writer's problem (`path:line: what. what to do. [code]`) the build printed."""
    return [line for line in printed(output) if PROBLEM.fullmatch(line)]


def kind_of_failure(output: str) -> str:
    """What the build printed after the problems (its summary and MkDocs' last word)."""
    last = [line for line in printed(output) if line and not PROBLEM.fullmatch(line)][-2:]
    if not last[-1].startswith("Aborted with a BuildError"):
        last = last[-1:]
    return re.sub(r"^\d+ ", "N ", " | ".join(last))


def with_last_good_site(site: Path) -> Path:
    last_good = site / "site" / "index.html"
    last_good.parent.mkdir()
    last_good.write_text("last good build")
    return last_good


# Site-wide rules only `check` applies (macros/site_rules.py and checks.py: they need every page
# and record at once) and notes, which only `check` lists; the build prints everything else.
CHECK_ONLY = ("unused-source", "stale-source", "landing-page", "nav-order", "one-sided",
              "code-not-shown", "no-quote")  # fmt: skip


def build_messages(case: Path) -> list[str]:
    """The messages of a case that the build prints too: all but the check-only ones."""
    return [
        m for m in expected_messages(case) if not m.endswith(tuple(f"[{c}]" for c in CHECK_ONLY))
    ]


def assert_failed_build(case: Path, site: Path, last_good: Path, result) -> None:
    assert result.returncode == 1, result.stdout
    # The build prints in the order it finds things; the check sorts them (errors last).
    assert sorted(problems_printed(result.stdout)) == sorted(build_messages(case)), result.stdout
    assert "Traceback" not in result.stdout
    assert kind_of_failure(result.stdout) in REAL_RUNS, (
        f"a new kind of failure: add '{kind_of_failure(result.stdout)}' and this case to "
        "REAL_RUNS, so that it also runs as a real command"
    )
    assert last_good.read_text() == "last good build", "a failed build replaced the last good site"
    assert sorted(p.name for p in (site / "site").iterdir()) == ["index.html"]
    assert not (site / "site.building").exists(), "a failed build left its staging folder"


def assert_failed_check(case: Path, result) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == expected_messages(case), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_the_base_fixture_builds_and_checks_cleanly(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path)
    result = run_mkdocs(site, "build", "--strict")
    assert result.returncode == 0, result.stdout
    assert "ERROR" not in result.stdout and "WARNING" not in result.stdout
    check = run_check(site)
    assert (check.returncode, check.stdout) == (0, ""), check.stdout + check.stderr


def test_the_base_fixture_builds_in_process_as_on_the_command_line(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path)
    result = build_in_process(site)
    assert result.returncode == 0, result.stdout
    assert "ERROR" not in result.stdout and "WARNING" not in result.stdout
    assert (site / "site" / "index.html").is_file()


def test_the_corpus_covers_at_least_thirty_bad_inputs() -> None:
    assert len(CASES) >= 30
    assert [c.name for c in CASES if not (c / "expected.txt").is_file()] == []
    assert set(REAL_RUNS.values()) <= {c.name for c in CASES}


def test_padding_makes_a_file_of_exactly_the_size_asked(tmp_path: Path) -> None:
    file = tmp_path / "x.yml"
    file.write_text("- id: a\n")
    grow(file, 1_000_001)
    assert file.read_bytes().startswith(b"- id: a\n# padding")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_fails_the_build_and_the_check_with_its_messages(
    tmp_path: Path, case: Path, capsys, monkeypatch
) -> None:
    site = lay_out_case(tmp_path, case)
    last_good = with_last_good_site(site)

    assert_failed_build(case, site, last_good, build_in_process(site))
    assert_failed_check(case, check_in_process(site, capsys, monkeypatch, *check_args(case)))


@pytest.mark.parametrize("kind", list(REAL_RUNS), ids=list(REAL_RUNS.values()))
def test_each_kind_of_failure_is_the_same_from_the_real_commands(
    tmp_path: Path, kind: str, capsys, monkeypatch
) -> None:
    case = FIXTURES / "cases" / REAL_RUNS[kind]
    site = lay_out_case(tmp_path, case)
    last_good = with_last_good_site(site)

    built = run_mkdocs(site, "build", "--strict")
    assert_failed_build(case, site, last_good, built)
    assert kind_of_failure(built.stdout) == kind
    assert printed(built.stdout)[-8:] == printed(build_in_process(site).stdout)[-8:]

    checked = run_check(site, *check_args(case))
    assert_failed_check(case, checked)
    assert (checked.stdout, checked.stderr) == (
        (here := check_in_process(site, capsys, monkeypatch, *check_args(case))).stdout,
        here.stderr,
    )


# Every case the allowlist refuses in a page body, for the build that checks bodies in its worker.
RAW_HTML_CASES = [c for c in CASES if "[raw-html]" in (c / "expected.txt").read_text()]


@pytest.mark.parametrize("case", RAW_HTML_CASES, ids=[c.name for c in RAW_HTML_CASES])
def test_page_bodies_checked_in_the_page_worker_fail_the_build_alike(
    tmp_path: Path, case: Path, monkeypatch
) -> None:
    monkeypatch.setenv("BEAM_WORKER", "1")
    site = lay_out_case(tmp_path, case)
    last_good = with_last_good_site(site)

    result = build_in_process(site)
    assert "in a second process" in result.stdout, result.stdout
    assert_failed_build(case, site, last_good, result)

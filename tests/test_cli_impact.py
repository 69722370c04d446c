"""`python -m macros impact --base REF`: pages whose cited records changed, read from a throwaway
git repository made in the test's own temporary folder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import TEST_HOSTS, make_fixture_site

from macros.cli import main
from macros.cli.impact import Change, record_changes
from macros.records import load_records

# A git that reads no user or system settings, so the test behaves the same on every machine.
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The base fixture site, committed once on branch 'main'."""
    site = make_fixture_site(tmp_path)
    git(site, "init", "--quiet", "--initial-branch=main")
    git(site, "add", "--all")
    git(site, "commit", "--quiet", "--message", "base")
    for name in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM"):
        monkeypatch.setenv(name, GIT_ENV[name])
    return site


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new))


def test_impact_lists_each_citation_of_a_changed_or_removed_record(repo, capsys) -> None:
    records = repo / "sources" / "demo" / "records.yml"
    edit(records, "path: /demo/v1/jobs/{job_id}", "path: /demo/v2/jobs/{job_id}")
    edit(
        records,
        "verified_on: 2026-11-20\n\n- id: demo.statuses",
        "verified_on: 2026-12-01\n\n- id: demo.statuses",
    )
    # The code record shows a function from examples/: changing the function changes the record.
    edit(repo / "examples" / "demo.py", "pass", "continue")
    # Removing a record: demo.overview goes, and its page now cites an unknown id.
    text = records.read_text()
    start = text.index("- id: demo.overview")
    records.write_text(text[:start] + text[text.index("- id: demo.wait") :])

    code = main(["impact", "--base", "main", "--root", str(repo)])
    out, err = capsys.readouterr()

    assert out.splitlines() == [
        "docs/index.md:10: cites 'demo.overview', which was removed since main. Cite another "
        "source, or take out the claim.",
        "docs/index.md:14: cites 'demo.get-job', which changed since main (verified_on, path). "
        "Check that the page still says what the record says.",
        "docs/index.md:17: cites 'demo.wait', which changed since main (source). Check that the "
        "page still says what the record says.",
        "docs/index.md:21: cites 'demo.get-job', which changed since main (verified_on, path). "
        "Check that the page still says what the record says.",
    ]
    assert err == "3 records changed since main (1 removed); 1 page cites them.\n"
    assert code == 0


def test_impact_is_quiet_when_no_cited_record_changed(repo, capsys) -> None:
    edit(repo / "docs" / "index.md", "Jobs run later", "Jobs run in the background")
    code = main(["impact", "--base", "main", "--root", str(repo)])
    assert capsys.readouterr() == (
        "",
        "0 records changed since main (0 removed); 0 pages cite them.\n",
    )
    assert code == 0


def test_impact_explains_a_ref_git_does_not_know(repo, capsys) -> None:
    code = main(["impact", "--base", "no-such-branch", "--root", str(repo)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        "python -m macros impact: git cannot read 'no-such-branch' (fatal: Needed a single revision). "
        "Give a branch, tag or commit of this repository, such as origin/main.\n"
    )


def test_a_record_changes_when_any_field_differs_but_not_when_it_only_moves(tmp_path) -> None:
    site = make_fixture_site(tmp_path)
    before, _ = load_records(site, hosts=TEST_HOSTS)
    records = site / "sources" / "demo" / "records.yml"
    text = records.read_text()
    records.write_text("\n" + text.replace("title: Job statuses (Demo API)", "title: Job states"))
    after, _ = load_records(site, hosts=TEST_HOSTS)
    assert record_changes(before, after) == {
        "demo.statuses": Change("demo.statuses", ("title",)),
    }

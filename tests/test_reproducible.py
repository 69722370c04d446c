"""Reproducible builds: two builds of the same content are byte-identical, dated from the content
(the last commit, or the newest verified_on outside git) or SOURCE_DATE_EPOCH, never the clock."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest
from conftest import MKDOCS, ROOT, TEST_HOSTS, build_in_process, make_fixture_site, run_mkdocs

from macros.builddate import content_epoch, last_commit_time
from macros.records import load_records

NEWEST_VERIFIED_ON = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)  # of tests/fixtures/_base's records
COMMIT_TIME = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
GIT = shutil.which("git")


def all_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def build(site: Path, out: str) -> Path:
    """`mkdocs build --strict -d out` in a new process, without SOURCE_DATE_EPOCH: builds compared
    byte for byte must come from separate processes, as a writer's and CI's would."""
    clean = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = subprocess.run(
        [*MKDOCS, "build", "--strict", "-d", out],
        cwd=site,
        env={**clean, "NO_MKDOCS_2_WARNING": "1"},
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout
    return site / out


def build_here(site: Path, monkeypatch: pytest.MonkeyPatch, epoch: str | None = None) -> Path:
    """The same build in this process (what it is dated by does not depend on the process)."""
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = build_in_process(site, site / "site")
    assert result.returncode == 0, result.stdout
    return site / "site"


def dated_site(tmp_path: Path) -> Path:
    """The base fixture with a site_url, so that sitemap.xml lists pages with their lastmod."""
    site = make_fixture_site(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text("site_url: https://example.com/help/\n" + config.read_text())
    return site


def midnight(day: str) -> int:
    return int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp())


def dates_in(out: Path) -> tuple[set[str], int]:
    """The sitemap's lastmod dates and the mtime in the header of sitemap.xml.gz (MkDocs writes
    the day of the newest lastmod there)."""
    lastmods = set(re.findall(r"<lastmod>([^<]+)</lastmod>", (out / "sitemap.xml").read_text()))
    header = (out / "sitemap.xml.gz").read_bytes()[:10]
    assert (
        gzip.decompress((out / "sitemap.xml.gz").read_bytes()) == (out / "sitemap.xml").read_bytes()
    )
    return lastmods, struct.unpack("<I", header[4:8])[0]


def commit_everything(site: Path, when: dt.datetime) -> None:
    stamp = when.isoformat()
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
        "GIT_AUTHOR_NAME": "Writer",
        "GIT_AUTHOR_EMAIL": "writer@example.com",
        "GIT_COMMITTER_NAME": "Writer",
        "GIT_COMMITTER_EMAIL": "writer@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "content"]):
        subprocess.run([GIT, *command], cwd=site, env=env, check=True, capture_output=True)


def test_two_builds_at_different_times_are_byte_identical(tmp_path: Path) -> None:
    site = dated_site(tmp_path)
    first = build(site, "first")
    time.sleep(1.1)  # a clock-dated build would now differ in the gzip header's mtime
    second = build(site, "second")

    assert all_bytes(first) == all_bytes(second)
    assert len(all_bytes(first)) > 20


def test_outside_git_the_build_is_dated_by_the_newest_verified_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = build_here(dated_site(tmp_path), monkeypatch)
    assert dates_in(out) == ({"2026-11-22"}, midnight("2026-11-22"))


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_in_a_git_checkout_the_build_is_dated_by_the_last_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = dated_site(tmp_path)
    commit_everything(site, COMMIT_TIME)
    out = build_here(site, monkeypatch)
    assert dates_in(out) == ({"2025-03-04"}, midnight("2025-03-04"))


def test_a_source_date_epoch_given_by_the_caller_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = build_here(dated_site(tmp_path), monkeypatch, epoch="1700000000")
    assert dates_in(out) == ({"2023-11-14"}, midnight("2023-11-14"))


def test_content_epoch_prefers_the_commit_and_falls_back_to_verified_on(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path)
    records = load_records(site, hosts=TEST_HOSTS)[0].values()
    assert last_commit_time(site) is None
    assert content_epoch(site, records) == int(NEWEST_VERIFIED_ON.timestamp())
    assert content_epoch(site, []) is None
    if GIT is not None:
        commit_everything(site, COMMIT_TIME)
        assert content_epoch(site, records) == int(COMMIT_TIME.timestamp())


def test_the_real_site_builds_byte_identically_twice(
    tmp_path: Path, built_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session's build of the real site (made in a test process, too small to use the page
    worker) and one more by the real command, from the same commit and files, with the worker
    (macros/page_worker.py) forced on: every file must match byte for byte, so handing pages to
    the worker changes nothing in the site."""
    monkeypatch.setenv("BEAM_WORKER", "1")
    again = tmp_path / "again"
    result = run_mkdocs(ROOT, "build", "--strict", "--site-dir", str(again))
    assert result.returncode == 0, result.stdout
    assert "in a second process" in result.stdout
    first, second = all_bytes(built_site), all_bytes(again)
    assert sorted(first) == sorted(second) and len(first) > 20
    assert [name for name in first if first[name] != second[name]] == []

"""`check`'s cache: a run that uses it reports exactly what a run without it does.

Each edit below is made after a run has filled the cache; the next run, which reads that cache,
must then print what `check --no-cache` prints, and differ from what it printed before the edit
(so the edit is one the cache had to notice). The edits follow one another on one copy of the
site, as a writer's do.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import make_fixture_site

from macros import check_cache
from macros.cli import main
from macros.pages import PageRenderer

PAGE = "docs/demo/get-a-job.md"
RECORDS = "sources/demo/records.yml"
HOW_TO = """---
title: How to get a demo job
type: how-to
product: demo
summary: Fetch one job by its ID.
---

## Why this matters

Jobs run later {{ cite("demo.overview") }}.

## Step-by-step

1. Send {{ endpoint("demo.get-job") }} with a token holding {{ scopes("demo.get-job") }}.
2. Read the status: {{ fact("demo.statuses") }}.

    {{ code("demo.wait") }}

## Common pitfalls

- **Wrong path.** Check it {{ cite("demo.get-job") }}.

## What to check

- **Status.** It is one of the listed values {{ cite("demo.statuses") }}.
"""
TODAY = "2026-11-30"


@pytest.fixture(autouse=True)
def own_cache_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The fixture site with a how-to that cites every kind of record and shows example code."""
    site = make_fixture_site(tmp_path)
    (site / PAGE).write_text(HOW_TO, encoding="utf-8")
    # Written an hour ago, as a writer's files are: files written in the last second are never
    # cached (they may still be changing).
    an_hour_ago = time.time() - 3600
    for file in site.rglob("*"):
        os.utime(file, (an_hour_ago, an_hour_ago))
    return site


def check(site: Path, capsys, *args: str) -> tuple[int, list[dict], str]:
    capsys.readouterr()
    code = main(["check", "--root", str(site), "--format", "json", "--today", TODAY, *args])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def cache_files() -> list[Path]:
    return sorted((check_cache.cache_folder() / "check").glob("*.pickle"))


def count_renders(monkeypatch) -> list[str]:
    rendered: list[str] = []
    original = PageRenderer.render

    def counting(self, path, source, *args, **kwargs):  # noqa: ANN001, ANN202
        rendered.append(path)
        return original(self, path, source, *args, **kwargs)

    monkeypatch.setattr(PageRenderer, "render", counting)
    return rendered


def test_a_second_run_renders_no_page_and_reports_the_same(site, capsys, monkeypatch) -> None:
    files_before = sorted(p.relative_to(site) for p in site.rglob("*"))
    first = check(site, capsys)
    rendered = count_renders(monkeypatch)
    second = check(site, capsys)
    assert second == first
    assert rendered == []
    # The cache is in the user's cache folder, never in the repository.
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == files_before
    assert [f.name.split(".", 1)[1] for f in cache_files()] == ["pages.pickle", "records.pickle"]
    assert not any(f.resolve().is_relative_to(site.resolve()) for f in cache_files())


def _edit(site: Path, path: str, old: str, new: str, count: int = 1) -> None:
    file = site / path
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    file.write_text(text.replace(old, new, count), encoding="utf-8")


def cite_an_unknown_record(site: Path) -> None:
    text = (site / PAGE).read_text(encoding="utf-8")
    cited = re.search(r"cite\(\"([a-z0-9.-]+)\"\)", text)
    assert cited is not None
    _edit(site, PAGE, cited.group(0), 'cite("demo.no-such-record")')


def _change_keeping_size_and_time(file: Path, pattern: str) -> None:
    """Change the last letter of the pattern's first match, keeping the file's size and time."""
    before = file.stat()
    text = file.read_text(encoding="utf-8")
    found = re.search(pattern, text)
    assert found is not None
    end = found.end() - 1
    letter = "x" if text[end] != "x" else "y"
    file.write_text(text[:end] + letter + text[end + 1 :], encoding="utf-8")
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert file.stat().st_size == before.st_size


def same_size_and_time(site: Path) -> None:
    _change_keeping_size_and_time(site / PAGE, r'cite\("[a-z0-9.-]+')


def same_size_and_time_in_a_record_file(site: Path) -> None:
    _change_keeping_size_and_time(site / RECORDS, r"- id: [a-z0-9.-]+")


def rename_a_record(site: Path) -> None:
    _edit(site, RECORDS, "- id: demo.", "- id: demo.renamed-")


def record_in_the_future(site: Path) -> None:
    _edit(site, RECORDS, "verified_on: 2026-11-22", "verified_on: 2099-01-01")


def rename_a_function_an_example_shows(site: Path) -> None:
    _edit(site, "examples/demo.py", "def wait(", "def wait_for(")


def break_the_example_file(site: Path) -> None:
    """The record stays broken, for another reason: its problem moves to another line, and so
    does what the page citing it says."""
    _edit(site, "examples/demo.py", "def wait_for(", "def wait_for(:")


def rename_a_product(site: Path) -> None:
    _edit(site, "mkdocs.yml", "demo: Demo Product", "demo-x: Demo Product")


def add_a_page(site: Path) -> None:
    (site / "docs/demo/notes.md").write_text(
        '# Notes\n\nA fact {{ cite("demo.nothing-here") }}.\n', encoding="utf-8"
    )


def delete_a_page(site: Path) -> None:
    (site / PAGE).unlink()


def add_raw_html(site: Path) -> None:
    _edit(site, PAGE, "\n## ", '\n<iframe src="https://example.com"></iframe>\n\n## ')


# In this order, on one copy of the site: each edit changes what the edits before it left.
EDITS: list[Callable[[Path], None]] = [
    cite_an_unknown_record,
    same_size_and_time,
    same_size_and_time_in_a_record_file,
    rename_a_record,
    rename_a_function_an_example_shows,
    break_the_example_file,
    record_in_the_future,
    add_a_page,
    add_raw_html,
    delete_a_page,
    rename_a_product,
]


def test_after_each_edit_the_cache_reports_what_a_fresh_run_does(site, capsys) -> None:
    before = check(site, capsys)  # and the cache is full
    for edit in EDITS:
        edit(site)
        cached = check(site, capsys)
        assert cached == check(site, capsys, "--no-cache"), edit.__name__
        assert cached != before, f"{edit.__name__} changed nothing check reports"
        before = cached


def test_another_day_is_another_result(site, capsys) -> None:
    check(site, capsys)
    later = check(site, capsys, "--today", "2030-01-01")  # the last --today wins
    assert later == check(site, capsys, "--today", "2030-01-01", "--no-cache")
    assert any(problem["code"] == "stale-source" for problem in later[1])


def test_changed_code_never_reads_an_old_cache(site, capsys, monkeypatch) -> None:
    check(site, capsys)
    monkeypatch.setattr(check_cache, "code_fingerprint", lambda: "other code")
    rendered = count_renders(monkeypatch)
    check(site, capsys)
    assert len(rendered) == len(list((site / "docs").rglob("*.md")))


def test_a_damaged_cache_is_ignored_and_written_again(site, capsys) -> None:
    first = check(site, capsys)
    for file in cache_files():
        file.write_bytes(file.read_bytes()[:100])
    assert check(site, capsys) == first
    assert all(file.stat().st_size > 100 for file in cache_files())


def test_a_cache_others_could_have_written_is_never_read(site, capsys, monkeypatch) -> None:
    check(site, capsys)
    (pages,) = [file for file in cache_files() if file.name.endswith(".pages.pickle")]
    pages.chmod(0o666)
    rendered = count_renders(monkeypatch)
    check(site, capsys)
    assert rendered  # every page was checked again, none read from that file


def test_caches_no_check_has_read_for_a_month_are_deleted(site, capsys) -> None:
    folder = check_cache.cache_folder() / "check"
    folder.mkdir(mode=0o700, parents=True)
    old, recent = folder / "old.pickle", folder / "recent.pickle"
    for file in (old, recent):
        file.write_bytes(b"")
    long_ago = time.time() - (check_cache.FORGET_AFTER_DAYS + 1) * 86_400
    os.utime(old, (long_ago, long_ago))
    check(site, capsys)
    assert not old.exists() and recent.exists()
    ours = set(cache_files()) - {recent}
    for file in ours:
        os.utime(file, (long_ago, long_ago))
    check(site, capsys)  # answered from the cache: nothing to write, but it was used today
    assert all(file.stat().st_mtime > long_ago for file in ours)


def test_no_cache_neither_reads_nor_writes_one(site, capsys) -> None:
    check(site, capsys, "--no-cache")
    assert cache_files() == []

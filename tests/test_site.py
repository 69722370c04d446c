"""The real site: every citation resolves, statically and in the strictly built HTML."""

from __future__ import annotations

import importlib
import inspect
import re
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT

from macros.checks import read_mkdocs_yml
from macros.contract import find_macro_calls
from macros.pages import PageRenderer
from macros.records import load_records

DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
RETRIEVE_PAGE = "zoho-crm/bulk-write/retrieve-bulk-write-jobs"


@pytest.fixture(scope="module")
def records():
    found, problems = load_records(ROOT)
    assert [str(p) for p in problems] == []
    return found


def beam_options() -> dict:
    config = read_mkdocs_yml(ROOT)
    return next(p["beam"] for p in config["plugins"] if isinstance(p, dict) and "beam" in p)


def test_every_macro_call_names_a_record_found_statically(records) -> None:
    unresolved = []
    for page in PAGES:
        for call in find_macro_calls(page.read_text(encoding="utf-8")):
            unresolved += [
                f"{page.relative_to(ROOT)}:{call.line}: {i}" for i in call.ids if i not in records
            ]
    assert unresolved == []


def test_every_page_renders_without_problems(records) -> None:
    renderer = PageRenderer(records, beam_options()["products"])
    problems = []
    for page in PAGES:
        path = page.relative_to(ROOT).as_posix()
        problems += [
            str(p) for p in renderer.render(path, page.read_text(encoding="utf-8")).problems
        ]
    assert problems == []


def built_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html") if p.parent != site / "assets")


def test_every_built_citation_lands_on_an_entry_of_its_page(built_site: Path) -> None:
    checked = 0
    for html_file in built_pages(built_site):
        soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
        article = soup.find("article")
        markers = article.select("sup.bh-cite > a.footnote-ref")
        entries = article.select("ol.bh-sources > li")
        where = html_file.relative_to(built_site)
        if not markers:
            assert entries == [], f"{where}: a source is listed but never cited"
            continue
        first_use = []
        for marker in markers:
            target = article.find(id=marker["href"].removeprefix("#"))
            assert target is not None and target in entries, (
                f"{where}: {marker['href']} has no entry"
            )
            number = int(marker.text.strip("[]"))
            assert int(target["value"]) == number, (
                f"{where}: marker {number} points at another entry"
            )
            if number not in first_use:
                first_use.append(number)
            checked += 1
        assert first_use == list(range(1, len(entries) + 1)), (
            f"{where}: numbers not in first-use order"
        )
        for entry in entries:
            backlinks = entry.select("a.bh-backlink")
            assert backlinks, f"{where}: {entry['id']} is never cited"
            for link in backlinks:
                use = article.find(id=link["href"].removeprefix("#"))
                assert use is not None and use.a["href"] == f"#{entry['id']}", (
                    f"{where}: bad back-link"
                )
    assert checked > 0


def test_the_retrieval_page_cites_at_least_six_records_and_shows_real_facts(
    built_site: Path,
) -> None:
    soup = BeautifulSoup((built_site / RETRIEVE_PAGE / "index.html").read_text(), "html.parser")
    article = soup.find("article")
    entries = article.select("ol.bh-sources > li")
    assert len(entries) >= 6
    assert all(e.select_one("a.bh-source-link")["href"].startswith("https://") for e in entries)
    assert all(re.search(r"verified \d{4}-\d{2}-\d{2}", e.get_text()) for e in entries)
    text = article.get_text(" ")
    for fact in (
        "GET /crm/bulk/v8/write/{job_id}",
        "ZohoCRM.bulk.CREATE",
        "ZohoCRM.bulk.ALL",
        "result.download_url",
        "GET /crm/bulk/v8/read/{job_id}",
        "IN PROGRESS",
    ):
        assert fact in text
    assert "/bulk/v1/" in text  # named only as the pitfall
    assert article.select_one("div.highlight code") is not None
    assert "independent guide, not official Zoho support" in text
    assert "Traceback" not in soup.get_text()


def test_code_records_show_the_tested_function_itself(records) -> None:
    shown = [r for r in records.values() if r.kind == "code"]
    assert shown
    for record in shown:
        module_path = Path(record.facts["file"]).with_suffix("")
        module = importlib.import_module(
            ".".join(module_path.parts[1:])
        )  # examples/ is on sys.path
        function = module
        for part in record.facts["symbol"].split("."):
            function = getattr(function, part)
        assert record.facts["source"] == textwrap.dedent(inspect.getsource(function)).rstrip("\n")


def test_strict_build_validates_links_and_anchors() -> None:
    config = read_mkdocs_yml(ROOT)
    assert config["strict"] is True
    assert config["validation"]["links"]["not_found"] == "warn"
    assert config["validation"]["anchors"] == "warn"

"""The real site: every citation resolves, statically and in the strictly built HTML."""

from __future__ import annotations

import importlib
import inspect
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, built_page

from macros.page_scan import find_macro_calls
from macros.pages import PageRenderer
from macros.records import load_records
from macros.settings import read_mkdocs_yml

DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))


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
        soup = built_page(html_file)
        article = soup.find("article")
        markers = article.select("sup.bh-cite > a.footnote-ref")
        entries = article.select("ol.bh-sources > li")
        where = html_file.relative_to(built_site)
        if not markers:
            assert entries == [], f"{where}: a source is listed but never cited"
            continue
        by_id = {element["id"]: element for element in article.find_all(id=True)}
        first_use = []
        for marker in markers:
            target = by_id.get(marker["href"].removeprefix("#"))
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
                use = by_id.get(link["href"].removeprefix("#"))
                assert use is not None and use.a["href"] == f"#{entry['id']}", (
                    f"{where}: bad back-link"
                )
    assert checked > 0


def test_every_how_to_shows_the_facts_of_its_records_and_lists_its_sources(
    built_site: Path, records
) -> None:
    """What each page's macros promise, read from the page's source and its records."""
    renderer = PageRenderer(records, beam_options()["products"])
    how_tos = 0
    for page in PAGES:
        rendered = renderer.render(page.relative_to(ROOT).as_posix(), page.read_text("utf-8"))
        if rendered.meta.get("type") != "how-to":
            continue
        how_tos += 1
        built = built_site / page.relative_to(DOCS).with_suffix("") / "index.html"
        soup = built_page(built)
        article = soup.find("article")
        text = article.get_text(" ")
        entries = article.select("ol.bh-sources > li")
        assert [e["id"].removeprefix("source-") for e in entries] == rendered.citations.record_ids
        for entry in entries:
            record = records[entry["id"].removeprefix("source-")]
            # The official page, opened at the quote where the record has one (a text fragment);
            # a code record links its function in the repository first.
            links = {a["href"].split("#:~:")[0] for a in entry.select("a.bh-source-link")}
            assert record.url in links, (record.id, links)
            assert f"verified {record.verified_on.isoformat()}" in entry.get_text()
        for call in find_macro_calls(page.read_text(encoding="utf-8")):
            for record_id in call.ids if call.name == "endpoint" else []:
                facts = records[record_id].facts
                assert f"{facts.method} {facts.path}" in text, (page.name, record_id)
            if call.name == "code":
                assert article.select_one("div.highlight code") is not None, page.name
        assert "independent guide, not official Zoho support" in text
        assert "Traceback" not in soup.get_text()
    assert how_tos > 0


def test_code_records_show_the_tested_function_itself(records) -> None:
    shown = [r for r in records.values() if r.kind == "code"]
    assert shown
    for record in shown:
        module_path = Path(record.facts.file).with_suffix("")
        module = importlib.import_module(
            ".".join(module_path.parts[1:])
        )  # examples/ is on sys.path
        function = module
        for part in record.facts.symbol.split("."):
            function = getattr(function, part)
        assert record.facts.source == textwrap.dedent(inspect.getsource(function)).rstrip("\n")


def test_strict_build_validates_links_and_anchors() -> None:
    config = read_mkdocs_yml(ROOT)
    assert config["strict"] is True
    assert config["validation"]["links"]["not_found"] == "warn"
    assert config["validation"]["anchors"] == "warn"

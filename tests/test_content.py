"""The real content as a whole, read from `nav` in mkdocs.yml, the pages in docs/ and the records
in sources/: nothing here names a page or a record, so a content change that passes `check
--strict` and the strict build passes these tests too (tests/test_content_invariant.py proves it).

Each page is in the nav and each nav entry is a page; each product's section opens with its
landing page, which links every page of the product; every record is cited, every disagreement
between Zoho's sources is shown from both sides, and every code sample runs in the example tests.
The rules themselves live in `python -m macros check` (macros/site_rules.py); these tests read
the content directly, so a rule switched off there still fails here.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from macros.checks import check_site
from macros.page_scan import find_macro_calls
from macros.settings import nav_entries, read_mkdocs_yml

DOCS = ROOT / "docs"
HOME = "index.md"


@pytest.fixture(scope="module")
def config() -> dict:
    return read_mkdocs_yml(ROOT)


@pytest.fixture(scope="module")
def products(config) -> dict[str, str]:
    beam = next(p["beam"] for p in config["plugins"] if isinstance(p, dict) and "beam" in p)
    return beam["products"]


@pytest.fixture(scope="module")
def site():
    """Every record and every page of docs/, rendered as `check` renders them."""
    return check_site(ROOT)


@pytest.fixture(scope="module")
def pages(site) -> dict:
    """Each rendered page by its path inside docs/."""
    return {page.path.removeprefix("docs/"): page for page in site.pages}


def links_of(page: str) -> set[str]:
    """The pages (paths inside docs/) that a page's Markdown links to."""
    text = (DOCS / page).read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)", text)
    here = posixpath.dirname(page)
    return {posixpath.normpath(posixpath.join(here, t)) for t in targets if "://" not in t}


def test_every_page_is_in_the_nav_and_every_nav_entry_is_a_page(config) -> None:
    present = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
    listed = nav_entries(config["nav"])
    assert sorted(listed) == present
    assert len(set(listed)) == len(listed), "a page is listed twice"


def test_the_nav_opens_with_home_and_each_product_section_with_its_landing_page(
    config, products, pages
) -> None:
    assert nav_entries(config["nav"])[0] == HOME
    sections = {
        name: nav_entries(value)
        for entry in config["nav"]
        if isinstance(entry, dict)
        for name, value in entry.items()
        if isinstance(value, list)
    }
    for key, name in products.items():
        assert sections[name][0] == f"{key}/{HOME}", name
        assert all(p.startswith(f"{key}/") for p in sections[name]), name
        assert pages[f"{key}/{HOME}"].meta["type"] == "landing"


def test_every_page_renders_without_problems_and_says_what_it_is(products, pages) -> None:
    for path, page in pages.items():
        assert [str(p) for p in page.problems] == [], path
        if path == HOME:
            continue
        if "/" in path:  # a product's page; a page beside the home page spans the products
            key = path.split("/", 1)[0]
            assert page.meta["product"] == key and key in products, path
        assert page.meta["type"] in ("landing", "overview", "how-to", "reference"), path
        assert page.meta["title"] and page.meta["summary"], path


def test_the_home_page_links_every_landing_page(products) -> None:
    home = links_of(HOME)
    assert [key for key in products if f"{key}/{HOME}" not in home] == []


def test_each_landing_page_links_every_page_of_its_product(products) -> None:
    for key in products:
        landing = f"{key}/{HOME}"
        linked = links_of(landing)
        section = sorted(p.relative_to(DOCS).as_posix() for p in (DOCS / key).rglob("*.md"))
        assert [p for p in section if p not in linked and p != landing] == [], key


def test_every_record_is_cited_by_a_page(site) -> None:
    cited = {record_id for page in site.pages for record_id in page.citations.record_ids}
    assert sorted(set(site.records) - cited) == []
    assert [r.id for r in site.records.values() if r.kind == "endpoint"], "no endpoint record"


def test_where_zohos_sources_disagree_each_page_cites_both(site) -> None:
    disagreements = [r for r in site.records.values() if r.disagrees_with]
    assert disagreements, "the records declare no disagreement between Zoho's sources"
    for page in site.pages:
        cited = set(page.citations.record_ids)
        for record in disagreements:
            if record.id in cited:
                assert set(record.disagrees_with) <= cited, (page.path, record.id)


def test_every_code_record_is_shown_on_a_page(site) -> None:
    shown = {
        record_id
        for page in site.pages
        for call in find_macro_calls((ROOT / page.path).read_text(encoding="utf-8"))
        if call.name == "code"
        for record_id in call.ids
    }
    code_records = {r.id for r in site.records.values() if r.kind == "code"}
    assert code_records and code_records == shown


def test_check_finds_nothing_in_the_real_content(site) -> None:
    """Errors and warnings alike: the site is published with no problem (notes, such as a record
    without a quote, never stop anything)."""
    assert [str(p) for p in site.problems if p.severity in ("error", "warning")] == []
    assert {p.severity for p in site.problems} <= {"error", "warning", "info"}


# The example tests run in a child pytest with this plugin, which records every function of the
# example files that actually runs; a sample only counts as tested if its function ran.
_TRACER = textwrap.dedent(
    """\
    import json, os, sys, threading

    CALLED = set()
    WATCHED = {os.path.realpath(f) for f in json.loads(os.environ["BEAM_TRACE_FILES"])}
    _is_watched = {}  # file name -> watched path or "", so each file is resolved once

    def _profile(frame, event, arg):
        if event != "call":
            return
        name = frame.f_code.co_filename
        watched = _is_watched.get(name)
        if watched is None:
            real = os.path.realpath(name)
            watched = _is_watched[name] = real if real in WATCHED else ""
        if watched:
            CALLED.add((watched, frame.f_code.co_qualname))

    def pytest_sessionstart(session):
        sys.setprofile(_profile)
        threading.setprofile(_profile)

    def pytest_sessionfinish(session, exitstatus):
        sys.setprofile(None)
        with open(os.environ["BEAM_TRACE_OUT"], "w") as out:
            json.dump(sorted(CALLED), out)
    """
)


def test_every_function_shown_as_a_code_sample_runs_in_the_example_tests(
    site, tmp_path: Path
) -> None:
    shown = [r for r in site.records.values() if r.kind == "code"]
    files = sorted({os.path.realpath(ROOT / r.facts.file) for r in shown})
    (tmp_path / "beam_trace_plugin.py").write_text(_TRACER, encoding="utf-8")
    out = tmp_path / "called.json"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
        "BEAM_TRACE_FILES": json.dumps(files),
        "BEAM_TRACE_OUT": str(out),
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "beam_trace_plugin"]
        + ["-p", "no:cacheprovider", "-n", "0", "--basetemp", str(tmp_path / "run")]
        + ["tests/examples"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout
    called = {tuple(pair) for pair in json.loads(out.read_text(encoding="utf-8"))}
    assert called, "the trace saw no call at all"
    untested = [
        r.id for r in shown if (os.path.realpath(ROOT / r.facts.file), r.facts.symbol) not in called
    ]
    assert untested == []

"""Every product's section is complete: every page exists and is in its nav section, every endpoint
is cited, each how-to cites four sources, the disagreements between Zoho's sources are shown from
both sides, and every code sample runs in the example tests. Sections come from mkdocs.yml, so a
new product is covered without a list of its pages here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from macros.checks import read_mkdocs_yml, read_settings
from macros.contract import find_macro_calls
from macros.frontmatter import read_front_matter
from macros.pages import PageRenderer
from macros.records import load_records

CONFIG = read_mkdocs_yml(ROOT)
PRODUCTS: dict[str, str] = next(
    p["beam"] for p in CONFIG["plugins"] if isinstance(p, dict) and "beam" in p
)["products"]


def _has_how_tos(product: str) -> bool:
    return any(
        "\ntype: how-to\n" in page.read_text(encoding="utf-8")
        for page in (ROOT / "docs" / product).rglob("*.md")
    )


# Products with guides. A shared product (Zoho Accounts) holds records other products cite and
# only a landing page of its own.
SECTIONS = [product for product in PRODUCTS if _has_how_tos(product)]
OVERVIEW = "zoho-crm/bulk-api-overview.md"


def nav_paths(entries) -> list[str]:
    """Every page path in a MkDocs nav, in reading order."""
    found = []
    for entry in entries or []:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            found += nav_paths(value)
        elif isinstance(value, str):
            found.append(value)
    return found


def section_pages(product: str) -> list[str]:
    """The product's pages in the order its nav section lists them."""
    name = PRODUCTS[product]
    section = next(e[name] for e in CONFIG["nav"] if isinstance(e, dict) and name in e)
    return nav_paths(section)


@pytest.fixture(scope="module")
def records():
    found, problems = load_records(ROOT, hosts=read_settings(ROOT).hosts)
    assert [str(p) for p in problems] == []
    return found


@pytest.fixture(scope="module")
def rendered(records):
    renderer = PageRenderer(records, PRODUCTS)
    return {
        page.relative_to(ROOT / "docs").as_posix(): renderer.render(
            page.relative_to(ROOT).as_posix(), page.read_text(encoding="utf-8")
        )
        for page in sorted((ROOT / "docs").rglob("*.md"))
    }


def test_every_guide_section_is_a_product_and_there_are_two() -> None:
    assert len(SECTIONS) >= 2 and len(PRODUCTS) > len(SECTIONS)
    assert nav_paths(CONFIG["nav"])[0] == "index.md"


@pytest.mark.parametrize("product", SECTIONS)
def test_every_page_of_the_section_is_in_its_nav_section_and_no_other_page_is(product) -> None:
    present = sorted(
        p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs" / product).rglob("*.md")
    )
    listed = section_pages(product)
    assert sorted(listed) == present
    assert listed[0] == f"{product}/index.md"


@pytest.mark.parametrize("product", SECTIONS)
def test_each_page_has_its_type_and_renders_without_problems(product, rendered) -> None:
    pages = section_pages(product)
    types = [rendered[page].meta.get("type") for page in pages]
    assert types[0] == "landing" and "overview" in types
    assert types.count("how-to") >= 6
    for page in pages:
        result = rendered[page]
        assert result.meta["product"] == product, page
        assert result.meta["title"] and result.meta["summary"], page
        assert [str(p) for p in result.problems] == []


@pytest.mark.parametrize("product", SECTIONS)
def test_each_how_to_cites_at_least_four_distinct_sources(product, rendered) -> None:
    few = {
        page: len(rendered[page].citations.record_ids)
        for page in section_pages(product)
        if rendered[page].meta["type"] == "how-to"
        and len(rendered[page].citations.record_ids) < 4
    }
    assert few == {}


@pytest.mark.parametrize("product", SECTIONS)
def test_the_home_page_links_the_landing_page_and_the_overview(product, rendered) -> None:
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for page in section_pages(product):
        if rendered[page].meta["type"] in ("landing", "overview"):
            assert f"]({page})" in home, page


@pytest.mark.parametrize("product", SECTIONS)
def test_the_landing_page_links_every_page_of_the_section(product) -> None:
    landing, *others = section_pages(product)
    text = (ROOT / "docs" / landing).read_text(encoding="utf-8")
    for page in others:
        assert f"]({Path(page).relative_to(product).as_posix()})" in text, page


def test_the_overview_leaves_room_for_the_lifecycle_picture_after_its_first_paragraph() -> None:
    text = (ROOT / "docs" / OVERVIEW).read_text(encoding="utf-8")
    matter, _ = read_front_matter(text, OVERVIEW)
    body = text.splitlines()[matter.end_line :]
    paragraphs = "\n".join(body).strip().split("\n\n")
    assert paragraphs[0].startswith("# ")
    assert paragraphs[2].startswith("{## The job lifecycle picture belongs here")


@pytest.mark.parametrize("product", SECTIONS)
def test_every_endpoint_record_is_cited_by_a_page_of_the_section(product, records, rendered):
    cited = {i for page in section_pages(product) for i in rendered[page].citations.record_ids}
    endpoints = {r.id for r in records.values() if r.kind == "endpoint" and r.product == product}
    assert endpoints and endpoints - cited == set()


@pytest.mark.parametrize("product", list(PRODUCTS))
def test_every_record_of_the_product_is_cited_somewhere(product, records, rendered) -> None:
    cited = {record_id for page in rendered.values() for record_id in page.citations.record_ids}
    assert (
        sorted(r.id for r in records.values() if r.product == product and r.id not in cited) == []
    )


@pytest.mark.parametrize("product", SECTIONS)
def test_every_how_to_relation_leads_to_the_other_product(product, rendered) -> None:
    related = {
        page: rendered[page].meta["same_task"]
        for page in section_pages(product)
        if "same_task" in rendered[page].meta
    }
    assert related, "each product shares at least one task with another"
    for page, other in related.items():
        assert other.split("/", 1)[0] in SECTIONS and other.split("/", 1)[0] != product
        assert rendered[other].meta["same_task"] == page


@pytest.mark.parametrize(
    ("page", "both_sides"),
    [
        pytest.param(
            "zoho-crm/bulk-write/upload-file-for-bulk-write.md",
            ["zoho-crm.bulk-write.upload-host.current-docs", "zoho-crm.bulk-write.upload-host.sdk"],
            id="upload-host",
        ),
        pytest.param(
            "zoho-crm/bulk-write/retrieve-bulk-write-jobs.md",
            ["zoho-crm.bulk-write.job-statuses", "zoho-crm.bulk-write.job-status-sample-spelling"],
            id="in-progress-spelling",
        ),
        pytest.param(
            "zoho-crm/bulk-read/check-bulk-read-job-status.md",
            ["zoho-crm.bulk-read.failure-state", "zoho-crm.docs.crm-oas-v8-bulk-read"],
            id="failure-not-failed",
        ),
        pytest.param(
            "zoho-crm/bulk-read/check-bulk-read-job-status.md",
            ["zoho-crm.bulk-read.job-states", "zoho-crm.bulk-read.job-states.oas"],
            id="queued-missing-from-oas",
        ),
        pytest.param(
            "zoho-crm/oauth-scopes-for-bulk-apis.md",
            ["zoho-crm.scopes.v2-and-or", "zoho-crm.scopes.v2-1-or"],
            id="scopes-and-versus-or",
        ),
        pytest.param(
            "zoho-crm/oauth-scopes-for-bulk-apis.md",
            ["zoho-crm.bulk-read.create-job", "zoho-crm.scopes.oas-v8"],
            id="scopes-docs-versus-oas",
        ),
        pytest.param(
            "zoho-crm/bulk-read/download-bulk-read-result.md",
            ["zoho-crm.bulk-read.download-url-template.doc", "zoho-crm.bulk-read.download-url.sdk"],
            id="download-url-without-bulk",
        ),
        pytest.param(
            "zoho-crm/bulk-write/download-bulk-write-result.md",
            [
                "zoho-crm.bulk-write.download-url-form.v2",
                "zoho-crm.bulk-write.download-url-form.v7",
            ],
            id="write-result-link-form",
        ),
    ],
)
def test_where_zohos_sources_disagree_the_page_cites_both(page: str, both_sides, rendered) -> None:
    cited = rendered[page].citations.record_ids
    assert [record_id for record_id in both_sides if record_id not in cited] == []


@pytest.mark.parametrize("product", SECTIONS)
def test_every_code_record_is_shown_on_a_page_of_the_section(product, records) -> None:
    shown = {
        record_id
        for page in section_pages(product)
        for call in find_macro_calls((ROOT / "docs" / page).read_text(encoding="utf-8"))
        if call.name == "code"
        for record_id in call.ids
    }
    code_records = {r.id for r in records.values() if r.kind == "code" and r.product == product}
    assert code_records and code_records == shown


# The example tests run in a child pytest with this plugin, which records every function of the
# example client that actually runs; a sample only counts as tested if its function ran.
_TRACER = textwrap.dedent(
    """\
    import json, os, sys, threading

    CALLED = set()
    WATCHED = os.path.realpath(os.environ["BEAM_TRACE_FILE"])
    _is_watched = {}  # file name -> bool, so each file is resolved once, not on every call

    def _profile(frame, event, arg):
        if event != "call":
            return
        name = frame.f_code.co_filename
        watched = _is_watched.get(name)
        if watched is None:
            watched = _is_watched[name] = os.path.realpath(name) == WATCHED
        if watched:
            CALLED.add(frame.f_code.co_qualname)

    def pytest_sessionstart(session):
        sys.setprofile(_profile)
        threading.setprofile(_profile)

    def pytest_sessionfinish(session, exitstatus):
        sys.setprofile(None)
        with open(os.environ["BEAM_TRACE_OUT"], "w") as out:
            json.dump(sorted(CALLED), out)
    """
)


@pytest.mark.parametrize("product", SECTIONS)
def test_every_function_shown_as_a_code_sample_runs_in_the_example_tests(
    product, records, tmp_path: Path
) -> None:
    shown = [r for r in records.values() if r.kind == "code" and r.product == product]
    files = {r.facts["file"] for r in shown}
    assert len(files) == 1, "the trace below watches one example file"
    (tmp_path / "beam_trace_plugin.py").write_text(_TRACER, encoding="utf-8")
    out = tmp_path / "called.json"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
        "BEAM_TRACE_FILE": str(ROOT / files.pop()),
        "BEAM_TRACE_OUT": str(out),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "beam_trace_plugin",
            "-p",
            "no:cacheprovider",
            "tests/examples",
        ],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout
    called = set(json.loads(out.read_text(encoding="utf-8")))
    assert sorted(r.facts["symbol"] for r in shown if r.facts["symbol"] not in called) == []

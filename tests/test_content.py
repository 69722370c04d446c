"""The Zoho CRM section is complete: every page exists and is in the nav, every endpoint is cited,
the disagreements between Zoho's sources are shown from both sides, and every code sample runs in
the example tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from macros.checks import read_mkdocs_yml
from macros.contract import find_macro_calls
from macros.frontmatter import read_front_matter
from macros.pages import PageRenderer
from macros.records import load_records

SECTION = "zoho-crm"
LANDING = "zoho-crm/index.md"
OVERVIEW = "zoho-crm/bulk-api-overview.md"
HOW_TOS = [
    "zoho-crm/bulk-read/create-bulk-read-job.md",
    "zoho-crm/bulk-read/check-bulk-read-job-status.md",
    "zoho-crm/bulk-read/download-bulk-read-result.md",
    "zoho-crm/bulk-read/export-more-than-200000-records.md",
    "zoho-crm/bulk-write/upload-file-for-bulk-write.md",
    "zoho-crm/bulk-write/create-bulk-write-job.md",
    "zoho-crm/bulk-write/retrieve-bulk-write-jobs.md",
    "zoho-crm/bulk-write/download-bulk-write-result.md",
    "zoho-crm/oauth-scopes-for-bulk-apis.md",
    "zoho-crm/data-centre-domains.md",
]
SECTION_PAGES = [LANDING, OVERVIEW, *HOW_TOS]


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


@pytest.fixture(scope="module")
def config() -> dict:
    return read_mkdocs_yml(ROOT)


@pytest.fixture(scope="module")
def records():
    found, problems = load_records(ROOT)
    assert [str(p) for p in problems] == []
    return found


@pytest.fixture(scope="module")
def rendered(records, config):
    products = next(p["beam"] for p in config["plugins"] if isinstance(p, dict) and "beam" in p)
    renderer = PageRenderer(records, products["products"])
    return {
        page: renderer.render(f"docs/{page}", (ROOT / "docs" / page).read_text(encoding="utf-8"))
        for page in SECTION_PAGES
    }


def test_every_page_of_the_section_exists_and_no_other_page_is_there() -> None:
    present = sorted(
        p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs" / SECTION).rglob("*.md")
    )
    assert present == sorted(SECTION_PAGES)


def test_the_nav_lists_the_section_in_the_order_a_reader_needs_it(config) -> None:
    section = next(
        e[next(iter(e))] for e in config["nav"] if isinstance(e, dict) and "Zoho CRM" in e
    )
    assert nav_paths(section) == SECTION_PAGES
    assert nav_paths(config["nav"])[0] == "index.md"


@pytest.mark.parametrize("page", SECTION_PAGES)
def test_each_page_has_its_type_and_renders_without_problems(page: str, rendered) -> None:
    expected = "landing" if page == LANDING else "overview" if page == OVERVIEW else "how-to"
    result = rendered[page]
    assert result.meta["type"] == expected
    assert result.meta["product"] == SECTION
    assert result.meta["title"] and result.meta["summary"]
    assert [str(p) for p in result.problems] == []


def test_the_home_page_links_the_landing_page_and_the_overview() -> None:
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for page in (LANDING, OVERVIEW):
        assert f"]({page})" in home


def test_the_landing_page_links_every_page_of_the_section() -> None:
    landing = (ROOT / "docs" / LANDING).read_text(encoding="utf-8")
    for page in [OVERVIEW, *HOW_TOS]:
        assert f"]({Path(page).relative_to(SECTION).as_posix()})" in landing, page


def test_the_overview_leaves_room_for_the_lifecycle_picture_after_its_first_paragraph() -> None:
    text = (ROOT / "docs" / OVERVIEW).read_text(encoding="utf-8")
    matter, _ = read_front_matter(text, OVERVIEW)
    body = text.splitlines()[matter.end_line :]
    paragraphs = "\n".join(body).strip().split("\n\n")
    assert paragraphs[0].startswith("# ")
    assert paragraphs[2].startswith("{## The job lifecycle picture belongs here")


def test_every_endpoint_record_is_cited_by_a_page_of_the_section(records, rendered) -> None:
    cited = {record_id for page in rendered.values() for record_id in page.citations.record_ids}
    endpoints = {r.id for r in records.values() if r.kind == "endpoint" and r.product == SECTION}
    assert endpoints and endpoints - cited == set()


def test_every_record_of_the_section_is_cited_somewhere(records, rendered) -> None:
    cited = {record_id for page in rendered.values() for record_id in page.citations.record_ids}
    assert (
        sorted(r.id for r in records.values() if r.product == SECTION and r.id not in cited) == []
    )


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


def test_every_code_record_is_shown_on_a_page_of_the_section(records) -> None:
    shown = {
        record_id
        for page in SECTION_PAGES
        for call in find_macro_calls((ROOT / "docs" / page).read_text(encoding="utf-8"))
        if call.name == "code"
        for record_id in call.ids
    }
    code_records = {r.id for r in records.values() if r.kind == "code" and r.product == SECTION}
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


def test_every_function_shown_as_a_code_sample_runs_in_the_example_tests(
    records, tmp_path: Path
) -> None:
    shown = [r for r in records.values() if r.kind == "code" and r.product == SECTION]
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

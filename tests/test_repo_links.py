"""A code record cites a function of this repository: its source link goes to that function's
lines on the repository host, and the official page it follows comes second."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from macros import llms, page_info, sources_json, sources_page
from macros.checks import check_site
from macros.pages import PageRenderer
from macros.records import load_records
from macros.repo_links import code_url, file_base
from macros.settings import read_settings

BASE = "https://github.com/o/r/blob/main/"


@pytest.mark.parametrize(
    ("repo_url", "edit_uri", "expected"),
    [
        ("https://github.com/o/r", "edit/main/docs/", BASE),
        ("https://github.com/o/r/", "edit/trunk/docs/", "https://github.com/o/r/blob/trunk/"),
        ("https://github.com/o/r", None, BASE),
        ("https://github.com/o/r", "blob/dev/docs/", "https://github.com/o/r/blob/dev/"),
        (None, "edit/main/docs/", None),
        ("http://github.com/o/r", "edit/main/docs/", None),
    ],
)
def test_the_file_base_follows_repo_url_and_the_branch_of_edit_links(
    repo_url, edit_uri, expected
) -> None:
    assert file_base(repo_url, edit_uri) == expected


def write_site(tmp_path: Path) -> Path:
    """A repository whose code record shows a function that starts on line 4, after a decorator."""
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "client.py").write_text(
        "import functools\n\n\n@functools.cache\ndef wait(job):\n    return job\n"
    )
    (tmp_path / "sources" / "p").mkdir(parents=True)
    (tmp_path / "sources" / "p" / "x.yml").write_text(
        textwrap.dedent(
            """\
            - id: p.wait
              kind: code
              title: Wait for a job
              file: examples/client.py
              symbol: wait
              url: https://www.zoho.com/docs/jobs.html
              verified_on: 2026-11-20
            - id: p.doc
              kind: doc
              title: Vendor docs
              url: https://www.zoho.com/docs/
              verified_on: 2026-11-20
            """
        )
    )
    return tmp_path


def test_a_code_record_knows_the_lines_of_its_function(tmp_path: Path) -> None:
    records, problems = load_records(write_site(tmp_path))
    assert problems == []
    assert records["p.wait"].code_lines == (4, 6)
    assert records["p.doc"].code_lines is None
    assert code_url(records["p.wait"], BASE) == f"{BASE}examples/client.py#L4-L6"
    assert code_url(records["p.doc"], BASE) is None
    assert code_url(records["p.wait"], None) is None


def test_sources_cited_links_the_function_first_and_the_official_page_second(
    tmp_path: Path,
) -> None:
    records, _ = load_records(write_site(tmp_path))
    page = PageRenderer(records, {"p": "P"}, code_base=BASE).render(
        "docs/x.md", '{{ cite("p.wait", "p.doc") }}\n'
    )
    entries = BeautifulSoup(page.markdown.split("## Sources cited")[1], "html.parser")
    code_entry, doc_entry = entries.select("li")
    assert [a["href"] for a in code_entry.select("a.bh-source-link")] == [
        f"{BASE}examples/client.py#L4-L6",
        "https://www.zoho.com/docs/jobs.html",
    ]
    assert code_entry.select_one("a.bh-source-link").get_text() == "Wait for a job"
    assert [a["href"] for a in doc_entry.select("a.bh-source-link")] == [
        "https://www.zoho.com/docs/"
    ]


def test_without_a_repository_a_code_record_links_its_official_page(tmp_path: Path) -> None:
    records, _ = load_records(write_site(tmp_path))
    page = PageRenderer(records, {"p": "P"}).render("docs/x.md", '{{ cite("p.wait") }}\n')
    entries = BeautifulSoup(page.markdown.split("## Sources cited")[1], "html.parser")
    assert [a["href"] for a in entries.select("a.bh-source-link")] == [
        "https://www.zoho.com/docs/jobs.html"
    ]


def test_sources_json_the_sources_page_and_page_markdown_carry_the_code_link(
    tmp_path: Path,
) -> None:
    records, _ = load_records(write_site(tmp_path))
    link = f"{BASE}examples/client.py#L4-L6"
    data = json.loads(sources_json.sources_json("S", None, records.values(), {}, {}, BASE))
    by_id = {r["id"]: r for r in data["records"]}
    assert by_id["p.wait"]["code_url"] == link and "code_url" not in by_id["p.doc"]
    page = sources_page.sources_page_markdown("P", list(records.values()), {}, "p/sources/", BASE)
    assert f'href="{link}"' in page
    renderer = PageRenderer(records, {"p": "P"}, code_base=BASE)
    source = '{{ cite("p.wait") }}\n'
    rendered = renderer.render("docs/x.md", source)
    info = page_info.PageInfo("x.md", "x/", "x/index.html", "X", rendered, source)
    text = llms.page_markdown(info, renderer, None)
    assert (
        f"1. [Wait for a job]({link}) (official page: https://www.zoho.com/docs/jobs.html)" in text
    )


def test_the_real_site_links_its_code_records_to_the_repository() -> None:
    root = Path(__file__).resolve().parents[1]
    report = check_site(root)
    settings = read_settings(root)
    path = "docs/zoho-crm/bulk-write/retrieve-bulk-write-jobs.md"
    renderer = PageRenderer(report.records, settings.products, code_base=settings.code_base)
    page = renderer.render(path, (root / path).read_text(encoding="utf-8"))
    record = report.records["zoho-crm.examples.wait-for-bulk-write-job"]
    first, last = record.code_lines
    source = (root / record.facts.file).read_text(encoding="utf-8").splitlines()
    assert source[first - 1].startswith("def wait_for_bulk_write_job(")
    assert (
        f'href="https://github.com/beam-help/beam-help/blob/main/examples/zoho_crm_bulk/client.py'
        f'#L{first}-L{last}"' in page.markdown
    )

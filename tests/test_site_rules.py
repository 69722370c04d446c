"""The site-wide rules of `python -m macros check` (macros/site_rules.py), each on a tiny site that
breaks exactly one of them: the nav, the landing and home pages, disagreements, code samples."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import make_fixture_site

from macros.checks import check_site

TODAY = dt.date(2026, 12, 1)
HOME = """\
# Demo help

Start at the [Demo guides](demo/index.md).
"""
LANDING = """\
---
title: Demo Product
type: landing
product: demo
summary: Guides for the demo API.
---

# Demo Product

- [Get a job](get-job.md)
"""
NAV = """
nav:
  - Home: index.md
  - Demo Product:
      - demo/index.md
      - Get a job: demo/get-job.md
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The base fixture with a nav, a home page, a product landing page and one how-to."""
    root = make_fixture_site(tmp_path)
    docs = root / "docs"
    (docs / "demo").mkdir(exist_ok=True)
    (docs / "index.md").rename(docs / "demo" / "get-job.md")
    (docs / "index.md").write_text(HOME, encoding="utf-8")
    (docs / "demo" / "index.md").write_text(LANDING, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + NAV, encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    return [str(p) for p in check_site(root, today=TODAY).problems]


def line_of(file: Path, text: str) -> int:
    """The line of the fixture file that holds the text (the expected line of a message)."""
    lines = file.read_text(encoding="utf-8").splitlines()
    [number] = [n for n, line in enumerate(lines, start=1) if text in line]
    return number


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {file.name}"
    file.write_text(text.replace(old, new), encoding="utf-8")


def test_the_tiny_site_follows_every_rule(site: Path) -> None:
    assert problems(site) == []


def test_the_nav_opens_with_the_home_page(site: Path) -> None:
    edit(site / "mkdocs.yml", "  - Home: index.md\n", "")
    edit(site / "mkdocs.yml", "demo/get-job.md\n", "demo/get-job.md\n  - Home: index.md\n")
    assert problems(site) == [
        f"mkdocs.yml:{line_of(site / 'mkdocs.yml', 'nav:')}: the nav does not start with the home page. Make '- Home: index.md' the "
        "first line under nav. [nav-order]"
    ]


def test_a_product_section_opens_with_its_landing_page(site: Path) -> None:
    edit(
        site / "mkdocs.yml",
        "      - demo/index.md\n      - Get a job: demo/get-job.md\n",
        "      - Get a job: demo/get-job.md\n      - demo/index.md\n",
    )
    assert problems(site) == [
        f"mkdocs.yml:{line_of(site / 'mkdocs.yml', 'Get a job:')}: the nav section of Demo Product does not start with its landing page. "
        "Make '- demo/index.md' the first line of that section. [nav-order]"
    ]


def test_the_landing_page_says_it_is_one(site: Path) -> None:
    edit(site / "docs" / "demo" / "index.md", "type: landing", "type: overview")
    assert problems(site) == [
        "docs/demo/index.md:1: the first page of Demo Product must be its landing page. Give it "
        "'type: landing' in its front matter. [landing-page]"
    ]


def test_the_home_page_links_every_landing_page(site: Path) -> None:
    edit(site / "docs" / "index.md", "(demo/index.md)", "(demo/get-job.md)")
    assert problems(site) == [
        "docs/index.md:1: the home page does not link the landing page of Demo Product. Add a "
        "link such as '[Demo Product](demo/index.md)' to docs/index.md. [landing-page]"
    ]


def test_the_landing_page_links_every_page_of_its_product(site: Path) -> None:
    (site / "docs" / "demo" / "more").mkdir()
    page = (site / "docs" / "demo" / "get-job.md").read_text(encoding="utf-8")
    (site / "docs" / "demo" / "more" / "again.md").write_text(
        page.replace("How to get a demo job", "How to get it again"), encoding="utf-8"
    )
    edit(site / "mkdocs.yml", "demo/get-job.md\n", "demo/get-job.md\n      - demo/more/again.md\n")
    assert problems(site) == [
        "docs/demo/index.md:1: the landing page of Demo Product does not link "
        "'demo/more/again.md'. Add a link such as '[How to get it again](more/again.md)' where "
        "it fits, so readers can find the page. [landing-page]"
    ]
    edit(
        site / "docs" / "demo" / "index.md",
        "- [Get a job]",
        '- <a href="more/again.md">Again</a>\n- [Get a job]',
    )
    assert problems(site) == []


STATUSES_FACT = 'fact("demo.statuses")'


def test_a_page_citing_one_side_of_a_disagreement_cites_the_other(site: Path) -> None:
    records = site / "sources" / "demo" / "records.yml"
    edit(
        records,
        "  url: https://example.com/docs/statuses.html\n",
        "  url: https://example.com/docs/statuses.html\n  disagrees_with: [demo.overview]\n",
    )
    assert problems(site) == []  # the how-to cites both
    page = site / "docs" / "demo" / "get-job.md"
    edit(page, 'Jobs run later {{ cite("demo.overview") }}.', "Jobs run later.")
    assert problems(site) == [
        f"docs/demo/get-job.md:{line_of(page, STATUSES_FACT)}: 'demo.statuses' disagrees with 'demo.overview', which this page "
        "does not cite. Cite 'demo.overview' on this page too, so readers see both of Zoho's "
        "answers. [one-sided]",
        f"sources/demo/records.yml:{line_of(records, 'id: demo.overview')}: no page cites 'demo.overview'. Cite it from the page it "
        "supports, or delete it if no page needs it. [unused-source]",
    ]


def test_disagrees_with_names_records_that_exist(site: Path) -> None:
    records = site / "sources" / "demo" / "records.yml"
    edit(
        records,
        "  url: https://example.com/docs/statuses.html\n",
        "  url: https://example.com/docs/statuses.html\n  disagrees_with: [demo.overveiw]\n",
    )
    assert problems(site) == [
        f"sources/demo/records.yml:{line_of(records, 'disagrees_with:')}: unknown source 'demo.overveiw' in disagrees_with of "
        "'demo.statuses'. Check the id. Did you mean 'demo.overview'? [unknown-source]"
    ]


def test_a_code_record_that_is_only_cited_is_not_shown(site: Path) -> None:
    records = site / "sources" / "demo" / "records.yml"
    page = site / "docs" / "demo" / "get-job.md"
    edit(page, '    {{ code("demo.wait") }}', '    See {{ cite("demo.wait") }}.')
    assert problems(site) == [
        f"sources/demo/records.yml:{line_of(records, 'id: demo.wait')}: no page shows the code of 'demo.wait'. Show it with "
        '{{ code("demo.wait") }} on a line of its own where a page needs it (citing it is not '
        "enough). [code-not-shown]"
    ]

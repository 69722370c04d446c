"""Two products in one site: compare_table(), same_task relations and duplicate records."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import TEST_HOSTS

from macros.pages import PageRenderer
from macros.records import duplicate_records, load_records
from macros.relations import relation_problems, relative_link

PRODUCTS = {"one": "Product One", "two": "Product Two"}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")


ENDPOINT = """\
- id: {p}.create
  kind: endpoint
  title: Create a job ({p})
  method: POST
  path: /{p}/bulk/v1/write
  host: api-domain
  scopes: [[{p}.bulk.CREATE, {p}.bulk.ALL], {p}.modules.ALL]
  read_only: false
  url: https://example.com/{p}/create.html
  verified_on: 2026-11-30
- id: {p}.size
  kind: config
  title: Largest file ({p})
  value: "{size}"
  url: https://example.com/{p}/limits.html
  verified_on: 2026-11-30
"""


@pytest.fixture
def records(tmp_path: Path):
    write(
        tmp_path,
        {
            "sources/one/r.yml": ENDPOINT.format(p="one", size="25 MB"),
            "sources/two/r.yml": ENDPOINT.format(p="two", size="25MB"),
        },
    )
    found, problems = load_records(tmp_path, hosts=TEST_HOSTS)
    assert problems == []
    return found


def render(records, text: str, path: str = "docs/compare.md"):
    return PageRenderer(records, PRODUCTS).render(path, textwrap.dedent(text))


def test_compare_table_puts_each_product_in_its_column_with_facts_and_citations(records) -> None:
    page = render(
        records,
        '{{ compare_table("one.create", "two.create", "one.size", "two.size") }}\n',
    )
    assert page.problems == []
    head, rule, first, second = page.markdown.split("## Sources cited")[0].strip().splitlines()
    assert head == "| Product One | Product Two |"
    assert "<code>POST /one/bulk/v1/write</code>" in first.split(" | ")[0]
    assert "<code>POST /two/bulk/v1/write</code>" in first.split(" | ")[1]
    assert "<code>two.bulk.CREATE</code> or <code>two.bulk.ALL</code> <strong>and</strong>" in first
    assert "<code>25 MB</code>" in second.split(" | ")[0] and "<code>25MB</code>" in second
    assert page.citations.record_ids == ["one.create", "two.create", "one.size", "two.size"]


def test_an_empty_side_says_the_pages_checked_do_not_document_it(records) -> None:
    page = render(records, '{{ compare_table("one.create", "", "one.size", "two.size") }}\n')
    assert page.problems == []
    assert "| Not on the pages checked |" in page.markdown


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('compare_table("one.create")', "needs its ids in pairs, one per product, and was given 1"),
        ('compare_table("one.create", "one.size")', "needs a record of two different products"),
        (
            'compare_table("one.create", "two.create", "two.size", "one.size")',
            "column 1 mixes products: 'two.size' belongs to two, the column to one",
        ),
        ('compare_table("one.create", "two.creat")', "unknown source 'two.creat'"),
    ],
)
def test_compare_table_mistakes_are_problems_at_the_line(records, call: str, message: str) -> None:
    page = render(records, f"Intro\n\n{{{{ {call} }}}}\n")
    assert [p.location.line for p in page.problems] == [3]
    assert message in str(page.problems[0])


HOW_TO = """\
---
title: {title}
type: how-to
product: {product}
summary: A task.
{extra}
---

## Why this matters

Because {{{{ cite("{product}.create") }}}}.

## Step-by-step

1. Call it.

## Common pitfalls

- **One.** See {{{{ cite("{product}.size") }}}}.

## What to check

- **Two.** See {{{{ cite("{product}.size") }}}}.
"""


def how_to(product: str, extra: str = "") -> str:
    return HOW_TO.format(title=f"Task in {product}", product=product, extra=extra)


def test_same_task_adds_a_link_to_the_other_products_page(records) -> None:
    page = render(records, how_to("two", "same_task: one/bulk/task.md"), "docs/two/bulk/task.md")
    assert page.problems == []
    assert (
        "[The same task in Product One](../../one/bulk/task.md){ .bh-same-task }" in page.markdown
    )


def test_relations_must_name_each_other(records) -> None:
    pages = [
        render(records, how_to("one", "same_task: two/task.md"), "docs/one/task.md"),
        render(records, how_to("two", "same_task: one/task.md"), "docs/two/task.md"),
        render(records, how_to("one", "same_task: two/lonely.md"), "docs/one/other.md"),
        render(records, how_to("two"), "docs/two/lonely.md"),
        render(records, how_to("one", "same_task: one/task.md"), "docs/one/self.md"),
    ]
    found = [str(p) for p in relation_problems(pages, PRODUCTS)]
    assert found == [
        "docs/one/other.md:6: same_task names a page that does not name this page back (it has "
        "no same_task). Add 'same_task: one/other.md' to the front matter of docs/two/lonely.md. "
        "[same-task]",
        "docs/one/self.md:6: same_task names this page's own product. Name the matching page of "
        "the other product. [same-task]",
    ]


def test_relative_links_start_from_the_pages_folder() -> None:
    assert relative_link("docs/zoho-bigin/x.md", "zoho-crm/a/b.md") == "../zoho-crm/a/b.md"
    assert relative_link("docs/index.md", "zoho-crm/a.md") == "zoho-crm/a.md"


def test_a_record_repeated_in_another_product_is_a_likely_duplicate(tmp_path: Path) -> None:
    same = ENDPOINT.format(p="one", size="1")
    write(
        tmp_path,
        {
            "sources/one/r.yml": same,
            "sources/two/r.yml": same.replace("id: one.", "id: copy."),
            "sources/one/s.yml": same.replace("id: one.", "id: mine."),
        },
    )
    records, _ = load_records(tmp_path, hosts=TEST_HOSTS)
    found = duplicate_records(records.values())
    # Only across products: a second record in the same product is not this check's business.
    assert [(p.location.path, p.code) for p in found] == [
        ("sources/two/r.yml", "duplicate-record"),
        ("sources/two/r.yml", "duplicate-record"),
    ]
    assert "'copy.create' (two) has the same official page and the same facts as" in str(found[0])

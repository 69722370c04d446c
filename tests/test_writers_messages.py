"""One cause, one message, and no template text published: the messages a writer gets for the
mistakes of a first contribution, checked whole (not only that the right line is among them)."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, TEST_HOSTS, make_fixture_site

from macros.checks import check_site
from macros.page_scan import MACRO_NAMES
from macros.pages import PageRenderer
from macros.records import load_records
from macros.template_text import template_text_problems

TODAY = dt.date(2026, 12, 1)  # the fixture's records were verified days before
PATH = "docs/page.md"


def everything_check_says(site: Path) -> list[str]:
    """Every error and warning; notes (such as a record without a quote) are another matter."""
    return [str(p) for p in check_site(site, today=TODAY).problems if p.severity != "info"]


# Each of these fixture cases states every message check gives for it, no more (the fixture test
# runs the build and check on them too).
ONE_MESSAGE_CASES = (
    "macro-missing-brace",
    "jinja-comment",
    "malformed-macro-in-pitfall",
    "renamed-section-heading",
    "recursive-macro",
    "invalid-record-cited",
    "id-outside-its-product",
    "page-in-another-products-folder",
    "product-without-pages",
)


@pytest.mark.parametrize("case", ONE_MESSAGE_CASES)
def test_check_says_exactly_the_expected_messages(tmp_path: Path, case: str) -> None:
    folder = FIXTURES / "cases" / case
    site = make_fixture_site(tmp_path, folder)
    expected = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert everything_check_says(site) == expected


def test_an_invalid_record_is_reported_once_and_its_pages_say_where(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path, FIXTURES / "cases" / "invalid-record-cited")
    said = everything_check_says(site)
    codes = [line.rsplit("[", 1)[1] for line in said]
    # The typo is named once; the missing `values` it causes is not a second record message.
    assert codes == ["invalid-source]", "invalid-source]", "unknown-field]"]
    assert all("sources/demo/records.yml:16 is invalid" in line for line in said[:2])
    assert not any("unknown source" in line or "Did you mean 'demo." in line for line in said)


def test_a_page_that_does_not_render_makes_no_record_look_unused(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path)
    page = site / "docs" / "index.md"
    # A brace missing at the end: Jinja cannot read the page, so nothing on it is cited.
    page.write_text(
        page.read_text().replace('{{ cite("demo.overview") }}', '{{ cite("demo.overview") }')
    )
    said = everything_check_says(site)
    assert [line.rsplit(" [", 1)[1] for line in said] == ["template-syntax]"]


def test_a_page_with_an_error_still_counts_as_citing_its_ids(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path)
    page = site / "docs" / "index.md"
    page.write_text(page.read_text().replace("{{ code(", "{{ nope() }}{{ code("))
    said = everything_check_says(site)
    assert len(said) == 1 and said[0].endswith("[undefined]"), said


# --- template text left in the prose --------------------------------------------------------------


def leftovers(text: str) -> list[tuple[int, str]]:
    problems = template_text_problems(PATH, textwrap.dedent(text), MACRO_NAMES)
    return [(p.location.line, p.code) for p in problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Poll { endpoint("a.b") }} until done.', [(1, "malformed-macro")]),
        ('Poll {endpoint("a.b")} until done.', [(1, "malformed-macro")]),
        ('See cite("a.b") }} there.', [(1, "malformed-macro")]),
        ('See cite("a.b") } there.', [(1, "malformed-macro")]),
        ("One.\n\nA note {# to self #} here.", [(3, "template-text")]),
        ("A stray }} here.\n\nAnd %} there.", [(1, "template-text"), (3, "template-text")]),
        ("{% raw %}{{ shown }}{% endraw %} in prose.", [(1, "template-text")]),
        ("- item\n\n    {% raw %}{{ x }}{% endraw %}\n", [(3, "template-text")]),
    ],
)
def test_template_text_in_prose_is_reported_at_its_line(text, expected) -> None:
    assert leftovers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        '{{ cite("a.b") }} and {{ endpoint("a.b") }} {## a note ##}',
        "## A heading {#my-anchor}\n\nText {: #id .class }",
        'In a code span: `{% raw %}{{ cite("id") }}{% endraw %}`.',
        "``{% raw %}a `{{` b{% endraw %}``",
        "```jinja\n{% raw %}{{ x }} {# y #}{% endraw %}\n```\n",
        "1. Step\n\n    ~~~~\n    {% raw %}}} {%{% endraw %}\n    ~~~~\n",
        '{{ cite("a.b",\n   "c.d") }} over two lines, then {{ fact("a.b") }}.',
        "Sets {a, b} and f(x) } are fine; so is a {brace}.",
    ],
)
def test_well_formed_pages_and_code_are_left_alone(text) -> None:
    assert leftovers(text) == []


def test_after_a_fence_closes_prose_is_checked_again() -> None:
    assert leftovers("```\n}}\n```\n\nThen }} here.") == [(5, "template-text")]


def test_the_comment_message_points_to_the_real_comment_marks() -> None:
    [problem] = template_text_problems(PATH, "x {# note #}", MACRO_NAMES)
    assert str(problem) == (
        "docs/page.md:1: '{# ... #}' is not a comment in pages, so readers would see it. Write "
        "notes to yourself between {## and ##}, which readers never see. [template-text]"
    )


@pytest.fixture(scope="module")
def renderer() -> PageRenderer:
    records, problems = load_records(FIXTURES / "_base", hosts=TEST_HOSTS)
    assert problems == []
    return PageRenderer(records, {"demo": "Demo Product"})


@pytest.mark.parametrize("always_jinja", [False, True])
def test_both_ways_of_rendering_report_leftovers(always_jinja: bool) -> None:
    records, _ = load_records(FIXTURES / "_base", hosts=TEST_HOSTS)
    renderer = PageRenderer(records, {"demo": "Demo"}, always_jinja=always_jinja)
    page = renderer.render(
        PATH, 'Send { endpoint("demo.get-job") }} now {{ cite("demo.overview") }}.\n'
    )
    assert [(p.location.line, p.code) for p in page.problems] == [(1, "malformed-macro")]


# --- the how-to contract and page macros -----------------------------------------------------------

HOW_TO = (FIXTURES / "_base" / "docs" / "index.md").read_text(encoding="utf-8")


def messages(renderer: PageRenderer, text: str) -> list[str]:
    return [str(p) for p in renderer.render(PATH, text).problems]


def test_a_malformed_macro_in_a_pitfall_is_named_as_such(renderer) -> None:
    text = HOW_TO.replace(
        'Check it {{ cite("demo.get-job") }}', 'Check it { cite("demo.get-job") }}'
    )
    said = messages(renderer, text)
    assert [line.rsplit(" [", 1)[1] for line in said] == ["malformed-macro]"]
    assert said[0].startswith("docs/page.md:21: '{ cite(' is a macro call with a brace missing")


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        (
            "## Pitfalls",
            "the heading '## Pitfalls' is not a how-to section; a how-to needs "
            "'## Common pitfalls'. If this is that section, change the line to '## Common pitfalls'.",
        ),
        (
            "### Common pitfalls",
            "the heading '### Common pitfalls' is not a how-to section; a "
            "how-to needs '## Common pitfalls'. If this is that section, change the line to "
            "'## Common pitfalls'.",
        ),
        ("## Things that go wrong", "a how-to needs the section '## Common pitfalls'."),
    ],
)
def test_a_wrong_heading_is_named_beside_the_expected_one(renderer, heading, expected) -> None:
    said = messages(renderer, HOW_TO.replace("## Common pitfalls", heading))
    assert len(said) == 1 and expected in said[0], said


def test_a_macro_defined_on_the_page_is_not_unknown(renderer) -> None:
    page = renderer.render(
        PATH,
        '{% macro twice(id) %}{{ cite(id) }}{{ cite(id) }}{% endmacro %}{{ twice("demo.overview") }}\n',
    )
    assert page.problems == [] and page.citations.record_ids == ["demo.overview"]


def test_macros_that_call_each_other_are_recursive(renderer) -> None:
    text = "{% macro a() %}{{ b() }}{% endmacro %}\n{% macro b() %}{{ a() }}{% endmacro %}\n{{ a() }}\n"
    assert messages(renderer, text) == [
        "docs/page.md:1: the macro 'a' calls itself (through b), so it would never finish. Break "
        "the loop: remove one of the calls that lead back to it. [recursive-macro]",
        "docs/page.md:2: the macro 'b' calls itself (through a), so it would never finish. Break "
        "the loop: remove one of the calls that lead back to it. [recursive-macro]",
    ]


def test_only_a_product_folder_ties_a_page_to_its_product(renderer) -> None:
    other = PageRenderer(renderer.records, {"demo": "Demo", "other": "Other"})
    text = HOW_TO.replace("product: demo", "product: other")
    assert other.render("docs/index.md", text).problems == []  # not in a product's folder
    assert other.render("docs/guides/x.md", text).problems == []  # not a product's folder
    [problem] = other.render("docs/demo/x.md", text).problems
    assert (problem.location.line, problem.code) == (4, "wrong-product")

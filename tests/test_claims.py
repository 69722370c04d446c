"""Claims without a source (macros/claims.py): a technical fact in "Why this matters" or
"Step-by-step" needs a citation in its sentence or list item, and a cited record must hold the
code span it follows; `{## uncited: reason ##}` marks a deliberate exception."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import TEST_HOSTS

from macros.claims import names_something, technical_facts
from macros.pages import PageRenderer
from macros.records import load_records

FIXTURE = Path(__file__).parent / "fixtures" / "_base"
PATH = "docs/page.md"
FRONT = "---\ntitle: T\ntype: how-to\nproduct: demo\nsummary: S.\n---\n"  # 6 lines
REST = """
## Common pitfalls

- **A pitfall.** It returns HTTP 404 {{ cite("demo.overview") }}.

## What to check

- **A check.** Fine {{ cite("demo.overview") }}.
"""


@pytest.fixture(scope="module")
def renderer() -> PageRenderer:
    records, problems = load_records(FIXTURE, hosts=TEST_HOSTS)
    assert problems == []
    return PageRenderer(records, {"demo": "Demo Product"})


def claims(renderer: PageRenderer, why: str, steps: str = "1. Nothing to see.\n") -> list[str]:
    """The claim messages of a how-to whose two sections hold `why` and `steps`; the Why text
    starts on line 10 of the file."""
    text = (
        FRONT
        + "\n## Why this matters\n\n"
        + textwrap.dedent(why)
        + "\n## Step-by-step\n\n"
        + textwrap.dedent(steps)
        + REST
    )
    page = renderer.render(PATH, text)
    return [str(p) for p in page.problems if p.code in ("uncited-claim", "claim-not-in-source")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Zoho answers HTTP 429 then.", ["HTTP 429"]),
        ("with status 404", ["status 404"]),
        ("up to 25,000 records or 25 MB", ["25,000 records", "25 MB"]),
        ("the token lasts 24 hours", ["24 hours"]),
        ("read `details.id` and `IN PROGRESS`", ["`details.id`", "`IN PROGRESS`"]),
        ("needs `ZohoCRM.bulk.read`", ["`ZohoCRM.bulk.read`"]),
        ("send `X-CRM-ORG` and map `Last_Name`", ["`X-CRM-ORG`", "`Last_Name`"]),
        ("in 2026 the v8 API, page 2, a `{...}` body", []),
        ('a `"module": "Leads"` value, a `CSV`', []),
    ],
)
def test_technical_facts_are_statuses_numbers_with_units_and_named_code(text, found) -> None:
    assert [fact for _, fact in technical_facts(text)] == found


def test_what_a_code_span_names() -> None:
    assert all(map(names_something, ["page", "find_by", "FAILURE", "ZohoFiles.files.ALL"]))
    assert not any(map(names_something, ["CSV", "/crm/v8/upload", "a b", "{job_id}"]))


def test_an_uncited_fact_in_why_this_matters_is_reported_at_its_line(renderer) -> None:
    assert claims(renderer, "Jobs run later.\nA late call returns HTTP 404 at once.\n") == [
        "docs/page.md:11: this sentence states HTTP 404 without a citation in the same "
        'sentence. Cite the record that states it in this sentence ({{ cite("source-id") }}), or '
        "show the fact with fact(); if it needs no source, add {## uncited: why ##} to it. "
        "[uncited-claim]"
    ]


def test_the_citation_must_be_in_the_same_sentence(renderer) -> None:
    cited_here = 'A job holds up to 500 records {{ cite("demo.overview") }}. Then wait.\n'
    cited_next = 'A job holds up to 500 records. Then wait {{ cite("demo.overview") }}.\n'
    assert claims(renderer, cited_here) == []
    assert [m.split(": ", 1)[1][:34] for m in claims(renderer, cited_next)] == [
        "this sentence states 500 records w"
    ]


def test_a_fact_shown_by_a_macro_is_cited_by_it(renderer) -> None:
    assert claims(renderer, 'The job ends in {{ fact("demo.statuses") }} after 5 minutes.\n') == []


def test_a_list_item_may_cite_anywhere_in_the_item(renderer) -> None:
    steps = """\
        1. **Wait.** A job takes 10 minutes.
           Then it reports `COMPLETED` {{ cite("demo.statuses") }}.
        2. **Read it.** Allow 30 seconds between calls.
        """
    assert claims(renderer, "Nothing here.\n", steps) == [
        "docs/page.md:16: this list item states 30 seconds without a citation in the same "
        'list item. Cite the record that states it in this list item ({{ cite("source-id") }}), '
        "or show the fact with fact(); if it needs no source, add {## uncited: why ##} to it. "
        "[uncited-claim]"
    ]


def test_a_code_span_the_cited_record_does_not_hold_is_reported(renderer) -> None:
    assert claims(renderer, 'The job reports `FAILED` {{ cite("demo.statuses") }}.\n') == [
        "docs/page.md:10: `FAILED` is not in the facts or quote of the source(s) cited in this "
        "sentence (demo.statuses). Cite the record that states it, or add it to the record with "
        "Zoho's words in quote; if it needs no source, add {## uncited: why ##} to it. "
        "[claim-not-in-source]"
    ]
    assert claims(renderer, 'The job reports `COMPLETED` {{ cite("demo.statuses") }}.\n') == []


def test_a_record_holds_what_its_quote_says(tmp_path: Path) -> None:
    sources = tmp_path / "sources" / "demo"
    sources.mkdir(parents=True)
    (sources / "x.yml").write_text(
        textwrap.dedent(
            """\
            - id: demo.doc
              kind: doc
              title: Jobs
              url: https://www.zoho.com/jobs.html
              verified_on: 2026-11-20
              quote: "A failed job reports the state FAILURE."
            """
        )
    )
    records, problems = load_records(tmp_path)
    assert problems == []
    renderer = PageRenderer(records, {"demo": "Demo"})
    assert claims(renderer, 'It ends in `FAILURE` {{ cite("demo.doc") }}.\n') == []
    assert len(claims(renderer, 'It ends in `FAILED` {{ cite("demo.doc") }}.\n')) == 1


def test_an_exception_with_a_reason_silences_its_sentence_only(renderer) -> None:
    why = (
        "Poll every 30 seconds {## uncited: our own advice, not a Zoho fact ##}. "
        "Give up after 2 hours.\n"
    )
    assert [m.split(": ", 1)[1][:30] for m in claims(renderer, why)] == [
        "this sentence states 2 hours w"
    ]


def test_an_exception_without_a_reason_is_itself_reported(renderer) -> None:
    found = claims(renderer, "Poll every 30 seconds {## uncited ##}.\n")
    assert found[0] == (
        "docs/page.md:10: this exception to the citation rule gives no reason. Write why the "
        "claim needs no source after 'uncited:', as in "
        "{## uncited: our own advice, not a Zoho fact ##}. [uncited-claim]"
    )
    assert found[1].startswith("docs/page.md:10: this sentence states 30 seconds")  # not excused
    assert len(found) == 2


def test_code_blocks_other_sections_and_other_page_types_are_not_read(renderer) -> None:
    steps = """\
        1. **Send it.** Like this {{ cite("demo.overview") }}:

            ```json
            {"status": 404, "records": "500 records", "field": "`FAILED`"}
            ```

        2. **Then wait.** {{ cite("demo.overview") }}
        """
    assert claims(renderer, "Nothing here.\n", steps) == []  # REST's HTTP 404 is a pitfall
    overview = "---\ntitle: T\ntype: overview\nproduct: demo\n---\n\n## Why this matters\n\n"
    page = renderer.render(PATH, overview + "It returns HTTP 404.\n")
    assert page.problems == []


def test_a_paragraph_after_a_list_is_read_sentence_by_sentence(renderer) -> None:
    steps = """\
        1. **Step.** Done {{ cite("demo.overview") }}.

        After the list, a job holds 200 fields. The end {{ cite("demo.overview") }}.
        """
    assert [m.split(": ", 1)[1][:33] for m in claims(renderer, "Fine.\n", steps)] == [
        "this sentence states 200 fields w"
    ]

"""Text fragments (`#:~:text=`): each character class encoded as the URL Fragment Text Directives
specification says, long quotes as ranges, element fragments kept, and a round trip back."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from macros.textfragment import (
    EDGE_WORDS,
    RANGE_FROM_WORDS,
    TextDirective,
    directive_for,
    encode,
    parse_directive,
    with_text_fragment,
)

URL = "https://www.zoho.com/crm/developer/docs/api/v8/bulk-write/create-job.html"


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("bulk-write", "bulk%2Dwrite"),  # "-" marks a prefix or suffix
        ("Terms & conditions", "Terms%20%26%20conditions"),  # "&" separates directives
        ("Company,Last_Name", "Company%2CLast_Name"),  # "," separates the terms
        ("see #errors", "see%20%23errors"),  # "#" would start another fragment
        ("100%", "100%25"),  # "%" starts an escape
        ("Größe", "Gr%C3%B6%C3%9Fe"),  # non-ASCII: the bytes of its UTF-8 form
        ("Zoho’s “API”", "Zoho%E2%80%99s%20%E2%80%9CAPI%E2%80%9D"),
        ("日本", "%E6%97%A5%E6%9C%AC"),
        ("a  b\tc\n d\u00a0e", "a%20b%20c%20d%20e"),  # every whitespace run is one space
        ("  trimmed  ", "trimmed"),
        ('<a href="x">', "%3Ca%20href=%22x%22%3E"),
        ("{job_id} [x] ^|`\\", "%7Bjob_id%7D%20%5Bx%5D%20%5E%7C%60%5C"),
    ],
)
def test_encode_follows_the_spec_for_each_kind_of_character(text: str, encoded: str) -> None:
    assert encode(text) == encoded


def test_the_explicit_characters_stay_as_they_are() -> None:
    kept = string.ascii_letters + string.digits + "!$'()*+./:;=?@_~"
    assert encode(kept) == kept


def test_a_short_quote_is_one_exact_string() -> None:
    assert str(directive_for("The job ID is mandatory.")) == "text=The%20job%20ID%20is%20mandatory."


def test_a_long_quote_becomes_a_range_of_its_first_and_last_words() -> None:
    words = [f"w{i}" for i in range(RANGE_FROM_WORDS + 1)]
    directive = directive_for(" ".join(words))
    assert directive.start == " ".join(words[:EDGE_WORDS])
    assert directive.end == " ".join(words[-EDGE_WORDS:])
    assert str(directive) == f"text={encode(directive.start)},{encode(directive.end)}"


def test_a_quote_of_exactly_the_limit_stays_exact() -> None:
    quote = " ".join(f"w{i}" for i in range(RANGE_FROM_WORDS))
    assert directive_for(quote) == TextDirective(quote)


def test_the_range_end_grows_until_no_earlier_words_in_the_quote_match_it() -> None:
    # The browser stops at the first textEnd after textStart: "the status of the job." also ends
    # the 2nd sentence, so the end must reach back until it is unique.
    quote = (
        "Use the ID of the job. The status is the status of the job. Poll until it says "
        "COMPLETED, then read the status of the job."
    )
    directive = directive_for(quote)
    assert directive.end == "read the status of the job."
    words = quote.split()
    assert quote.count(directive.end) == 1 and quote.endswith(directive.end)
    assert directive.start == " ".join(words[:EDGE_WORDS])


def test_a_quote_whose_words_all_repeat_ends_with_every_word_after_the_start() -> None:
    quote = " ".join(["job"] * (RANGE_FROM_WORDS + 3))
    directive = directive_for(quote)
    assert directive.start == " ".join(["job"] * EDGE_WORDS)
    assert directive.end == " ".join(["job"] * (RANGE_FROM_WORDS + 3 - EDGE_WORDS))


def test_prefix_and_suffix_are_added_only_when_given() -> None:
    directive = directive_for("status", prefix="job-level", suffix="field, not")
    assert str(directive) == "text=job%2Dlevel-,status,-field%2C%20not"
    assert str(directive_for("status")) == "text=status"


def test_the_fragment_is_added_to_the_url() -> None:
    assert with_text_fragment(URL, "the job & its file") == (
        URL + "#:~:text=the%20job%20%26%20its%20file"
    )


def test_an_element_fragment_is_kept_in_front_of_the_directive() -> None:
    assert with_text_fragment(URL + "#errors", "CSV") == URL + "#errors:~:text=CSV"


def test_a_url_with_its_own_directive_or_an_empty_quote_is_left_alone() -> None:
    own = URL + "#:~:text=mine"
    assert with_text_fragment(own, "other words") == own
    assert with_text_fragment(URL, "  \n ") == URL


def test_the_spec_example_reads_back() -> None:
    assert parse_directive("https://example.com#:~:text=an%20example-,text,fragment,-here") == (
        TextDirective("text", "fragment", "an example", "here")
    )
    assert parse_directive("https://example.com#top") is None
    assert parse_directive("https://example.com#:~:text=,") is None


words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=8,
)


@given(st.lists(words, min_size=1, max_size=30), st.lists(words, max_size=3))
def test_any_quote_reads_back_from_its_link(quote_words: list[str], prefix: list[str]) -> None:
    quote = " ".join(quote_words)
    link = with_text_fragment(URL, quote, prefix=" ".join(prefix))
    fragment = link.partition("#")[2]
    # Only URL code points and escapes: the link survives being copied and parsed.
    assert all(
        c in string.ascii_letters + string.digits + "!$'()*+./:;=?@_~%-,:&" for c in fragment
    )
    assert parse_directive(link) == directive_for(quote, prefix=" ".join(prefix))
    found = parse_directive(link)
    assert found is not None and quote.startswith(found.start)
    assert quote.endswith(found.end or found.start)

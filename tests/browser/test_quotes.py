"""Quotes, in Chromium: the hover preview of a citation shows Zoho's words, and a link made by
macros/textfragment.py scrolls the page to exactly those words, whatever characters they hold."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import make_fixture_site, run_mkdocs

from macros.textfragment import with_text_fragment

from .conftest import serve

pytestmark = pytest.mark.browser

FILLER = "".join(f"<p>Paragraph {n} says nothing in particular.</p>\n" for n in range(150))
# Every character class the encoder escapes: "-", "&", ",", "#", "%", non-ASCII, a line break.
TRICKY = "Zoho’s bulk-write job takes 25,000 records &amp; 100% more: see #errors, données."
LONG = (
    "A job moves from ADDED to IN PROGRESS and then to COMPLETED or FAILED, and the status field "
    "of the job says which; poll it no more often than the limits allow."
)
ZOHO_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A page quoted by a record</title></head>
<body>{FILLER}
<p id="tricky">{TRICKY}</p>
{FILLER}
<h2 id="limits">Limits</h2>
<p id="long-start">{LONG[:60]}</p><p>{LONG[60:]}</p>
{FILLER}</body></html>
"""


@pytest.fixture(scope="module")
def zoho_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("zoho")
    (folder / "page.html").write_text(ZOHO_PAGE, encoding="utf-8")
    with serve(folder, "/") as root:
        yield root + "page.html"


def landed_on(page, url: str, element_id: str) -> bool:
    """Open url from a blank tab; True when the page scrolled the element into view."""
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_timeout(300)  # the text search runs after load
    return page.evaluate(
        """id => { const box = document.getElementById(id).getBoundingClientRect();
                   return window.scrollY > 0 && box.top >= 0 && box.bottom <= innerHeight; }""",
        element_id,
    )


@pytest.mark.parametrize(
    "quote",
    [
        "Zoho’s bulk-write job takes 25,000 records & 100% more: see #errors, données.",
        "25,000 records   &\n 100% more",  # whitespace as YAML may leave it
    ],
)
def test_a_quote_with_every_escaped_character_lands_on_its_words(
    reader, zoho_page: str, quote: str
) -> None:
    assert landed_on(reader.page, with_text_fragment(zoho_page, quote), "tricky")


def test_a_long_quote_lands_as_a_range_across_paragraphs(reader, zoho_page: str) -> None:
    link = with_text_fragment(zoho_page, LONG)
    assert "," in link.split(":~:text=")[1], "a long quote should be a textStart,textEnd range"
    assert landed_on(reader.page, link, "long-start")


def test_an_element_fragment_and_the_quote_work_together(reader, zoho_page: str) -> None:
    link = with_text_fragment(zoho_page + "#limits", LONG)
    assert link.startswith(zoho_page + "#limits:~:text=")
    assert landed_on(reader.page, link, "long-start")


def test_words_not_on_the_page_leave_it_at_the_top(reader, zoho_page: str) -> None:
    # The control: without this, a page that always scrolled would pass the tests above.
    assert not landed_on(
        reader.page, with_text_fragment(zoho_page, "words Zoho never wrote"), "tricky"
    )


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The tiny fixture site (its records carry quotes), built strictly and served."""
    source = make_fixture_site(tmp_path_factory.mktemp("fixture"))
    built = run_mkdocs(source, "build", "--strict")
    assert built.returncode == 0, built.stdout
    with serve(source / "site", "/") as root:
        yield root


def test_the_citation_preview_shows_the_quote(reader, fixture_site: str) -> None:
    page = reader.page
    page.goto(fixture_site)
    marker = page.locator("article sup.bh-cite a.footnote-ref", has_text="[1]").first
    marker.hover()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(state="visible", timeout=5000)
    preview = tooltip.inner_text()
    assert "Demo API overview" in preview
    assert "The Demo API runs jobs." in preview
    entry = page.locator('[id="source-demo.overview"]')
    assert entry.locator("blockquote.bh-quote").inner_text() == "The Demo API runs jobs."
    assert entry.locator("a.bh-source-link").get_attribute("href") == (
        "https://example.com/docs/overview.html#:~:text=The%20Demo%20API%20runs%20jobs."
    )
    # (The fixture site keeps Material's default web fonts; the real site's privacy is tested in
    # test_reading.py.)

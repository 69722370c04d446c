"""The words a reader sees on a fetched page, and finding a quote among them as a browser would.

Owns: turning an HTML page (read with lexbor, a browser-grade parser) into its visible text, the
normalisation a quote and a page share before they are compared, and the search for words at word
boundaries, ignoring case (as browsers match text fragments). Does not own: fetching pages
(fetch.py) or deciding what a match means for a record (drift.py).
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from selectolax.lexbor import LexborHTMLParser

# Never shown: their text is code, styling or metadata.
_INVISIBLE = (
    "head, script, style, noscript, template, [hidden], "
    "[style*='display:none' i], [style*='display: none' i]"
)
# Put between blocks while the text is read; any other whitespace is the page's own.
_BREAK = "\u2029"
# Elements that start a new line of text: their words never run into their neighbours'.
_BLOCKS = (
    "address, article, aside, blockquote, br, caption, dd, details, div, dl, dt, fieldset, "
    "figcaption, figure, footer, form, h1, h2, h3, h4, h5, h6, header, hr, li, main, nav, ol, p, "
    "pre, section, summary, table, tbody, td, tfoot, th, thead, tr, ul"
)
# Typography that varies between copies of the same words: curly and straight quotes, dashes.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
    }
)


def visible_text(html: str) -> str:
    """The page's visible words, one line per block element, whitespace as the browser shows it."""
    tree = LexborHTMLParser(html)
    for node in tree.css(_INVISIBLE):
        node.decompose()
    for node in tree.css(_BLOCKS):
        node.insert_before(_BREAK)
        node.insert_after(_BREAK)
    root = tree.body or tree.root
    if root is None:
        return ""
    # A line break in the HTML source is just a space; only a block starts a new line.
    lines = (" ".join(block.split()) for block in root.text(separator="").split(_BREAK))
    return "\n".join(line for line in lines if line)


def normalise(text: str) -> str:
    """Text as quotes and pages are compared: compatibility forms folded (NFKC), typographic
    quotes and dashes made plain, case ignored, and every run of whitespace one space."""
    folded = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).casefold()
    return " ".join(folded.split())


def find_words(text: str, words: str, start: int = 0) -> int:
    """Where `words` first appear in `text` at or after `start`, beginning and ending at word
    boundaries (so "job" is not found in "jobs"); -1 when they do not. Both normalised."""
    if not words:
        return -1
    pattern = re.compile(
        ("" if not words[0].isalnum() else r"(?<!\w)")
        + re.escape(words)
        + ("" if not words[-1].isalnum() else r"(?!\w)")
    )
    found = pattern.search(text, start)
    return found.start() if found else -1


def closest_passage(text: str, quote: str, least: float = 0.6) -> str:
    """The passage of `text`, as the page writes it, most like `quote` word for word (when at
    least `least` alike, else ""): what a changed page says now in place of the quoted words."""
    page_words = text.split()
    wanted = normalise(quote).split()
    if not wanted or not page_words:
        return ""
    folded = [normalise(word) for word in page_words]
    size, anchors = len(wanted), set(wanted)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(wanted)  # difflib keeps what it learns about the quote between windows
    best, best_at = 0.0, -1
    for at in range(max(1, len(folded) - size + 1)):
        if folded[at] not in anchors:  # a passage like the quote starts with one of its words
            continue
        matcher.set_seq1(folded[at : at + size])
        if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
            continue
        if matcher.ratio() > best:
            best, best_at = matcher.ratio(), at
    return " ".join(page_words[best_at : best_at + size]) if best >= least else ""

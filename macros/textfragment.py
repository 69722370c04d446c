"""Links that land on Zoho's words: a record's quote as a URL text fragment (`#:~:text=...`).

Owns: writing a quote as a text directive the way the URL Fragment Text Directives specification
(WICG) says, and adding it to a URL; reading one back (for the drift watch and the tests). Does not
own: which quote a record has (records.py) or whether the page still holds it (drift.py).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

# The spec's TextDirectiveExplicitChar: URL code points that a directive may hold as they are.
# "-", "&" and "," are the directive's own syntax, so they, "%", "#", spaces and everything else
# are percent-encoded, non-ASCII as the bytes of its UTF-8 form.
_EXPLICIT = frozenset(string.ascii_letters + string.digits + "!$'()*+./:;=?@_~")

# A quote of more words than this is matched as a range (textStart,textEnd): the URL stays short,
# and a range may run across paragraphs and table cells where a single string could not.
RANGE_FROM_WORDS = 12
# How many words each end of a range starts with (more when the end's words repeat in the quote).
EDGE_WORDS = 5


def encode(term: str) -> str:
    """One term of a directive: whitespace runs become one space, then every character outside
    the explicit set is written as the %XX bytes of its UTF-8 form."""
    return "".join(
        c if c in _EXPLICIT else "".join(f"%{b:02X}" for b in c.encode("utf-8"))
        for c in " ".join(term.split())
    )


@dataclass(frozen=True)
class TextDirective:
    """`text=[prefix-,]start[,end][,-suffix]`, every part as plain (decoded) text."""

    start: str
    end: str = ""
    prefix: str = ""
    suffix: str = ""

    def __str__(self) -> str:
        parts = [f"{encode(self.prefix)}-"] if self.prefix else []
        parts.append(encode(self.start))
        if self.end:
            parts.append(encode(self.end))
        if self.suffix:
            parts.append(f"-{encode(self.suffix)}")
        return "text=" + ",".join(parts)


def directive_for(quote: str, prefix: str = "", suffix: str = "") -> TextDirective:
    """The directive that finds `quote`: the quote itself, or for a long one its first and last
    words. `prefix` and `suffix` (words just before or after it on the page) are only for a quote
    whose first words also appear earlier on the page."""
    words = quote.split()
    if not words:
        raise ValueError("an empty quote has no text fragment")
    prefix, suffix = " ".join(prefix.split()), " ".join(suffix.split())
    if len(words) <= RANGE_FROM_WORDS:
        return TextDirective(" ".join(words), prefix=prefix, suffix=suffix)
    start = words[:EDGE_WORDS]
    # The browser ends the range at the first textEnd after textStart, so the end's words must
    # not appear earlier in the quote; take more words until they do not (at the latest, the end
    # is every word after the start, which nothing between them can precede).
    size = next(
        size
        for size in range(EDGE_WORDS, len(words) - EDGE_WORDS + 1)
        if _first_run(words, words[-size:], EDGE_WORDS) == len(words) - size
    )
    return TextDirective(" ".join(start), " ".join(words[-size:]), prefix, suffix)


def _first_run(words: list[str], run: list[str], start: int) -> int:
    """Where `run` first appears in `words` at or after `start` (matched as browsers do, ignoring
    case)."""
    folded, target = [w.casefold() for w in words], [w.casefold() for w in run]
    return next(i for i in range(start, len(folded)) if folded[i : i + len(target)] == target)


# A record's link is written on every page citing it and on its sources page: made once.
@lru_cache(maxsize=16384)
def with_text_fragment(url: str, quote: str, prefix: str = "", suffix: str = "") -> str:
    """`url` with a text directive for `quote`. An element fragment (`#section`) stays in front
    of the directive (`#section:~:text=...`), as the spec allows; a URL that already holds a
    directive, and an empty quote, leave the URL as it is."""
    if not quote.strip():
        return url
    base, _, fragment = url.partition("#")
    if ":~:" in fragment:
        return url
    return f"{base}#{fragment}:~:{directive_for(quote, prefix, suffix)}"


def parse_directive(url: str) -> TextDirective | None:
    """The first text directive of a URL, decoded; None when it has none or it is malformed."""
    fragment = url.partition("#")[2]
    directives = fragment.partition(":~:")[2]
    for directive in directives.split("&"):
        if not directive.startswith("text="):
            continue
        terms = directive.removeprefix("text=").split(",")
        prefix = terms.pop(0)[:-1] if terms and terms[0].endswith("-") else ""
        suffix = terms.pop()[1:] if terms and terms[-1].startswith("-") else ""
        if not 1 <= len(terms) <= 2 or not all(terms):
            return None
        return TextDirective(
            unquote(terms[0]),
            unquote(terms[1]) if len(terms) == 2 else "",
            unquote(prefix),
            unquote(suffix),
        )
    return None

"""Generated HTML kept out of Markdown's way: Markdown converts a short stand-in, and the HTML is
set in afterwards.

Owns: the stand-ins for the HTML the generator writes into a page (citation markers, the Sources
cited list) and setting that HTML back in after conversion. Does not own: the HTML (render.py) or
when conversion happens (MkDocs in the build, markdown_html.py in `check`).

Why: Python-Markdown, and MkDocs before it, read every raw HTML tag of a page with Python's
html.parser. A how-to's markers and its Sources cited list are most of its tags, and converting
them as raw HTML took about a third of the page's conversion time. Each stand-in is of the same
kind as the HTML it stands for, so Markdown treats both alike: a marker (an inline `<sup>`) stands
in as a bare `<sup>` holding the marker's visible text, and a block (the list) as an HTML comment
on lines of its own. The stand-ins carry a key made from the page's source, which a writer
cannot type into the same page. A page whose template repeats or drops a macro's result gets no
stand-ins at all; and if conversion did not keep every stand-in exactly once (a macro inside a
code span, say), fill() says so and the caller converts the page as it stands instead.

The page keeps one copy of its Markdown, the written-out one: the stand-in Markdown is made again
from it when it is converted, so 3,000 pages in memory do not cost two copies each.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from markupsafe import Markup

_ANCHOR = re.compile(r'\sid="([^"]*)"')
# One pattern for every page (compiling one per page cost more than the rest of the stash).
_STAND_IN = re.compile(
    r'<sup data-bh-stash="([0-9a-f]{12})-(\d+)">[^<]*</sup>|<!--bh-stash ([0-9a-f]{12})-(\d+)-->'
)


class Stash:
    """Collects one page's generated HTML while it renders, handing out a stand-in for each."""

    def __init__(self, source: str):
        self.key = hashlib.blake2b(source.encode("utf-8"), digest_size=6).hexdigest()
        self.fragments: list[str] = []
        self.stand_ins: list[str] = []

    def inline(self, fragment: str, visible: str) -> Markup:
        """A stand-in for an inline `<sup>` such as a citation marker; `visible` is its text."""
        number = len(self.fragments)
        return self._keep(
            fragment, f'<sup data-bh-stash="{self.key}-{number}">{html.escape(visible)}</sup>'
        )

    def block(self, fragment: str) -> Markup:
        """A stand-in for a block of HTML; it must stand on lines of its own, as the block would."""
        return self._keep(fragment, f"<!--bh-stash {self.key}-{len(self.fragments)}-->")

    def _keep(self, fragment: str, stand_in: str) -> Markup:
        self.fragments.append(fragment)
        self.stand_ins.append(stand_in)
        return Markup(stand_in)

    def write_out(self, markdown: str) -> tuple[str, Stashed | None]:
        """The Markdown with the HTML in place of its stand-ins, and where each fragment now
        stands in it; None for the second when a stand-in is not there exactly once."""
        out, spans, end, length = [], [], 0, 0
        for match, number in _own(markdown, self.key):
            before = markdown[end : match.start()]
            out += [before, self.fragments[number]]
            length += len(before)
            spans.append((number, length, length + len(self.fragments[number])))
            length += len(self.fragments[number])
            end = match.end()
        written = "".join(out) + markdown[end:]
        if not _each_once((number for number, _, _ in spans), len(self.fragments)):
            return written, None
        ordered = sorted(spans)
        return written, Stashed(
            self.key,
            tuple(self.stand_ins),
            tuple(position for _, start, stop in ordered for position in (start, stop)),
        )


def _each_once(numbers: Iterable[int], count: int) -> bool:
    """Whether the stand-ins found are fragments 0 to count - 1, each exactly once."""
    return sorted(numbers) == list(range(count))


def _own(text: str, key: str) -> list[tuple[re.Match[str], int]]:
    """The stand-ins with this key in `text`, each with the number of the fragment it stands for."""
    found = []
    for match in _STAND_IN.finditer(text):
        own_key, number = (match[1], match[2]) if match[1] else (match[3], match[4])
        if own_key == key:
            found.append((match, int(number)))
    return found


@dataclass(frozen=True)
class Stashed:
    """Where a page's generated HTML stands in its written-out Markdown, and the stand-in for
    each fragment. Every method takes that Markdown (RenderedPage.markdown)."""

    key: str
    stand_ins: tuple[str, ...]
    spans: tuple[int, ...]  # start and end of fragment 0, then of fragment 1, ...

    def _fragment(self, markdown: str, number: int) -> str:
        return markdown[self.spans[2 * number] : self.spans[2 * number + 1]]

    def markdown_to_convert(self, markdown: str) -> str:
        """The Markdown with stand-ins where the generated HTML is."""
        pieces, end = [], 0
        by_position = sorted(range(len(self.stand_ins)), key=lambda n: self.spans[2 * n])
        for number in by_position:
            pieces += [markdown[end : self.spans[2 * number]], self.stand_ins[number]]
            end = self.spans[2 * number + 1]
        return "".join(pieces) + markdown[end:]

    def fill(self, converted: str, markdown: str) -> str | None:
        """The converted page with the HTML in place of the stand-ins; None unless each stand-in
        is there exactly once, for the caller to convert the written-out Markdown instead."""
        found = _own(converted, self.key)
        if not _each_once((number for _, number in found), len(self.stand_ins)):
            return None
        out, end = [], 0
        for match, number in found:
            out += [converted[end : match.start()], self._fragment(markdown, number)]
            end = match.end()
        return "".join(out) + converted[end:]

    def html(self, markdown: str, convert: Callable[[str], str]) -> str:
        """The page's HTML: converted with stand-ins and filled, or converted whole if need be."""
        filled = self.fill(convert(self.markdown_to_convert(markdown)), markdown)
        return filled if filled is not None else convert(markdown)

    def anchors(self, markdown: str) -> set[str]:
        """The ids the fragments give elements, which links to this page may point at."""
        fragments = (self._fragment(markdown, n) for n in range(len(self.stand_ins)))
        return {html.unescape(m[1]) for part in fragments for m in _ANCHOR.finditer(part)}

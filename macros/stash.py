"""Generated HTML kept out of Markdown's way: Markdown converts a short stand-in, and the HTML is
set in afterwards.

Owns: the stand-ins for the HTML the generator writes into a page (citation markers, the Sources
cited list) and setting that HTML back in after conversion. Does not own: the HTML (render.py) or
when conversion happens (MkDocs in the build, markdown_html.py in `check`).

Why: Python-Markdown, and MkDocs before it, read every raw HTML tag of a page with Python's
html.parser. A how-to's markers and its Sources cited list are most of its tags, and converting
them as raw HTML took about a third of the page's conversion time. Each stand-in is of the same
kind as the HTML it stands for, so Markdown treats both alike: a marker (an inline `<sup>`) stands
in as an empty-looking `<sup>` with the marker's visible text, and a block (the list) as an HTML
comment on lines of its own. The stand-ins carry a key made from the page's source, which a writer
cannot type into the same page; if conversion did not keep every stand-in exactly once (a macro
inside a code span, say), fill() says so and the caller converts the page as it stands instead.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
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

    def inline(self, fragment: str, visible: str) -> Markup:
        """A stand-in for an inline `<sup>` such as a citation marker; `visible` is its text."""
        self.fragments.append(fragment)
        number = len(self.fragments) - 1
        return Markup(f'<sup data-bh-stash="{self.key}-{number}">{html.escape(visible)}</sup>')

    def block(self, fragment: str) -> str:
        """A stand-in for a block of HTML; it must stand on lines of its own, as the block would."""
        self.fragments.append(fragment)
        return f"<!--bh-stash {self.key}-{len(self.fragments) - 1}-->"

    def stashed(self, markdown: str) -> Stashed:
        return Stashed(markdown, tuple(self.fragments), self.key)


@dataclass(frozen=True)
class Stashed:
    """A page's Markdown with stand-ins, and the HTML each stands for."""

    markdown: str
    fragments: tuple[str, ...]
    key: str

    def _own(self, text: str) -> list[tuple[re.Match[str], int]]:
        """This page's stand-ins in `text`, each with the number of the fragment it stands for."""
        found = []
        for match in _STAND_IN.finditer(text):
            key, number = (match[1], match[2]) if match[1] else (match[3], match[4])
            if key == self.key:
                found.append((match, int(number)))
        return found

    def write_out(self, text: str) -> str:
        """`text` with the HTML in place of every stand-in it holds."""
        out, end = [], 0
        for match, number in self._own(text):
            out += [text[end : match.start()], self.fragments[number]]
            end = match.end()
        return "".join(out) + text[end:]

    def fill(self, converted: str) -> str | None:
        """The converted page with the HTML in place of the stand-ins; None unless each stand-in
        is there exactly once (a template may repeat or drop a macro's result), for the caller to
        convert the written-out Markdown instead."""
        if sorted(n for _, n in self._own(converted)) != list(range(len(self.fragments))):
            return None
        return self.write_out(converted)

    def html(self, convert: Callable[[str], str]) -> str:
        """The page's HTML: converted with stand-ins and filled, or converted whole if need be."""
        filled = self.fill(convert(self.markdown))
        return filled if filled is not None else convert(self.write_out(self.markdown))

    def anchors(self) -> set[str]:
        """The ids the fragments give elements, which links to this page may point at."""
        return {html.unescape(m[1]) for part in self.fragments for m in _ANCHOR.finditer(part)}

"""Material's search index, with each page read by lexbor instead of Python's html.parser.

Owns: replaying a page's HTML, parsed by lexbor, as the start-tag, text and end-tag calls that
Material's own search parser handles. Does not own: what goes into the index (Material's Parser
and SearchIndex decide that, unchanged) or when pages are indexed (Material's search plugin).

Why: Material splits every page into sections with an html.parser subclass, and tokenizing HTML in
Python was about half of that work, and a sixth of a whole build. lexbor does the tokenizing in C;
Material's handlers still see the same calls in the same order, so the index holds the same
entries (tests compare the two on every page of the site).
"""

from __future__ import annotations

from typing import Any

from material.plugins.search.plugin import (  # type: ignore[import-untyped]
    Parser,
    SearchIndex,
    void,
)
from selectolax.lexbor import LexborHTMLParser, LexborNode

_NOT_ELEMENTS = ("-text", "-comment", "!doctype")


def sections(content: str) -> Parser:
    """Material's parser after it has read `content`: its sections, in page order."""
    parser = Parser()
    # A browser drops the whitespace before the first tag; html.parser reports it as text, which
    # opens the page's first section before any heading does, and so gives a first h1 its anchor.
    leading = content[: len(content) - len(content.lstrip())]
    if leading:
        parser.handle_data(leading)
    tree = LexborHTMLParser(content)
    for part in (tree.head, tree.body):  # tags such as <style> first in a page land in <head>
        if part is not None:
            _replay(part, parser)
    return parser


def _replay(root: LexborNode, parser: Parser) -> None:
    """Walk root's content in document order; a loop, not recursion, since pages may nest deep."""
    open_elements: list[tuple[str, LexborNode | None]] = []  # (tag, the node after it)
    node = root.child
    while True:
        while node is None:
            if not open_elements:
                return
            closed, node = open_elements.pop()
            parser.handle_endtag(closed)
        tag = node.tag or ""
        if tag == "-text":
            parser.handle_data(node.text_content or "")
        elif tag not in _NOT_ELEMENTS:
            parser.handle_starttag(tag, list(node.attributes.items()))
            if tag not in void:
                open_elements.append((tag, node.next))
                node = node.child
                continue
        node = node.next


class LexborSearchIndex(SearchIndex):
    """Material's SearchIndex, reading pages through sections() above."""

    def add_entry_from_context(self, page: Any) -> None:
        # As Material's own add_entry_from_context, with its parser fed by lexbor.
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        for section in sections(page.content).data:
            if not section.is_excluded():
                self.create_entry_for_section(section, page.toc, page.url, page)


def read_with_lexbor(search_plugin: Any) -> None:
    """Make Material's search plugin read pages with lexbor; leave any other version alone."""
    index = getattr(search_plugin, "search_index", None)
    if index is not None and type(index) is SearchIndex:
        search_plugin.search_index = LexborSearchIndex(**index.config)

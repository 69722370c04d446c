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
    Element,
    Parser,
    SearchIndex,
    Section,
    void,
)
from selectolax.lexbor import LexborHTMLParser, LexborNode

from .page_worker import Batches, PageWorker, WorkerFailed

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


def kept_sections(content: bytes) -> list[tuple[str | None, str, str]]:
    """(id, title, text) of each section of the page (its HTML as UTF-8) the index keeps, in page
    order: what Material's index reads of a section, and small to send from the worker."""
    return [
        (section.id, "".join(section.title), "".join(section.text))
        for section in sections(content.decode("utf-8", "surrogatepass")).data
        if not section.is_excluded()
    ]


def kept_sections_of(contents: list[bytes]) -> list[list[tuple[str | None, str, str]]]:
    """kept_sections of each page, for a batch of pages sent to the worker at once."""
    return [kept_sections(content) for content in contents]


def _section(id: str | None, title: str, text: str) -> Section:
    section = Section(Element("hx"))
    # An empty title stays empty, so that Material gives the section the page's title.
    section.id, section.title, section.text = id, [title] if title else [], [text]
    return section


class LexborSearchIndex(SearchIndex):
    """Material's SearchIndex, reading pages through sections() above, in the page worker when
    the build has one; entries are added in page order either way."""

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        self.use(PageWorker())  # does the work here and now until read_with_lexbor gives one

    def use(self, worker: PageWorker) -> None:
        self.worker = worker
        self.pages = Batches(worker, kept_sections_of)

    def add_entry_from_context(self, page: Any) -> None:
        # As Material's own add_entry_from_context, with its parser fed by lexbor.
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        self.pages.add(page.content, page)
        self._add_finished(wait=False)

    def _add_finished(self, wait: bool) -> None:
        for job, pages in self.pages.taken(wait):
            try:
                found = self.worker.result(job, f"{pages[0].file.src_uri} or a page after it")
            except WorkerFailed:
                self.pages.clear()  # the build stops: no later batch is waited for
                raise
            for page, sections in zip(pages, found, strict=True):
                for id, title, text in sections:
                    section = _section(id, title, text)
                    self.create_entry_for_section(section, page.toc, page.url, page)

    def generate_search_index(self, prev: Any) -> str:
        self.pages.send()
        self._add_finished(wait=True)
        return super().generate_search_index(prev)


def read_with_lexbor(search_plugin: Any, worker: PageWorker | None = None) -> None:
    """Make Material's search plugin read pages with lexbor (in `worker`, when given and started);
    leave any other version alone."""
    index = getattr(search_plugin, "search_index", None)
    if index is not None and type(index) is SearchIndex:
        search_plugin.search_index = LexborSearchIndex(**index.config)
        if worker is not None:
            search_plugin.search_index.use(worker)

"""The site-wide files a build adds: sources pages' text, sources.json, llms.txt, page Markdown.

Owns: when each is made again and writing it into the output folder; serve rebuilds remake only
what changed. Does not own: their content (sources_page.py, sources_json.py, llms.py) or MkDocs
(the adapter hands data over).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import llms, page_info, sources_json, sources_page
from .kinds import Record
from .pages import PageRenderer


@dataclass(frozen=True)
class SiteSettings:
    name: str
    description: str
    url: str | None
    use_directory_urls: bool
    # Where code records' files are read on the repository host (repo_links.file_base), or None.
    code_base: str | None = None


@dataclass(frozen=True)
class SiteContent:
    """What one build hands over for its site-wide files, and where they go."""

    site_dir: Path  # the folder being built
    settings: SiteSettings
    pages: Sequence[page_info.PageInfo]
    records: Mapping[str, Record]
    products: Mapping[str, str]  # key -> name, in the nav's order
    sources_pages: Mapping[str, str]  # product -> its sources page's address
    citing: Mapping[str, list[page_info.PageInfo]]  # record id -> the pages citing it
    keep: bool  # remember page Markdown for the next build (serve); a one-off build keeps nothing


class SiteFiles:
    """Made from the records (one renderer per set), the settings and each page's citations."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self.reused = False
        self._sources_pages: dict[str, sources_page.SourcesPage] = {}
        self._site_texts: dict[str, str] | None = None
        self._markdown: dict[str, tuple[tuple, str]] = {}
        self._renderer: PageRenderer | None = None

    def start(
        self, settings: SiteSettings, renderer: PageRenderer, pages: Sequence[page_info.PageInfo]
    ) -> None:
        """Begin a build; what it is made from decides what earlier builds' texts can be reused."""
        self._renderer = renderer
        key = (
            renderer,
            settings,
            tuple(
                (p.src_uri, p.url, p.dest_uri, p.title, p.type, p.product, p.summary, *p.record_ids)
                for p in pages
            ),
        )
        self.reused, self._key = key == self._key, key
        if not self.reused:
            self._site_texts = None

    def sources_page(
        self, uri: str, make: Callable[[], sources_page.SourcesPage]
    ) -> tuple[sources_page.SourcesPage, bool]:
        """A product's sources page, and whether it is the same as the last build's."""
        previous = self._sources_pages.get(uri)
        page = previous if previous is not None and self.reused else make()
        self._sources_pages[uri] = page
        return page, previous == page

    def write(self, content: SiteContent) -> None:
        """sources.json, llms.txt and each page's Markdown, into the folder being built."""
        settings, pages, site_dir = content.settings, content.pages, content.site_dir
        if self._site_texts is None:
            self._site_texts = {
                page_info.SOURCES_JSON: sources_json.sources_json(
                    settings.name,
                    settings.url,
                    content.records.values(),
                    content.citing,
                    content.sources_pages,
                    settings.code_base,
                ),
                page_info.LLMS_TXT: llms.llms_txt(
                    settings.name,
                    settings.description,
                    settings.url,
                    pages,
                    content.products,
                    content.sources_pages,
                ),
            }
        for name, text in self._site_texts.items():
            (site_dir / name).write_text(text, encoding="utf-8")
        earlier, self._markdown = self._markdown, {}
        for page in pages:
            target = site_dir / page.markdown_uri
            key = (page, self._key[0] if self._key else None, settings.url)
            cached = earlier.get(page.markdown_uri)
            if cached is not None and cached[0] == key:
                self._markdown[page.markdown_uri] = cached
                if target.is_file():
                    continue  # a dirty rebuild left the file it wrote before
                text = cached[1]
            else:
                assert self._renderer is not None, "start() comes first"
                text = llms.page_markdown(page, self._renderer, settings.url)
                if content.keep:
                    self._markdown[page.markdown_uri] = (key, text)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

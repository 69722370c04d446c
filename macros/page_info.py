"""What the site-wide outputs know about a page, and the addresses they link with.

Owns: PageInfo (a rendered page with its addresses and title), the reverse index of citing pages,
absolute and relative page addresses, and where each output is published. Does not own: the
outputs themselves (sources_page.py, sources_json.py, json_ld.py, llms.py, diagrams.py).
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .rendered_page import RenderedPage

SOURCES_JSON = "sources.json"
LLMS_TXT = "llms.txt"


@dataclass(frozen=True)
class PageInfo:
    """One documentation page as the site-wide outputs see it."""

    src_uri: str  # path under docs/, such as zoho-crm/bulk-write/retrieve-bulk-write-jobs.md
    url: str  # site-relative address, such as zoho-crm/bulk-write/retrieve-bulk-write-jobs/
    dest_uri: str  # built file, such as zoho-crm/bulk-write/retrieve-bulk-write-jobs/index.html
    title: str
    rendered: RenderedPage
    source: str = ""  # the page file's text, for its Markdown copy

    @property
    def type(self) -> str:
        return self.rendered.meta.get("type", "")

    @property
    def product(self) -> str:
        return self.rendered.meta.get("product", "")

    @property
    def summary(self) -> str:
        return self.rendered.meta.get("summary", "")

    @property
    def record_ids(self) -> list[str]:
        """Cited records, in citation-number order."""
        return [record_id for _, record_id, _ in self.rendered.citations.entries()]

    @property
    def markdown_uri(self) -> str:
        """Where the page's plain Markdown is published: next to its HTML, ending in .md."""
        return posixpath.splitext(self.dest_uri)[0] + ".md"


# A page's own first-level heading (with or without an attribute list).
H1_HEADING = re.compile(r"^#\s+(.+?)\s*(?:\{[^}]*\})?\s*$", re.M)


def page_title(rendered: RenderedPage, src_uri: str) -> str:
    """The front matter's title, else the page's first '# heading', else its file name."""
    if rendered.meta.get("title"):
        return rendered.meta["title"]
    heading = H1_HEADING.search(rendered.markdown)
    if heading:
        return html.unescape(heading.group(1))
    stem = posixpath.splitext(posixpath.basename(src_uri))[0]
    if stem in ("index", "README"):
        stem = posixpath.basename(posixpath.dirname(src_uri)) or "home"
    return stem.replace("-", " ").capitalize()


def citing_pages(pages: Iterable[PageInfo]) -> dict[str, list[PageInfo]]:
    """Reverse index: each record id and the pages that cite it, in page order."""
    index: dict[str, list[PageInfo]] = {}
    for page in pages:
        for record_id in page.record_ids:
            index.setdefault(record_id, []).append(page)
    return index


def absolute_url(site_url: str | None, url: str) -> str:
    """A site-relative address made absolute with site_url (or root-relative without one)."""
    if not site_url:
        return "/" + url
    return site_url.rstrip("/") + "/" + url


def relative_url(from_url: str, to_url: str) -> str:
    """The link from one site-relative page address to another, as MkDocs writes them."""
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
    target = to_url.rstrip("/") or "."
    link = posixpath.relpath(target, base.rstrip("/") or ".")
    if to_url.endswith("/") or not to_url:
        link = link.rstrip("/") + "/" if link != "." else "./"
    return link


def sources_page_uri(product: str) -> str:
    return f"{product}/sources.md"

"""llms.txt and a plain Markdown copy of each page, for tools that read text rather than HTML.

Owns: the llmstxt.org index (pages grouped by product) and each page rendered again through the
plain Markdown backend (render_plain.py). Does not own: the HTML pages or the sources pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import render_plain
from .page_info import H1_HEADING, SOURCES_JSON, PageInfo, absolute_url
from .pages import PageRenderer


def llms_txt(
    site_name: str,
    description: str,
    site_url: str | None,
    pages: Sequence[PageInfo],
    products: Mapping[str, str],
    sources_page_urls: Mapping[str, str],
) -> str:
    """The llmstxt.org index: title, summary, then each page's Markdown grouped by product."""

    def entry(title: str, url: str, note: str = "") -> str:
        address = render_plain.url(absolute_url(site_url, url))
        line = f"- [{render_plain.text(title)}]({address})"
        return line + (f": {render_plain.text(note)}" if note else "")

    lines = [
        f"# {render_plain.text(site_name)}",
        "",
        f"> {render_plain.text(description)}",
        "",
        "Each page below is plain Markdown. Facts carry numbered citations such as [1]; every page "
        "ends with its Sources cited list, giving each source's official URL and the date it was "
        "checked. Beam Help is independent and is not official Zoho support.",
        "",
    ]
    general = [p for p in pages if p.product not in products]
    if general:
        lines += ["## Beam Help", ""]
        lines += [entry(p.title, p.markdown_uri, p.summary) for p in general]
        lines.append("")
    for product, name in products.items():
        members = [p for p in pages if p.product == product]
        if not members and product not in sources_page_urls:
            continue
        lines += [f"## {render_plain.text(name)}", ""]
        lines += [entry(p.title, p.markdown_uri, p.summary) for p in members]
        if product in sources_page_urls:
            lines.append(
                entry(
                    f"Sources for {name}",
                    sources_page_urls[product],
                    "every source record with its facts and the pages citing it",
                )
            )
        lines.append("")
    lines += [
        "## Optional",
        "",
        entry(
            "sources.json",
            SOURCES_JSON,
            "every source record as JSON: facts, official URL, verified date, citing pages",
        ),
        "",
    ]
    return "\n".join(lines)


def page_markdown(page: PageInfo, renderer: PageRenderer, site_url: str | None) -> str:
    """A page as plain Markdown that keeps its citation numbers and lists its sources with URLs:
    the page's template rendered again through the renderer's plain Markdown backend, so record
    values are escaped for Markdown here as they are for HTML on the site."""
    body = renderer.render(page.rendered.path, page.source, render_plain).markdown.strip("\n")
    if not H1_HEADING.search(body):
        body = f"# {render_plain.text(page.title)}\n\n{body}"
    return f"{body}\n\nPage: {absolute_url(site_url, page.url)}\n"

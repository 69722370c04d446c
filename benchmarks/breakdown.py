#!/usr/bin/env python3
"""Where a built site's bytes go, per how-to: what the reader came for, and what the theme repeats.

Owns: sorting a built site's bytes into parts and printing them. Does not own: building the site
(run.py) or the site's total (measure.py).

    python3 benchmarks/breakdown.py benchmarks/out/3000/ours/site
    python3 benchmarks/breakdown.py site --how-tos 13

The page parts come from reading every built page with an HTML parser: the article (the page's
own content), the primary navigation (Material's sidebar) and the rest of the theme's markup
(header, search box, palette, table of contents, footer, scripts, head). The other parts are
files: the Markdown copies, the search index, sources.json, the per-product sources pages and
everything else (theme assets, sitemap, llms.txt). "Content only" is the sum of the parts a
reader reads or searches, with the theme's markup taken away: the floor no change to the theme
alone can go below.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

PAGE_PARTS = ("article", "navigation", "other theme markup")
FILE_PARTS = ("Markdown copies", "search index", "sources.json", "sources pages", "other files")
CONTENT_PARTS = ("article", "Markdown copies", "search index", "sources.json", "sources pages")


@dataclass
class Breakdown:
    how_tos: int
    parts: dict[str, int] = field(default_factory=dict)

    def kb(self, part: str) -> float:
        return self.parts.get(part, 0) / self.how_tos / 1024

    @property
    def total(self) -> int:
        return sum(self.parts.values())


def _element_bytes(tree: LexborHTMLParser, selector: str) -> int:
    node = tree.css_first(selector)
    return len(node.html.encode()) if node is not None and node.html else 0


def _part_of(path: Path, site: Path) -> str:
    relative = path.relative_to(site).as_posix()
    if relative == "search/search_index.json":
        return "search index"
    if relative == "sources.json":
        return "sources.json"
    if path.suffix == ".md":
        return "Markdown copies"
    if path.name == "index.html" and path.parent.name == "sources":
        return "sources pages"
    if path.suffix == ".html":
        return "page"
    return "other files"


def breakdown(site: Path, how_tos: int | None = None) -> Breakdown:
    parts = dict.fromkeys(PAGE_PARTS + FILE_PARTS, 0)
    pages = 0
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        part = _part_of(path, site)
        size = path.stat().st_size
        if part != "page":
            parts[part] += size
            continue
        pages += path.name != "404.html"
        tree = LexborHTMLParser(path.read_bytes())
        article = _element_bytes(tree, "article.md-content__inner")
        navigation = _element_bytes(tree, "nav.md-nav--primary")
        parts["article"] += article
        parts["navigation"] += navigation
        parts["other theme markup"] += size - article - navigation
    return Breakdown(how_tos or max(pages, 1), parts)


def print_breakdown(result: Breakdown, label: str = "") -> None:
    title = f" ({label})" if label else ""
    print(f"\nBytes per how-to{title}, KB (1 KB = 1,024 bytes), over {result.how_tos:,} how-tos:")
    for part in PAGE_PARTS + FILE_PARTS:
        kind = "content" if part in CONTENT_PARTS else "theme" if part in PAGE_PARTS else "files"
        print(f"  {part:20} {result.kb(part):7.1f}   {kind}")
    content = sum(result.kb(part) for part in CONTENT_PARTS)
    print(f"  {'total':20} {result.total / result.how_tos / 1024:7.1f}")
    print(f"  {'content only':20} {content:7.1f}   (the floor without the theme's markup)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site folder")
    parser.add_argument(
        "--how-tos", type=int, help="divide by this many how-tos (default: the HTML pages)"
    )
    args = parser.parse_args(argv)
    print_breakdown(breakdown(args.site, args.how_tos), str(args.site))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

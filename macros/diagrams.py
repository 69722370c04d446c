"""Diagrams inlined into pages, so a drawing can take the page's colours in both schemes.

Owns: finding <img class="bh-diagram"> of the site's own .svg files in a built page and putting
the drawing in its place. Does not own: checking the SVG files (static_files.py).
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)"')
_XML_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*", re.S)
DIAGRAM_CLASS = "bh-diagram"


def inline_svg_images(page_html: str, page_url: str, load: Callable[[str], str | None]) -> str:
    """Replace each <img class="bh-diagram" src="...svg"> with the SVG itself, so the drawing can
    use the page's colours (currentColor, Material's CSS variables) in light and dark schemes.
    `load` gets the site-relative path of the SVG and returns its text, or None to leave the img."""

    def inline(match: re.Match[str]) -> str:
        attrs = {k: html.unescape(v) for k, v in _ATTRIBUTE.findall(match.group(0))}
        src = attrs.get("src", "")
        if DIAGRAM_CLASS not in attrs.get("class", "").split() or not src.endswith(".svg"):
            return match.group(0)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^/", src, re.I):
            return match.group(0)  # only the site's own files are inlined
        base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url)
        path = posixpath.normpath(posixpath.join(base, src))
        svg = load(path) if not path.startswith("..") else None
        if svg is None:
            return match.group(0)
        svg = _XML_PROLOGUE.sub("", svg, count=1).strip()
        return f'<span class="{DIAGRAM_CLASS}">{svg}</span>'

    return _IMG.sub(inline, page_html)

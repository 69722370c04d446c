"""Built pages without the bytes a browser ignores: the theme's indentation, comments and quotes
that HTML does not need.

Owns: how a finished page is shortened, with minify-html (a Rust minifier that reads HTML by the
WHATWG rules). Does not own: what the page says (the theme and the core) or when it is applied
(the MkDocs adapter, after the theme has written the page).

Only markup is touched: the text inside <script> (Material's configuration JSON, its small inline
script, the JSON-LD), <style> and <pre> is left byte for byte, so nothing that runs or shows code
can change. Closing tags and the <html> and <head> opening tags stay, so any HTML parser, not only
a browser's, reads the same tree from the shortened page.
"""

from __future__ import annotations

import minify_html

_OPTIONS = {
    "keep_closing_tags": True,
    "keep_html_and_head_opening_tags": True,
    "minify_js": False,
    "minify_css": False,
}


def page(html: str) -> str:
    """The page, shortened; the same text always gives the same bytes (reproducible builds)."""
    return minify_html.minify(html, **_OPTIONS)

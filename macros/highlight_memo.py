"""Each code block's highlighting done once per process, however many pages show the same code.

Owns: a bounded memo in front of Pygments' `highlight()` as pymdownx.highlight calls it. Does not
own: how code looks (pymdownx.highlight, set up in mkdocs.yml) or which code a page shows
(page_macros.code).

Why: many how-tos show the same tested example function, and Pygments lexed it again on every
page: at 1,000 how-tos, about a tenth of the build went to highlighting some 40 functions a
thousand times. Highlighting is a pure function of the code, the lexer with its options and the
formatter with its options (the line anchors a block gets are formatter options), so the memo
keys on exactly those and hands back the same text Pygments would have made. A pymdownx that
stops calling `highlight` through its module is simply left alone: slower, never different.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

# Enough for every distinct example block of a large site; each entry is one block's HTML.
MAX_ENTRIES = 512


class HighlightMemo:
    """Pygments' highlight(code, lexer, formatter), remembered by its inputs."""

    def __init__(self, highlight: Any, max_entries: int = MAX_ENTRIES):
        self.highlight = highlight
        self.max_entries = max_entries
        self._made: OrderedDict[tuple[Any, ...], str] = OrderedDict()
        self.hits = 0

    def __call__(self, code: str, lexer: Any, formatter: Any, outfile: Any = None) -> Any:
        key = _key(code, lexer, formatter)
        if outfile is not None or key is None:  # writes to a file, or inputs we cannot key
            return self.highlight(code, lexer, formatter, outfile)
        made = self._made.get(key)
        if made is not None:
            self._made.move_to_end(key)
            self.hits += 1
            return made
        made = self.highlight(code, lexer, formatter)
        if isinstance(made, str):
            self._made[key] = made
            if len(self._made) > self.max_entries:
                self._made.popitem(last=False)
        return made


def _key(code: Any, lexer: Any, formatter: Any) -> tuple[Any, ...] | None:
    lexer_options = getattr(lexer, "options", None)
    formatter_options = getattr(formatter, "options", None)
    if not isinstance(code, str) or not isinstance(lexer_options, dict):
        return None
    if not isinstance(formatter_options, dict):
        return None
    # repr, not the values: options hold lists (hl_lines), which cannot be dict keys.
    return (
        code,
        type(lexer),
        repr(sorted(lexer_options.items())),
        type(formatter),
        repr(sorted(formatter_options.items())),
    )


def install() -> HighlightMemo | None:
    """Put the memo between pymdownx.highlight and Pygments (once); None if either is missing or
    pymdownx no longer calls Pygments' own `highlight` by that name."""
    try:
        import pygments
        import pymdownx.highlight as pymdownx_highlight
    except ImportError:
        return None
    current = getattr(pymdownx_highlight, "highlight", None)
    if isinstance(current, HighlightMemo):
        return current
    if current is not pygments.highlight:
        return None
    memo = HighlightMemo(current)
    pymdownx_highlight.highlight = memo
    return memo

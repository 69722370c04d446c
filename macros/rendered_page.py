"""What rendering one page gives: its Markdown, front matter, citations and problems.

Owns: the RenderedPage value that every later step reads (the adapter, the site rules, the
relations between pages, the site-wide outputs). Does not own: making it (pages.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .citations import Citations
from .page_scan import MacroCall
from .problems import Problem
from .stash import Stashed


@dataclass
class RenderedPage:
    path: str
    meta: dict[str, Any]
    markdown: str
    citations: Citations
    problems: list[Problem]
    body_line: int = 1  # the first line after the front matter
    # Ids the page names, found without rendering it; set only when the page has errors, so a
    # page that failed to render still counts as citing its records.
    named_ids: frozenset[str] = frozenset()
    meta_lines: dict[str, int] = field(default_factory=dict)  # front matter key -> file line
    # The page's macro calls as the render found them (None where it never got that far), so
    # site-wide rules need not parse every page again.
    calls: tuple[MacroCall, ...] | None = None
    # The same Markdown with stand-ins for the generated HTML, for converting it (stash.py); None
    # for a page rendered as plain Markdown, or too costly to convert at all.
    stashed: Stashed | None = None

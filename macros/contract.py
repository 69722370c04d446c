"""The static view of a page and the how-to contract, without rendering it.

Owns: the rules a how-to must follow (front matter, four sections, cited pitfalls and checks)
and the nesting bounds of a page's lines. Does not own: finding calls, headings and list items
(page_scan.py) or rendering (pages.py).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from .frontmatter import HOW_TO_FIELDS, FrontMatter
from .page_scan import MacroCall, find_macro_calls, list_items, outline
from .problems import Location, Problem, did_you_mean

HOW_TO_SECTIONS = ("Why this matters", "Step-by-step", "Common pitfalls", "What to check")
CITED_ITEM_SECTIONS = ("Common pitfalls", "What to check")
PAGE_TYPES = ("how-to", "overview", "landing", "reference")


# Python-Markdown's time grows fast with nesting (2,000 nested list items took minutes, 4,000
# nested '[' ten seconds). No page needs more than a few levels; these bounds leave plenty.
MAX_INDENT = 48  # columns of leading spaces (a tab counts 4)
MAX_QUOTE_DEPTH = 8  # '>' markers opening one line
MAX_BRACKET_DEPTH = 8  # '[' open at once within one line


def nesting_problems(path: str, lines: list[str]) -> list[Problem]:
    """A problem at each line nested deeper than Markdown can convert in reasonable time."""
    problems = []
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip(" \t")
        indent = len(line[: len(line) - len(stripped)].expandtabs(4))
        markers = stripped[: len(stripped) - len(stripped.lstrip(" \t>"))]
        quotes = markers.count(">")
        depth = deepest = 0
        # Brackets cannot nest deeper than there are '[': most lines need no walk (it was a
        # tenth of rendering a page).
        for char in line if line.count("[") > MAX_BRACKET_DEPTH else ():
            depth += (char == "[") - (char == "]" and depth > 0)
            deepest = max(deepest, depth)
        if indent > MAX_INDENT or quotes > MAX_QUOTE_DEPTH or deepest > MAX_BRACKET_DEPTH:
            problems.append(
                Problem(
                    Location(path, number),
                    "this line is nested too deeply (indentation, '>' quotes or '[' brackets)",
                    f"Keep to at most {MAX_INDENT // 4} levels of indentation, "
                    f"{MAX_QUOTE_DEPTH} of quotes and {MAX_BRACKET_DEPTH} of brackets",
                    "too-deep",
                )
            )
    return problems


_LITTLE_WORDS = frozenset({"a", "by", "it", "of", "the", "this", "to", "what", "why"})


def _words(text: str) -> set[str]:
    """The words that carry meaning, without a plural s: 'Pitfalls' shares 'pitfall' with
    'Common pitfalls', 'Steps' shares 'step' with 'Step-by-step'."""
    return {w.removesuffix("s") for w in re.findall(r"[a-z]+", text)} - _LITTLE_WORDS


def _likeness(heading: str, section: str) -> float:
    """How much a heading looks like a section's name: its spelling, or a meaningful word shared."""
    heading, section = heading.lower(), section.lower()
    shared = _words(heading) & _words(section)
    return max(difflib.SequenceMatcher(None, heading, section).ratio(), 0.6 if shared else 0)


def _nearest_headings(
    missing: list[str], headings: list[tuple[int, int, str]]
) -> dict[str, tuple[int, int, str]]:
    """For each missing section, the page's heading that was most likely meant for it: the same
    words at another level, or a close spelling ('## Pitfalls' for '## Common pitfalls')."""
    sections = {s.lower() for s in HOW_TO_SECTIONS}
    others = [h for h in headings if not (h[1] == 2 and h[2].lower() in sections)]
    near: dict[str, tuple[int, int, str]] = {}
    for section in missing:
        likely = [
            (_likeness(h[2], section), h)
            for h in others
            if h not in near.values() and _likeness(h[2], section) >= 0.6
        ]
        if likely:
            near[section] = max(likely, key=lambda pair: pair[0])[1]
    return near


def contract_problems(
    products: Mapping[str, str],
    path: str,
    lines: list[str],
    matter: FrontMatter,
    template_source: str,
    calls: list[MacroCall] | None = None,
    *,
    meant_to_cite: Iterable[int] = (),
    folder: str | None = None,
) -> list[Problem]:
    """The how-to contract's problems. Lines in `meant_to_cite` hold a macro call reported as
    malformed: an item holding one is not reported again as citing nothing. `folder` is the
    product whose folder holds the page, if any."""
    problems: list[Problem] = []
    headings = outline(lines)
    for line, _, name in headings:
        if name.lower() == "sources cited":
            problems.append(
                Problem(
                    Location(path, line),
                    "the Sources cited section is generated",
                    "Delete this heading and the list under it; cite with cite()",
                    "generated-section",
                )
            )
    page_type = matter.values.get("type")
    if page_type is None:
        return problems
    type_line = matter.lines.get("type", 1)
    if page_type not in PAGE_TYPES:
        return problems + [
            Problem(
                Location(path, type_line),
                f"unknown page type '{page_type}'",
                f"Use one of: {', '.join(PAGE_TYPES)}.{did_you_mean(page_type, PAGE_TYPES)}",
                "page-type",
            )
        ]
    product = matter.values.get("product")
    if product is not None and product not in products:
        problems.append(
            Problem(
                Location(path, matter.lines["product"]),
                f"unknown product '{product}'",
                f"Use one of: {', '.join(products)}.{did_you_mean(product, products)}"
                " (products are listed under the beam plugin in mkdocs.yml)",
                "unknown-product",
            )
        )
    elif product is not None and folder is not None and product != folder:
        problems.append(
            Problem(
                Location(path, matter.lines["product"]),
                f"this page is in the folder of the product '{folder}' but declares "
                f"product: {product}",
                f"Write product: {folder}, or move the page to the folder of '{product}'",
                "wrong-product",
            )
        )
    if page_type != "how-to":
        return problems
    for key in HOW_TO_FIELDS:
        if key not in matter.lines:
            problems.append(
                Problem(
                    Location(path, type_line),
                    f"a how-to needs '{key}' in its front matter",
                    f"Add a line '{key}: ...' between the --- lines",
                    "front-matter",
                )
            )
    by_name = {name.lower(): (line, level) for line, level, name in headings if level == 2}
    missing = [section for section in HOW_TO_SECTIONS if section.lower() not in by_name]
    near = _nearest_headings(missing, headings)
    for section in missing:
        if section in near:
            line, level, name = near[section]
            problems.append(
                Problem(
                    Location(path, line),
                    f"the heading '{'#' * level} {name}' is not a how-to section; a how-to needs "
                    f"'## {section}'",
                    f"If this is that section, change the line to '## {section}'",
                    "missing-section",
                )
            )
            continue
        problems.append(
            Problem(
                Location(path, type_line),
                f"a how-to needs the section '## {section}'",
                f"Add '## {section}' with its content (sections: {', '.join(HOW_TO_SECTIONS)})",
                "missing-section",
            )
        )
    if calls is None:
        calls = find_macro_calls(template_source)
    cited_lines = {call.line for call in calls} | set(meant_to_cite)
    for section in CITED_ITEM_SECTIONS:
        if section.lower() not in by_name:
            continue
        start = by_name[section.lower()][0] + 1
        end = next(
            (line - 1 for line, level, _ in headings if line > start and level <= 2), len(lines)
        )
        items = list_items(lines, start, end)
        if not items:
            problems.append(
                Problem(
                    Location(path, start - 1),
                    f"'{section}' has no list items",
                    "Write each point as a list item ('- **Lead-in.** Explanation...') "
                    "that cites its source",
                    "uncited-item",
                )
            )
        for first, last in items:
            if not cited_lines.intersection(range(first, last + 1)):
                problems.append(
                    Problem(
                        Location(path, first),
                        f"this item under '{section}' cites nothing",
                        'Add a citation such as {{ cite("source-id") }} to it',
                        "uncited-item",
                    )
                )
    return problems

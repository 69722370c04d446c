"""The static view of a page and the how-to contract, without rendering it.

Owns: macro calls with their lines, headings, list items, and the rules a how-to must follow
(front matter, four sections, cited pitfalls and checks). Does not own: rendering (pages.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from jinja2 import nodes

from .frontmatter import HOW_TO_FIELDS, FrontMatter
from .page_macros import MACRO_NAMES
from .problems import Location, Problem, did_you_mean
from .sandbox import ENVIRONMENT

HOW_TO_SECTIONS = ("Why this matters", "Step-by-step", "Common pitfalls", "What to check")
CITED_ITEM_SECTIONS = ("Common pitfalls", "What to check")
PAGE_TYPES = ("how-to", "overview", "landing", "reference")


@dataclass(frozen=True)
class MacroCall:
    name: str
    ids: tuple[str, ...]  # literal string arguments (record ids for every macro)
    line: int


def find_macro_calls(template_source: str) -> list[MacroCall]:
    """Every call of one of our macros, with its literal ids and the line it is on."""
    return macro_calls(ENVIRONMENT.parse(template_source).find_all(nodes.Call))


def macro_calls(parsed: Iterable[nodes.Node]) -> list[MacroCall]:
    """find_macro_calls among a parsed page's nodes; take them before compiling (it folds constants)."""
    calls = []
    for call in parsed:
        if (
            isinstance(call, nodes.Call)
            and isinstance(call.node, nodes.Name)
            and call.node.name in MACRO_NAMES
        ):
            # fact("id", "field") names a field second; every other argument is a source id.
            id_args = call.args[:1] if call.node.name == "fact" else call.args
            ids = tuple(
                a.value for a in id_args if isinstance(a, nodes.Const) and isinstance(a.value, str)
            )
            calls.append(MacroCall(call.node.name, ids, call.lineno))
    return sorted(calls, key=lambda c: c.line)


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{[^}]*\})?\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])\s+\S")


def outline(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line, level, heading text) for each Markdown heading outside code blocks."""
    found, fenced = [], False
    for number, line in enumerate(lines, start=1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            found.append((number, len(match.group(1)), match.group(2)))
    return found


def list_items(lines: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """(first line, last line) of each top-level list item in lines start..end (1-based, inclusive)."""
    starts = [n for n in range(start, end + 1) if LIST_ITEM.match(lines[n - 1])]
    return [
        (first, (starts[i + 1] - 1 if i + 1 < len(starts) else end))
        for i, first in enumerate(starts)
    ]


def contract_problems(
    products: Mapping[str, str],
    path: str,
    lines: list[str],
    matter: FrontMatter,
    template_source: str,
    calls: list[MacroCall] | None = None,
) -> list[Problem]:
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
    for section in HOW_TO_SECTIONS:
        if section.lower() not in by_name:
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
    cited_lines = {call.line for call in calls}
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

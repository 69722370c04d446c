"""The static view of a page: which of our macros it calls, with what ids, on which lines, and its
headings and list items, all without rendering it.

Owns: the macro names and how each is called, MacroCall, finding calls in a parsed or unparsed
page, which arguments are source ids, fenced code blocks, the outline and top-level list items.
Used by the contract (contract.py), rendering (pages.py, plain_calls.py), the macros and the
site rules. Does not own: any rule about what a page must hold (contract.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jinja2 import nodes

from .sandbox import ENVIRONMENT

MACRO_USAGE = {
    "cite": 'cite("source-id") or cite("first-id", "second-id")',
    "endpoint": 'endpoint("endpoint-id")',
    "scopes": 'scopes("endpoint-or-config-id")',
    "fact": 'fact("config-id") or fact("record-id", "field")',
    "code": 'code("code-id")',
    "link": 'link("source-id")',
    "scope_table": 'scope_table("endpoint-id", "another-endpoint-id", ...)',
    "fields_table": 'fields_table("config-id", "another-config-id", ...)',
    "compare_table": 'compare_table("left-id", "right-id", "next-left-id", "next-right-id", ...)',
}
MACRO_NAMES = tuple(MACRO_USAGE)


def source_ids(name: str, arguments: Sequence[str]) -> tuple[str, ...]:
    """The source ids among a call's literal text arguments ("" for any other argument)."""
    # fact("id", "field") names a field second; every other argument is a source id.
    id_args = arguments[:1] if name == "fact" else arguments
    # "" is compare_table()'s "nothing on this side", not an id.
    return tuple(a for a in id_args if a)


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
            literals = [
                a.value if isinstance(a, nodes.Const) and isinstance(a.value, str) else ""
                for a in call.args
            ]
            calls.append(
                MacroCall(call.node.name, source_ids(call.node.name, literals), call.lineno)
            )
    return sorted(calls, key=lambda c: c.line)


HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{[^}]*\})?\s*#*\s*$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])\s+\S")


def fenced_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block (its fence lines included)."""
    flags, fence = [], ""
    for line in lines:
        match = FENCE.match(line)
        if fence:
            flags.append(True)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = "" if not line.strip()[len(match.group(1)) :].strip() else fence
        else:
            flags.append(bool(match))
            fence = match.group(1) if match else ""
    return flags


def outline(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line, level, heading text) for each Markdown heading outside code blocks."""
    return [
        (number, len(match.group(1)), match.group(2))
        for number, (line, fenced) in enumerate(zip(lines, fenced_lines(lines), strict=True), 1)
        if not fenced and (match := HEADING.match(line))
    ]


def list_items(lines: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """(first line, last line) of each top-level list item in lines start..end (1-based, inclusive)."""
    starts = [n for n in range(start, end + 1) if LIST_ITEM.match(lines[n - 1])]
    return [
        (first, (starts[i + 1] - 1 if i + 1 < len(starts) else end))
        for i, first in enumerate(starts)
    ]

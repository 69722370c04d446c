"""A page's file and front matter: read them as MkDocs would, and say what is wrong with them.

Owns: reading a page's bytes, the '---' block and its values with their lines. Does not own: the
page body (pages.py) or which front matter a page type needs (contract.py).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import yamlnodes as yn
from .problems import Location, Problem

HOW_TO_FIELDS = ("title", "type", "product", "summary")
# Front matter that Material prints without escaping (titles in text, description in an attribute).
SHOWN_RAW_BY_THEME = {"title": "<>", "description": '<>"'}


def read_page(file: Path, path: str) -> tuple[str | None, list[Problem]]:
    """A page's text as MkDocs reads it (a leading byte-order mark dropped), or a problem at the
    first line that is not UTF-8: MkDocs itself would stop with a traceback there."""
    data = file.read_bytes()
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        return None, [
            Problem(
                Location(path, data[: error.start].count(b"\n") + 1),
                "this line has bytes that are not UTF-8 text",
                "Save the file as UTF-8 (retype the odd character)",
                "not-utf8",
            )
        ]


@dataclass
class FrontMatter:
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    end_line: int = 0  # last line of the front matter block (0 when there is none)


def read_front_matter(source: str, path: str) -> tuple[FrontMatter, list[Problem]]:
    """Parse the '---' block ourselves: MkDocs drops a broken one silently."""
    lines = source.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return FrontMatter(), []
    end = next(
        (i for i, line in enumerate(lines[1:], start=1) if line.rstrip() in ("---", "...")), None
    )
    if end is None:
        return FrontMatter(), [
            Problem(
                Location(path, 1),
                "the front matter that starts here never ends",
                "Close it with a line holding only ---",
                "front-matter",
            )
        ]
    node, problems = yn.compose("\n" + "\n".join(lines[1:end]), path)  # keep file lines
    if problems or node is None:
        return FrontMatter(end_line=end + 1), problems
    matter = FrontMatter(end_line=end + 1)
    try:
        items = yn.mapping_items(node, "the front matter")
    except yn.Invalid as invalid:
        return matter, [invalid.problem(path, "front-matter")]
    for key, (key_node, value_node) in items.items():
        matter.lines[key] = yn.line_of(key_node)
        if key in HOW_TO_FIELDS:
            try:
                matter.values[key] = yn.text(value_node, key)
            except yn.Invalid as invalid:
                problems.append(invalid.problem(path))
        typed = str(getattr(value_node, "value", ""))
        raw = [c for c in SHOWN_RAW_BY_THEME.get(key, "") if c in typed]
        if raw:
            problems.append(
                Problem(
                    Location(path, yn.line_of(value_node)),
                    f"the {key} holds {' and '.join(raw)}, which the theme would treat as HTML",
                    f"Write the {key} as plain text, without {' or '.join(SHOWN_RAW_BY_THEME[key])}",
                    "front-matter",
                )
            )
    return matter, problems

"""A page's file and front matter: read them as MkDocs would, and say what is wrong with them.

Owns: reading a page's bytes, the '---' block and its values with their lines, and the allowlist
of front matter keys. Does not own: the page body (pages.py) or which front matter a page type
needs (contract.py).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import yamlnodes as yn
from .problems import Location, Problem, did_you_mean, shown_path

HOW_TO_FIELDS = ("title", "type", "product", "summary")
# Front matter that Material prints without escaping (titles in text, description in an attribute).
SHOWN_RAW_BY_THEME = {"title": "<>", "description": '<>"'}
# The parts of a page Material can hide (its `hide:` front matter).
HIDEABLE = ("navigation", "toc", "footer", "path", "tags", "feedback")

# MkDocs' own test for a front matter block (mkdocs/utils/meta.py), copied so that we read exactly
# the block MkDocs reads: opened by '---', closed by the first '---' or '...' line, each followed by
# a line break, with only spaces or tabs after the dashes.
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_OPENING = re.compile(r"^-{3}[ \t]*\n")
# Without a '---' block, MkDocs reads 'key: value' lines at the top of a page as its settings
# (MultiMarkdown meta-data), hiding them from the page.
_MULTIMARKDOWN_META = re.compile(r"^[ ]{0,3}[A-Za-z0-9_-]+:")


def read_page(file: Path, path: str) -> tuple[str | None, list[Problem]]:
    """A page's text as MkDocs reads it (a leading byte-order mark dropped), or a problem at the
    first line that is not UTF-8: MkDocs itself would stop with a traceback there."""
    data = file.read_bytes()
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        # MkDocs opens pages in text mode, which turns \r\n and a lone \r into \n.
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n"), []
    except UnicodeDecodeError as error:
        return None, [
            Problem(
                Location(path, data[: error.start].count(b"\n") + 1),
                "this line has bytes that are not UTF-8 text",
                "Save the file as UTF-8 (retype the odd character)",
                "not-utf8",
            )
        ]


def unreadable_pages(docs: Path, root: Path) -> list[Problem]:
    """Pages MkDocs could not read (it would stop with a traceback), as problems at their lines."""
    problems = []
    for page in sorted(docs.rglob("*.md")):
        text, _ = read_page(page, page.as_posix())
        if text is None:  # name it as writers do only then: resolving every page costs
            problems += read_page(page, shown_path(page, root))[1]
    return problems


def _plain_text(node: yaml.Node, name: str) -> str:
    value = yn.text(node, name)
    raw = [c for c in SHOWN_RAW_BY_THEME.get(name, "") if c in value]
    if raw:
        raise yn.Invalid(
            node,
            f"the {name} holds {' and '.join(raw)}, which the theme would treat as HTML",
            f"Write the {name} as plain text, without {' or '.join(SHOWN_RAW_BY_THEME[name])}",
            "front-matter",
        )
    return value


def _hide(node: yaml.Node, name: str) -> tuple[str, ...]:
    parts = yn.text_list(node, name)
    for part, item in zip(parts, node.value, strict=True):
        if part not in HIDEABLE:
            raise yn.Invalid(
                item,
                f"'{part}' is not a part of the page that can be hidden",
                f"Use some of: {', '.join(HIDEABLE)}",
                "front-matter",
            )
    return parts


def _search(node: yaml.Node, name: str) -> dict[str, bool]:
    items = yn.mapping_items(node, f"'{name}'")
    if set(items) != {"exclude"}:
        raise yn.Invalid(
            node,
            f"'{name}' may hold only 'exclude'",
            "Write search: {exclude: true}",
            "front-matter",
        )
    return {"exclude": yn.boolean(items["exclude"][1], "search.exclude")}


# The front matter a page may have, and how each key is read. Any other key is refused: Material
# prints some without escaping (author, subtitle), uses others as file names (template, icon) or
# turns them into markup (status), and MkDocs would pass any of them to the theme.
FRONT_MATTER_KEYS: dict[str, Callable[[yaml.Node, str], Any]] = {
    "title": _plain_text,
    "description": _plain_text,
    "summary": yn.text,
    "type": yn.text,
    "product": yn.text,
    # The page for the same task in another product (macros/relations.py checks both ends).
    "same_task": yn.text,
    "hide": _hide,
    "search": _search,
}


@dataclass
class FrontMatter:
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    end_line: int = 0  # last line of the front matter block (0 when there is none)


def read_front_matter(source: str, path: str) -> tuple[FrontMatter, list[Problem]]:
    """Parse the '---' block ourselves, with the rules records follow: MkDocs drops a broken block
    silently and passes any key, however typed, to the theme."""
    block = _FRONT_MATTER.match(source)
    if block is None:
        return FrontMatter(), _without_block(source, path)
    end = source.count("\n", 0, block.end())  # the closing line's number
    node, problems = yn.compose("\n" + block.group(1), path)  # keep file lines
    matter = FrontMatter(end_line=end)
    if problems or node is None:
        return matter, problems
    try:
        items = yn.mapping_items(node, "the front matter")
    except yn.Invalid as invalid:
        return matter, [invalid.problem(path, "front-matter")]
    for key, (key_node, value_node) in items.items():
        matter.lines[key] = yn.line_of(key_node)
        read = FRONT_MATTER_KEYS.get(key)
        if read is None:
            problems.append(
                Problem(
                    Location(path, yn.line_of(key_node)),
                    f"the front matter key '{key}' is not one pages may use",
                    f"Remove it; pages may use {', '.join(FRONT_MATTER_KEYS)}"
                    f".{did_you_mean(key, FRONT_MATTER_KEYS)}",
                    "front-matter-key",
                )
            )
            continue
        try:
            matter.values[key] = read(value_node, key)
        except yn.Invalid as invalid:
            problems.append(invalid.problem(path))
    return matter, problems


def _without_block(source: str, path: str) -> list[Problem]:
    """A page without a front matter block MkDocs would read: say so if one was meant, or if
    MkDocs would take the page's first lines as settings instead."""
    if _OPENING.match(source):
        return [
            Problem(
                Location(path, 1),
                "the front matter that starts here never ends",
                "Close it with a line holding only ---",
                "front-matter",
            )
        ]
    if _MULTIMARKDOWN_META.match(source):
        return [
            Problem(
                Location(path, 1),
                "MkDocs would read this first line as a page setting ('name: value') and hide it",
                "Start the page with a --- front matter block, or begin the first line differently",
                "front-matter",
            )
        ]
    return []

"""Read YAML into plain values that remember their lines, rejecting what YAML gets quietly wrong.

Owns: parsing text to nodes (duplicate keys rejected), turning scalars into text without YAML 1.1
guessing, and a line for every value. Does not own: what fields a record or page may have.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml

from .problems import Location, Problem

# libyaml is about eight times faster at loading; fall back where it is not compiled in.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

STR_TAG = "tag:yaml.org,2002:str"
_TAG_NAMES = {
    "tag:yaml.org,2002:bool": "a true/false value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "an empty value",
    "tag:yaml.org,2002:timestamp": "a date",
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Invalid(Exception):
    """A value that breaks a rule; caught by the caller and turned into a Problem."""

    def __init__(self, node: yaml.Node, what: str, todo: str, code: str):
        super().__init__(what)
        self.node, self.what, self.todo, self.code = node, what, todo, code

    def problem(self, path: str, code: str | None = None) -> Problem:
        """This broken value as a writer's problem in the file `path`, at the value's line."""
        return Problem(Location(path, line_of(self.node)), self.what, self.todo, code or self.code)


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def compose(text: str, path: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse YAML text into a node tree; a syntax error becomes a Problem at its true line."""
    try:
        return yaml.compose(text, Loader=_Loader), []
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = f"YAML cannot read this file: {error.problem or error.context}"
        if "\t" in (text.splitlines()[line - 1 : line] or [""])[0]:
            what += " (this line holds a tab; YAML allows only spaces for indentation)"
        todo = "Fix the YAML syntax on this line (indent with spaces, quote text that holds ': ' or '#')"
        return None, [Problem(Location(path, line), what, todo, "yaml-syntax")]
    except yaml.YAMLError as error:  # errors without a position, such as a bad stream
        return None, [
            Problem(
                Location(path, 1),
                f"YAML cannot read this file: {error}",
                "Save the file as plain UTF-8 YAML",
                "yaml-syntax",
            )
        ]


def mapping_items(node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """Keys (as text) to (key node, value node); duplicate and non-text keys are Invalid."""
    if not isinstance(node, yaml.MappingNode):
        raise Invalid(
            node,
            f"{what} must be a mapping of 'name: value' lines",
            "Write it as 'name: value' lines",
            "wrong-type",
        )
    items: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise Invalid(
                key_node,
                f"{what} has a key that is not plain text",
                "Use a plain name as the key",
                "wrong-type",
            )
        key = key_node.value
        if key in items:
            first = line_of(items[key][0])
            raise Invalid(
                key_node,
                f"the key '{key}' appears twice in {what} (first on line {first})",
                "Keep one of them; YAML would silently use the last",
                "duplicate-key",
            )
        items[key] = (key_node, value_node)
    return items


def text(node: yaml.Node, name: str) -> str:
    """A scalar as the exact text the writer typed; YAML 1.1 guesses (NO, 1.10, 08:00) are refused."""
    if not isinstance(node, yaml.ScalarNode):
        raise Invalid(
            node, f"'{name}' must be a single text value", f"Write {name}: some text", "wrong-type"
        )
    if node.tag != STR_TAG and not node.style:
        seen_as = _TAG_NAMES.get(node.tag, "something other than text")
        raise Invalid(
            node,
            f"'{name}' is read by YAML as {seen_as} ({node.value!r}), not as text",
            f'Put the value in quotes: {name}: "{node.value}"',
            "wrong-type",
        )
    if not node.value.strip():
        raise Invalid(node, f"'{name}' is empty", f"Give {name} a value", "empty-value")
    return node.value


def text_list(node: yaml.Node, name: str) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise Invalid(
            node,
            f"'{name}' must be a list with at least one item",
            f"Write {name}: [first, second]",
            "wrong-type",
        )
    return tuple(text(item, f"an item of {name}") for item in node.value)


def boolean(node: yaml.Node, name: str) -> bool:
    if isinstance(node, yaml.ScalarNode) and not node.style and node.value in ("true", "false"):
        return node.value == "true"
    raise Invalid(
        node,
        f"'{name}' must be true or false, not {node_repr(node)}",
        f"Write {name}: true or {name}: false",
        "wrong-type",
    )


def date(node: yaml.Node, name: str) -> dt.date:
    value = node.value if isinstance(node, yaml.ScalarNode) else None
    try:
        if value is None or not _DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid(
            node,
            f"'{name}' must be a real date written YYYY-MM-DD, not {node_repr(node)}",
            f"Write {name}: 2026-11-20 (the day you checked the source)",
            "bad-date",
        ) from None


def node_repr(node: yaml.Node) -> str:
    return repr(node.value) if isinstance(node, yaml.ScalarNode) else "a list or mapping"

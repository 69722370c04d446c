"""Read YAML into plain values that remember their lines, rejecting what YAML gets quietly wrong.

Owns: the one strict YAML rule that source records and front matter share (no tags, anchors,
aliases or merge keys; duplicate keys rejected), turning scalars into text without YAML 1.1
guessing, and a true file line for every value. Does not own: what fields a record or page may have.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml

from .problems import Location, Problem

# libyaml is about eight times faster at loading; fall back where PyYAML was built without it.
# The one choice of loader for every YAML file the project reads (records, pages, settings, specs).
try:
    from yaml import CSafeLoader as _LibyamlOrPython
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _LibyamlOrPython  # type: ignore[assignment]
FastSafeLoader = _LibyamlOrPython

STR_TAG = "tag:yaml.org,2002:str"
_TAG_NAMES = {
    "tag:yaml.org,2002:bool": "a true/false value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "an empty value",
    "tag:yaml.org,2002:timestamp": "a date",
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Everything str.splitlines() splits on. A single-line value holds none of them: each one would
# start a new line of Markdown (a heading, a list, a table row, the end of a code fence).
LINE_BREAKS = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# Bidirectional controls reorder how text is displayed, so a value can read as something it is not
# (an address that shows as zoho.com but is another host). No fact needs them.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# YAML counts these as line breaks; writers and their editors count lines by "\n" alone.
_YAML_ONLY_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
# Text that may start a tag (!), an anchor (&), an alias (*) or a merge key (<<). Files without
# any of them skip the second pass that looks for those features.
_FEATURE_MARKS = ("!", "&", "*", "<<")
# One file with thousands of aliases needs a handful of messages, not thousands.
_MAX_FEATURE_PROBLEMS = 10


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


def file_line(text: str, index: int) -> int:
    """The line (counting "\\n" only, as writers do) of the character at index."""
    return text.count("\n", 0, index) + 1


def compose(text: str, path: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse YAML text into a node tree with true file lines. A syntax error, a tag, an anchor, an
    alias or a merge key becomes a Problem at its line, and no tree is returned."""
    try:
        node = yaml.compose(text, Loader=FastSafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = file_line(text, mark.index) if mark else 1
        what = f"YAML cannot read this file: {error.problem or error.context}"
        if "\t" in (text.split("\n")[line - 1 : line] or [""])[0]:
            what += " (this line holds a tab; YAML allows only spaces for indentation)"
        todo = "Fix the YAML syntax on this line (indent with spaces, quote text that holds ': ' or '#')"
        if "nesting depth" in what:
            todo = (
                "Write the value flat: records and front matter need at most a few levels of lists"
            )
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
    except (RecursionError, MemoryError) as error:  # the pure-Python loader on deep nesting
        return None, [
            Problem(
                Location(path, 1),
                f"YAML cannot read this file: it is nested too deeply ({type(error).__name__})",
                "Write the values flat: records and front matter need at most a few levels",
                "too-deep",
            )
        ]
    problems = _special_features(text, path) if any(m in text for m in _FEATURE_MARKS) else []
    if problems:
        return None, problems
    if node is not None and any(b in text for b in _YAML_ONLY_BREAKS):
        _count_lines_by_newline(node, text)
    return node, []


def _feature(event: yaml.Event) -> str | None:
    """What special YAML feature an event uses, in a writer's words, or None."""
    if isinstance(event, yaml.AliasEvent):
        return f"an alias (*{event.anchor}), which repeats a value written elsewhere"
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        return f"an anchor (&{anchor}), which lets a value be repeated elsewhere"
    tag = getattr(event, "tag", None)
    if tag is not None:
        shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:") else tag
        return f"a tag ({shown}), which changes what the value means"
    if isinstance(event, yaml.ScalarEvent) and event.value == "<<" and event.implicit[0]:
        return "a merge key (<<), which pulls in keys written elsewhere"
    return None


def _special_features(text: str, path: str) -> list[Problem]:
    """Tags, anchors, aliases and merge keys: each makes a value mean something other than what is
    written where it stands (!!binary decodes to other text, aliases can repeat a value
    exponentially), and no record or front matter needs them."""
    problems = []
    for event in yaml.parse(text, Loader=FastSafeLoader):
        what = _feature(event)
        if what is None:
            continue
        problem = Problem(
            # The parser marks every event; the stubs allow None.
            Location(path, file_line(text, event.start_mark.index) if event.start_mark else 1),
            f"this line uses {what}",
            "Write the value out in full as plain text; records and front matter do not use "
            "YAML tags, anchors, aliases or merge keys",
            "yaml-feature",
        )
        if problem not in problems:  # one message for a line, however often it repeats a feature
            problems.append(problem)
        if len(problems) == _MAX_FEATURE_PROBLEMS:
            break
    return problems


def _count_lines_by_newline(root: yaml.Node, text: str) -> None:
    """Renumber every node's line by "\\n" alone (YAML also breaks lines at CR, NEL, U+2028, U+2029)."""
    stack = [root]
    while stack:  # not recursive: nesting may be as deep as the parser allows
        node = stack.pop()
        mark = node.start_mark
        node.start_mark = yaml.Mark(
            # No buffer: the message shows no snippet, so the pointer into it is never read.
            mark.name,
            mark.index,
            file_line(text, mark.index) - 1,
            mark.column,
            None,
            0,
        )
        if isinstance(node, yaml.MappingNode):
            stack += [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


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
    """A single line of text, exactly as the writer typed it (a block scalar's final line break
    aside); YAML 1.1 guesses (NO, 1.10, 08:00) and line breaks are refused."""
    value = paragraph(node, name).rstrip("\n")
    if LINE_BREAKS.search(value):
        raise Invalid(
            node,
            f"'{name}' holds a line break; it must be a single line",
            f"Write {name} on one line",
            "line-break",
        )
    return value


def paragraph(node: yaml.Node, name: str) -> str:
    """A scalar as the exact text the writer typed, line breaks allowed (notes, quotes).
    YAML 1.1 guesses (NO, 1.10, 08:00) and bidirectional controls are refused."""
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
    hidden = BIDI_CONTROLS.search(node.value)
    if hidden:
        raise Invalid(
            node,
            f"'{name}' holds the invisible character U+{ord(hidden.group()):04X}, which changes "
            "the order in which text is shown",
            f"Retype {name} without it (delete the value and type it again)",
            "hidden-character",
        )
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

"""`python -m macros sources [text]`: find record ids by id, title or fact, so writers can cite
without opening YAML.

Owns: flattening a record's facts into searchable lines, matching, and the listing. Does not own:
loading or validating records (records.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import yamlnodes as yn
from ..kinds import Record, fact_values
from ..records import load_records
from ..settings import read_settings
from .base import plural

# Derived from the example file, not written by a writer: searching it would match most words.
_NOT_SEARCHED = frozenset({"source"})


def add_parser(commands: argparse._SubParsersAction, parents: list) -> None:
    sources = commands.add_parser(
        "sources",
        parents=parents,
        help="find source ids by id, title or fact",
        description="List source records whose id, title or facts contain TEXT (ignoring case); "
        "without TEXT, list every record.",
    )
    sources.add_argument("text", nargs="*", help="words to look for, such as: bulk write job")
    sources.set_defaults(run=run)


@dataclass(frozen=True)
class Match:
    record: Record
    facts: tuple[
        tuple[str, str], ...
    ]  # the (field, value) lines that matched, when id and title did not


def fact_lines(facts: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(field, text) for every value in a record's facts; nested fields read 'fields.api_domain'."""
    for name, value in facts.items():
        if not prefix and name in _NOT_SEARCHED:
            continue
        label = f"{prefix}{name}"
        yield from _value_lines(label, value)


def _value_lines(label: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        yield from fact_lines(value, f"{label}.")
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _value_lines(label, item)
    elif isinstance(value, bool):
        yield label, "true" if value else "false"
    else:
        yield label, str(value)


def find_sources(records: Mapping[str, Record], text: str) -> list[Match]:
    """Records whose id, title or a fact value contains `text`, ignoring case, sorted by id."""
    wanted = text.casefold()
    found = []
    for record_id in sorted(records):
        record = records[record_id]
        if wanted in record.id.casefold() or wanted in record.title.casefold():
            found.append(Match(record, ()))
            continue
        facts = tuple(
            (label, value)
            for label, value in fact_lines(fact_values(record))
            if wanted in value.casefold()
        )
        if facts:
            found.append(Match(record, facts))
    return found


def shown_facts(record: Record) -> Iterator[tuple[str, str]]:
    """(field, text) for each of a record's facts, a list on one line, then its note."""
    for name, value in fact_values(record).items():
        if name not in _NOT_SEARCHED:
            yield from _shown(name, value)
    if record.note:
        yield "note", record.note


def _shown(label: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        for name, inner in value.items():
            yield from _shown(f"{label}.{name}", inner)
    elif isinstance(value, (list, tuple)) and all(isinstance(v, Mapping) for v in value):
        for item in value:  # parameters: one line each
            yield label, ", ".join(f"{k}: {_text(v)}" for k, v in item.items())
    else:
        yield label, _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, tuple) for v in value):
        # scopes: groups of alternatives, one scope from each group needed
        return "; ".join(" or ".join(group) for group in value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return str(value)


def listing(matches: list[Match], with_facts: bool = True) -> str:
    """Each record's id, kind and title, and under it every fact it holds (with_facts)."""
    id_width = max(len(m.record.id) for m in matches)
    kind_width = max(len(m.record.kind) for m in matches)
    indent = " " * (id_width + kind_width + 4)
    lines = []
    for match in matches:
        record = match.record
        lines.append(f"{record.id:<{id_width}}  {record.kind:<{kind_width}}  {record.title}")
        if with_facts:
            lines += [f"{indent}{label}: {value}" for label, value in shown_facts(record)]
    return "".join(f"{line}\n" for line in lines)


def whole_record(root: Path, record: Record) -> str:
    """The record as written in its file, under its file and line."""
    path = record.location.path
    text = (root / path).read_text(encoding="utf-8")
    node, _ = yn.compose(text, path)
    lines = text.splitlines()
    item = next(
        (i for i in getattr(node, "value", []) if yn.line_of(i) == record.location.line), None
    )
    # An end at a line's first column means the record ended on the line before.
    end = len(lines) if item is None else item.end_mark.line + (1 if item.end_mark.column else 0)
    written = lines[record.location.line - 1 : end]
    while written and (not written[-1].strip() or written[-1].lstrip().startswith("#")):
        written.pop()  # blank lines and the next record's comment
    return f"{record.location}:\n" + "".join(f"{line}\n" for line in written)


def run(args: argparse.Namespace) -> int:
    settings = read_settings(args.root)
    records, problems = load_records(args.root, settings.sources, hosts=settings.hosts)
    text = " ".join(args.text)
    if text.strip() in records:  # an exact id: the whole record, where it is written
        print(whole_record(args.root, records[text.strip()]), end="")
        return 0
    matches = find_sources(records, text)
    if problems:
        print(
            f"({plural(len(problems), 'problem')} in the source records hide some records; "
            "'python -m macros check' lists them.)",
            file=sys.stderr,
        )
    if not matches:
        print(
            f"No source matches {text!r}. The search looks in ids, titles and facts, ignoring "
            "case; try a shorter word.",
            file=sys.stderr,
        )
        return 1
    print(listing(matches, with_facts=bool(text)), end="")
    return 0

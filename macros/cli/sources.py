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
from typing import Any

from ..checks import read_settings
from ..records import Record, load_records
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
            for label, value in fact_lines(record.facts)
            if wanted in value.casefold()
        )
        if facts:
            found.append(Match(record, facts))
    return found


def listing(matches: list[Match]) -> str:
    id_width = max(len(m.record.id) for m in matches)
    kind_width = max(len(m.record.kind) for m in matches)
    indent = " " * (id_width + kind_width + 4)
    lines = []
    for match in matches:
        record = match.record
        lines.append(f"{record.id:<{id_width}}  {record.kind:<{kind_width}}  {record.title}")
        lines += [f"{indent}{label}: {value}" for label, value in match.facts]
    return "".join(f"{line}\n" for line in lines)


def run(args: argparse.Namespace) -> int:
    settings = read_settings(args.root)
    records, problems = load_records(args.root, settings.sources)
    text = " ".join(args.text)
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
    print(listing(matches), end="")
    return 0

"""Claims without a source: technical facts in a how-to's "Why this matters" and "Step-by-step"
that no citation backs, and citations whose records do not hold the code span they follow.

Owns: cutting those two sections into sentences and list items, recognising a technical fact in
them (an HTTP status, a number with a unit, a code span naming a field, status or scope), the
writer's exception `{## uncited: reason ##}`, and the two warnings `uncited-claim` and
`claim-not-in-source`. Does not own: the other how-to rules (contract.py), rendering (pages.py)
or what records hold (records.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .kinds import Record, fact_values
from .page_scan import LIST_ITEM, fenced_lines, outline
from .problems import Location, Problem

CLAIM_SECTIONS = ("Why this matters", "Step-by-step")

# What counts as a technical fact. An HTTP status is a three-digit code after "HTTP" or "status".
_HTTP_STATUS = re.compile(r"\b(?:HTTP|[Ss]tatus(?: code)?)\s+[1-5]\d\d\b")
_UNITS = (
    r"records?|rows?|columns?|fields?|criteria|values?|pages?|files?|calls?|requests?|jobs?|"
    r"credits?|tokens?|characters?|bytes?|[KMG]B|ms|seconds?|minutes?|hours?|days?|weeks?|"
    r"months?|%|per ?cent"
)
_NUMBER_WITH_UNIT = re.compile(rf"(?<![\w.,])\d[\d,.]*\s*(?:{_UNITS})(?![\w])")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
# A code span names a field, status or scope when it is one of these shapes.
_NAMES = (
    re.compile(r"Zoho\w*\.[\w.{}]+"),  # a scope: ZohoCRM.bulk.read
    re.compile(r"[A-Z][A-Z0-9]*(?:[_ ][A-Z0-9]+)+|[A-Z][A-Z0-9]{3,}"),  # a status: IN PROGRESS
    re.compile(r"[a-z][a-z0-9]*(?:[_.][A-Za-z0-9_]+)*"),  # a field: page, details.id, find_by
    re.compile(r"[A-Z][a-z0-9]+(?:_[A-Za-z0-9]+)+"),  # a field's API name: Last_Name
    re.compile(r"[A-Z][A-Za-z]*(?:-[A-Za-z]+)+"),  # a header: X-CRM-ORG, Content-Type
)

_MACRO = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_COMMENT = re.compile(r"\{##.*?##\}", re.DOTALL)
_EXCEPTION = re.compile(r"\{##\s*uncited\b\s*:?\s*(.*?)\s*##\}", re.DOTALL)
_QUOTED = re.compile(r"""["']([^"'\n]*)["']""")
_MACRO_NAME = re.compile(r"\{\{\s*(\w+)\s*\(")
# Stands in for a macro call, so a sentence may start with one.
_CALL = "\ue000"
# A sentence ends at . ! or ? followed by space and what can start a sentence.
_SENTENCE_END = re.compile(rf"[.!?](?=\s+[A-Z0-9`*\[{_CALL}])")


@dataclass(frozen=True)
class _Call:
    start: int
    ids: tuple[str, ...]


@dataclass(frozen=True)
class _Block:
    """A list item, or a paragraph; text with macro calls and comments blanked, same length."""

    first_line: int
    masked: str
    calls: tuple[_Call, ...]
    exceptions: tuple[tuple[int, str], ...]  # (offset, reason) of each {## uncited ... ##}
    is_item: bool

    def line_at(self, offset: int) -> int:
        return self.first_line + self.masked.count("\n", 0, offset)


def claim_problems(path: str, lines: list[str], records: Mapping[str, Record]) -> list[Problem]:
    """Warnings for the claims of one how-to page (its lines as in the file)."""
    problems: list[Problem] = []
    for block in _blocks(lines):
        spans = [(0, len(block.masked))] if block.is_item else list(_sentences(block.masked))
        for start, end in spans:
            problems += _unit_problems(path, block, start, end, records)
    return problems


def names_something(token: str) -> bool:
    """Whether a code span's text names a field, a status or a scope."""
    return any(pattern.fullmatch(token) for pattern in _NAMES)


def technical_facts(text: str) -> list[tuple[int, str]]:
    """(offset, the fact as written) for each technical fact in text, in order."""
    found = [(m.start(), m.group(0)) for m in _HTTP_STATUS.finditer(text)]
    found += [(m.start(), m.group(0)) for m in _NUMBER_WITH_UNIT.finditer(text)]
    found += [
        (m.start(), m.group(0)) for m in _CODE_SPAN.finditer(text) if names_something(m.group(1))
    ]
    return sorted(found)


def _unit_problems(
    path: str, block: _Block, start: int, end: int, records: Mapping[str, Record]
) -> list[Problem]:
    what = "list item" if block.is_item else "sentence"
    exceptions = [(at, reason) for at, reason in block.exceptions if start <= at < end]
    problems = [
        Problem(
            Location(path, block.line_at(at)),
            "this exception to the citation rule gives no reason",
            "Write why the claim needs no source after 'uncited:', as in "
            "{## uncited: our own advice, not a Zoho fact ##}",
            "uncited-claim",
            severity="warning",
        )
        for at, reason in exceptions
        if not reason
    ]
    if any(reason for _, reason in exceptions):
        return problems
    text = block.masked[start:end]
    facts = technical_facts(text)
    calls = [call for call in block.calls if start <= call.start < end]
    if facts and not calls:
        at, fact = facts[0]
        problems.append(
            Problem(
                Location(path, block.line_at(start + at)),
                f"this {what} states {fact} without a citation in the same {what}",
                "Cite the record that states it in this " + what + ' ({{ cite("source-id") }}), '
                "or show the fact with fact(); if it needs no source, add "
                "{## uncited: why ##} to it",
                "uncited-claim",
                severity="warning",
            )
        )
        return problems
    cited = [records[i] for call in calls for i in call.ids if i in records]
    if not cited or len(cited) < sum(len(call.ids) for call in calls):
        return problems  # an unknown id is reported already; nothing to compare with
    for at, fact in facts:
        token = fact.strip("`")
        if fact.startswith("`") and not any(_holds(record, token) for record in cited):
            ids = ", ".join(sorted({record.id for record in cited}))
            problems.append(
                Problem(
                    Location(path, block.line_at(start + at)),
                    f"{fact} is not in the facts or quote of the source(s) cited in this "
                    f"{what} ({ids})",
                    "Cite the record that states it, or add it to the record with Zoho's words "
                    "in quote; if it needs no source, add {## uncited: why ##} to it",
                    "claim-not-in-source",
                    severity="warning",
                )
            )
    return problems


def _holds(record: Record, token: str) -> bool:
    """Whether the record's facts or quote contain the token as a whole word."""
    pattern = re.compile(rf"(?<![\w]){re.escape(token)}(?![\w])")
    return any(pattern.search(text) for text in _record_texts(record))


def _record_texts(record: Record) -> Iterator[str]:
    yield record.quote

    def walk(value: object) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, Mapping):
            for key, item in value.items():
                yield str(key)
                yield from walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                yield from walk(item)

    # A code record's facts include the function's source, which the page shows as it is.
    yield from walk(fact_values(record))


def _sections(lines: list[str]) -> Iterator[tuple[int, int]]:
    """(first, last) line of the body of each claim section."""
    headings = outline(lines)
    for index, (line, level, name) in enumerate(headings):
        if level == 2 and name.lower() in {s.lower() for s in CLAIM_SECTIONS}:
            following = [h for h, lvl, _ in headings[index + 1 :] if lvl <= 2]
            yield line + 1, (following[0] - 1 if following else len(lines))


def _blocks(lines: list[str]) -> Iterator[_Block]:
    for first, last in _sections(lines):
        fenced = fenced_lines(lines[first - 1 : last])
        text_lines = [
            (number, "" if in_code else lines[number - 1])
            for number, in_code in zip(range(first, last + 1), fenced, strict=True)
        ]
        yield from _group(text_lines)


def _group(text_lines: list[tuple[int, str]]) -> Iterator[_Block]:
    """List items (with their indented or lazy continuation lines) and paragraphs."""
    current: list[tuple[int, str]] = []
    is_item = False

    def flush() -> Iterator[_Block]:
        if any(text.strip() for _, text in current):
            yield _block(current, is_item)

    for number, line in text_lines:
        if LIST_ITEM.match(line):
            yield from flush()
            current, is_item = [(number, line)], True
        elif not line.strip():
            if is_item:
                current.append((number, line))  # a blank line inside an item, perhaps
            else:
                yield from flush()
                current = []
        elif is_item and not line.startswith(" ") and not current[-1][1].strip():
            yield from flush()  # unindented text after a blank line ends the item
            current, is_item = [(number, line)], False
        else:
            current.append((number, line))
    yield from flush()


def _block(text_lines: list[tuple[int, str]], is_item: bool) -> _Block:
    text = "\n".join(line for _, line in text_lines)
    calls, exceptions = [], []
    for match in _EXCEPTION.finditer(text):
        exceptions.append((match.start(), match.group(1).strip()))
    masked = _COMMENT.sub(lambda m: _blank(m.group(0)), text)
    for match in _MACRO.finditer(masked):
        call = match.group(0)
        name = _MACRO_NAME.match(call)
        ids = tuple(_QUOTED.findall(call))
        if name and name.group(1) == "fact":
            ids = ids[:1]  # fact("id", "field") names a field second
        calls.append(_Call(match.start(), ids))
    masked = _MACRO.sub(lambda m: _CALL + _blank(m.group(0))[1:], masked)
    return _Block(text_lines[0][0], masked, tuple(calls), tuple(exceptions), is_item)


def _blank(text: str) -> str:
    """Spaces of the same length, keeping line breaks so offsets still give the line."""
    return re.sub(r"[^\n]", " ", text)


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield start, match.end()
        start = match.end()
    if text[start:].strip():
        yield start, len(text)

"""The macros a page can call: cite, endpoint, scopes, fact, code, link and the three tables.

Owns: resolving ids to records, placing citations, and turning a writer's mistake in a call into
a problem at its line. Does not own: markup (render.py), numbering (citations.py) or Jinja.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import FrameType, ModuleType
from typing import Any

from markupsafe import Markup

from . import render
from .citations import Citations
from .kinds import (
    CodeFacts,
    ConfigFields,
    ConfigValue,
    ConfigValues,
    EndpointFacts,
    Record,
    fact_values,
)
from .page_scan import MACRO_NAMES, MACRO_USAGE, MacroCall
from .problems import Location, Problem, did_you_mean
from .stash import Stash

SOURCES_HINT = "Source ids are listed by 'python -m macros sources'"

# The line of the call being run, for template_line when no Jinja frame is there to ask.
_CALL_LINE: ContextVar[int] = ContextVar("beam_call_line", default=0)


@contextmanager
def calling_from_line(line: int) -> Iterator[None]:
    """Run a macro for a call on `line` of the page, outside any Jinja frame (plain_calls.py)."""
    token = _CALL_LINE.set(line)
    try:
        yield
    finally:
        _CALL_LINE.reset(token)


def template_line() -> int:
    """The page line of the macro call being run, read from the Jinja frame that called it."""
    if line := _CALL_LINE.get():
        return line
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return 0


class PageMacros:
    """The macros one page can call; they record problems rather than stop the render."""

    def __init__(
        self,
        path: str,
        lines: list[str],
        records: Mapping[str, Record],
        out: ModuleType = render,
        invalid: Mapping[str, Location] | None = None,
        products: Mapping[str, str] | None = None,
        stash: Stash | None = None,
    ):
        """out is the backend that writes the markup: render (the site) or render_plain (the
        page's Markdown copy); both offer the same functions. invalid: the ids of records that
        exist but failed their own checks, and where. products names each product. stash, for
        the site's HTML: where markers go, so that Markdown converts only their stand-ins."""
        self.path, self.lines, self.records, self.out = path, lines, records, out
        self.stash = stash
        self.invalid = invalid or {}
        self.products = products or {}
        self.citations = Citations()
        self.problems: list[Problem] = []
        self.calls: list[MacroCall] | None = None  # set once the page's template is parsed

    def problem(self, line: int, what: str, todo: str, code: str) -> Markup:
        self.problems.append(Problem(Location(self.path, line), what, todo, code))
        return self.out.unresolved_marker()

    def _record(
        self, macro: str, record_id: Any, kinds: tuple[str, ...], line: int
    ) -> Record | None:
        if not isinstance(record_id, str):
            self.problem(
                line,
                f"{macro}() was given {record_id!r} where a source id belongs",
                f'Write the id in quotes, such as {macro}("zoho-crm.bulk-write.get-job")',
                "macro-arguments",
            )
            return None
        record = self.records.get(record_id)
        if record is None and record_id in self.invalid:
            self.problem(
                line,
                f"{macro}() names '{record_id}', whose record at {self.invalid[record_id]} "
                "is invalid",
                "Fix the record as the message for that line says; this line needs no change",
                "invalid-source",
            )
            return None
        if record is None:
            self.problem(
                line,
                f"unknown source '{record_id}' in {macro}()",
                f"Check the id.{did_you_mean(record_id, self.records)} {SOURCES_HINT}",
                "unknown-source",
            )
            return None
        if record.kind not in kinds:
            self.problem(
                line,
                f"{macro}() needs a source of kind {' or '.join(kinds)}, but "
                f"'{record_id}' is a {record.kind} record",
                f"Use cite() for it, or pick a record of kind {' or '.join(kinds)}",
                "wrong-kind",
            )
            return None
        return record

    def _marker(self, record: Record, line: int) -> Markup:
        use = self.citations.cite(record.id, line)
        marker = self.out.marker(use, record)
        return marker if self.stash is None else self.stash.inline(marker, f"[{use.number}]")

    # The macros themselves. Each returns escaped markup and places a citation.

    def cite(self, *record_ids: str) -> Markup:
        line = template_line()
        if not record_ids:
            return self.problem(
                line,
                "cite() was called without a source id",
                'Name at least one source, such as cite("zoho-crm.bulk-write.get-job")',
                "macro-arguments",
            )
        out = []
        for record_id in record_ids:
            record = self._record("cite", record_id, ("endpoint", "config", "code", "doc"), line)
            out.append(self._marker(record, line) if record else self.out.unresolved_marker())
        return Markup("".join(out))

    def endpoint(self, record_id: str) -> Markup:
        line = template_line()
        record = self._record("endpoint", record_id, ("endpoint",), line)
        if record is None:
            return self.out.unresolved_marker()
        assert isinstance(record.facts, EndpointFacts)  # _record checked the kind
        return self.out.endpoint(record.facts) + self._marker(record, line)

    def scopes(self, record_id: str) -> Markup:
        line = template_line()
        record = self._record("scopes", record_id, ("endpoint", "config"), line)
        if record is None:
            return self.out.unresolved_marker()
        facts = record.facts
        if isinstance(facts, EndpointFacts):
            shown = self.out.scope_expression(facts.scopes)
        elif isinstance(facts, ConfigValues):
            shown = self.out.joined(facts.values, "or")
        elif isinstance(facts, ConfigValue):
            shown = self.out.code(facts.value)
        else:
            return self.problem(
                line,
                f"scopes() cannot show '{record_id}': it holds named fields",
                f'Use fact("{record_id}", "<field>") to show one of them',
                "wrong-kind",
            )
        return shown + self._marker(record, line)

    def fact(self, record_id: str, name: str | None = None) -> Markup:
        line = template_line()
        record = self._record("fact", record_id, ("endpoint", "config"), line)
        if record is None:
            return self.out.unresolved_marker()
        # The fields a second argument may name: a config record's named fields, or an
        # endpoint's text facts (method, path, host) in the order written.
        facts: dict[str, str] = {}
        if isinstance(record.facts, ConfigFields):
            facts = dict(record.facts.fields)
        elif isinstance(record.facts, EndpointFacts):
            facts = {k: v for k, v in fact_values(record).items() if isinstance(v, str)}
        if name is None:
            if isinstance(record.facts, ConfigValue):
                return self.out.code(record.facts.value) + self._marker(record, line)
            if isinstance(record.facts, ConfigValues):
                return self.out.joined(record.facts.values, "and") + self._marker(record, line)
            return self.problem(
                line,
                f"fact('{record_id}') needs the name of the field to show",
                f"Add one of: {', '.join(facts)}",
                "macro-arguments",
            )
        if name not in facts:
            return self.problem(
                line,
                f"'{record_id}' has no field '{name}'",
                f"Use one of: {', '.join(facts)}.{did_you_mean(str(name), facts)}",
                "unknown-field",
            )
        return self.out.code(facts[name]) + self._marker(record, line)

    def link(self, record_id: str) -> Markup:
        line = template_line()
        record = self._record("link", record_id, ("endpoint", "config", "code", "doc"), line)
        if record is None:
            return self.out.unresolved_marker()
        return self.out.link(record) + self._marker(record, line)

    def code(self, record_id: str) -> Markup:
        line = template_line()
        record = self._record("code", record_id, ("code",), line)
        if record is None:
            return self.out.unresolved_marker()
        call_line = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if not call_line.strip().startswith("{{") or not call_line.rstrip().endswith("}}"):
            return self.problem(
                line,
                "code() must stand on a line of its own",
                "Move the {{ code(...) }} call to its own line, indented like the text "
                "it belongs to",
                "code-placement",
            )
        indent = call_line[: len(call_line) - len(call_line.lstrip())]
        facts = record.facts
        assert isinstance(facts, CodeFacts)  # _record checked the kind
        block = self.out.code_block(
            facts.source, facts.highlight, facts.file.rsplit("/", 1)[-1], indent
        )
        caption = self.out.code_caption(
            facts.file, facts.symbol, self._marker(record, line), indent
        )
        return Markup(f"{block}\n\n{caption}")

    def _table_rows(
        self,
        macro: str,
        record_ids: tuple[Any, ...],
        kinds: tuple[str, ...],
        line: int,
    ) -> list[tuple[Record, Markup]] | None:
        """Each record with its citation marker, or None after reporting a problem."""
        if not record_ids:
            self.problem(
                line,
                f"{macro}() was called without a source id",
                f"Write it as {MACRO_USAGE[macro]}",
                "macro-arguments",
            )
            return None
        found = [self._record(macro, record_id, kinds, line) for record_id in record_ids]
        records = [record for record in found if record is not None]
        if len(records) < len(found):
            return None
        return [(record, self._marker(record, line)) for record in records]

    def scope_table(self, *record_ids: str) -> Markup:
        """A table of endpoints: operation, request line and the scopes it needs."""
        line = template_line()
        rows = self._table_rows("scope_table", record_ids, ("endpoint",), line)
        if rows is None:
            return self.out.unresolved_marker()
        return self.out.table(
            ("Operation", "Request", "Scopes (one from each group)"),
            [
                (
                    self.out.text(r.title) + marker,
                    self.out.endpoint(r.facts),
                    self.out.scope_expression(r.facts.scopes),
                )
                for r, marker in rows
                if isinstance(r.facts, EndpointFacts)  # all are: _table_rows checked the kind
            ],
        )

    def fields_table(self, *record_ids: str) -> Markup:
        """A table of config records with named fields: one row per record, one column per field."""
        line = template_line()
        rows = self._table_rows("fields_table", record_ids, ("config",), line)
        if rows is None:
            return self.out.unresolved_marker()
        without = [r.id for r, _ in rows if not isinstance(r.facts, ConfigFields)]
        if without:
            return self.problem(
                line,
                f"fields_table() needs records with fields; '{without[0]}' has none",
                "Use fact() for records that hold a value or values",
                "wrong-kind",
            )
        fields = [r.facts.fields for r, _ in rows if isinstance(r.facts, ConfigFields)]
        columns = list(dict.fromkeys(key for named in fields for key in named))
        cells = [
            [self.out.code(named[c]) if c in named else Markup("") for c in columns]
            for named in fields
        ]
        for row, (_, marker) in zip(cells, rows, strict=True):
            row[0] = row[0] + marker
        return self.out.table([self.out.column_heading(c) for c in columns], cells)

    def compare_table(self, *record_ids: str) -> Markup:
        """Two products side by side: ids in pairs (left product, right product), one row each.

        A pair may hold endpoint records (request and scopes) or config records (a limit or other
        value); "" stands for an operation the product's pages do not document.
        """
        line = template_line()
        if not record_ids or len(record_ids) % 2:
            return self.problem(
                line,
                f"compare_table() needs its ids in pairs, one per product, and was given "
                f"{len(record_ids)}",
                f'Write it as {MACRO_USAGE["compare_table"]}; use "" where a product has nothing',
                "macro-arguments",
            )
        kinds = ("endpoint", "config")
        found = [
            None if record_id == "" else self._record("compare_table", record_id, kinds, line)
            for record_id in record_ids
        ]
        if any(f is None and i != "" for f, i in zip(found, record_ids, strict=True)):
            return self.out.unresolved_marker()
        columns: list[str | None] = [None, None]
        for index, record in enumerate(found):
            if record is None:
                continue
            side = index % 2
            if columns[side] is None:
                columns[side] = record.product
            elif record.product != columns[side]:
                return self.problem(
                    line,
                    f"compare_table() column {side + 1} mixes products: '{record.id}' belongs to "
                    f"{record.product}, the column to {columns[side]}",
                    "Put each product's ids on the same side of every pair "
                    "(the first id of a pair on the left)",
                    "macro-arguments",
                )
        left, right = columns
        if left is None or right is None or left == right:
            return self.problem(
                line,
                "compare_table() needs a record of two different products, one on each side",
                "Give each pair one id of the left product and one of the right product",
                "macro-arguments",
            )
        rows = [
            [
                self.out.comparison_cell(r, self._marker(r, line))
                if r
                else self.out.not_documented()
                for r in found[start : start + 2]
            ]
            for start in range(0, len(found), 2)
        ]
        return self.out.table([self.products.get(p, p) for p in (left, right)], rows)

    def as_context(self) -> dict[str, Callable[..., Markup]]:
        return {name: _checked(self, getattr(self, name)) for name in MACRO_NAMES}


_SIGNATURES: dict[str, inspect.Signature] = {}


def _checked(macros: PageMacros, function: Callable[..., Markup]) -> Callable[..., Markup]:
    """Turn a call with the wrong arguments into a writer's problem instead of a TypeError."""
    signature = _SIGNATURES.get(function.__name__)
    if signature is None:  # the same for every page: work it out once per macro
        signature = _SIGNATURES[function.__name__] = inspect.signature(function)

    def call(*args: Any, **kwargs: Any) -> Markup:
        try:
            signature.bind(*args, **kwargs)
        except TypeError as error:
            return macros.problem(
                template_line(),
                f"{function.__name__}() was called wrongly: {error}",
                f"Write it as {MACRO_USAGE[function.__name__]}",
                "macro-arguments",
            )
        return function(*args, **kwargs)

    call.__name__ = function.__name__
    return call

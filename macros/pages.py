"""Pages: front matter, the sandboxed Jinja render with our macros, and the how-to page contract.

Owns: turning one page's source text into Markdown plus its citations and problems. Pages can call
only the macros defined here; they cannot reach Python. Does not own: MkDocs (plugin.py), record
loading (records.py) or markup (render.py).
"""

from __future__ import annotations

import codecs
import inspect
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import escape

from . import render
from . import yamlnodes as yn
from .citations import Citations
from .problems import Location, Problem, did_you_mean
from .records import Record

HOW_TO_SECTIONS = ("Why this matters", "Step-by-step", "Common pitfalls", "What to check")
CITED_ITEM_SECTIONS = ("Common pitfalls", "What to check")
PAGE_TYPES = ("how-to", "overview", "landing", "reference")
HOW_TO_FIELDS = ("title", "type", "product", "summary")
# Front matter that Material prints without escaping (titles in text, description in an attribute).
SHOWN_RAW_BY_THEME = {"title": "<>", "description": '<>"'}
MACRO_USAGE = {
    "cite": 'cite("source-id") or cite("first-id", "second-id")',
    "endpoint": 'endpoint("endpoint-id")',
    "scopes": 'scopes("endpoint-or-config-id")',
    "fact": 'fact("config-id") or fact("record-id", "field")',
    "code": 'code("code-id")',
    "link": 'link("source-id")',
    "scope_table": 'scope_table("endpoint-id", "another-endpoint-id", ...)',
    "fields_table": 'fields_table("config-id", "another-config-id", ...)',
}
MACRO_NAMES = tuple(MACRO_USAGE)
SOURCES_HINT = "Source ids are listed by 'python -m macros sources'"
_MAX_REPEAT = 10_000


class PageEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with no globals and a cap on '*' so a page cannot eat memory."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self) -> None:
        super().__init__(
            undefined=jinja2.StrictUndefined,
            autoescape=True,
            keep_trailing_newline=True,
            # '{#' starts attribute lists in Markdown ('## Title {#id}'), so comments use '{##'.
            comment_start_string="{##",
            comment_end_string="##}",
        )
        self.globals.clear()  # no range, cycler, joiner, lipsum, namespace or dict: only our macros

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise SecurityError("powers ('**') are not available in pages")
        for count in (left, right):
            if isinstance(count, int) and count > _MAX_REPEAT and not isinstance(count, bool):
                other = right if count is left else left
                if isinstance(other, (str, list, tuple)):
                    raise SecurityError("repeating text more than 10,000 times is not allowed")
        return super().call_binop(context, operator, left, right)


ENVIRONMENT = PageEnvironment()


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


# --- front matter ---------------------------------------------------------------------------------


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


# --- static view: macro calls and headings, without rendering -------------------------------------


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
_FENCE = re.compile(r"^\s*(```|~~~)")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])\s+\S")


def outline(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line, level, heading text) for each Markdown heading outside code blocks."""
    found, fenced = [], False
    for number, line in enumerate(lines, start=1):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            found.append((number, len(match.group(1)), match.group(2)))
    return found


def list_items(lines: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """(first line, last line) of each top-level list item in lines start..end (1-based, inclusive)."""
    starts = [n for n in range(start, end + 1) if _LIST_ITEM.match(lines[n - 1])]
    return [
        (first, (starts[i + 1] - 1 if i + 1 < len(starts) else end))
        for i, first in enumerate(starts)
    ]


# --- rendering ------------------------------------------------------------------------------------


@dataclass
class RenderedPage:
    path: str
    meta: dict[str, Any]
    markdown: str
    citations: Citations
    problems: list[Problem]


def _template_line() -> int:
    """The page line of the macro call being run, read from the Jinja frame that called it."""
    if line := _CALL_LINE.get():
        return line
    frame = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return 0


def _unclosed_tag_line(lines: list[str], noticed: int) -> int:
    """Jinja reports where it gave up; a writer needs the line where the unclosed tag was opened."""
    for number in range(min(noticed, len(lines)), 0, -1):
        line = lines[number - 1]
        for opener, closer in (("{{", "}}"), ("{%", "%}")):
            if line.rfind(opener) > line.rfind(closer):
                return number
    return noticed


def _error_line(error: BaseException, path: str) -> int:
    """The page line an exception was raised at (Jinja rewrites tracebacks to template lines)."""
    line, tb = 0, error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return getattr(error, "lineno", None) or line or 1


class _PageMacros:
    """The macros one page can call; they record problems rather than stop the render."""

    def __init__(self, path: str, lines: list[str], records: Mapping[str, Record]):
        self.path, self.lines, self.records = path, lines, records
        self.citations = Citations()
        self.problems: list[Problem] = []
        self.calls: list[MacroCall] | None = None  # set once the page's template is parsed

    def problem(self, line: int, what: str, todo: str, code: str) -> render.Markup:
        self.problems.append(Problem(Location(self.path, line), what, todo, code))
        return render.unresolved_marker()

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

    def _marker(self, record: Record, line: int) -> render.Markup:
        return render.marker(self.citations.cite(record.id, line), record)

    # The macros themselves. Each returns escaped markup and places a citation.

    def cite(self, *record_ids: str) -> render.Markup:
        line = _template_line()
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
            out.append(self._marker(record, line) if record else render.unresolved_marker())
        return render.Markup("".join(out))

    def endpoint(self, record_id: str) -> render.Markup:
        line = _template_line()
        record = self._record("endpoint", record_id, ("endpoint",), line)
        if record is None:
            return render.unresolved_marker()
        return render.endpoint(record) + self._marker(record, line)

    def scopes(self, record_id: str) -> render.Markup:
        line = _template_line()
        record = self._record("scopes", record_id, ("endpoint", "config"), line)
        if record is None:
            return render.unresolved_marker()
        if record.kind == "endpoint":
            shown = render.scope_expression(record.facts["scopes"])
        elif "values" in record.facts:
            shown = render.joined(record.facts["values"], "or")
        else:
            shown = render.code(record.facts.get("value", ""))
            if "value" not in record.facts:
                return self.problem(
                    line,
                    f"scopes() cannot show '{record_id}': it holds named fields",
                    f'Use fact("{record_id}", "<field>") to show one of them',
                    "wrong-kind",
                )
        return shown + self._marker(record, line)

    def fact(self, record_id: str, name: str | None = None) -> render.Markup:
        line = _template_line()
        record = self._record("fact", record_id, ("endpoint", "config"), line)
        if record is None:
            return render.unresolved_marker()
        facts = (
            dict(record.facts.get("fields", {}))
            if record.kind == "config"
            else {k: v for k, v in record.facts.items() if isinstance(v, str)}
        )
        if name is None:
            if "value" in record.facts:
                return render.code(record.facts["value"]) + self._marker(record, line)
            if "values" in record.facts:
                return render.joined(record.facts["values"], "and") + self._marker(record, line)
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
        return render.code(facts[name]) + self._marker(record, line)

    def link(self, record_id: str) -> render.Markup:
        line = _template_line()
        record = self._record("link", record_id, ("endpoint", "config", "code", "doc"), line)
        if record is None:
            return render.unresolved_marker()
        return render.Markup(
            f'<a href="{render.attribute(record.url)}" rel="noopener">'
            f"{render.text(record.title)}</a>"
        ) + self._marker(record, line)

    def code(self, record_id: str) -> render.Markup:
        line = _template_line()
        record = self._record("code", record_id, ("code",), line)
        if record is None:
            return render.unresolved_marker()
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
        block = render.code_block(
            facts["source"],
            facts.get("language", "python"),
            facts["file"].rsplit("/", 1)[-1],
            indent,
        )
        caption = (
            f'{indent}<span class="bh-code-source">From {render.code(facts["file"])}, '
            f"{render.code(facts['symbol'])} (tested){self._marker(record, line)}</span>"
        )
        return render.Markup(f"{block}\n\n{caption}")

    def _table_rows(
        self,
        macro: str,
        record_ids: tuple[Any, ...],
        kinds: tuple[str, ...],
        line: int,
    ) -> list[tuple[Record, render.Markup]] | None:
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
        if None in found:
            return None
        return [(record, self._marker(record, line)) for record in found]

    def scope_table(self, *record_ids: str) -> render.Markup:
        """A table of endpoints: operation, request line and the scopes it needs."""
        line = _template_line()
        rows = self._table_rows("scope_table", record_ids, ("endpoint",), line)
        if rows is None:
            return render.unresolved_marker()
        return render.table(
            ("Operation", "Request", "Scopes (one from each group)"),
            [
                (
                    render.text(r.title) + marker,
                    render.endpoint(r),
                    render.scope_expression(r.facts["scopes"]),
                )
                for r, marker in rows
            ],
        )

    def fields_table(self, *record_ids: str) -> render.Markup:
        """A table of config records with named fields: one row per record, one column per field."""
        line = _template_line()
        rows = self._table_rows("fields_table", record_ids, ("config",), line)
        if rows is None:
            return render.unresolved_marker()
        without = [r.id for r, _ in rows if "fields" not in r.facts]
        if without:
            return self.problem(
                line,
                f"fields_table() needs records with fields; '{without[0]}' has none",
                "Use fact() for records that hold a value or values",
                "wrong-kind",
            )
        columns = list(dict.fromkeys(key for r, _ in rows for key in r.facts["fields"]))
        cells = [
            [
                render.code(r.facts["fields"][c]) if c in r.facts["fields"] else render.Markup("")
                for c in columns
            ]
            for r, _ in rows
        ]
        for row, (_, marker) in zip(cells, rows, strict=True):
            row[0] = row[0] + marker
        return render.table([render.column_heading(c) for c in columns], cells)

    def as_context(self) -> dict[str, Callable[..., render.Markup]]:
        return {name: _checked(self, getattr(self, name)) for name in MACRO_NAMES}


_SIGNATURES: dict[str, inspect.Signature] = {}


def _checked(
    macros: _PageMacros, function: Callable[..., render.Markup]
) -> Callable[..., render.Markup]:
    """Turn a call with the wrong arguments into a writer's problem instead of a TypeError."""
    signature = _SIGNATURES.get(function.__name__)
    if signature is None:  # the same for every page: work it out once per macro
        signature = _SIGNATURES[function.__name__] = inspect.signature(function)

    def call(*args: Any, **kwargs: Any) -> render.Markup:
        try:
            signature.bind(*args, **kwargs)
        except TypeError as error:
            return macros.problem(
                _template_line(),
                f"{function.__name__}() was called wrongly: {error}",
                f"Write it as {MACRO_USAGE[function.__name__]}",
                "macro-arguments",
            )
        return function(*args, **kwargs)

    call.__name__ = function.__name__
    return call


# --- plain pages without Jinja's compiler ---------------------------------------------------------
# Nearly every page is text plus `{{ macro("id", ...) }}` calls. Jinja renders such a page to its
# text verbatim with each call's (Markup) result in place; parsing and compiling the page to Python
# to get there was most of its cost. Pages with anything more go through Jinja as before.

_QUOTED = r"""(?:"[^"\\\n]*"|'[^'\\\n]*')"""  # no escapes or line breaks: its value is its text
_NAMES = "|".join(MACRO_NAMES)
_PLAIN_CALL = re.compile(rf"\{{\{{ *({_NAMES})\( *({_QUOTED}(?: *, *{_QUOTED})*) *\) *\}}\}}")
_QUOTED_VALUE = re.compile(_QUOTED)
_JINJA_STARTS = ("{{", "{%", "{##")
# The line of the call being run, for _template_line when no Jinja frame is there to ask.
_CALL_LINE: ContextVar[int] = ContextVar("beam_call_line", default=0)


def _render_plain_calls(template_source: str, macros: _PageMacros) -> str | None:
    """The page rendered as Jinja would render it, if it holds only text and plain macro calls;
    None (having run nothing) when it holds anything else, for Jinja to render."""
    if "\r" in template_source:  # Jinja rewrites line ends in text
        return None
    matches = list(_PLAIN_CALL.finditer(template_source))
    start = 0
    for match in matches:
        text = template_source[start : match.start()]
        # A "{" just before "{{" makes Jinja start the tag one character earlier.
        if text.endswith("{") or any(tag in text for tag in _JINJA_STARTS):
            return None
        start = match.end()
    if any(tag in template_source[start:] for tag in _JINJA_STARTS):
        return None
    context = macros.as_context()
    out, calls, start, line = [], [], 0, 1
    for match in matches:
        text = template_source[start : match.start()]
        out.append(text)
        line += text.count("\n")
        name = match.group(1)
        args = tuple(value[1:-1] for value in _QUOTED_VALUE.findall(match.group(2)))
        calls.append(MacroCall(name, args[:1] if name == "fact" else args, line))  # as macro_calls
        token = _CALL_LINE.set(line)
        try:
            out.append(str(escape(context[name](*args))))
        except Exception as error:  # noqa: BLE001 - as in _render_template: report, never crash
            macros.problem(
                line,
                f"an expression on this line failed ({type(error).__name__}: {error})",
                "Simplify the expression; pages need only the Beam Help macros",
                "template",
            )
            return ""
        finally:
            _CALL_LINE.reset(token)
        start = match.end()
    out.append(template_source[start:])
    macros.calls = calls
    return "".join(out)


class PageRenderer:
    """Renders pages against one set of records; reusable across every page of a build.

    always_jinja=True compiles every page with Jinja, even plain ones (tests compare the two).
    """

    def __init__(
        self,
        records: Mapping[str, Record],
        products: Mapping[str, str],
        *,
        always_jinja: bool = False,
    ):
        self.records, self.products = records, products
        self.always_jinja = always_jinja

    def render(self, path: str, source: str) -> RenderedPage:
        matter, problems = read_front_matter(source, path)
        lines = source.splitlines()
        # Blank the front matter instead of cutting it, so template lines are file lines.
        template_source = "\n" * matter.end_line + "\n".join(lines[matter.end_line :])
        if source.endswith("\n"):
            template_source += "\n"
        macros = _PageMacros(path, lines, self.records)
        body = ""
        try:
            body = self._render_template(template_source, path, macros)
        except jinja2.TemplateSyntaxError as error:
            line, noticed = _unclosed_tag_line(lines, error.lineno or 1), ""
            if line != error.lineno:
                noticed = f" (Jinja noticed it on line {error.lineno})"
            problems.append(
                Problem(
                    Location(path, line),
                    f"the page's template syntax is broken: {error.message}{noticed}",
                    "Close every {{ and {% you open; to show braces literally, "
                    "wrap them in {% raw %}...{% endraw %}",
                    "template-syntax",
                )
            )
        problems += macros.problems
        if not any(p.code == "template-syntax" for p in problems):
            problems += self._contract(path, lines, matter, template_source, macros.calls)
        markdown = self._assemble(matter, body.lstrip("\n"), macros.citations)
        return RenderedPage(path, matter.values, markdown, macros.citations, sorted(problems))

    def _render_template(self, template_source: str, path: str, macros: _PageMacros) -> str:
        if not self.always_jinja:
            plain = _render_plain_calls(template_source, macros)
            if plain is not None:
                return plain
        tree = ENVIRONMENT.parse(template_source)
        # One walk over the tree serves every check below, and one parse serves the contract check.
        parsed = list(tree.find_all(nodes.Node))
        names = [node for node in parsed if isinstance(node, nodes.Name)]
        macros.calls = macro_calls(parsed)
        outside = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)
        for statement in (node for node in parsed if isinstance(node, outside)):
            macros.problem(
                statement.lineno,
                f"the page uses {{% {type(statement).__name__.lower()} %}}, which pages cannot use",
                "Pages cannot include, import or extend other templates; write the text here",
                "template",
            )
        assigned = {name.name for name in names if name.ctx in ("store", "param")}
        # An unknown name inside a macro call is an id whose quotes were forgotten: say so once.
        unquoted = set()
        for call in (node for node in parsed if isinstance(node, nodes.Call)):
            if isinstance(call.node, nodes.Name) and call.node.name in MACRO_NAMES:
                bare = [n for arg in call.args for n in (arg, *arg.find_all(nodes.Name))]
                bare = [
                    n
                    for n in bare
                    if isinstance(n, nodes.Name) and n.name not in (*MACRO_NAMES, *assigned)
                ]
                if bare:
                    unquoted.update(id(n) for n in bare)
                    macros.problem(
                        call.lineno,
                        f"{call.node.name}() was given a name without quotes where a source id "
                        "belongs",
                        f"Put the id in quotes: {MACRO_USAGE[call.node.name]}",
                        "macro-arguments",
                    )
        unknown = [
            (name.lineno, name.name)
            for name in names
            if name.ctx == "load" and name.name not in MACRO_NAMES and id(name) not in unquoted
        ]
        for line, name in sorted(set(unknown)):
            if name not in assigned:
                macros.problem(
                    line,
                    f"the page uses '{name}', which does not exist in pages",
                    f"Use only the Beam Help macros: {', '.join(MACRO_NAMES)}."
                    f"{did_you_mean(name, MACRO_NAMES)}",
                    "undefined",
                )
        if macros.problems:
            return ""
        code = ENVIRONMENT.compile(tree, filename=path)
        template = ENVIRONMENT.template_class.from_code(ENVIRONMENT, code, ENVIRONMENT.globals)
        try:
            return template.render(macros.as_context())
        except SecurityError as error:
            reason = str(error).rstrip(".")
            macros.problem(
                _error_line(error, path),
                f"the page tried something pages may not do ({reason})",
                f"Use only the Beam Help macros: {', '.join(MACRO_NAMES)}",
                "sandbox",
            )
        except jinja2.UndefinedError as error:
            name = re.search(r"'([^']+)' is undefined", str(error))
            hint = did_you_mean(name.group(1), MACRO_NAMES) if name else ""
            macros.problem(
                _error_line(error, path),
                f"the page uses something that does not exist ({error})",
                f"Use only the Beam Help macros: {', '.join(MACRO_NAMES)}.{hint}",
                "undefined",
            )
        except jinja2.TemplateError as error:
            macros.problem(
                _error_line(error, path),
                f"the page's template failed: {error}",
                "Pages cannot include, import or extend other templates",
                "template",
            )
        except Exception as error:  # noqa: BLE001 - a writer's expression failed; report, never crash
            macros.problem(
                _error_line(error, path),
                f"an expression on this line failed ({type(error).__name__}: {error})",
                "Simplify the expression; pages need only the Beam Help macros",
                "template",
            )
        return ""

    def _contract(
        self,
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
        if product is not None and product not in self.products:
            problems.append(
                Problem(
                    Location(path, matter.lines["product"]),
                    f"unknown product '{product}'",
                    f"Use one of: {', '.join(self.products)}.{did_you_mean(product, self.products)}"
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
                        f"Add '## {section}' with its content (sections: "
                        f"{', '.join(HOW_TO_SECTIONS)})",
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

    def _assemble(self, matter: FrontMatter, body: str, citations: Citations) -> str:
        """The writer's body with the generated parts around it."""
        parts = []
        values = matter.values
        if values.get("type") == "how-to" and {"title", "summary"} <= values.keys():
            kicker = f"How-to · {self.products.get(values.get('product', ''), values.get('product', ''))}"
            parts.append(render.page_head(kicker, values["title"], values["summary"]))
        parts.append(body.rstrip("\n") + "\n")
        if values.get("type") == "how-to":
            parts.append(render.disclaimer())
        entries = [
            (number, self.records[record_id], uses)
            for number, record_id, uses in citations.entries()
            if record_id in self.records
        ]
        if entries:
            parts.append(render.sources_list(entries))
        return "\n".join(parts)

"""Rendering one page: its template in the sandbox, the generated parts around it, its problems.

Owns: turning one page's source text into Markdown plus its citations and problems, by way of
the front matter (frontmatter.py), the macros (page_macros.py), the sandbox (sandbox.py), the
how-to contract (contract.py) and its claims (claims.py). Does not own: MkDocs (plugin.py),
records or markup (render.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SecurityError
from markupsafe import escape

from . import render
from .citations import Citations
from .claims import claim_problems
from .contract import MacroCall, contract_problems, macro_calls
from .frontmatter import FrontMatter, read_front_matter
from .page_macros import _CALL_LINE, MACRO_NAMES, MACRO_USAGE, PageMacros
from .problems import Location, Problem, did_you_mean
from .records import Record
from .sandbox import ENVIRONMENT, error_line, unclosed_tag_line


@dataclass
class RenderedPage:
    path: str
    meta: dict[str, Any]
    markdown: str
    citations: Citations
    problems: list[Problem]
    body_line: int = 1  # the first line after the front matter


# --- plain pages without Jinja's compiler ---------------------------------------------------------
# Nearly every page is text plus `{{ macro("id", ...) }}` calls. Jinja renders such a page to its
# text verbatim with each call's (Markup) result in place; parsing and compiling the page to Python
# to get there was most of its cost. Pages with anything more go through Jinja as before.

_QUOTED = r"""(?:"[^"\\\n]*"|'[^'\\\n]*')"""  # no escapes or line breaks: its value is its text
_NAMES = "|".join(MACRO_NAMES)
_PLAIN_CALL = re.compile(rf"\{{\{{ *({_NAMES})\( *({_QUOTED}(?: *, *{_QUOTED})*) *\) *\}}\}}")
_QUOTED_VALUE = re.compile(_QUOTED)
_JINJA_STARTS = ("{{", "{%", "{##")


def _render_plain_calls(template_source: str, macros: PageMacros) -> str | None:
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
    code_base is where code records' files can be read (repo_links.file_base), or None.
    """

    def __init__(
        self,
        records: Mapping[str, Record],
        products: Mapping[str, str],
        *,
        always_jinja: bool = False,
        code_base: str | None = None,
    ):
        self.records, self.products = records, products
        self.always_jinja = always_jinja
        self.code_base = code_base

    def render(self, path: str, source: str, out: ModuleType = render) -> RenderedPage:
        """The page as the site shows it; out=render_plain gives its plain Markdown copy instead,
        from the same template and records through the renderer's second backend."""
        matter, problems = read_front_matter(source, path)
        lines = source.splitlines()
        # Blank the front matter instead of cutting it, so template lines are file lines.
        template_source = "\n" * matter.end_line + "\n".join(lines[matter.end_line :])
        if source.endswith("\n"):
            template_source += "\n"
        macros = PageMacros(path, lines, self.records, out)
        body = ""
        try:
            body = self._render_template(template_source, path, macros)
        except jinja2.TemplateSyntaxError as error:
            line, noticed = unclosed_tag_line(lines, error.lineno or 1), ""
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
            problems += contract_problems(
                self.products, path, lines, matter, template_source, macros.calls
            )
            if matter.values.get("type") == "how-to":
                problems += claim_problems(path, lines, self.records)
        markdown = self._assemble(matter, body.lstrip("\n"), macros.citations, out)
        return RenderedPage(
            path, matter.values, markdown, macros.citations, sorted(problems), matter.end_line + 1
        )

    def _render_template(self, template_source: str, path: str, macros: PageMacros) -> str:
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
                error_line(error, path),
                f"the page tried something pages may not do ({reason})",
                f"Use only the Beam Help macros: {', '.join(MACRO_NAMES)}",
                "sandbox",
            )
        except jinja2.UndefinedError as error:
            name = re.search(r"'([^']+)' is undefined", str(error))
            hint = did_you_mean(name.group(1), MACRO_NAMES) if name else ""
            macros.problem(
                error_line(error, path),
                f"the page uses something that does not exist ({error})",
                f"Use only the Beam Help macros: {', '.join(MACRO_NAMES)}.{hint}",
                "undefined",
            )
        except jinja2.TemplateError as error:
            macros.problem(
                error_line(error, path),
                f"the page's template failed: {error}",
                "Pages cannot include, import or extend other templates",
                "template",
            )
        except Exception as error:  # noqa: BLE001 - a writer's expression failed; report, never crash
            macros.problem(
                error_line(error, path),
                f"an expression on this line failed ({type(error).__name__}: {error})",
                "Simplify the expression; pages need only the Beam Help macros",
                "template",
            )
        return ""

    def _assemble(
        self, matter: FrontMatter, body: str, citations: Citations, out: ModuleType
    ) -> str:
        """The writer's body with the generated parts around it."""
        parts = []
        values = matter.values
        if values.get("type") == "how-to" and {"title", "summary"} <= values.keys():
            kicker = f"How-to · {self.products.get(values.get('product', ''), values.get('product', ''))}"
            parts.append(out.page_head(kicker, values["title"], values["summary"]))
        parts.append(body.rstrip("\n") + "\n")
        if values.get("type") == "how-to":
            parts.append(out.disclaimer())
        entries = [
            (number, self.records[record_id], uses)
            for number, record_id, uses in citations.entries()
            if record_id in self.records
        ]
        if entries:
            parts.append(out.sources_list(entries, self.code_base))
        return "\n".join(parts)

"""Rendering one page: its template in the sandbox, the generated parts around it, its problems.

Owns: turning one page's source text into Markdown plus its citations and problems, by way of
the front matter (frontmatter.py), the macros (page_macros.py), the sandbox (sandbox.py), the
how-to contract (contract.py) and its claims (claims.py). Does not own: MkDocs (plugin.py),
records or markup (render.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import ModuleType

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError

from . import relations, render
from .citations import Citations
from .claims import claim_problems
from .contract import contract_problems, nesting_problems
from .frontmatter import FrontMatter, read_front_matter
from .kinds import Record
from .page_macros import PageMacros
from .page_scan import MACRO_NAMES, MACRO_USAGE, macro_calls
from .plain_calls import render_plain_calls
from .problems import Location, Problem, did_you_mean, text_lines
from .rendered_page import RenderedPage
from .sandbox import (
    ENVIRONMENT,
    MAX_TAG,
    LimitExceeded,
    bounded_render,
    error_line,
    oversized_tag_line,
    unclosed_tag_line,
)
from .stash import Stash
from .template_text import template_text_problems

# A page's size in characters; the largest real page is a small fraction of it.
MAX_PAGE_CHARACTERS = 200_000
# Problems that mean Markdown would take too long (or too much memory) over the page.
_TOO_COSTLY = ("too-deep", "render-limit", "file-too-large")


def _most_nested_line(lines: list[str]) -> int:
    """The line with the most opening brackets: where a too-deeply nested expression is."""
    counts = [sum(line.count(c) for c in "([{") for line in lines]
    return counts.index(max(counts)) + 1 if counts else 1


def _over_the_limit(error: BaseException) -> tuple[str, str]:
    """What a writer reads when a page's template would take more than a page may take."""
    if isinstance(error, LimitExceeded):
        reason = str(error)
    elif isinstance(error, RecursionError):
        reason = "it is nested too deeply or calls itself too often"
    else:
        reason = "it needs more memory than a page may use"
    return (
        f"this page cannot be rendered: {reason}",
        "Pages need only text and the Beam Help macros; remove the loop, repetition or "
        "expression on this line",
    )


_QUOTED_ID = re.compile(r"""(["'])([a-z0-9]+(?:[.-][a-z0-9]+)*)\1""")


def _named_ids(source: str, records: Mapping[str, Record]) -> frozenset[str]:
    """Every record id the page's text names in quotes, whether or not its template renders."""
    return frozenset(m.group(2) for m in _QUOTED_ID.finditer(source) if m.group(2) in records)


def _recursive_macros(defined: Mapping[str, nodes.Macro]) -> dict[str, list[str]]:
    """Each page macro that ends up calling itself, with the other macros on the way (in order)."""
    calls = {
        name: sorted(
            {n.name for n in macro.find_all(nodes.Name) if n.ctx == "load" and n.name in defined}
        )
        for name, macro in defined.items()
    }
    found = {}
    for start in defined:
        paths: list[tuple[str, list[str]]] = [(callee, []) for callee in calls[start]]
        seen: set[str] = set()
        while paths:
            name, before = paths.pop(0)
            if name == start:
                found[start] = before
                break
            if name not in seen:
                seen.add(name)
                paths += [(callee, [*before, name]) for callee in calls[name]]
    return found


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
        invalid: Mapping[str, Location] | None = None,
        docs_dir: str = "docs",
        code_base: str | None = None,
    ):
        self.records, self.products = records, products
        self.always_jinja = always_jinja
        self.invalid = invalid or {}  # ids of records that failed their checks, and where
        self.docs_dir = docs_dir.rstrip("/")  # relative to the repository, as page paths are
        self.code_base = code_base

    def render(self, path: str, source: str, out: ModuleType = render) -> RenderedPage:
        """The page as the site shows it; out=render_plain gives its plain Markdown copy instead,
        from the same template and records through the renderer's second backend."""
        if len(source) > MAX_PAGE_CHARACTERS:
            problem = Problem(
                Location(path, 1),
                f"this page has {len(source):,} characters, over the "
                f"{MAX_PAGE_CHARACTERS:,}-character limit for one page",
                "Split it into several pages",
                "file-too-large",
            )
            return RenderedPage(path, {}, "", Citations(), [problem])
        matter, problems = read_front_matter(source, path)
        lines = text_lines(source)
        problems += nesting_problems(path, lines)
        # Blank the front matter instead of cutting it, so template lines are file lines.
        template_source = "\n" * matter.end_line + "\n".join(lines[matter.end_line :])
        if source.endswith("\n"):
            template_source += "\n"
        stash = Stash(source) if out is render else None  # the site's HTML, not the plain copy
        macros = PageMacros(path, lines, self.records, out, self.invalid, self.products, stash)
        body = ""
        try:
            with bounded_render():
                body = self._render_template(template_source, path, macros)
        except (LimitExceeded, MemoryError, RecursionError) as error:
            what, todo = _over_the_limit(error)
            line = error_line(error, path)
            if isinstance(error, RecursionError) and line == 1:  # Jinja's parser gave no line
                line = _most_nested_line(lines)
            macros.problem(line, what, todo, "render-limit")
        except jinja2.TemplateSyntaxError as error:
            line, noticed = unclosed_tag_line(lines, error.lineno or 1), ""
            if line != error.lineno:
                noticed = f" (Jinja noticed it on line {error.lineno})"
            problems.append(
                Problem(
                    Location(path, line),
                    f"the page's template syntax is broken: {error.message}{noticed}",
                    "Close every {{ and {% you open; to show braces to readers, put them in a "
                    "code span inside {% raw %}...{% endraw %}",
                    "template-syntax",
                )
            )
        problems += macros.problems
        # The plain Markdown copy (out=render_plain) is of a page this build has checked already.
        if out is render and not any(p.code == "template-syntax" for p in problems):
            leftovers = template_text_problems(path, template_source, MACRO_NAMES)
            problems += leftovers
            problems += contract_problems(
                self.products,
                path,
                lines,
                matter,
                template_source,
                macros.calls,
                meant_to_cite={p.location.line for p in leftovers if p.code == "malformed-macro"},
                folder=self._product_folder(path),
            )
            if matter.values.get("type") == "how-to":
                problems += claim_problems(path, lines, self.records)
        markdown = self._assemble(path, matter, body.lstrip("\n"), macros.citations, out, stash)
        stashed = None
        if stash is not None:
            markdown, stashed = stash.write_out(markdown)
        if any(p.code in _TOO_COSTLY for p in problems):
            # the build fails anyway; MkDocs must not spend minutes converting it
            markdown, stashed = "", None
        named = (
            _named_ids(source, self.records)
            if any(p.severity == "error" for p in problems)
            else frozenset()
        )
        return RenderedPage(
            path,
            matter.values,
            markdown,
            macros.citations,
            sorted(problems),
            matter.end_line + 1,
            named,
            meta_lines=dict(matter.lines),
            calls=None if macros.calls is None else tuple(macros.calls),
            stashed=stashed,
        )

    def _product_folder(self, path: str) -> str | None:
        """The product folder a page sits in (docs/<product>/...), or None."""
        inside = path.removeprefix(f"{self.docs_dir}/")
        folder = inside.split("/", 1)[0] if inside != path and "/" in inside else None
        return folder if folder in self.products else None

    def _render_template(self, template_source: str, path: str, macros: PageMacros) -> str:
        if not self.always_jinja:
            plain = render_plain_calls(template_source, macros)
            if plain is not None:
                return plain
        long_tag = oversized_tag_line(template_source)
        if long_tag is not None:
            raise LimitExceeded(
                f"a {{{{ }}}} or {{% %}} on this line is longer than {MAX_TAG:,} characters",
                long_tag,
            )
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
        defined = {node.name: node for node in parsed if isinstance(node, nodes.Macro)}
        assigned |= defined.keys()  # a page's own {% macro %} is not an unknown name
        for looping, path_through in _recursive_macros(defined).items():
            via = f" (through {', '.join(path_through)})" if path_through else ""
            macros.problem(
                defined[looping].lineno,
                f"the macro '{looping}' calls itself{via}, so it would never finish",
                "Break the loop: remove one of the calls that lead back to it"
                if path_through
                else f"Remove the call to {looping}() from inside it",
                "recursive-macro",
            )
        # A macro's name is either called or, reached into (cite.__globals__), left to the sandbox.
        called = {id(call.node) for call in parsed if isinstance(call, nodes.Call)}
        called |= {id(n.node) for n in parsed if isinstance(n, (nodes.Getattr, nodes.Getitem))}
        for name in names:
            if name.name in MACRO_NAMES and id(name) not in called and name.name not in assigned:
                macros.problem(
                    name.lineno,
                    f"the page uses the macro {name.name} without calling it",
                    f"Call it with the source id in brackets: {MACRO_USAGE[name.name]}",
                    "macro-not-called",
                )
        # An unknown name inside a macro call is an id whose quotes were forgotten: say so once.
        unquoted: set[int] = set()  # id() of the bare names already reported
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
        for line, unknown_name in sorted(set(unknown)):
            if unknown_name not in assigned:
                macros.problem(
                    line,
                    f"the page uses '{unknown_name}', which does not exist in pages",
                    f"Use only the Beam Help macros: {', '.join(MACRO_NAMES)}."
                    f"{did_you_mean(unknown_name, MACRO_NAMES)}",
                    "undefined",
                )
        if macros.problems:
            return ""
        code = ENVIRONMENT.compile(tree, filename=path)
        template = ENVIRONMENT.template_class.from_code(ENVIRONMENT, code, ENVIRONMENT.globals)
        try:
            return template.render(macros.as_context())
        except (LimitExceeded, MemoryError, RecursionError):
            raise  # reported by render(), for parsing and compiling too
        except SecurityError as error:
            reason = str(error).rstrip(".")
            macros.problem(
                error_line(error, path),
                f"the page tried something pages may not do ({reason})",
                f"Use only the Beam Help macros: {', '.join(MACRO_NAMES)}",
                "sandbox",
            )
        except jinja2.UndefinedError as error:
            undefined = re.search(r"'([^']+)' is undefined", str(error))
            hint = did_you_mean(undefined.group(1), MACRO_NAMES) if undefined else ""
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
        self,
        path: str,
        matter: FrontMatter,
        body: str,
        citations: Citations,
        out: ModuleType,
        stash: Stash | None = None,
    ) -> str:
        """The writer's body with the generated parts around it."""
        parts = []
        values = matter.values
        if values.get("type") == "how-to" and {"title", "summary"} <= values.keys():
            kicker = f"How-to · {self.products.get(values.get('product', ''), values.get('product', ''))}"
            parts.append(out.page_head(kicker, values["title"], values["summary"]))
            other = relations.same_task_target(values.get("same_task"), self.products)
            if other is not None:
                link = relations.relative_link(path, other.path)
                parts.append(out.same_task_link(self.products[other.product], link))
        parts.append(body.rstrip("\n") + "\n")
        if values.get("type") == "how-to":
            parts.append(out.disclaimer())
        entries = [
            (number, self.records[record_id], uses)
            for number, record_id, uses in citations.entries()
            if record_id in self.records
        ]
        if entries and stash is not None:  # the site's HTML: Markdown converts only the heading
            items = stash.block(render.sources_items(entries, self.code_base))
            parts.append(f"{render.SOURCES_HEADING}\n\n{items}\n")
        elif entries:  # the plain Markdown copy
            parts.append(out.sources_list(entries, self.code_base))
        return "\n".join(parts)

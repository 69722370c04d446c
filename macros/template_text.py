"""Template text a reader would see: stray braces, macro calls missing a brace, `{# #}` comments.

Owns: finding, in the text Jinja passes through unchanged (outside code spans and fenced code
blocks), the fragments of template syntax that would be published as they stand, each as a
problem at its line. Does not own: Jinja's own syntax errors or rendering (pages.py).
"""

from __future__ import annotations

import re

import jinja2

from .page_scan import fenced_lines
from .problems import Location, Problem
from .sandbox import ENVIRONMENT

# Stands in for each Jinja tag (whatever it renders to is not text the writer typed).
_TAG = "\x00"
# Well-formed tags, cut out before the quick look for anything left over.
_WELL_FORMED = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{##.*?##\}", re.S)
_SUSPECT = re.compile(r"\{[{%#]|[}%#]\}|\{\s*[A-Za-z_]\w*\s*\(|\)\s*\}")
_RAW = re.compile(r"\{%-?\s*raw\b")  # what a raw block holds is published as typed

_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")
# Markdown's attribute lists ('## Title {#anchor}', '{: #id .class }') are not template text.
_ATTR_LIST = re.compile(r"\{:?[ \t]*#[\w-]+(?:[ \t]+[^{}\n]*?)?[ \t]*\}")
# A macro call with one brace instead of two on either side: '{ cite(' or 'cite("id") }'.
_ONE_BRACE_OPEN = re.compile(r"\{[ \t]*([A-Za-z_]\w*)[ \t]*\(")
_STRAY = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


def template_text_problems(
    path: str, template_source: str, macro_names: tuple[str, ...]
) -> list[Problem]:
    """A problem for each line whose literal text still holds template syntax."""
    if not _SUSPECT.search(_WELL_FORMED.sub(" ", template_source)) and not _RAW.search(
        template_source
    ):
        return []  # the usual page: nothing left once its well-formed tags are cut out
    try:
        text = literal_text(template_source)
    except jinja2.TemplateSyntaxError:
        return []  # reported as template-syntax by the renderer
    lines = text.split("\n")
    closing_call = re.compile(rf"\b({'|'.join(macro_names)})[ \t]*\([^()\n]*\)[ \t]*\}}")
    problems = []
    for number, (line, fenced) in enumerate(zip(lines, fenced_lines(lines), strict=True), start=1):
        if fenced or not line:
            continue
        prose = _ATTR_LIST.sub(_TAG, _CODE_SPAN.sub(_TAG, line))
        problem = _line_problem(Location(path, number), prose, closing_call)
        if problem is not None:
            problems.append(problem)
    return problems


def literal_text(template_source: str) -> str:
    """The page as Jinja would publish it with every tag blanked out, line for line: the text the
    writer typed, including what `{% raw %}` passes through."""
    out, line = [], 1
    for lineno, kind, value in ENVIRONMENT.lex(template_source):
        if lineno > line:
            out.append("\n" * (lineno - line))
            line = lineno
        if kind == "data":
            out.append(value)
            line += value.count("\n")
        else:
            out.append(_TAG)
    return "".join(out)


def _line_problem(where: Location, prose: str, closing_call: re.Pattern[str]) -> Problem | None:
    call = _ONE_BRACE_OPEN.search(prose) or closing_call.search(prose)
    if call is not None:
        return Problem(
            where,
            f"'{call.group(0).strip()}' is a macro call with a brace missing, so readers would see "
            "it as text",
            f"Write it as {{{{ {call.group(1)}(...) }}}}, with two braces on each side",
            "malformed-macro",
        )
    stray = _STRAY.findall(prose)
    if not stray:
        return None
    if "{#" in stray or "#}" in stray:
        return Problem(
            where,
            "'{# ... #}' is not a comment in pages, so readers would see it",
            "Write notes to yourself between {## and ##}, which readers never see",
            "template-text",
        )
    shown = " and ".join(f"'{fragment}'" for fragment in dict.fromkeys(stray))
    return Problem(
        where,
        f"{shown} would reach readers as text, outside any complete macro call",
        'Complete the call as {{ cite("source-id") }}, or delete the stray braces; to show '
        "template syntax to readers, put it in a code span or code block",
        "template-text",
    )

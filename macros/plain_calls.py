"""Plain pages rendered without Jinja's compiler.

Nearly every page is text plus `{{ macro("id", ...) }}` calls. Jinja renders such a page to its
text verbatim with each call's (Markup) result in place; parsing and compiling the page to Python
to get there was most of its cost. Pages with anything more go through Jinja (pages.py).

Owns: recognising such a page and rendering it exactly as Jinja would. Does not own: the macros
(page_macros.py) or any page with more than text and plain calls (pages.py).
"""

from __future__ import annotations

import re

from markupsafe import escape

from .page_macros import PageMacros, calling_from_line
from .page_scan import MACRO_NAMES, MacroCall, source_ids

# Nearly every page is text plus `{{ macro("id", ...) }}` calls. Jinja renders such a page to its
# text verbatim with each call's (Markup) result in place; parsing and compiling the page to Python
# to get there was most of its cost. Pages with anything more go through Jinja as before.

_QUOTED = r"""(?:"[^"\\\n]*"|'[^'\\\n]*')"""  # no escapes or line breaks: its value is its text
_NAMES = "|".join(MACRO_NAMES)
_PLAIN_CALL = re.compile(rf"\{{\{{ *({_NAMES})\( *({_QUOTED}(?: *, *{_QUOTED})*) *\) *\}}\}}")
_QUOTED_VALUE = re.compile(_QUOTED)
_JINJA_STARTS = ("{{", "{%", "{##")


def render_plain_calls(template_source: str, macros: PageMacros) -> str | None:
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
        calls.append(MacroCall(name, source_ids(name, args), line))
        try:
            with calling_from_line(line):
                out.append(str(escape(context[name](*args))))
        except Exception as error:  # noqa: BLE001 - as in pages.py: report, never crash
            macros.problem(
                line,
                f"an expression on this line failed ({type(error).__name__}: {error})",
                "Simplify the expression; pages need only the Beam Help macros",
                "template",
            )
            return ""
        start = match.end()
    out.append(template_source[start:])
    macros.calls = calls
    return "".join(out)

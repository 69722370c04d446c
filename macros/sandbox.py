"""The sandbox pages render in: Jinja's immutable sandbox with no globals, and error lines.

Owns: the Jinja environment every page uses and finding the page line of a template error.
Does not own: the macros pages may call (page_macros.py) or rendering a page (pages.py).
"""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

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


def unclosed_tag_line(lines: list[str], noticed: int) -> int:
    """Jinja reports where it gave up; a writer needs the line where the unclosed tag was opened."""
    for number in range(min(noticed, len(lines)), 0, -1):
        line = lines[number - 1]
        for opener, closer in (("{{", "}}"), ("{%", "%}")):
            if line.rfind(opener) > line.rfind(closer):
                return number
    return noticed


def error_line(error: BaseException, path: str) -> int:
    """The page line an exception was raised at (Jinja rewrites tracebacks to template lines)."""
    line, tb = 0, error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return getattr(error, "lineno", None) or line or 1

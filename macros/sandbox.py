"""The sandbox pages render in: Jinja's immutable sandbox with no globals, bounded work, error lines.

Owns: the Jinja environment every page uses, the limits on the work one render may do (steps,
seconds, memory, and the length of any text it makes), and finding the page line of a template
error. Does not own: the macros pages may call (page_macros.py) or rendering a page (pages.py).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

try:  # not on every platform; where it is missing, the other limits still hold
    import resource
except ImportError:  # pragma: no cover
    resource = None  # type: ignore[assignment]

_MAX_REPEAT = 10_000
# Limits no writer meets (a real page takes a few hundred steps, milliseconds and some thousands
# of characters) and that stop a hostile page within seconds, whatever it tries.
MAX_STEPS = 100_000  # loop turns, calls, filters, operators and lookups in one render
MAX_SECONDS = 2.0  # of rendering one page
MAX_TEXT = 1_000_000  # characters (or items) in any one value made while rendering, and the page
MAX_NUMBER = 100_000  # any number given to a filter or method (a width, a count, a size)
MEMORY_HEADROOM = 512 * 1024 * 1024  # bytes a render may allocate beyond what the build holds
_STEP_FILTER = "beam_step"


MAX_TAG = 2_000  # characters in one {{ ... }} or {% ... %}: Jinja's parser slows on long ones
_TAG = re.compile(r"\{[{%].*?(?:[}%]\}|$)", re.DOTALL)


def oversized_tag_line(source: str) -> int | None:
    """The line of the first {{ ... }} or {% ... %} longer than MAX_TAG, or None. Checked before
    Jinja parses the page: 20,000 chained filters took its parser seconds."""
    for tag in _TAG.finditer(source):
        if tag.end() - tag.start() > MAX_TAG:
            return source.count("\n", 0, tag.start()) + 1
    return None


class LimitExceeded(Exception):
    """A render went over one of the limits above; pages.py reports it at the page's line."""

    def __init__(self, reason: str, lineno: int | None = None):
        super().__init__(reason)
        self.lineno = lineno  # known when found before Jinja runs; else read from the traceback


class _Budget:
    """One render's allowance of steps and time."""

    def __init__(self) -> None:
        self.steps = 0
        self.output = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def printed(self, value: Any) -> Any:
        """Every {{ ... }} a render prints, in blocks and loops too, counts toward MAX_TEXT."""
        self.output += len(value) if isinstance(value, str) else 0
        if self.output > MAX_TEXT:
            raise LimitExceeded(f"it prints more than {MAX_TEXT:,} characters")
        return value

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise LimitExceeded(f"it takes more than {MAX_STEPS:,} steps to render")
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"it takes more than {MAX_SECONDS:g} seconds to render")


_BUDGET: ContextVar[_Budget | None] = ContextVar("beam_render_budget", default=None)


def _printed(value: Any) -> Any:
    budget = _BUDGET.get()
    return value if budget is None else budget.printed(value)


def _step() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.step()


@contextmanager
def bounded_render() -> Iterator[None]:
    """Parse, compile and render one page within the limits: steps and seconds are counted by
    the environment; memory beyond MEMORY_HEADROOM fails with MemoryError instead of exhausting
    the machine (a backstop for anything the size checks below do not foresee)."""
    token = _BUDGET.set(_Budget())
    restore = _cap_memory()
    try:
        yield
    finally:
        restore()
        _BUDGET.reset(token)


def _cap_memory() -> Callable[[], None]:
    if resource is None:  # pragma: no cover
        return lambda: None
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm", encoding="ascii") as statm:
            in_use = int(statm.read().split()[0]) * resource.getpagesize()
        cap = in_use + MEMORY_HEADROOM
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        if soft != resource.RLIM_INFINITY and soft <= cap:
            return lambda: None  # already capped tighter by whoever runs the build
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (OSError, ValueError):  # no /proc (not Linux), or the limit cannot be set
        return lambda: None
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


# --- sizes ---------------------------------------------------------------------------------------

# The widths and precisions in a format string ("%0900000000d", "{:>99999999}") say how long its
# result is before it is made; digits are summed generously (any run of digits counts).
_DIGITS = re.compile(r"\d+")


def _check_format(template: str) -> None:
    if sum(int(run) for run in _DIGITS.findall(template)) > MAX_TEXT:
        raise LimitExceeded(f"a format string asks for text longer than {MAX_TEXT:,} characters")


def _check_numbers(values: Iterable[Any]) -> None:
    """A number given to a filter or method is a width, a count or a size: keep it in bounds."""
    for value in values:
        numbers = value if isinstance(value, (tuple, list)) else (value,)
        for number in numbers:
            if isinstance(number, (int, float)) and abs(number) > MAX_NUMBER:
                raise LimitExceeded(f"the number {number:,} is larger than pages may use")


def sized(value: Any) -> Any:
    """The value, if no longer than MAX_TEXT characters (or items)."""
    if isinstance(value, (str, list, tuple, dict, set)) and len(value) > MAX_TEXT:
        raise LimitExceeded(f"it makes a text or list longer than {MAX_TEXT:,} characters")
    return value


def _check_length(left: Any, right: Any, combine: Callable[[int, int], int]) -> None:
    """Refuse `text * n` or `text + text` whose result would be too long, before it is made."""
    sizes = [len(v) if isinstance(v, (str, list, tuple)) else v for v in (left, right)]
    if (
        any(isinstance(v, (str, list, tuple)) for v in (left, right))
        and all(isinstance(n, int) and not isinstance(n, bool) for n in sizes)
        and combine(*sizes) > MAX_TEXT
    ):
        raise LimitExceeded(f"it makes a text or list longer than {MAX_TEXT:,} characters")


def _bounded_concat(parts: Iterable[str]) -> str:
    """Join a page's (or a block's) output, stopping as soon as it grows past MAX_TEXT."""
    kept, total = [], 0
    for part in parts:
        total += len(part)
        if total > MAX_TEXT:
            raise LimitExceeded(
                f"its output is longer than {MAX_TEXT:,} characters", _paused_at(parts)
            )
        kept.append(part)
    return "".join(kept)


def _paused_at(parts: Iterable[str]) -> int | None:
    """The page line a template's output generator is paused at (its traceback has ended)."""
    frame = getattr(parts, "gi_frame", None)
    if frame is None:
        return None
    template = frame.f_globals.get("__jinja_template__")
    return template.get_corresponding_lineno(frame.f_lineno) if template is not None else None


def _check_growth(name: str, text: Any, args: tuple[Any, ...]) -> None:
    """Replacing or indenting can multiply a text's length: work out the result's length first."""
    if not isinstance(text, str) or not args:
        return
    if name in ("replace", "do_replace") and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        grows = (text.count(old) if old else len(text) + 1) * max(len(new) - len(old), 0)
    elif name == "do_indent" and isinstance(args[0], (str, int)):
        width = len(args[0]) if isinstance(args[0], str) else max(args[0], 0)
        grows = (text.count("\n") + 1) * width
    else:
        return
    if len(text) + grows > MAX_TEXT:
        raise LimitExceeded(f"it makes a text or list longer than {MAX_TEXT:,} characters")


def _guarded_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)  # keeps Jinja's pass_context/pass_environment marks
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _step()
        _check_numbers([*args, *kwargs.values()])
        if function.__name__ == "do_format":
            _check_format(next((a for a in args if isinstance(a, str)), ""))
        texts = [i for i, a in enumerate(args) if isinstance(a, str)]
        if texts:  # the filtered value is the first text (after any context Jinja passes)
            _check_growth(function.__name__, args[texts[0]], args[texts[0] + 1 :])
        return sized(function(*args, **kwargs))

    return guarded


def _steps(iterable: Iterable[Any]) -> Iterator[Any]:
    """Each turn of a page's {% for %} loop is a step."""
    for item in iterable:
        _step()
        yield item


class _PageCodeGenerator(CodeGenerator):
    """Jinja's code generator, with `~` joins kept within MAX_TEXT."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.sized(")
        super().visit_Concat(node, frame)
        self.write(")")


class PageEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with no globals and every operation counted and size-checked."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _PageCodeGenerator
    concat = staticmethod(_bounded_concat)  # every block's and the page's output
    sized = staticmethod(sized)

    def __init__(self) -> None:
        super().__init__(
            undefined=jinja2.StrictUndefined,
            autoescape=True,
            keep_trailing_newline=True,
            # '{#' starts attribute lists in Markdown ('## Title {#id}'), so comments use '{##'.
            comment_start_string="{##",
            comment_end_string="##}",
            finalize=_printed,
        )
        self.globals.clear()  # no range, cycler, joiner, lipsum, namespace or dict: only our macros
        self.filters = {name: _guarded_filter(f) for name, f in self.filters.items()}
        self.filters[_STEP_FILTER] = _steps

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Parse a page, then make each turn of each {% for %} loop count as a step."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            counted = nodes.Filter(loop.iter, _STEP_FILTER, [], [], None, None, lineno=loop.lineno)
            loop.iter = counted.set_environment(self)
        return tree

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _step()
        if operator == "**":
            raise SecurityError("powers ('**') are not available in pages")
        if operator == "*":
            for count in (left, right):
                if isinstance(count, int) and count > _MAX_REPEAT and not isinstance(count, bool):
                    other = right if count is left else left
                    if isinstance(other, (str, list, tuple)):
                        raise SecurityError("repeating text more than 10,000 times is not allowed")
            _check_length(left, right, lambda a, b: a * b)
        elif operator == "+":
            _check_length(left, right, lambda a, b: a + b)
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
            _check_numbers(right if isinstance(right, (tuple, list)) else (right,))
        return sized(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _step()
        _check_numbers([*args, *kwargs.values()])
        _check_growth(getattr(__obj, "__name__", ""), getattr(__obj, "__self__", None), args)
        return sized(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """`"{:>99999999}".format(1)`: the sandbox's own str.format, after a look at the widths."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None

        def checked(*args: Any, **kwargs: Any) -> str:
            _check_format(value.__self__)
            return wrapped(*args, **kwargs)

        return checked

    def getattr(self, obj: Any, attribute: str) -> Any:
        _step()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _step()
        return super().getitem(obj, argument)


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

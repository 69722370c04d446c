"""`python -m macros check`: every problem in records and pages, as text, GitHub annotations or JSON.

Owns: how a list of problems is printed for people, for GitHub Actions and for scripts, and the exit
code. Does not own: finding the problems (checks.py) or their wording (problems.py and the rules).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence

from ..check_cache import CheckCache
from ..checks import check_site, quote_coverage
from ..problems import Problem
from .base import plural

FORMATS = ("text", "github", "json")
SEVERITIES = ("error", "warning", "info")
# How GitHub Actions shows each severity: an info note is a `::notice`, which fails nothing.
GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def add_parser(commands: argparse._SubParsersAction, parents: list) -> None:
    check = commands.add_parser(
        "check",
        parents=parents,
        help="report every problem in records and pages (fast, no build)",
        description="Report every problem the build would report about records and pages, plus "
        "sources no page cites and sources older than review_days, in one run; note records "
        "without a quote and give the quote coverage.",
    )
    check.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (path:line: message), github (annotations on a pull request) or json",
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="fail on warnings too, not only on errors (notes never fail)",
    )
    check.add_argument(
        "--today",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date to measure review_days from (default: today)",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="check everything afresh, without what earlier runs found for unchanged files",
    )
    check.set_defaults(run=run)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD"
        ) from None


def run(args: argparse.Namespace) -> int:
    cache = None if args.no_cache else CheckCache.for_site(args.root)
    report = check_site(args.root, today=args.today, cache=cache)
    if cache is not None:
        cache.save()
    print(FORMATTERS[args.format](report.problems), end="")
    errors, warnings, notes = by_severity(report.problems)
    quoted, quotable = quote_coverage(report.records.values())
    print(
        f"{plural(len(report.records), 'record')}, {plural(len(report.pages), 'page')}: "
        f"{plural(len(errors), 'error')}, {plural(len(warnings), 'warning')}, "
        f"{plural(len(notes), 'note')}. {coverage_sentence(quoted, quotable)}",
        file=sys.stderr,
    )
    return 1 if errors or (args.strict and warnings) else 0


def by_severity(problems: Sequence[Problem]) -> tuple[list[Problem], list[Problem], list[Problem]]:
    """(errors, warnings, notes), each sorted by place."""
    errors, warnings, notes = (
        sorted(p for p in problems if p.severity == severity) for severity in SEVERITIES
    )
    return errors, warnings, notes


def coverage_sentence(quoted: int, quotable: int) -> str:
    if not quotable:
        return "No record states facts from a page."
    share = 100 * quoted // quotable  # rounded down: 79.9 % has not reached 80 %
    return f"Quotes: {quoted} of {quotable} records that state facts from a page ({share} %)."


def message(problem: Problem) -> str:
    """The problem without its location: 'what. what to do. [code]'."""
    return str(problem).removeprefix(f"{problem.location}: ")


def as_text(problems: Sequence[Problem]) -> str:
    # Errors come last, just above the summary, so a long list of notes never hides them.
    errors, warnings, notes = by_severity(problems)
    return "".join(f"{p}\n" for p in [*notes, *warnings, *errors])


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command that marks the problem on its file and line."""
    level = GITHUB_LEVELS[problem.severity]
    properties = ",".join(
        (
            f"file={_escape_property(problem.location.path)}",
            f"line={problem.location.line}",
            f"title={_escape_property(f'Beam Help check: {problem.code}')}",
        )
    )
    return f"::{level} {properties}::{_escape_data(message(problem))}"


def as_github(problems: Sequence[Problem]) -> str:
    errors, warnings, notes = by_severity(problems)
    return "".join(f"{annotation(p)}\n" for p in [*errors, *warnings, *notes])


def as_json(problems: Sequence[Problem]) -> str:
    items = [
        {
            "path": p.location.path,
            "line": p.location.line,
            "severity": p.severity,
            "code": p.code,
            "what": p.what,
            "todo": p.todo,
            "message": message(p),
        }
        for p in sorted(problems)
    ]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


FORMATTERS = {"text": as_text, "github": as_github, "json": as_json}

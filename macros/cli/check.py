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

from ..checks import check_site
from ..problems import Problem
from .base import plural

FORMATS = ("text", "github", "json")


def add_parser(commands: argparse._SubParsersAction, parents: list) -> None:
    check = commands.add_parser(
        "check",
        parents=parents,
        help="report every problem in records and pages (fast, no build)",
        description="Report every problem the build would report about records and pages, plus "
        "sources no page cites and sources older than review_days, in one run.",
    )
    check.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (path:line: message), github (annotations on a pull request) or json",
    )
    check.add_argument(
        "--strict", action="store_true", help="fail on warnings too, not only on errors"
    )
    check.add_argument(
        "--today",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date to measure review_days from (default: today)",
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
    report = check_site(args.root, today=args.today)
    errors = [p for p in report.problems if p.severity == "error"]
    warnings = [p for p in report.problems if p.severity != "error"]
    print(FORMATTERS[args.format](errors, warnings), end="")
    print(
        f"{plural(len(report.records), 'record')}, {plural(len(report.pages), 'page')}: "
        f"{plural(len(errors), 'error')}, {plural(len(warnings), 'warning')}.",
        file=sys.stderr,
    )
    return 1 if errors or (args.strict and warnings) else 0


def message(problem: Problem) -> str:
    """The problem without its location: 'what. what to do. [code]'."""
    return str(problem).removeprefix(f"{problem.location}: ")


def as_text(errors: Sequence[Problem], warnings: Sequence[Problem]) -> str:
    # Errors come last, just above the summary, so a long list of warnings never hides them.
    return "".join(f"{p}\n" for p in [*sorted(warnings), *sorted(errors)])


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command that marks the problem on its file and line."""
    level = "error" if problem.severity == "error" else "warning"
    properties = ",".join(
        (
            f"file={_escape_property(problem.location.path)}",
            f"line={problem.location.line}",
            f"title={_escape_property(f'Beam Help check: {problem.code}')}",
        )
    )
    return f"::{level} {properties}::{_escape_data(message(problem))}"


def as_github(errors: Sequence[Problem], warnings: Sequence[Problem]) -> str:
    return "".join(f"{annotation(p)}\n" for p in [*sorted(errors), *sorted(warnings)])


def as_json(errors: Sequence[Problem], warnings: Sequence[Problem]) -> str:
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
        for p in sorted([*errors, *warnings])
    ]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


FORMATTERS = {"text": as_text, "github": as_github, "json": as_json}

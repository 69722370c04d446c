"""`python -m macros verify-sources`: fetch every page the records cite and say, per record,
whether its quote is still there.

Owns: the command's options, the User-Agent it announces, the summary line and the exit code
(0 nothing drifted, 1 something did, 2 it could not run). Does not own: fetching (fetch.py), the
verdicts (drift.py) or how problems are printed (check.py's formatters, shared).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..records import load_records
from ..settings import read_mkdocs_yml, read_settings
from .base import CommandError, plural
from .check import FORMATS, FORMATTERS

if TYPE_CHECKING:
    from ..fetch import Policy

# Fetching (fetch.py, drift.py) is imported by run(): its libraries cost every other command a
# twentieth of a second to start.
CACHE_FILE = Path(".cache") / "verify-sources.json"  # validators and text of the cited pages
DEFAULT_TIMEOUT = 20.0
WORKERS = 4
_SHOWN = {
    "quote-found": "quote found",
    "page-found": "no quote to look for",
    "quote-changed": "quote no longer found",
    "quote-lands-elsewhere": "link lands elsewhere",
    "page-gone": "page gone",
    "page-moved": "page moved",
    "page-unreachable": "unreachable",
    "page-unreadable": "unreadable",
}


def add_parser(commands: argparse._SubParsersAction, parents: list) -> None:
    verify_sources = commands.add_parser(
        "verify-sources",
        parents=parents,
        help="fetch every cited page and check that each record's quote is still on it",
        description="Fetch each distinct page the records cite and report, per record, whether "
        "its quote is still there, or the page is gone, has moved or cannot be read. Never "
        "changes a record. Exits 1 when anything drifted.",
    )
    verify_sources.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (path:line: message), github (annotations) or json",
    )
    verify_sources.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"how long one page may take (default: {DEFAULT_TIMEOUT:g})",
    )
    verify_sources.add_argument(
        "--no-cache",
        action="store_true",
        help=f"fetch every page in full, ignoring and keeping no {CACHE_FILE.as_posix()}",
    )
    verify_sources.set_defaults(run=run)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 600")
    return value


def user_agent(repo_url: str | None) -> str:
    """Says who is asking and why, so a site owner can tell what the requests are."""
    contact = f"; +{repo_url}" if repo_url else ""
    return f"BeamHelp-verify-sources/1.0 (checks that quoted documentation is still published{contact})"


def run(args: argparse.Namespace, fetcher=None) -> int:  # noqa: ANN001 - tests inject a fetcher
    from ..drift import DRIFT_CODES, Cache, verify
    from ..fetch import Policy

    settings = read_settings(args.root)
    records, problems = load_records(args.root, settings.sources, hosts=settings.hosts)
    if problems:
        print(FORMATTERS[args.format](problems), end="")
        raise CommandError(
            f"{plural(len(problems), 'problem')} in the source records; fix them first "
            "('python -m macros check' lists them too)",
            2,
        )
    if fetcher is None:
        policy = Policy(user_agent(read_mkdocs_yml(args.root).get("repo_url")), args.timeout)
        fetcher = partial(_fetch_with, policy)
    cache = Cache(None if args.no_cache else args.root / CACHE_FILE)
    verdicts, pages = verify(records.values(), fetcher, cache, WORKERS)
    print(FORMATTERS[args.format](verdicts), end="")
    counts = Counter(problem.code for problem in verdicts)
    shown = "; ".join(f"{_SHOWN[code]}: {counts[code]}" for code in _SHOWN if counts[code])
    print(
        f"{plural(len(records), 'record')}, {plural(len(pages), 'page')} fetched. "
        f"{shown[:1].upper() + shown[1:] if shown else 'Nothing to check'}.",
        file=sys.stderr,
    )
    return 1 if any(counts[code] for code in DRIFT_CODES) else 0


def _fetch_with(policy: Policy, address: str, known):  # noqa: ANN001, ANN202
    from ..fetch import fetch

    return fetch(address, policy, known)

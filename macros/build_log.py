"""What the build says: problems and notes through MkDocs' log, and errors of its surroundings.

Owns: the adapter's logger (under "mkdocs.", so strict mode counts its warnings), how a problem's
severity maps to a log level, the freshness summary, turning a bad output folder or build date
into a plain message, and reading MkDocs' own count of warnings. Does not own: finding problems
(checks.py and the core) or when the build stops (plugin.py).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from mkdocs.exceptions import PluginError
from mkdocs.utils import CountHandler

from .builddate import BadBuildDate
from .checks import stale_sources, unquoted_sources
from .kinds import Record
from .problems import Problem
from .publish import OutputNotWritable

# Under the "mkdocs." namespace so that `mkdocs build --strict` counts these messages.
log = logging.getLogger("mkdocs.plugins.beam")


def report(problems: Iterable[Problem]) -> None:
    # A note (severity "info") is for `check` alone; the build only counts them.
    loggers = {"error": log.error, "warning": log.warning}
    for problem in problems:
        loggers.get(problem.severity, log.debug)(str(problem))


def report_freshness(records: Iterable[Record], review_days: int) -> None:
    """Say how many records are due for a new check, and how many lack a quote. Info, not a
    warning: neither the calendar nor a missing quote may stop a strict build (and so a deploy);
    `python -m macros check` lists each one."""
    records = list(records)
    stale = stale_sources(records, datetime.date.today(), review_days)
    if stale:
        log.info(
            f"{len(stale)} source record(s) were last verified more than {review_days} days ago "
            "(review_days in mkdocs.yml); 'python -m macros check' lists them."
        )
    unquoted = unquoted_sources(records)
    if unquoted:
        log.info(
            f"{len(unquoted)} source record(s) have no quote from their page; "
            "'python -m macros check' lists them."
        )


@contextmanager
def said_plainly() -> Iterator[None]:
    """The build's surroundings (output folder, SOURCE_DATE_EPOCH) as MkDocs errors: a message,
    never a traceback."""
    try:
        yield
    except (OutputNotWritable, BadBuildDate) as error:
        raise PluginError(str(error)) from None


def warnings_counted_by_mkdocs() -> int:
    """MkDocs' own count of this build's warnings, which stops a strict build right after
    on_post_build. In strict mode MkDocs counts from before on_config, so every warning of ours
    and of every other plugin is in it."""
    handlers = logging.getLogger("mkdocs").handlers
    return sum(n for h in handlers if isinstance(h, CountHandler) for _, n in h.get_counts())

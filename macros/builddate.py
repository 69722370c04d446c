"""The build date, taken from the content so that two builds of one commit are byte-identical.

Owns: choosing the date (the last commit's time, else the newest verified_on of the records) and
putting it in SOURCE_DATE_EPOCH, which MkDocs reads. Does not own: anything else about the build.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from .kinds import Record


def last_commit_time(root: Path) -> int | None:
    """Seconds since 1970 of the commit checked out at root, or None outside a git checkout."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    stamp = result.stdout.strip()
    return int(stamp) if result.returncode == 0 and stamp.isdigit() else None


def content_epoch(root: Path, records: Iterable[Record]) -> int | None:
    """The build date for the site at root: never the clock, so rebuilding changes nothing."""
    commit = last_commit_time(root)
    if commit is not None:
        return commit
    newest = max((record.verified_on for record in records), default=None)
    if newest is None:
        return None
    return int(dt.datetime.combine(newest, dt.time(), tzinfo=dt.UTC).timestamp())


_EPOCH_WE_SET: list[str] = []  # the SOURCE_DATE_EPOCH this process chose, told apart from a user's


class BadBuildDate(ValueError):
    """SOURCE_DATE_EPOCH is set to something MkDocs cannot read as a time."""


def _check_epoch(value: str) -> None:
    try:
        if (
            not value.isdigit()
        ):  # int() would take " 1", "1_000" or "+1"; MkDocs needs a plain number
            raise ValueError
        dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise BadBuildDate(
            f"SOURCE_DATE_EPOCH is {value!r}, which is not a time in whole seconds since 1970. "
            "Unset it (the build then dates itself from the last commit), or set it to a number "
            "such as 1767225600."
        ) from None


def date_builds_from_content(root: Path, records: Iterable[Record]) -> None:
    """MkDocs dates sitemap.xml (and its .gz header) by SOURCE_DATE_EPOCH, else by the clock.

    Unless the caller set it, take it from the content so two builds of one commit match byte
    for byte: the last commit's time, or the newest verified_on outside a git checkout.
    """
    chosen = os.environ.get("SOURCE_DATE_EPOCH")
    if chosen is not None and chosen not in _EPOCH_WE_SET:
        _check_epoch(chosen)  # MkDocs itself would stop with a traceback
        return
    epoch = content_epoch(root, records)
    if epoch is not None:
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        _EPOCH_WE_SET.append(str(epoch))

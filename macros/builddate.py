"""The build date, taken from the content so that two builds of one commit are byte-identical.

Owns: choosing the date (the last commit's time, else the newest verified_on of the records).
Does not own: telling MkDocs (the adapter sets SOURCE_DATE_EPOCH, which MkDocs reads).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterable
from pathlib import Path

from .records import Record


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

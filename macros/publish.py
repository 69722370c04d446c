"""Publishing a build only when it succeeded: build into `<site>.building`, then swap it in.

Owns: the staging folder, the swap, repairing a swap that was interrupted, the lock that lets
one build at a time write beside the output folder, and saying plainly when the output folder
cannot be written. Does not own: deciding whether a build succeeded (the adapter knows MkDocs'
verdict).
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any


class OutputNotWritable(Exception):
    """The output folder (or the folder around it) cannot be written; the message says which."""


def _plainly(method: Callable[..., Any]) -> Callable[..., Any]:
    """An OSError while moving folders becomes a message naming the folder, not a traceback."""

    @functools.wraps(method)
    def run(self: Staging, *args: Any) -> Any:
        try:
            return method(self, *args)
        except OSError as error:
            where = Path(error.filename) if error.filename else self.final
            raise OutputNotWritable(
                f"The output folder cannot be written: {where} ({error.strerror or error}). "
                "Nothing was published and the last good site is untouched. Make the folder "
                "(and the folder around it) writable, or build elsewhere with --site-dir."
            ) from None

    return run


try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one writer at a time is then the writer's job
    fcntl = None  # type: ignore[assignment]


class Busy(Exception):
    """Another build holds the output folder's lock."""


class Staging:
    """A build's output goes to `staging` and replaces `final` only through publish()."""

    def __init__(self, final: Path):
        self.final = final
        self.staging = final.with_name(final.name + ".building")
        self.old = final.with_name(final.name + ".old")
        self.lock_file = final.with_name(final.name + ".lock")
        self._lock: int | None = None

    @_plainly
    def lock(self) -> None:
        """Hold the output folder for this build; raise Busy if another build holds it.

        Two builds sharing one staging folder could publish the output of the one that failed,
        so the second stops at once, before it touches anything. The lock goes with the process,
        so a killed build never leaves the folder locked.
        """
        if fcntl is None or self._lock is not None:
            return
        self.final.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(handle)
            raise Busy(
                f"another build is writing {self.final.name}/ right now; wait for it to finish, "
                "then build again (nothing was changed)"
            ) from None
        self._lock = handle

    def unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the file releases the lock
            self._lock = None

    @_plainly
    def recover(self) -> None:
        """A build stopped between publish()'s two renames left only `<site>.old`: put it back."""
        if self.old.is_dir() and not self.final.exists():
            self.old.rename(self.final)

    @_plainly
    def begin(self) -> Path:
        """Clear any half-written staging folder and return it, created and ready for this build
        (so that a folder that cannot be written is found before anything is built)."""
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        return self.staging

    @_plainly
    def publish(self) -> None:
        """Swap the finished build into place; the old site survives until the new one is whole."""
        shutil.rmtree(self.old, ignore_errors=True)
        if self.final.exists():
            self.final.rename(self.old)
        self.staging.rename(self.final)
        shutil.rmtree(self.old, ignore_errors=True)
        self.unlock()

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self.unlock()

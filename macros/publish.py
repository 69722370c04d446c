"""Publishing a build only when it succeeded: build into `<site>.building`, then swap it in.

Owns: the staging folder, the swap, and repairing a swap that was interrupted. Does not own:
deciding whether a build succeeded (the adapter knows MkDocs' verdict).
"""

from __future__ import annotations

import shutil
from pathlib import Path


class Staging:
    """A build's output goes to `staging` and replaces `final` only through publish()."""

    def __init__(self, final: Path):
        self.final = final
        self.staging = final.with_name(final.name + ".building")
        self.old = final.with_name(final.name + ".old")

    def recover(self) -> None:
        """A build stopped between publish()'s two renames left only `<site>.old`: put it back."""
        if self.old.is_dir() and not self.final.exists():
            self.old.rename(self.final)

    def begin(self) -> Path:
        """Clear any half-written staging folder and return it, ready for this build."""
        shutil.rmtree(self.staging, ignore_errors=True)
        return self.staging

    def publish(self) -> None:
        """Swap the finished build into place; the old site survives until the new one is whole."""
        shutil.rmtree(self.old, ignore_errors=True)
        if self.final.exists():
            self.final.rename(self.old)
        self.staging.rename(self.final)
        shutil.rmtree(self.old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

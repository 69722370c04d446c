"""What every command shares: finding the repository root, and the error a command stops with.

Owns: CommandError (a message and an exit code, never a traceback) and root discovery.
Does not own: any command's work (the sibling modules do that).
"""

from __future__ import annotations

from pathlib import Path


class CommandError(Exception):
    """A command cannot go on; `message` says what is wrong and what to do. Exit code 1 or 2."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.message, self.exit_code = message, exit_code


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds mkdocs.yml, so commands work anywhere
    inside the repository."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise CommandError(
        f"no mkdocs.yml in {start} or any folder above it. Run this inside the Beam Help "
        "repository, or give its folder with --root",
        2,
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"

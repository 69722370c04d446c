"""Problems a writer must fix, and the one way they are printed.

Owns: Location, Problem, the `path:line: what. what to do. [code]` format, "did you mean".
Does not own: deciding what is wrong (records, pages and checks do that).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """A place in a writer's file: path relative to the repository root, 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong, where it is, and what to do about it.

    `code` is a short stable name (documented for writers in CONTRIBUTING.md).
    `severity` is "error" (stops every build), "warning" (stops strict builds) or "info" (a
    note for writers, such as a record without a quote, that never stops anything).
    """

    location: Location
    what: str
    todo: str
    code: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.location}: {sentence(self.what)} {sentence(self.todo)} [{self.code}]"


def text_lines(text: str) -> list[str]:
    """A file's lines as writers count them: split at "\\n" alone. (str.splitlines() also splits
    at form feeds, U+2028 and other characters, so every later line number would be off.)"""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def sentence(text: str) -> str:
    """The text as a sentence: stripped, ending in a full stop unless it ends in ? or !."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def did_you_mean(wrong: str, known: Iterable[str]) -> str:
    """Return " Did you mean 'x'?" for the closest known name, or "" when none is close."""
    known = list(known)
    by_case = [k for k in known if k.lower() == wrong.lower()]
    # Long ids share long prefixes, so they need a stricter cut-off than short words.
    cutoff = 0.6 if len(wrong) < 10 else 0.75
    close = by_case or difflib.get_close_matches(wrong, known, n=1, cutoff=cutoff)
    return f" Did you mean '{close[0]}'?" if close else ""


def shown_path(path: Path, root: Path) -> str:
    """A path as a writer would name it: relative to the repository when inside it."""
    path, root = path.resolve(), root.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

"""Links into this project's own repository: where a `code` record's function can be read.

Owns: turning mkdocs.yml's `repo_url` and `edit_uri` into a base for file links, and a code
record's link to its symbol's lines. Does not own: reading mkdocs.yml (checks.py, plugin.py) or
markup (render.py).
"""

from __future__ import annotations

from urllib.parse import quote

from .kinds import CodeFacts, Record

DEFAULT_BRANCH = "main"


def file_base(repo_url: str | None, edit_uri: str | None = None) -> str | None:
    """`https://github.com/o/r/blob/main/` from repo_url and edit_uri ("edit/main/docs/"), or None
    when the site names no https repository. The branch is the one edit links point at."""
    if not repo_url or not repo_url.startswith("https://"):
        return None
    parts = [p for p in (edit_uri or "").split("/") if p]
    branch = parts[1] if len(parts) > 1 and parts[0] in ("edit", "blob") else DEFAULT_BRANCH
    return f"{repo_url.rstrip('/')}/blob/{quote(branch)}/"


def code_url(record: Record, base: str | None) -> str | None:
    """The repository page of a code record's function, at its lines; None for other records or
    when there is no repository to link to."""
    facts = record.facts
    if not isinstance(facts, CodeFacts) or base is None or record.code_lines is None:
        return None
    first, last = record.code_lines
    return f"{base}{quote(facts.file)}#L{first}-L{last}"

"""Data in, plain Markdown out: the second backend of the renderer, for each page's Markdown copy.

Owns: the same pieces as render.py (markers, facts, tables, code, Sources cited, disclaimer) as
plain Markdown that any Markdown reader shows as the text written: record values are escaped so
that no value can start a tag, a link, emphasis or a table cell. Does not own: deciding what to
show (page_macros.py) or the site's own markup (render.py, the first backend).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence

from markupsafe import Markup

from .citations import CiteUse
from .kinds import EndpointFacts, Record
from .render import DISCLAIMER, column_heading, comparison_facts, source_url
from .repo_links import code_url

__all__ = ["Markup", "column_heading"]

# Escaped with a backslash, anywhere: punctuation that starts inline markup (both Python-Markdown
# and CommonMark read these escapes).
_BACKSLASHED = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()!|"})
# Markup only at the start of a line: a heading, a list item, a numbered item, a quote.
_LINE_START = re.compile(r"^(\s*)([#+\-]|\d+(?=[.)]))")
# No backslash escape exists for these in Python-Markdown: character references instead.
_REFERENCES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def text(value: object) -> Markup:
    """A record value as Markdown text that reads back as exactly the value, on one line."""
    one_line = " ".join(str(value).split())
    escaped = one_line.translate(_REFERENCES).translate(_BACKSLASHED)
    return Markup(_LINE_START.sub(_escape_line_start, escaped))


def _escape_line_start(match: re.Match[str]) -> str:
    lead, mark = match.group(1), match.group(2)
    # "1." starts a numbered list: escape the dot after the number, not the number.
    return f"{lead}\\{mark}" if not mark[0].isdigit() else f"{lead}{mark}\\"


def code(value: object) -> Markup:
    """A code span whose fence outgrows any backtick run in the value (code spans are literal)."""
    value = " ".join(str(value).split())
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return Markup(f"{ticks}{pad}{value}{pad}{ticks}")


def url(address: str) -> str:
    """An address as a Markdown link target: nothing in it can end the link or start markup."""
    return re.sub(r"[\s()<>\[\]\\`]", lambda m: f"%{ord(m.group(0)):02X}", address)


def marker(use: CiteUse, record: Record) -> Markup:
    return Markup(f"\\[{use.number}\\]")


def unresolved_marker() -> Markup:
    return Markup("\\[?\\]")


def joined(values: Sequence[str], word: str) -> Markup:
    parts = [str(code(v)) for v in values]
    if len(parts) <= 1:
        return Markup("".join(parts))
    return Markup(f"{', '.join(parts[:-1])} {word} {parts[-1]}")


def scope_expression(groups: Iterable[Sequence[str]]) -> Markup:
    return Markup(" **and** ".join(str(joined(group, "or")) for group in groups))


def endpoint(facts: EndpointFacts) -> Markup:
    return code(f"{facts.method} {facts.path}")


def link(record: Record) -> Markup:
    return Markup(f"[{text(record.title)}]({url(source_url(record))})")


def code_block(source: str, language: str, title: str, indent: str) -> str:
    """A fenced block; the fence outgrows any backtick run inside the code."""
    longest = max((len(run) for run in re.findall(r"`+", source)), default=0)
    fence = "`" * max(3, longest + 1)
    lines = [f"{fence}{language}", *source.splitlines(), fence]
    return ("\n" + indent).join(line if line.strip() else "" for line in lines)


def code_caption(file: str, symbol: str, cite: Markup, indent: str) -> Markup:
    return Markup(f"{indent}From {code(file)}, {code(symbol)} (tested){cite}")


def table(header: Sequence[str], rows: Sequence[Sequence[Markup]]) -> Markup:
    lines = ["| " + " | ".join(str(text(h)) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return Markup("\n".join(lines))


def sources_list(
    entries: Sequence[tuple[int, Record, Sequence[CiteUse]]], code_base: str | None = None
) -> str:
    lines = ["## Sources cited", ""]
    for number, record, _ in entries:
        # A code record cites this repository's function; the official page comes second.
        in_repository = code_url(record, code_base)
        line = f"{number}. [{text(record.title)}]({url(in_repository or source_url(record))})"
        if in_repository:
            line += f" (official page: {url(source_url(record))})"
        line += f", verified {record.verified_on.isoformat()}."
        if record.quote:
            line += f" Quote: “{text(record.quote)}”"
        if record.note:
            line += f" Note: {text(record.note)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def disclaimer() -> str:
    return f"{text(DISCLAIMER)}\n"


def page_head(kicker: str, title: str, summary: str) -> str:
    return f"{text(kicker)}\n\n# {text(title)}\n\n{text(summary)}\n"


def comparison_cell(record: Record, marker: Markup) -> Markup:
    """One product's side of a comparison row, on one table line (as render.comparison_cell)."""
    shown = "; ".join(comparison_facts(record, sys.modules[__name__]))
    return Markup(f"{text(record.title)}{marker}: {shown}")


def not_documented() -> Markup:
    return Markup("Not on the pages checked")


def same_task_link(product_name: str, link: str) -> str:
    return f"[The same task in {text(product_name)}]({url(link)})\n"

"""Data in, Markdown/HTML out: citation markers, record facts, the Sources cited list, the disclaimer.

Owns: every piece of markup the generator writes into a page, with every record value escaped for
both HTML and Markdown. Does not own: deciding what to show (pages.py) or numbering (citations.py).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from types import ModuleType

from markupsafe import Markup, escape

from .citations import CiteUse, entry_anchor
from .kinds import ConfigFields, ConfigValue, ConfigValues, EndpointFacts, Record
from .repo_links import code_url
from .textfragment import with_text_fragment
from .yamlnodes import LINE_BREAKS

# Markdown would act on these inside raw HTML text; entities make them inert but look the same.
_MARKDOWN_ACTIVE = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]{}#+!|~^:<>"})

DISCLAIMER = (
    "Beam Help is an independent guide, not official Zoho support, and is not affiliated "
    "with Zoho Corporation. Facts come from the official pages listed under Sources cited; "
    "check them there before you rely on them."
)


_ENTITY = re.compile(r"(&#?\w+;)")


def text(value: object) -> Markup:
    """Escape a record value so it reaches the page as plain text, never as HTML or Markdown.

    Line breaks become spaces: a value is shown inside one line of Markdown (a heading, a table
    row, an HTML block), and a line break there would start a new block (a heading, a list, the
    end of the HTML block, after which Markdown reads the rest as live markup)."""
    escaped = str(escape(LINE_BREAKS.sub(" ", str(value))))  # &, <, >, " and ' become entities
    # Leave those entities whole and make every other Markdown-active character an entity too.
    # (Splitting around the entities is what a per-character regex did, a tenth of the cost.)
    parts = _ENTITY.split(escaped)
    parts[::2] = [part.translate(_MARKDOWN_ACTIVE) for part in parts[::2]]
    return Markup("".join(parts))


# Markdown's link, image, code and escape patterns run before it sets raw HTML aside, so they would
# rewrite an attribute's value ("![x](data:...)" became an <img> inside aria-label, breaking out).
# A table splits its rows at "|" and its lines at line breaks before it looks at HTML at all.
_MARKDOWN_IN_ATTRIBUTE = str.maketrans({c: f"&#{ord(c)};" for c in "\\`[]!|"})


def attribute(value: object) -> str:
    """Escape a value for a double-quoted attribute, where Markdown must not act on it either."""
    one_line = LINE_BREAKS.sub(" ", str(value))
    return str(escape(one_line)).translate(_MARKDOWN_IN_ATTRIBUTE)


def code(value: object) -> Markup:
    return Markup(f"<code>{text(value)}</code>")


def marker(use: CiteUse, record: Record) -> Markup:
    label = f"Source {use.number}: {record.title}"
    # data-search-exclude: a search result shows the sentence, not "[1]" after it.
    return Markup(
        f'<sup class="bh-cite" id="{attribute(use.anchor)}" data-search-exclude>'
        f'<a class="footnote-ref" href="#{attribute(entry_anchor(use.record_id))}" '
        f'aria-label="{attribute(label)}">[{use.number}]</a></sup>'
    )


def unresolved_marker() -> Markup:
    """Shown where a citation could not be placed; the build fails, so readers never see it."""
    return Markup('<sup class="bh-cite">[?]</sup>')


def joined(values: Sequence[str], word: str) -> Markup:
    """`a`, `b` or `c` (each as code)."""
    parts = [str(code(v)) for v in values]
    if len(parts) <= 1:
        return Markup("".join(parts))
    return Markup(f"{', '.join(parts[:-1])} {word} {parts[-1]}")


def scope_expression(groups: Iterable[Sequence[str]]) -> Markup:
    """One scope from each group: `A` or `B` **and** `C`."""
    # "and" in bold: beside a group's own commas it must read as "plus one of these" at a glance.
    return Markup(" <strong>and</strong> ".join(str(joined(group, "or")) for group in groups))


def endpoint(facts: EndpointFacts) -> Markup:
    return code(f"{facts.method} {facts.path}")


def link(record: Record) -> Markup:
    return Markup(
        f'<a href="{attribute(source_url(record))}" rel="noopener">{text(record.title)}</a>'
    )


def code_caption(file: str, symbol: str, cite: Markup, indent: str) -> Markup:
    return Markup(
        f'{indent}<span class="bh-code-source">From {code(file)}, {code(symbol)} (tested)'
        f"{cite}</span>"
    )


def code_block(source: str, language: str, title: str, indent: str) -> str:
    """A fenced, highlighted block; the fence outgrows any backtick run inside the code."""
    longest = max((len(run) for run in re.findall(r"`+", source)), default=0)
    fence = "`" * max(3, longest + 1)
    safe_title = title.replace('"', "'")
    # Markdown ends a line at "\n" alone; splitlines() would also cut at \f or U+2028 in the code.
    lines = [f'{fence}{language} title="{safe_title}"', *source.split("\n"), fence]
    return ("\n" + indent).join(line if line.strip() else "" for line in lines)


def source_url(record: Record) -> str:
    """The record's official page; with a quote, a link that scrolls to Zoho's words and
    highlights them in browsers that support text fragments (others just open the page)."""
    return with_text_fragment(record.url, record.quote, prefix=record.quote_prefix)


def quote_block(record: Record) -> str:
    """Zoho's words from the record's page, as a quotation; nothing when it has none."""
    if not record.quote:
        return ""
    return (
        f'<blockquote class="bh-quote"><p>{text(" ".join(record.quote.split()))}</p></blockquote>'
    )


def source_links(record: Record, code_base: str | None = None) -> str:
    """A record's title linked to what it cites. A code record cites a function of this
    repository, so its title links there, and the official page it follows comes second."""
    in_repository = code_url(record, code_base)
    first = in_repository or source_url(record)
    links = (
        f'<a class="bh-source-link" href="{attribute(first)}" rel="noopener">'
        f"{text(record.title)}</a>"
    )
    if in_repository:
        links += (
            f' (<a class="bh-source-link bh-official-link" href="{attribute(source_url(record))}" '
            f'rel="noopener">official page</a>)'
        )
    return links


# data-search-exclude: the search index is for the page's own words; the list's titles, dates
# and back-links would make a tenth of it, and match every page citing a record.
SOURCES_HEADING = "## Sources cited {: #sources-cited data-search-exclude }"


def sources_items(
    entries: Sequence[tuple[int, Record, Sequence[CiteUse]]], code_base: str | None = None
) -> str:
    """The Sources cited section under SOURCES_HEADING: when its oldest source was verified, and
    one entry per cited record, with back-links. (The page assembles the two, pages.py, so that
    Markdown converts the heading and never reads the list.)"""
    items = []
    for number, record, uses in entries:
        backlinks = " ".join(
            f'<a class="bh-backlink" href="#{attribute(u.anchor)}" '
            f'aria-label="Back to citation [{number}], use {u.use} of {len(uses)}">'
            f"&#8617;&#xFE0E; {u.use}</a>"
            for u in uses
        )
        note = f'<p class="bh-note">{text(record.note)}</p>' if record.note else ""
        items.append(
            f'<li id="{attribute(entry_anchor(record.id))}" value="{number}">'
            f"<p>{source_links(record, code_base)} "
            f'<span class="bh-verified">· verified <time datetime="{record.verified_on}">'
            f"{record.verified_on}</time></span></p>{quote_block(record)}{note}"
            f'<p class="bh-backlinks">Cited at: {backlinks}</p></li>'
        )
    # Readers judge a page by its least recently checked fact, so say when that was.
    oldest = min(record.verified_on for _, record, _ in entries)
    return (
        f'<p class="bh-oldest-verified">The oldest of these sources was verified on '
        f'<time datetime="{oldest}">{oldest}</time>.</p>\n\n'
        '<ol class="bh-sources">\n' + "\n".join(items) + "\n</ol>"
    )


def disclaimer() -> str:
    # Out of the search index: the same words on every page would make every page match them.
    return f'<p class="bh-disclaimer" data-search-exclude>{text(DISCLAIMER)}</p>\n'


def page_head(kicker: str, title: str, summary: str) -> str:
    return (
        f'<p class="bh-kicker">{text(kicker)}</p>\n\n# {text(title)}\n\n'
        f'<p class="bh-summary">{text(summary)}</p>\n'
    )


def same_task_link(product_name: str, link: str) -> str:
    """The line under a how-to's title that leads to the same task in the other product."""
    return f"[The same task in {text(product_name)}]({link}){{ .bh-same-task }}\n"


def table(header: Sequence[str], rows: Sequence[Sequence[Markup]]) -> Markup:
    """A Markdown table (the macro must stand on its own line, after a blank line)."""
    lines = ["| " + " | ".join(str(text(h)) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return Markup("\n".join(lines))


def comparison_cell(record: Record, marker: Markup) -> Markup:
    """One product's side of a comparison row: what the record is, then its request and scopes
    (an endpoint) or its value (a config record), all on one table line."""
    shown = "<br>".join(comparison_facts(record, sys.modules[__name__]))
    return Markup(f"{text(record.title)}{marker}<br>{shown}")


def comparison_facts(record: Record, backend: ModuleType) -> list[str]:
    """What a record states, for a comparison cell, in pieces the backend joins on one table
    line; written with the backend's own `code`, `text`, `endpoint` and `scope_expression` (this
    module's HTML, or render_plain's Markdown), so both outputs say the same."""
    match record.facts:
        case EndpointFacts() as facts:
            return [
                str(backend.endpoint(facts)),
                f"Scopes: {backend.scope_expression(facts.scopes)}",
            ]
        case ConfigValue(value):
            return [str(backend.code(value))]
        case ConfigValues(values):
            # No "and"/"or": whether the values are alternatives depends on the record.
            return [", ".join(str(backend.code(v)) for v in values)]
        case ConfigFields(fields):
            return [
                "; ".join(
                    f"{backend.text(column_heading(k))}: {backend.code(v)}"
                    for k, v in fields.items()
                )
            ]
        case _:
            raise TypeError(f"a {record.kind} record has no comparison cell")


def not_documented() -> Markup:
    return Markup("Not on the pages checked")


_ACRONYMS = {"api": "API", "url": "URL", "id": "ID", "dc": "DC", "oauth": "OAuth", "csv": "CSV"}


def column_heading(field_name: str) -> str:
    """`api_domain` -> "API domain": a field name as a table heading."""
    words = [_ACRONYMS.get(w, w) for w in field_name.split("_")]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])

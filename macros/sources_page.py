"""Each product's sources page: every record with its facts, official link, verified date and the
pages citing it, as raw HTML so record text is never read as Markdown.

Owns: the facts of a record as labelled rows for people, grouping records by file, and the
page's Markdown skeleton with the records' HTML set in after conversion. Does not own: the list
of pages (page_info.py), MkDocs files (plugin.py) or citation markup (render.py).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from . import render
from .kinds import (
    CodeFacts,
    ConfigFields,
    ConfigValue,
    ConfigValues,
    DocFacts,
    EndpointFacts,
    Record,
)
from .page_info import SOURCES_JSON, PageInfo, relative_url
from .repo_links import code_url

# What each endpoint host means, in a reader's words.
HOST_MEANINGS = {
    "api-domain": "your data centre's API domain",
    "upload": "the upload (content) host",
    "accounts": "the Zoho Accounts server of your data centre",
    "download-url": "the download URL the job returns",
}


def one_line(value: object) -> str:
    return " ".join(str(value).split())


def _text(value: object) -> Markup:
    return render.text(one_line(value))


def _code(value: object) -> Markup:
    return render.code(one_line(value))


def record_facts(record: Record, code_base: str | None = None) -> list[tuple[str, Markup]]:
    """(label, escaped HTML) for each fact a record states, in the order a reader wants them."""
    rows: list[tuple[str, Markup]] = []
    match record.facts:
        case EndpointFacts() as facts:
            rows.append(("Request", render.endpoint(facts)))
            rows.append(("Host", _text(HOST_MEANINGS.get(facts.host, facts.host))))
            rows.append(("Scopes (one from each group)", render.scope_expression(facts.scopes)))
            rows.append(("Read-only", Markup("yes" if facts.read_only else "no")))
            if facts.parameters:
                items = "".join(
                    f"<li>{_code(p.name)} ({_text(p.place)}, "
                    f"{'required' if p.required else 'optional'}): {_text(p.description)}</li>"
                    for p in facts.parameters
                )
                rows.append(("Parameters", Markup(f"<ul>{items}</ul>")))
        case ConfigValue(value):
            rows.append(("Value", _code(value)))
        case ConfigValues(values):
            items = "".join(f"<li>{_code(v)}</li>" for v in values)
            rows.append(("Values", Markup(f"<ul>{items}</ul>")))
        case ConfigFields(fields):
            items = "".join(
                f"<li>{_text(render.column_heading(name))}: {_code(value)}</li>"
                for name, value in fields.items()
            )
            rows.append(("Fields", Markup(f"<ul>{items}</ul>")))
        case CodeFacts() as facts:
            shown = f"{_code(facts.symbol)} in {_code(facts.file)}"
            link = code_url(record, code_base)
            if link:
                # A plain-text link: link colours on <code> fail contrast in the dark scheme.
                shown += f' (<a href="{render.attribute(link)}" rel="noopener">read it in the repository</a>)'
            rows.append(("Code", Markup(shown)))
        case DocFacts(publisher) if publisher:
            rows.append(("Publisher", _text(publisher)))
    if record.quote:
        rows.append(("Quote from the page", Markup(render.quote_block(record))))
    if record.note:
        rows.append(("Note", _text(record.note)))
    return rows


def _group_name(record: Record) -> str:
    """Records are grouped by the file they live in: sources/zoho-crm/bulk-write.yml is 'Bulk write'."""
    stem = posixpath.splitext(posixpath.basename(record.location.path))[0]
    return render.column_heading(stem.replace("-", "_"))


def _group_anchor(name: str) -> str:
    return "group-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass(frozen=True)
class SourcesPage:
    """A product's sources page in two parts: the Markdown that MkDocs converts (front matter,
    title, summary and a heading per group, so the table of contents lists the groups), and the
    records' HTML, set in where each group's placeholder comment stands once it is HTML.

    The records are most of the page and are HTML already. Sent through Markdown they were read
    by three HTML parsers written in Python (Markdown's raw-HTML blocks, MkDocs' anchor finder,
    the search index) at a cost of seconds per build, for nothing: Markdown must not act on them
    (record values are text), and the search index is for the guides' words, not record fields.
    """

    markdown: str
    blocks: tuple[tuple[str, str], ...]  # (placeholder comment, the group's records as HTML)
    anchors: frozenset[str]  # element ids the records add: links to them are valid

    def fill(self, html: str) -> str:
        """The page's HTML (or Markdown) with each group's records in place of its placeholder."""
        for placeholder, block in self.blocks:
            html = html.replace(placeholder, block, 1)
        return html

    @property
    def text(self) -> str:
        """The whole page as one Markdown text, records in place (as raw HTML blocks)."""
        return self.fill(self.markdown)


def sources_page(
    product_name: str,
    records: Sequence[Record],
    citing: Mapping[str, Sequence[PageInfo]],
    page_url: str,
    code_base: str | None = None,
) -> SourcesPage:
    """The per-product sources page: every record with its facts, official link, verified date
    and the pages citing it. Raw HTML, so record text is never read as Markdown."""
    title = f"Sources for {product_name}"
    lines = [
        "---",
        f"title: {json.dumps(title)}",
        "---",
        "",
        f"# {render.text(title)}",
        "",
        f'<p class="bh-summary">Every source record behind the {render.text(product_name)} '
        "guides: what it states, the official page it was checked against, when it was last "
        "checked, and the pages that cite it. The same data, for tools, is in "
        f'<a href="{render.attribute(relative_url(page_url, SOURCES_JSON))}">'
        f"{SOURCES_JSON}</a>.</p>",
        "",
    ]
    if not records:
        lines += ["<p>No sources have been recorded for this product yet.</p>", ""]
    groups: dict[str, list[Record]] = {}
    for record in records:
        groups.setdefault(_group_name(record), []).append(record)
    blocks = []
    for name, members in groups.items():
        anchor = _group_anchor(name)
        placeholder = f"<!-- bh-records {anchor} -->"
        lines += [f"## {render.text(name)} {{: #{anchor} }}", "", placeholder, ""]
        block = "".join(
            _record_block(record, citing.get(record.id, ()), page_url, code_base)
            for record in members
        )
        blocks.append((placeholder, block))
    anchors = frozenset(a for r in records for a in (r.id, f"{r.id}-title"))
    return SourcesPage("\n".join(lines), tuple(blocks), anchors)


def sources_page_markdown(
    product_name: str,
    records: Sequence[Record],
    citing: Mapping[str, Sequence[PageInfo]],
    page_url: str,
    code_base: str | None = None,
) -> str:
    """The sources page as one Markdown text (records as raw HTML blocks)."""
    return sources_page(product_name, records, citing, page_url, code_base).text


def _record_block(
    record: Record, cited_by: Sequence[PageInfo], page_url: str, code_base: str | None = None
) -> str:
    rows = record_facts(record, code_base)
    rows.append(
        (
            "Official page",
            Markup(
                f'<a class="bh-source-link" href="{render.attribute(render.source_url(record))}" '
                f'rel="noopener">{_text(record.url)}</a>'
            ),
        )
    )
    rows.append(
        (
            "Verified",
            Markup(f'<time datetime="{record.verified_on}">{record.verified_on}</time>'),
        )
    )
    if cited_by:
        items = "".join(
            f'<li><a href="{render.attribute(relative_url(page_url, page.url))}">'
            f"{_text(page.title)}</a></li>"
            for page in cited_by
        )
        rows.append(("Cited by", Markup(f'<ul class="bh-cited-by">{items}</ul>')))
    else:
        rows.append(("Cited by", Markup("no page yet")))
    facts = "".join(f"<dt>{render.text(label)}</dt><dd>{value}</dd>" for label, value in rows)
    return (
        # Not a labelled region: a page of a thousand landmarks helps no screen reader user.
        f'<section class="bh-record" id="{render.attribute(record.id)}">\n'
        f"<h3>{_text(record.title)}</h3>\n"
        f'<p class="bh-record-id"><code>{_text(record.id)}</code> · {_text(record.kind)} record</p>\n'
        f'<dl class="bh-facts">{facts}</dl>\n'
        "</section>\n"
    )

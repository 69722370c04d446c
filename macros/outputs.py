"""Site-wide outputs made from records and rendered pages: per-product sources pages, sources.json,
TechArticle JSON-LD, llms.txt with per-page Markdown, and diagrams inlined into pages.

Owns: the content of those outputs, every record value in them escaped for where it lands. Does not
own: MkDocs (plugin.py hands data in and writes files out), rendering pages (pages.py) or the markup
of citations inside pages (render.py).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from . import render, render_plain
from .kinds import (
    CodeFacts,
    ConfigFields,
    ConfigValue,
    ConfigValues,
    DocFacts,
    EndpointFacts,
    Record,
    fact_values,
)
from .pages import PageRenderer, RenderedPage
from .repo_links import code_url

SOURCES_JSON = "sources.json"
LLMS_TXT = "llms.txt"
HOSTS = {
    "api-domain": "your data centre's API domain",
    "upload": "the upload (content) host",
    "accounts": "the Zoho Accounts server of your data centre",
    "download-url": "the download URL the job returns",
}


# --- what the outputs know about a page -----------------------------------------------------------


@dataclass(frozen=True)
class PageInfo:
    """One documentation page as the site-wide outputs see it."""

    src_uri: str  # path under docs/, such as zoho-crm/bulk-write/retrieve-bulk-write-jobs.md
    url: str  # site-relative address, such as zoho-crm/bulk-write/retrieve-bulk-write-jobs/
    dest_uri: str  # built file, such as zoho-crm/bulk-write/retrieve-bulk-write-jobs/index.html
    title: str
    rendered: RenderedPage
    source: str = ""  # the page file's text, for its Markdown copy

    @property
    def type(self) -> str:
        return self.rendered.meta.get("type", "")

    @property
    def product(self) -> str:
        return self.rendered.meta.get("product", "")

    @property
    def summary(self) -> str:
        return self.rendered.meta.get("summary", "")

    @property
    def record_ids(self) -> list[str]:
        """Cited records, in citation-number order."""
        return [record_id for _, record_id, _ in self.rendered.citations.entries()]

    @property
    def markdown_uri(self) -> str:
        """Where the page's plain Markdown is published: next to its HTML, ending in .md."""
        return posixpath.splitext(self.dest_uri)[0] + ".md"


_H1 = re.compile(r"^#\s+(.+?)\s*(?:\{[^}]*\})?\s*$", re.M)


def page_title(rendered: RenderedPage, src_uri: str) -> str:
    """The front matter's title, else the page's first '# heading', else its file name."""
    if rendered.meta.get("title"):
        return rendered.meta["title"]
    heading = _H1.search(rendered.markdown)
    if heading:
        return html.unescape(heading.group(1))
    stem = posixpath.splitext(posixpath.basename(src_uri))[0]
    if stem in ("index", "README"):
        stem = posixpath.basename(posixpath.dirname(src_uri)) or "home"
    return stem.replace("-", " ").capitalize()


def citing_pages(pages: Iterable[PageInfo]) -> dict[str, list[PageInfo]]:
    """Reverse index: each record id and the pages that cite it, in page order."""
    index: dict[str, list[PageInfo]] = {}
    for page in pages:
        for record_id in page.record_ids:
            index.setdefault(record_id, []).append(page)
    return index


# --- addresses ------------------------------------------------------------------------------------


def absolute_url(site_url: str | None, url: str) -> str:
    """A site-relative address made absolute with site_url (or root-relative without one)."""
    if not site_url:
        return "/" + url
    return site_url.rstrip("/") + "/" + url


def relative_url(from_url: str, to_url: str) -> str:
    """The link from one site-relative page address to another, as MkDocs writes them."""
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
    target = to_url.rstrip("/") or "."
    link = posixpath.relpath(target, base.rstrip("/") or ".")
    if to_url.endswith("/") or not to_url:
        link = link.rstrip("/") + "/" if link != "." else "./"
    return link


def sources_page_uri(product: str) -> str:
    return f"{product}/sources.md"


# --- facts of a record, for people ----------------------------------------------------------------


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _text(value: object) -> Markup:
    return render.text(_one_line(value))


def _code(value: object) -> Markup:
    return render.code(_one_line(value))


def record_facts(record: Record, code_base: str | None = None) -> list[tuple[str, Markup]]:
    """(label, escaped HTML) for each fact a record states, in the order a reader wants them."""
    rows: list[tuple[str, Markup]] = []
    match record.facts:
        case EndpointFacts() as facts:
            rows.append(("Request", render.endpoint(facts)))
            rows.append(("Host", _text(HOSTS.get(facts.host, facts.host))))
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
        f'<section class="bh-record" id="{render.attribute(record.id)}" '
        f'aria-labelledby="{render.attribute(record.id)}-title">\n'
        f'<h3 id="{render.attribute(record.id)}-title">{_text(record.title)}</h3>\n'
        f'<p class="bh-record-id"><code>{_text(record.id)}</code> · {_text(record.kind)} record</p>\n'
        f'<dl class="bh-facts">{facts}</dl>\n'
        "</section>\n"
    )


# --- sources.json ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Record facts as JSON values: mappings become objects, tuples lists, dates ISO text."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def record_json(
    record: Record,
    cited_by: Sequence[PageInfo],
    site_url: str | None,
    sources_page_url: str | None,
    code_base: str | None = None,
) -> dict[str, Any]:
    # A code record's shown source is extracted from its file at build time; file + symbol say it.
    facts = {k: _plain(v) for k, v in fact_values(record).items() if k != "source"}
    entry: dict[str, Any] = {
        "id": record.id,
        "kind": record.kind,
        "product": record.product,
        "title": record.title,
        "url": record.url,
        "verified_on": record.verified_on.isoformat(),
        "facts": facts,
    }
    if record.note:
        entry["note"] = record.note
    if link := code_url(record, code_base):
        entry["code_url"] = link
    if record.quote:
        entry["quote"] = _one_line(record.quote)
        entry["quote_url"] = render.source_url(record)  # opens the page at the quote
    entry["defined_in"] = f"{record.location.path}:{record.location.line}"
    if sources_page_url is not None:
        entry["sources_page"] = absolute_url(site_url, f"{sources_page_url}#{record.id}")
    entry["cited_by"] = [
        {"title": page.title, "url": absolute_url(site_url, page.url)} for page in cited_by
    ]
    return entry


def sources_json(
    site_name: str,
    site_url: str | None,
    records: Iterable[Record],
    citing: Mapping[str, Sequence[PageInfo]],
    sources_page_urls: Mapping[str, str],
    code_base: str | None = None,
) -> str:
    """Every record with its facts and the pages that cite it, as sorted, stable JSON."""
    data = {
        "site": site_name,
        "site_url": site_url,
        "records": [
            record_json(
                record,
                citing.get(record.id, ()),
                site_url,
                sources_page_urls.get(record.product),
                code_base,
            )
            for record in sorted(records, key=lambda r: r.id)
        ],
    }
    # Compact: tools read it, and indentation made up half of its bytes.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


# --- structured data ------------------------------------------------------------------------------


def date_modified(records: Iterable[Record], source_date_epoch: str | None = None) -> str | None:
    """The newest verified date among a page's sources; SOURCE_DATE_EPOCH when it cites none."""
    dates = [record.verified_on for record in records]
    if dates:
        return max(dates).isoformat()
    if source_date_epoch and source_date_epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(source_date_epoch), dt.UTC).date().isoformat()
    return None


def tech_article(
    page: PageInfo,
    records: Mapping[str, Record],
    site_name: str,
    site_url: str | None,
    product_name: str,
    source_date_epoch: str | None = None,
) -> dict[str, Any]:
    """schema.org TechArticle for a how-to, citing each record it cites, in number order."""
    cited = [records[record_id] for record_id in page.record_ids if record_id in records]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "TechArticle",
        "headline": page.title,
        "description": page.summary,
        "url": absolute_url(site_url, page.url),
        "inLanguage": "en",
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": absolute_url(site_url, "")},
        "publisher": {"@type": "Organization", "name": site_name},
        "about": {"@type": "SoftwareApplication", "name": product_name},
        "citation": [
            {
                "@type": "CreativeWork",
                "name": record.title,
                "url": record.url,
            }
            for record in cited
        ],
    }
    modified = date_modified(cited, source_date_epoch)
    if modified:
        data["dateModified"] = modified
    return data


# '<', '>' and '&' as JSON escapes: a record holding '</script>' cannot end the script element.
_SCRIPT_SAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def json_ld_script(data: Mapping[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _SCRIPT_SAFE.items():
        text = text.replace(character, escaped)
    return f'<script type="application/ld+json">{text}</script>'


# --- llms.txt and per-page Markdown ---------------------------------------------------------------


def llms_txt(
    site_name: str,
    description: str,
    site_url: str | None,
    pages: Sequence[PageInfo],
    products: Mapping[str, str],
    sources_page_urls: Mapping[str, str],
) -> str:
    """The llmstxt.org index: title, summary, then each page's Markdown grouped by product."""

    def entry(title: str, url: str, note: str = "") -> str:
        address = render_plain.url(absolute_url(site_url, url))
        line = f"- [{render_plain.text(title)}]({address})"
        return line + (f": {render_plain.text(note)}" if note else "")

    lines = [
        f"# {render_plain.text(site_name)}",
        "",
        f"> {render_plain.text(description)}",
        "",
        "Each page below is plain Markdown. Facts carry numbered citations such as [1]; every page "
        "ends with its Sources cited list, giving each source's official URL and the date it was "
        "checked. Beam Help is independent and is not official Zoho support.",
        "",
    ]
    general = [p for p in pages if p.product not in products]
    if general:
        lines += ["## Beam Help", ""]
        lines += [entry(p.title, p.markdown_uri, p.summary) for p in general]
        lines.append("")
    for product, name in products.items():
        members = [p for p in pages if p.product == product]
        if not members and product not in sources_page_urls:
            continue
        lines += [f"## {render_plain.text(name)}", ""]
        lines += [entry(p.title, p.markdown_uri, p.summary) for p in members]
        if product in sources_page_urls:
            lines.append(
                entry(
                    f"Sources for {name}",
                    sources_page_urls[product],
                    "every source record with its facts and the pages citing it",
                )
            )
        lines.append("")
    lines += [
        "## Optional",
        "",
        entry(
            "sources.json",
            SOURCES_JSON,
            "every source record as JSON: facts, official URL, verified date, citing pages",
        ),
        "",
    ]
    return "\n".join(lines)


def page_markdown(page: PageInfo, renderer: PageRenderer, site_url: str | None) -> str:
    """A page as plain Markdown that keeps its citation numbers and lists its sources with URLs:
    the page's template rendered again through the renderer's plain Markdown backend, so record
    values are escaped for Markdown here as they are for HTML on the site."""
    body = renderer.render(page.rendered.path, page.source, render_plain).markdown.strip("\n")
    if not _H1.search(body):
        body = f"# {render_plain.text(page.title)}\n\n{body}"
    return f"{body}\n\nPage: {absolute_url(site_url, page.url)}\n"


# --- diagrams -------------------------------------------------------------------------------------

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)"')
_XML_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*", re.S)
DIAGRAM_CLASS = "bh-diagram"


def inline_svg_images(page_html: str, page_url: str, load: Callable[[str], str | None]) -> str:
    """Replace each <img class="bh-diagram" src="...svg"> with the SVG itself, so the drawing can
    use the page's colours (currentColor, Material's CSS variables) in light and dark schemes.
    `load` gets the site-relative path of the SVG and returns its text, or None to leave the img."""

    def inline(match: re.Match[str]) -> str:
        attrs = {k: html.unescape(v) for k, v in _ATTRIBUTE.findall(match.group(0))}
        src = attrs.get("src", "")
        if DIAGRAM_CLASS not in attrs.get("class", "").split() or not src.endswith(".svg"):
            return match.group(0)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^/", src, re.I):
            return match.group(0)  # only the site's own files are inlined
        base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url)
        path = posixpath.normpath(posixpath.join(base, src))
        svg = load(path) if not path.startswith("..") else None
        if svg is None:
            return match.group(0)
        svg = _XML_PROLOGUE.sub("", svg, count=1).strip()
        return f'<span class="{DIAGRAM_CLASS}">{svg}</span>'

    return _IMG.sub(inline, page_html)

"""The site-wide outputs: per-product sources pages, sources.json, TechArticle JSON-LD, llms.txt
with per-page Markdown, inlined diagrams; and the built site's frame (canonical links, sitemap,
edit links, header and footer, 404 page) and its promise to load nothing from third parties.

The first half tests the modules that make them (page_info, sources_page, sources_json, json_ld,
llms, diagrams) directly; the second half reads the real, strict build."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit
from xml.etree import ElementTree

import jinja2
import markdown
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, built_page

from macros import (
    diagrams,
    json_ld,
    llms,
    page_info,
    render,
    render_plain,
    sources_json,
    sources_page,
)
from macros.kinds import ConfigValue, ConfigValues, DocFacts, EndpointFacts, Record
from macros.pages import PageRenderer
from macros.problems import Location
from macros.records import load_records
from macros.settings import read_mkdocs_yml

# --- the pure core --------------------------------------------------------------------------------

HOSTILE = '</script><script>alert("x")</script> *bold* {{ 1 }} <b>&amp;'


def record(record_id: str, kind: str = "doc", **facts) -> Record:
    written = {k: v for k, v in facts.items() if k not in ("title", "note", "verified_on", "quote")}
    typed = {
        "endpoint": EndpointFacts,
        "doc": DocFacts,
        "config": ConfigValue if "value" in written else ConfigValues,
    }[kind](**written)
    return Record(
        id=record_id,
        title=facts.get("title", f"Title of {record_id}"),
        url=f"https://example.com/{record_id}",
        verified_on=facts.get("verified_on", dt.date(2026, 1, 2)),
        product="demo",
        location=Location("sources/demo/records.yml", 3),
        facts=typed,
        lines=MappingProxyType({name: 4 + n for n, name in enumerate(written)}),
        note=facts.get("note", ""),
        quote=facts.get("quote", ""),
    )


# Zoho's words as a record may hold them: syntax of text fragments, HTML and Markdown, non-ASCII.
QUOTE = "Poll the job-ID's status & wait, then read “COMPLETED”: <b>*done*</b> #1"
QUOTE_URL = (
    "https://example.com/demo.get#:~:text=Poll%20the%20job%2DID's%20status%20%26%20wait%2C%20"
    "then%20read%20%E2%80%9CCOMPLETED%E2%80%9D:%20%3Cb%3E*done*%3C/b%3E%20%231"
)

RECORDS = {
    r.id: r
    for r in [
        record("demo.get", "endpoint", method="GET", path="/v1/things/{id}", host="api-domain",
               scopes=(("Demo.READ", "Demo.ALL"),), read_only=True, verified_on=dt.date(2026, 3, 1),
               quote=QUOTE),
        record("demo.limit", "config", value="200000", title=HOSTILE, note=HOSTILE),
        record("demo.doc", "doc", publisher="Demo Corp", verified_on=dt.date(2025, 12, 31)),
        record("demo.unused", "config", values=("A", "B`C")),
    ]
}  # fmt: skip

PAGE_SOURCE = """---
title: How to get a thing
type: how-to
product: demo
summary: Fetch one thing by its ID.
---

Send {{ endpoint("demo.get") }} and read the limit {{ fact("demo.limit") }}.
See {{ link("demo.doc") }} and again {{ cite("demo.get") }}.

```python
x = "<code>{kept}</code> [1]"
```

Inline `<b>kept</b>` too.
"""


RENDERER = PageRenderer(RECORDS, {"demo": "Demo Product"})


def demo_page(source: str = PAGE_SOURCE, uri: str = "demo/get-a-thing.md") -> page_info.PageInfo:
    rendered = RENDERER.render(f"docs/{uri}", source)
    url = "" if uri == "index.md" else uri.removesuffix(".md") + "/"
    return page_info.PageInfo(
        uri, url, url + "index.html", page_info.page_title(rendered, uri), rendered, source
    )


def json_ld_in_head(data: object) -> str:
    """overrides/main.html's <head> addition, rendered as MkDocs renders it, with `data` as the
    beam_json_ld context value the plugin hands over."""
    environment = jinja2.Environment(
        loader=jinja2.DictLoader(
            {
                "main.html": (ROOT / "overrides" / "main.html").read_text(encoding="utf-8"),
                "base.html": "{% block extrahead %}{% endblock %}",
            }
        ),
        auto_reload=False,  # as MkDocs' theme environment (which does not autoescape)
    )
    return environment.get_template("main.html").render(beam_json_ld=data).strip()


def test_json_ld_cannot_be_broken_out_of_by_a_record() -> None:
    page = demo_page()
    data = json_ld.tech_article(page, RECORDS, "Site", "https://site.test/", "Demo Product")
    script = json_ld_in_head(data)

    assert script.startswith('<script type="application/ld+json">')
    inner = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert json.loads(inner) == data
    assert any(c["name"] == HOSTILE for c in data["citation"])
    assert json_ld_in_head(None) == "", "a page that is not a how-to has no structured data"


def test_tech_article_cites_in_number_order_and_dates_from_the_newest_source() -> None:
    data = json_ld.tech_article(demo_page(), RECORDS, "Site", "https://site.test/", "Demo Product")

    assert data["@type"] == "TechArticle"
    assert data["headline"] == "How to get a thing"
    assert data["description"] == "Fetch one thing by its ID."
    assert data["url"] == "https://site.test/demo/get-a-thing/"
    assert [c["url"] for c in data["citation"]] == [
        "https://example.com/demo.get",
        "https://example.com/demo.limit",
        "https://example.com/demo.doc",
    ]
    assert data["dateModified"] == "2026-03-01"


def test_a_page_without_sources_is_dated_by_source_date_epoch_or_not_at_all() -> None:
    assert json_ld.date_modified([], "1767225600") == "2026-01-01"
    assert json_ld.date_modified([], None) is None
    assert json_ld.date_modified([], "not a number") is None


def test_page_markdown_keeps_citation_numbers_and_lists_sources_with_urls() -> None:
    text = llms.page_markdown(demo_page(), RENDERER, "https://site.test/")

    assert "Send `GET /v1/things/{id}`\\[1\\] and read the limit `200000`\\[2\\]." in text
    assert "See [Title of demo.doc](https://example.com/demo.doc)\\[3\\] and again \\[1\\]." in text
    assert 'x = "<code>{kept}</code> [1]"' in text, "code blocks are left as written"
    assert "Inline `<b>kept</b>` too." in text, "code spans are left as written"
    assert "<sup" not in text and "bh-cite" not in text
    sources = text.split("## Sources cited", 1)[1]
    assert (
        f"1. [Title of demo.get]({render_plain.url(QUOTE_URL)}), verified 2026-03-01. "
        f"Quote: “{render_plain.text(QUOTE)}”"
    ) in sources
    assert "3. [Title of demo.doc](https://example.com/demo.doc), verified 2025-12-31." in sources
    assert text.endswith("Page: https://site.test/demo/get-a-thing/\n")


def test_page_markdown_comes_from_the_plain_backend_not_from_the_html() -> None:
    """A record value is escaped for Markdown in the copy, as it is for HTML on the site."""
    text = llms.page_markdown(demo_page(), RENDERER, "https://site.test/")
    assert '&lt;/script&gt;&lt;script&gt;alert\\("x"\\)&lt;/script&gt; \\*bold\\*' in text
    assert "<script>" not in text and "<b>&amp;" not in text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("a`b", "``a`b``", id="backtick-inside"),
        pytest.param("`x", "`` `x ``", id="backtick-at-the-edge"),
        pytest.param("a\n\nb", "`a b`", id="blank-line"),
    ],
)
def test_plain_code_spans_outgrow_backtick_runs_and_stay_on_one_line(value, shown) -> None:
    assert render_plain.code(value) == shown


def test_markdown_copies_render_to_no_live_markup() -> None:
    """Every hostile value, rendered as Markdown from its copy, is text again."""
    import markdown

    values = [
        HOSTILE,
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "- item",
        "# heading",
        "1. one",
        "a | b",
        "![i](https://e.example/x.png)",
        "x\n\n<b>y</b>",
    ]
    for value in values:
        html = markdown.markdown(
            f"{render_plain.text(value)} {render_plain.code(value)}", extensions=["tables"]
        )
        soup = BeautifulSoup(html, "html.parser")
        assert [t.name for t in soup.find_all(True)] in (["p", "code"], ["p"]), (value, html)
        assert soup.get_text().startswith(" ".join(value.split())), (value, html)


def test_the_sources_page_shows_every_record_escaped_with_the_pages_citing_it() -> None:
    page = demo_page()
    citing = page_info.citing_pages([page])
    text = sources_page.sources_page_markdown(
        "Demo Product", list(RECORDS.values()), citing, "demo/sources/"
    )
    soup = BeautifulSoup(text.split("---", 2)[2], "html.parser")

    assert [s["id"] for s in soup.select("section.bh-record")] == list(RECORDS)
    assert soup.find("script") is None and soup.find("b") is None, "a record value became HTML"
    hostile = soup.find(id="demo.limit")
    assert HOSTILE in hostile.get_text()
    endpoint = soup.find(id="demo.get").get_text(" ")
    for shown in ("GET /v1/things/{id}", "Demo.READ", "Demo.ALL", "2026-03-01"):
        assert shown in endpoint
    cited_by = soup.find(id="demo.get").select(".bh-cited-by a")
    assert [(a.get_text(), a["href"]) for a in cited_by] == [
        ("How to get a thing", "../get-a-thing/")
    ]
    assert "no page yet" in soup.find(id="demo.unused").get_text()
    assert soup.select_one(".bh-summary a")["href"] == "../../sources.json"
    quoted = soup.find(id="demo.get")
    assert quoted.select_one("blockquote.bh-quote").get_text() == QUOTE
    assert quoted.select_one("a.bh-source-link")["href"] == QUOTE_URL
    assert quoted.select_one("a.bh-source-link").get_text() == "https://example.com/demo.get"
    assert soup.find(id="demo.doc").select_one("blockquote") is None
    assert soup.find(id="demo.doc").select_one("a.bh-source-link")["href"] == (
        "https://example.com/demo.doc"
    )


def test_the_sources_page_sets_its_records_in_after_markdown() -> None:
    """MkDocs converts only the frame (title, summary, a heading per group); the records are
    HTML already and go in where each group's placeholder stands, in record order."""
    page = demo_page()
    parts = sources_page.sources_page(
        "Demo Product", list(RECORDS.values()), page_info.citing_pages([page]), "demo/sources/"
    )
    assert 'class="bh-record"' not in parts.markdown and HOSTILE not in parts.markdown
    html = markdown.markdown(
        parts.markdown.split("---", 2)[2], extensions=["attr_list", "md_in_html", "toc"]
    )
    soup = BeautifulSoup(parts.fill(html), "html.parser")
    assert [s["id"] for s in soup.select("section.bh-record")] == list(RECORDS)
    assert soup.select_one("h2").find_next("section")["id"] == next(iter(RECORDS))
    assert parts.anchors == {a for i in RECORDS for a in (i, f"{i}-title")}
    assert parts.text == parts.fill(parts.markdown)


def test_sources_json_holds_the_same_records_and_reverse_index() -> None:
    page = demo_page()
    data = json.loads(
        sources_json.sources_json(
            "Site",
            "https://site.test/",
            RECORDS.values(),
            page_info.citing_pages([page]),
            {"demo": "demo/sources/"},
        )
    )
    by_id = {r["id"]: r for r in data["records"]}
    assert set(by_id) == set(RECORDS)
    assert by_id["demo.get"]["facts"]["scopes"] == [["Demo.READ", "Demo.ALL"]]
    assert by_id["demo.get"]["cited_by"] == [
        {"title": "How to get a thing", "url": "https://site.test/demo/get-a-thing/"}
    ]
    assert by_id["demo.unused"]["cited_by"] == []
    assert by_id["demo.limit"]["sources_page"] == "https://site.test/demo/sources/#demo.limit"
    assert by_id["demo.limit"]["note"] == HOSTILE
    assert (by_id["demo.get"]["quote"], by_id["demo.get"]["quote_url"]) == (QUOTE, QUOTE_URL)
    assert "quote" not in by_id["demo.doc"] and "quote_url" not in by_id["demo.doc"]


@pytest.mark.parametrize(
    ("source", "target", "link"),
    [
        ("demo/sources/", "demo/a/b/", "../a/b/"),
        ("demo/sources/", "", "../../"),
        ("", "demo/x/", "demo/x/"),
        ("demo/sources/", "sources.json", "../../sources.json"),
        ("demo/sources.html", "demo/a.html", "a.html"),
    ],
)
def test_relative_urls_match_what_mkdocs_writes(source: str, target: str, link: str) -> None:
    assert page_info.relative_url(source, target) == link


def test_only_local_svg_images_marked_as_diagrams_are_inlined() -> None:
    svg = '<?xml version="1.0"?>\n<svg role="img"><title>T</title></svg>'
    files = {"assets/d.svg": svg}
    html = (
        '<p><img alt="a" class="bh-diagram" src="../../assets/d.svg" /></p>'
        '<p><img alt="b" src="../../assets/d.svg" /></p>'
        '<p><img alt="c" class="bh-diagram" src="https://cdn.test/d.svg" /></p>'
        '<p><img alt="d" class="bh-diagram" src="../../../../etc/d.svg" /></p>'
    )
    result = diagrams.inline_svg_images(html, "demo/page/", files.get)

    assert result.count("<svg") == 1
    assert '<span class="bh-diagram"><svg role="img"><title>T</title></svg></span>' in result
    assert "<?xml" not in result
    assert result.count("<img") == 3


def test_llms_txt_follows_the_format_and_lists_every_page() -> None:
    home = demo_page("# Welcome\n\nHello.\n", "index.md")
    page = demo_page()
    text = llms.llms_txt(
        "Site", "Guides.", "https://site.test/", [home, page], {"demo": "Demo Product"},
        {"demo": "demo/sources/"},
    )  # fmt: skip
    lines = text.splitlines()
    assert lines[0] == "# Site"
    assert lines[2] == "> Guides."
    assert "- [Welcome](https://site.test/index.md)" in lines
    assert (
        "- [How to get a thing](https://site.test/demo/get-a-thing/index.md): "
        "Fetch one thing by its ID." in lines
    )
    assert "## Demo Product" in lines
    assert any(
        line.startswith("- [sources.json](https://site.test/sources.json)") for line in lines
    )


# --- the real build -------------------------------------------------------------------------------


CONFIG = read_mkdocs_yml(ROOT)
SITE_URL = CONFIG["site_url"]
PRODUCTS = next(p["beam"] for p in CONFIG["plugins"] if isinstance(p, dict) and "beam" in p)[
    "products"
]


@pytest.fixture(scope="module")
def records() -> dict[str, Record]:
    found, problems = load_records(ROOT)
    assert problems == []
    return found


def soup_of(path: Path) -> BeautifulSoup:
    return built_page(path)


def content_pages(site: Path) -> list[Path]:
    """Every built page but the generated sources pages."""
    sources = {site / product / "sources" / "index.html" for product in PRODUCTS}
    return sorted(p for p in site.rglob("index.html") if p not in sources)


def url_of(site: Path, page: Path) -> str:
    relative = page.parent.relative_to(site).as_posix()
    return SITE_URL + ("" if relative == "." else relative + "/")


def cited_ids(page_soup: BeautifulSoup) -> list[str]:
    return [
        li["id"].removeprefix("source-") for li in page_soup.select("article ol.bh-sources > li")
    ]


def test_sources_json_matches_the_records_and_the_built_pages(built_site: Path, records) -> None:
    data = json.loads((built_site / "sources.json").read_text(encoding="utf-8"))
    by_id = {entry["id"]: entry for entry in data["records"]}
    assert set(by_id) == set(records)
    for record_id, rec in records.items():
        entry = by_id[record_id]
        assert (entry["title"], entry["url"], entry["kind"]) == (rec.title, rec.url, rec.kind)
        assert entry["verified_on"] == rec.verified_on.isoformat()
        assert entry.get("quote", "") == " ".join(rec.quote.split())
        assert entry.get("quote_url", rec.url) == render.source_url(rec)
    cited_by: dict[str, set[str]] = {}
    for page in content_pages(built_site):
        for record_id in cited_ids(soup_of(page)):
            cited_by.setdefault(record_id, set()).add(url_of(built_site, page))
    for record_id, entry in by_id.items():
        assert {c["url"] for c in entry["cited_by"]} == cited_by.get(record_id, set()), record_id


@pytest.mark.parametrize("product", list(PRODUCTS))
def test_each_product_has_a_sources_page_with_every_record(
    built_site: Path, records, product: str
) -> None:
    page = soup_of(built_site / product / "sources" / "index.html")
    shown = {s["id"]: s for s in page.select("article section.bh-record")}
    mine = {r.id for r in records.values() if r.product == product}
    assert set(shown) == mine
    # Sections without a name are not landmarks: a screen reader's list of regions stays short.
    assert not page.select("article section[aria-labelledby], article section[aria-label]")
    for record_id in mine:
        block = shown[record_id]
        assert block.select_one("h3").get_text(strip=True) == records[record_id].title
        assert block.select_one("a.bh-source-link")["href"] == render.source_url(records[record_id])
        assert records[record_id].verified_on.isoformat() in block.get_text()
    nav_links = [a.get_text(strip=True) for a in page.select(".md-sidebar--primary a")]
    assert f"Sources for {PRODUCTS[product]}" in nav_links, "the sources page is not in the nav"
    for link in page.select("article .bh-cited-by a"):
        target = (built_site / product / "sources" / link["href"] / "index.html").resolve()
        assert target.is_file(), link["href"]


def test_search_indexes_the_guides_words_not_the_generated_lists(built_site: Path) -> None:
    """Titles, headings and prose are found; the Sources cited lists and the records' fields
    on the sources pages are not (they are on the page, for readers, not in the index)."""
    docs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = docs["docs"]
    locations = [entry["location"] for entry in entries]
    assert not [where for where in locations if where.endswith("#sources-cited")]
    how_to = "zoho-crm/bulk-write/retrieve-bulk-write-jobs/"
    assert f"{how_to}#common-pitfalls" in locations
    assert not [e for e in entries if "Cited at" in e["text"] or "bh-sources" in e["text"]]
    sources = [e for e in entries if e["location"].startswith("zoho-crm/sources/")]
    assert sources and "Every source record" in sources[0]["text"]
    assert not [e for e in sources if "verified" in e["text"].lower() or "quote" in e["text"]]
    page = soup_of(built_site / how_to / "index.html")
    assert page.select("article ol.bh-sources > li"), "the list is still on the page"
    assert page.select_one("h2#sources-cited").get_text(strip=True).startswith("Sources cited")
    # The words around a citation are found; its marker and the disclaimer every page carries
    # are not, so a search for the disclaimer's words does not list every page.
    assert page.select("article sup.bh-cite") and page.select("article p.bh-disclaimer")
    guides = [e for e in entries if "/sources/" not in e["location"]]
    assert not [e["location"] for e in guides if re.search(r"<sup>\[\d+\]</sup>", e["text"])]
    assert not [e["location"] for e in guides if render.DISCLAIMER[:40] in e["text"]]
    pitfalls = next(e for e in entries if e["location"] == f"{how_to}#common-pitfalls")
    cited_item = page.select_one("#common-pitfalls ~ ul li:has(sup.bh-cite) strong")
    assert cited_item.get_text() in pitfalls["text"]


def test_every_link_in_an_article_has_a_name(built_site: Path) -> None:
    """A link with no words and no label is an invisible stop for anyone reading by link list
    (code blocks carried one per line when line anchors were on, for line numbers never shown)."""
    nameless = []
    for path in built_site.rglob("*.html"):
        for link in soup_of(path).select("article a[href]"):
            if not (link.get_text(strip=True) or link.get("aria-label") or link.get("title")):
                nameless.append(f"{path.relative_to(built_site)}: {link}")
    assert not nameless, nameless[:5]


def test_built_pages_are_minified_but_keep_scripts_and_code_as_written(built_site: Path) -> None:
    page = built_site / "zoho-crm" / "bulk-write" / "retrieve-bulk-write-jobs" / "index.html"
    text = page.read_text(encoding="utf-8")
    assert "\n  " not in text.split("<pre", 1)[0], "indentation left outside code"
    soup = soup_of(page)
    config = json.loads(soup.select_one("script#__config").string)
    assert config["base"] and "search" in config
    json.loads(soup.select_one('script[type="application/ld+json"]').string)
    source = (ROOT / "examples" / "zoho_crm_bulk" / "client.py").read_text(encoding="utf-8")
    code = soup.select_one("article .highlight pre code").get_text()
    assert code.strip().split("\n")[1] in source.split("\n"), "code lost its line breaks"
    assert re.search(r"\n {4}\S", code), "code lost its indentation"


def test_every_how_to_has_tech_article_json_ld_with_its_citations(
    built_site: Path, records
) -> None:
    checked = 0
    for page in content_pages(built_site):
        soup = soup_of(page)
        scripts = soup.select('head script[type="application/ld+json"]')
        is_how_to = soup.select_one("article .bh-kicker") is not None
        if not is_how_to:
            assert scripts == [], f"{page}: JSON-LD on a page that is not a how-to"
            continue
        assert len(scripts) == 1, page
        data = json.loads(scripts[0].string)
        assert data["@type"] == "TechArticle"
        assert data["headline"] == soup.select_one("article h1").get_text().rstrip("¶").strip()
        assert data["url"] == url_of(built_site, page)
        cited = cited_ids(soup)
        assert [c["url"] for c in data["citation"]] == [records[i].url for i in cited]
        assert data["dateModified"] == max(records[i].verified_on for i in cited).isoformat()
        checked += 1
    assert checked >= 1


def test_llms_txt_lists_every_page_and_each_markdown_keeps_its_numbers(built_site: Path) -> None:
    llms = (built_site / "llms.txt").read_text(encoding="utf-8")
    assert llms.startswith(f"# {CONFIG['site_name']}\n\n> ")
    linked = set(re.findall(r"\]\((https?://[^)]+)\)", llms))
    for page in content_pages(built_site):
        markdown_url = url_of(built_site, page) + "index.md"
        assert markdown_url in linked, f"llms.txt misses {markdown_url}"
        text = (page.parent / "index.md").read_text(encoding="utf-8")
        soup = soup_of(page)
        markers = [a.get_text() for a in soup.select("article sup.bh-cite a.footnote-ref")]
        for number in set(markers):  # "[21]" on the page is "\[21\]" (escaped) in its copy
            assert f"\\[{number.strip('[]')}\\]" in text
        if markers:
            listed = re.findall(r"^(\d+)\. \[.+?\]\((https://[^)]+)\)", text, re.M)
            entries = soup.select("article ol.bh-sources > li")
            # Markdown links write the parentheses a text fragment may hold as escapes.
            unescaped = [(n, u.replace("%28", "(").replace("%29", ")")) for n, u in listed]
            assert unescaped == [
                (li["value"], li.select_one("a.bh-source-link")["href"]) for li in entries
            ]
        assert "<sup" not in text
    for url in linked:
        if url.startswith(SITE_URL):
            assert (built_site / url.removeprefix(SITE_URL)).exists() or url.endswith("/"), url


def test_every_page_has_its_canonical_url_and_is_in_the_sitemap(built_site: Path) -> None:
    sitemap = ElementTree.parse(built_site / "sitemap.xml")
    listed = {e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    pages = sorted(built_site.rglob("index.html"))
    for page in pages:
        canonical = soup_of(page).select_one('link[rel="canonical"]')
        assert canonical is not None and canonical["href"] == url_of(built_site, page)
        assert url_of(built_site, page) in listed
    assert len(listed) == len(pages)


def test_every_page_has_the_help_link_the_disclaimer_and_its_edit_link(built_site: Path) -> None:
    get_help = CONFIG["extra"]["get_help"]
    for page in [*sorted(built_site.rglob("index.html")), built_site / "404.html"]:
        soup = soup_of(page)
        cta = soup.select_one("header .bh-get-help")
        assert cta is not None and cta["href"] == get_help["url"], page
        assert cta.get_text(strip=True) == get_help["text"]
        assert "not official Zoho support" in soup.select_one("footer").get_text(), page
        edit = soup.select_one('article a[rel="edit"]')
        generated = page.parent.name == "sources" or page.name == "404.html"
        if generated:
            assert edit is None, f"{page}: a generated page has nothing to edit"
            continue
        relative = page.parent.relative_to(built_site).as_posix()
        candidates = ["index.md"] if relative == "." else [f"{relative}.md", f"{relative}/index.md"]
        source = next(c for c in candidates if (ROOT / "docs" / c).is_file())
        assert edit["href"] == f"{CONFIG['repo_url']}/{CONFIG['edit_uri']}{source}"


def test_the_404_page_helps_a_lost_reader(built_site: Path) -> None:
    soup = soup_of(built_site / "404.html")
    article = soup.select_one("article")
    assert article.h1.get_text() == "Page not found"
    search = urlsplit(article.select_one("a.bh-search-hint")["href"])
    assert posixpath.normpath(search.path) + "/" == urlsplit(SITE_URL).path
    assert search.query == "q=", "Material opens its search box for ?q="
    products = [a.get_text() for a in article.select(".bh-products a")]
    assert sorted(products) == sorted(PRODUCTS.values())  # every product, in the nav's order
    prefix = urlsplit(SITE_URL).path
    for link in article.select("a[href]"):
        assert link["href"].startswith(prefix), "404 links must work from any depth"


DIAGRAM = re.compile(r"^!\[[^\]]*\]\(([^)]+\.svg)\)\{ *\.bh-diagram *\}$", re.M)


def test_every_diagram_is_drawn_inline_where_its_page_puts_it(built_site: Path) -> None:
    """Each `![...](x.svg){ .bh-diagram }` of a page is an inline, labelled SVG in the built
    page, right after the paragraph that comes before it in the page's source (inlining itself
    is tested above, so a site without diagrams passes)."""
    for source in sorted((ROOT / "docs").rglob("*.md")):
        text = source.read_text(encoding="utf-8")
        found = list(DIAGRAM.finditer(text))
        if not found:
            continue
        relative = source.relative_to(ROOT / "docs").with_suffix("")
        built = relative.parent if relative.name == "index" else relative
        soup = soup_of(built_site / built / "index.html")
        svgs = soup.select("article .bh-diagram > svg[role='img']")
        assert len(svgs) == len(found), source.name
        for match, svg in zip(found, svgs, strict=True):
            labelled_by = svg["aria-labelledby"].split()
            assert [soup.find(id=i).name for i in labelled_by] == ["title", "desc"]
            before = re.sub(r"\{##.*?##\}", "", text[: match.start()], flags=re.S).rstrip()
            last_words = " ".join(re.sub(r"[*_`]", "", before.rsplit("\n\n", 1)[-1]).split()[-4:])
            block = svg.find_parent(class_="bh-diagram")
            while block.parent.name != "article":
                block = block.parent
            previous = block.find_previous_sibling()
            assert last_words and last_words in " ".join(previous.get_text().split()), source.name
    for page in built_site.rglob("*.html"):
        assert soup_of(page).select("img.bh-diagram") == [], f"{page}: a diagram was not inlined"


# --- nothing is fetched from a third party --------------------------------------------------------

# Attributes that make a browser fetch something when a page is read (an <a href> does not).
FETCHING = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "track": "src",
    "embed": "src",
    "object": "data",
    "image": "href",
    "use": "href",
}
# External URLs inside Material's JavaScript, each reviewed. A new Material release that adds one
# fails test_javascript_reaches_out_only_through_disarmed_loaders until it is reviewed here too.
REVIEWED_SCRIPT_URLS = {
    "https://api.github.com": "repository facts; only for [data-md-component=source], never set",
    "https://${": "GitLab repository facts; same trigger as above",
    "https://unpkg.com/mermaid": "Mermaid diagrams; only for .mermaid blocks, which no page has",
    "https://unpkg.com/resize-observer-polyfill": "only where ResizeObserver is missing",
    "https://clipboardjs.com": "licence comment",
    "https://bit.ly": "text of a console warning",
    "http://lunrjs.com": "licence comment",
    "http://tartarus.org": "licence comment",
}
URL = re.compile(r"""(?:https?:)?//[^\s"'<>()\\]+""")


def is_external(url: str) -> bool:
    return bool(urlsplit(url.strip()).netloc)


def test_no_html_page_loads_anything_from_elsewhere(built_site: Path) -> None:
    found = []
    for page in built_site.rglob("*.html"):
        soup = soup_of(page)
        for tag, attribute in FETCHING.items():
            for element in soup.find_all(tag):
                url = element.get(attribute) or element.get("xlink:href") or ""
                if is_external(url):
                    found.append(f"{page.name}: <{tag} {attribute}={url}>")
        for link in soup.find_all("link"):
            if link.get("rel") == ["canonical"]:
                assert link["href"].startswith(SITE_URL)
            elif is_external(link.get("href", "")):
                found.append(f"{page.name}: <link href={link['href']}>")
        for element in soup.find_all(style=True):
            found += [f"{page.name}: style {u}" for u in URL.findall(element["style"])]
        for style in soup.find_all("style"):
            found += [f"{page.name}: <style> {u}" for u in URL.findall(style.get_text())]
        for form in soup.find_all("form", action=True):
            if is_external(form["action"]):
                found.append(f"{page.name}: <form action={form['action']}>")
    assert found == []


def test_no_stylesheet_imports_or_points_at_anything_elsewhere(built_site: Path) -> None:
    found = []
    for sheet in built_site.rglob("*.css"):
        text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        for target in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
            if not target.startswith("data:") and is_external(target):
                found.append(f"{sheet.name}: url({target})")
        found += [f"{sheet.name}: {m}" for m in re.findall(r"@import[^;]+", text)]
    assert found == []


def test_javascript_reaches_out_only_through_disarmed_loaders(built_site: Path) -> None:
    served = [p for p in built_site.rglob("*.js") if "/lunr/" not in p.as_posix()]
    unreviewed = set()
    for script in served:
        for url in URL.findall(script.read_text(encoding="utf-8")):
            if url.startswith("//"):
                continue  # comments and regular expressions, not absolute URLs
            if not any(url.startswith(known) for known in REVIEWED_SCRIPT_URLS):
                unreviewed.add(f"{script.name}: {url}")
    assert unreviewed == set()
    for page in built_site.rglob("*.html"):
        soup = soup_of(page)
        assert soup.select('[data-md-component="source"]') == [], "would ask api.github.com"
        assert soup.select(".mermaid") == [], "would load Mermaid from unpkg.com"
    # lunr/ holds search language packs (licence URLs only); the worker loads them, from this
    # site, only for a language other than English.
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["en"]

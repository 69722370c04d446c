"""The build's two shortcuts change nothing a reader gets.

1. Markdown converts a page with stand-ins for its generated HTML (markers, Sources cited), which
   is set in afterwards (macros/stash.py): the result must be the HTML of the page converted whole.
2. Material's search parser reads pages through lexbor (macros/search_index.py): it must find the
   same sections, with the same titles and text, as when html.parser feeds it.

Both are compared on every page of the real site and of the fixture sites, and on edge cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, ROOT, build_in_process, make_fixture_site
from hostile import lay_out_hostile_site
from material.plugins.search.plugin import Parser
from selectolax.lexbor import LexborHTMLParser

from macros.markdown_html import Converter
from macros.pages import PageRenderer
from macros.records import load_records
from macros.search_index import sections
from macros.settings import read_settings


def stand_in_conversions(site: Path) -> list[tuple[str, str | None, str]]:
    """Each page with generated HTML: (path, converted with stand-ins and filled, converted whole)."""
    settings = read_settings(site)
    records, problems = load_records(site, settings.sources, hosts=settings.hosts)
    assert problems == [], problems
    renderer = PageRenderer(records, settings.products, docs_dir=settings.docs_dir)
    converter = Converter({"markdown_extensions": list(settings.markdown_extensions)})
    results = []
    for page in sorted((site / settings.docs_dir).rglob("*.md")):
        path = page.relative_to(site).as_posix()
        rendered = renderer.render(path, page.read_text(encoding="utf-8"))
        if rendered.stashed is None or not rendered.stashed.stand_ins:
            continue
        stand_ins = rendered.stashed.markdown_to_convert(rendered.markdown)
        filled = rendered.stashed.fill(converter.html(stand_ins), rendered.markdown)
        results.append((path, filled, converter.html(rendered.markdown)))
    return results


@pytest.mark.parametrize("site", ["real", "base", "hostile"])
def test_stand_ins_convert_to_the_same_html_as_the_whole_page(site: str, tmp_path: Path) -> None:
    root = {"real": ROOT, "base": FIXTURES / "_base"}.get(site) or lay_out_hostile_site(tmp_path)
    results = stand_in_conversions(root)
    assert results, f"no page of the {site} site has generated HTML to compare"
    for path, filled, whole in results:
        assert filled is not None, f"{path}: a stand-in was lost or repeated in conversion"
        assert filled == whole, path
        assert "bh-stash" not in filled, path


def add_to_landing(site: Path, text: str) -> None:
    """Append a paragraph to the fixture product's landing page."""
    landing = site / "docs/demo/index.md"
    landing.write_text(landing.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


def rendered_fixture_page(site: Path, uri: str):
    settings = read_settings(site)
    records, _ = load_records(site, settings.sources, hosts=settings.hosts)
    renderer = PageRenderer(records, settings.products, docs_dir=settings.docs_dir)
    return renderer.render(f"docs/{uri}", (site / "docs" / uri).read_text(encoding="utf-8"))


def test_a_page_that_repeats_a_marker_is_written_out_without_stand_ins(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path)
    repeated = '{% set marker = cite("demo.overview") %}Once{{ marker }} and twice{{ marker }}.\n'
    add_to_landing(site, repeated)
    rendered = rendered_fixture_page(site, "demo/index.md")
    assert rendered.problems == [] and rendered.stashed is None
    assert rendered.markdown.count('href="#source-demo.overview"') == 2
    assert "bh-stash" not in rendered.markdown


def test_a_page_whose_stand_ins_do_not_survive_conversion_is_converted_whole(
    tmp_path: Path,
) -> None:
    site = make_fixture_site(tmp_path)
    in_code = 'Cited{{ cite("demo.overview") }}. In a code span: `{{ cite("demo.statuses") }}`.\n'
    add_to_landing(site, in_code)
    (converted,) = [r for r in stand_in_conversions(site) if r[0] == "docs/demo/index.md"]
    assert converted[1] is None  # the code span escaped its stand-in

    result = build_in_process(site)
    assert result.returncode == 0, result.stdout
    html = (site / "site/demo/index.html").read_text(encoding="utf-8")
    assert "bh-stash" not in html
    # As converted whole: one marker, and the one in the code span shown as code.
    article = BeautifulSoup(html, "html.parser").find("article")
    links = [a["href"] for a in article.select("sup.bh-cite a")]
    assert links == ["#source-demo.overview"], article
    assert '<sup class="bh-cite"' in " ".join(c.get_text() for c in article.find_all("code"))


def material_sections(content: str) -> list[tuple]:
    parser = Parser()
    parser.feed(content)
    parser.close()
    return _sections(parser)


def _sections(parser: Parser) -> list[tuple]:
    return [
        (s.id, s.el.tag, s.el.attrs, "".join(s.title), "".join(s.text), s.is_excluded())
        for s in parser.data
    ]


def page_contents(built_site: Path) -> list[tuple[str, str]]:
    """Each built page's article: the page's own HTML as the search plugin is handed it, with
    the few lines the theme adds around it."""
    contents = []
    for page in sorted(built_site.rglob("*.html")):
        article = LexborHTMLParser(page.read_text(encoding="utf-8")).css_first("article")
        if article is not None:
            inner = "".join(child.html or "" for child in article.iter(include_text=True))
            contents.append((str(page.relative_to(built_site)), inner))
    return contents


def test_lexbor_finds_the_sections_html_parser_finds_on_every_built_page(built_site: Path) -> None:
    contents = page_contents(built_site)
    assert len(contents) >= len(list((ROOT / "docs").rglob("*.md")))
    for name, content in contents:
        assert _sections(sections(content)) == material_sections(content), name


@pytest.mark.parametrize(
    "content",
    [
        '\n<h1 id="title">Title</h1>\n<p>Text</p>\n<h2 id="next">Next</h2><p>More</p>',
        '<h1 id="title">Title</h1><p>Text</p>',
        '<h2 id="first">First</h2><p>No h1 before it</p>',
        "<style>p { color: red }</style><p>After a style</p>",
        "<p>Before</p><div data-search-exclude><p>Hidden</p></div><p>After</p>",
        '<h2 id="x" data-search-exclude>Excluded section</h2><p>Its text</p>',
        "<pre><code>  indented\n\n  code &amp; more</code></pre><p>a  b\nc</p>",
        '<h2 id="h">Heading<a class="headerlink" href="#h">&para;</a></h2><p><code>x</code></p>',
        '<div class="admonition"><h3 id="inner">Inner</h3><p>In</p></div><p>Out</p>',
        "<ul><li>One<ul><li>Two</li></ul></li></ul><p></p><p> </p><sup>1</sup>",
        "<table><tr><td>cell</td></tr></table><br><hr><img alt=x>",
        "Text before any tag, &lt;escaped&gt; &amp; kept",
    ],
)
def test_lexbor_finds_the_same_sections_in_edge_cases(content: str) -> None:
    assert _sections(sections(content)) == material_sections(content)


def test_deeply_nested_html_is_read_without_recursion() -> None:
    content = "<div>" * 1500 + "<p>deep</p>" + "</div>" * 1500  # over Python's 1,000 frames
    assert "deep" in "".join(sections(content).data[0].text)


def test_the_build_gives_material_search_the_lexbor_reader() -> None:
    from material.plugins.search.plugin import SearchIndex, SearchPlugin

    from macros.search_index import LexborSearchIndex, read_with_lexbor

    plugin = SearchPlugin()
    plugin.search_index = SearchIndex(lang=["en"], separator=" ")
    read_with_lexbor(plugin)
    assert type(plugin.search_index) is LexborSearchIndex
    assert plugin.search_index.config == {"lang": ["en"], "separator": " "}

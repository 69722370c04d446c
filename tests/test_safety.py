"""Safe by construction: the allowlist reads each page's HTML as browsers do, the files beside the
pages are checked where they enter, and hostile record values reach readers as text."""

from __future__ import annotations

import fcntl
import json
import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import (
    ROOT,
    TEST_HOSTS,
    build_in_process,
    check_in_process,
    make_fixture_site,
    run_mkdocs,
)
from hostile import HOSTILE, HOSTILE_CODE, hostile_records

from macros import allowlist
from macros.publish import Busy, Staging
from macros.records import load_records
from macros.static_files import css_findings, docs_problems, svg_findings

TODO = (
    "Remove it, or write it as plain Markdown: pages may use only the HTML listed in "
    "CONTRIBUTING.md (Raw HTML in pages). [raw-html]"
)


def found(markup: str) -> list[str]:
    return [finding.what for finding in allowlist.findings(markup)]


# --- the allowlist, read as browsers read HTML ---------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "what"),
    [
        # Constructs Python's html.parser reads differently from browsers: each hid a live
        # element from the post-build scan this allowlist replaces.
        pytest.param(
            "<!--><img src=x onerror=alert(1)>-->",
            ["<img> has the attribute onerror=, which pages may not use"],
            id="comment-closed-by-its-own-opener",
        ),
        pytest.param(
            "<![CDATA[><img src=x onerror=alert(1)>]]>",
            ["<img> has the attribute onerror=, which pages may not use"],
            id="cdata-outside-foreign-content",
        ),
        pytest.param(
            "<svg><style><img src=x onerror=alert(1)></style></svg>",
            [
                "<svg> is not allowed in pages",
                "<style> is not allowed in pages",
                "<img> has the attribute onerror=, which pages may not use",
            ],
            id="svg-style-breakout",
        ),
        pytest.param(
            "<math><style><img src=x onerror=alert(1)></style></math>",
            [
                "<math> is not allowed in pages",
                "<style> is not allowed in pages",
                "<img> has the attribute onerror=, which pages may not use",
            ],
            id="math-style-breakout",
        ),
        pytest.param(
            '<textarea><p title="</textarea><img src=x onerror=alert(1)>"></textarea>',
            [
                "<textarea> is not allowed in pages",
                "<img> has the attribute onerror=, which pages may not use",
            ],
            id="textarea-attribute-breakout",
        ),
        pytest.param(
            "<IMG SRC=x ONERROR=alert(1)>",
            ["<img> has the attribute onerror=, which pages may not use"],
            id="upper-case",
        ),
        pytest.param(
            '<a href=" &#x4A;ava&#x09;script&colon;alert(1)">x</a>',
            ["<a> has href='Java\\tscript:alert(1)', a kind of address pages may not use"],
            id="javascript-href-disguised-with-entities-and-a-tab",
        ),
        pytest.param(
            '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
            [
                "<a> has href='data:text/html;base64,PHNjcmlwdD4=', a kind of address pages "
                "may not use"
            ],
            id="data-link",
        ),
        pytest.param(
            '<img src="https://tracker.example/pixel.png" alt="">',
            [
                "<img> has src='https://tracker.example/pixel.png', a kind of address pages "
                "may not use"
            ],
            id="image-from-another-site",
        ),
        pytest.param(
            '<img src="//tracker.example/pixel.png" alt="">',
            ["<img> has src='//tracker.example/pixel.png', a kind of address pages may not use"],
            id="image-from-another-site-without-scheme",
        ),
        pytest.param(
            '<p style="background:url(https://tracker.example/)">x</p>',
            ["<p> has the attribute style=, which pages may not use"],
            id="style-attribute",
        ),
        pytest.param(
            '<table><tr><td style="text-align: left; background: url(x)">x</td></tr></table>',
            ["<td> has a style attribute"],
            id="style-beyond-table-alignment",
        ),
        pytest.param(
            "<script>alert(1)</script>", ["<script> is not allowed in pages"], id="script"
        ),
        pytest.param(
            '<iframe src="https://example.com/"></iframe>',
            ["<iframe> is not allowed in pages"],
            id="iframe",
        ),
        pytest.param(
            '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
            ["<meta> is not allowed in pages"],
            id="meta-refresh",
        ),
        pytest.param('<base href="https://evil.example/">', ["<base> is not allowed in pages"]),
        pytest.param(
            '<form action="https://evil.example/"><input name=q></form>',
            ["<form> is not allowed in pages", "<input> is not allowed in pages"],
            id="form",
        ),
        pytest.param(
            "<details open ontoggle=alert(1)><summary>x</summary></details>",
            ["<details> has the attribute ontoggle=, which pages may not use"],
            id="event-on-an-allowed-element",
        ),
        pytest.param(
            '<p data-md-component="announce">x</p>',
            ["<p> has the attribute data-md-component=, which pages may not use"],
            id="theme-data-attribute",
        ),
        pytest.param(
            '<a href="#x" target="_top">x</a>',
            ["<a> has target='_top'"],
            id="target-other-than-blank",
        ),
        pytest.param(
            '<div data-md-component="search">x</div>',
            ["<div> has the attribute data-md-component=, which pages may not use"],
            id="theme-script-hook",
        ),
        pytest.param(
            "<p>ends inside a comment <!-- never closed",
            [
                "the page's HTML does not end where it should: a comment, an attribute's "
                "quotes or a tag is left open, so it would swallow the rest of the page"
            ],
            id="unclosed-comment",
        ),
        pytest.param(
            '<a title="never closed>x</a>',
            [
                "the page's HTML does not end where it should: a comment, an attribute's "
                "quotes or a tag is left open, so it would swallow the rest of the page"
            ],
            id="unclosed-attribute",
        ),
    ],
)
def test_the_allowlist_refuses_what_browsers_would_run_or_load(markup: str, what: list) -> None:
    assert found(markup) == what


@pytest.mark.parametrize(
    "markup",
    [
        pytest.param(
            '<p><a href="https://example.com/">x</a> <a href="#top">top</a> '
            '<a href="../other/">o</a> <a href="mailto:a@example.com">m</a></p>',
            id="links",
        ),
        pytest.param('<img src="../assets/x.png" alt="x" width="20">', id="image-on-the-site"),
        pytest.param('<p title="Why javascript: is refused">x</p>', id="word-in-a-title"),
        pytest.param("<details open><summary>x</summary>y</details>", id="details"),
        pytest.param('<div markdown="1" class="note" aria-label="x">y</div>', id="div-markdown"),
        pytest.param(
            '<table><tr><th style="text-align: left;">a</th><td align="right">b</td></tr></table>',
            id="table-alignment",
        ),
        pytest.param("<p>a <kbd>Ctrl</kbd> <!-- a closed comment --> b</p>", id="kbd-comment"),
        pytest.param(
            '<sup class="bh-cite" id="cite-a-1" data-search-exclude><a class="footnote-ref" '
            'href="#source-a" aria-label="Source 1: A">[1]</a></sup>',
            id="citation-marker",
        ),
        pytest.param(
            '<p class="bh-disclaimer" data-search-exclude>Not official support.</p>',
            id="paragraph-left-out-of-search",
        ),
        pytest.param(
            '<h2 id="sources-cited" data-search-exclude>Sources cited</h2>',
            id="heading-left-out-of-search",
        ),
    ],
)
def test_the_allowlist_lets_ordinary_markup_through(markup: str) -> None:
    assert found(markup) == []


PLANTED = """\
---
title: Planted
---

Intro.

<a href="javascript:alert(1)">click</a> and <img src=x onerror=alert(2)>

<!--><img src=x onerror=alert(3)>-->

[typed link](javascript:alert(4))

Text.
{: onclick="alert(5)" }
"""
# The lines of PLANTED where each refusal must point, counted in the file itself.
PLANTED_LINES = {
    7: [
        "<a> has href='javascript:alert(1)', a kind of address pages may not use",
        "<img> has the attribute onerror=, which pages may not use",
    ],
    9: ["<img> has the attribute onerror=, which pages may not use"],
    11: ["<a> has href='javascript:alert(4)', a kind of address pages may not use"],
    14: ["<p> has the attribute onclick=, which pages may not use"],
}


def planted_messages(path: str) -> list[str]:
    return sorted(
        f"{path}:{line}: {what}. {TODO}" for line, said in PLANTED_LINES.items() for what in said
    )


def test_several_refusals_on_one_page_each_name_their_own_line() -> None:
    from macros.markdown_html import Converter

    html = Converter({"markdown_extensions": ["attr_list", "md_in_html"]}).html(
        PLANTED.split("---", 2)[2]
    )
    problems = allowlist.page_problems(html, "docs/bad.md", PLANTED, 4)
    assert sorted(str(p) for p in problems) == planted_messages("docs/bad.md")


def test_a_planted_unsafe_page_fails_build_and_check_alike_and_keeps_the_last_good_site(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    site = make_fixture_site(tmp_path)
    (site / "docs" / "bad.md").write_text(PLANTED)
    last_good = site / "site" / "index.html"
    last_good.parent.mkdir()
    last_good.write_text("last good build")

    # Both run in this process as on the command line (test_fixture_sites.py runs each kind of
    # failure through the real commands too).
    result = build_in_process(site)
    check = check_in_process(site, capsys, monkeypatch)

    assert result.returncode == 1
    printed = [row.split("-  ", 1)[-1] for row in result.stdout.splitlines() if row.strip()]
    expected = planted_messages("docs/bad.md")
    assert sorted(row for row in printed if row.startswith("docs/")) == expected, result.stdout
    assert "Traceback" not in result.stdout
    assert last_good.read_text() == "last good build"
    assert not (site / "site.building").exists()
    assert check.returncode == 1
    assert sorted(check.stdout.splitlines()) == expected, check.stdout


# --- files beside the pages ----------------------------------------------------------------------


def test_svg_drawings_may_hold_shapes_and_styles_only() -> None:
    assert svg_findings((ROOT / "docs" / "assets" / "bulk-job-lifecycle.svg").read_text()) == []
    hostile = (
        '<svg xmlns="http://www.w3.org/2000/svg">\n'
        "<script>alert(1)</script>\n"
        '<rect onclick="alert(2)"/>\n'
        "<foreignObject><p>x</p></foreignObject>\n"
        '<use href="https://evil.example/x.svg#a"/>\n'
        '<set attributeName="href" to="javascript:alert(3)"/>\n'
        "<style>@import url(https://evil.example/x.css);</style>\n"
        "</svg>\n"
    )
    assert svg_findings(hostile) == [
        (2, "<script> is not allowed in drawings"),
        (3, "<rect> has an event handler (onclick=)"),
        (4, "<foreignObject> is not allowed in drawings"),
        (4, "<p> is not allowed in drawings"),
        (5, "<use> refers to 'https://evil.example/x.svg#a' outside the drawing"),
        (6, "<set> is not allowed in drawings"),
        (7, "the styles use @import"),
        (7, "the styles load 'https://evil.example/x.css' from outside the site"),
    ]


def test_svg_declarations_an_xml_reader_would_expand_are_refused() -> None:
    entity = '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x "<script>alert(1)</script>">]>\n'
    assert svg_findings(entity + "<svg>&x;</svg>") == [
        (2, "the drawing holds a <!DOCTYPE>, <!ENTITY> or <?...?> declaration")
    ]


def test_stylesheets_may_not_load_from_elsewhere() -> None:
    assert css_findings('a::after { content: "Note: \\FE0E"; background: url(x.png) }') == []
    assert css_findings((ROOT / "docs" / "assets" / "beam.css").read_text()) == []
    assert css_findings(
        "@import 'x.css'; a { background: u\\72l(https://evil.example/a.png) }"
        ' b { background: image-set("\\2f\\2f evil.example/b.png" 1x) }'
    ) == [
        (1, "the styles use @import"),
        (1, "the styles load 'https://evil.example/a.png' from outside the site"),
        (1, "the styles load '//evil.example/b.png' from outside the site"),
    ]


def test_files_beside_the_pages_are_refused_unless_allowed(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    docs = root / "docs"
    (docs / "assets" / "javascripts").mkdir(parents=True)
    outside = tmp_path / "secret.txt"
    outside.write_text("TOKEN=1")
    files = {
        "index.md": "# Home",
        "assets/ours.js": "1",
        "assets/javascripts/planted.js": "alert(1)",
        "assets/page.htm": "<script>alert(1)</script>",
        "assets/page.xhtml": "<x/>",
        "assets/run.svg": '<svg onload="alert(1)"/>',
        "assets/fine.svg": "<svg><rect/></svg>",
        "assets/photo.png": "png",
        "assets/.hidden.js": "not published",
    }
    for name, text in files.items():
        (docs / name).write_text(text)
    (docs / "assets" / "env.txt").symlink_to("/proc/self/environ")
    (docs / "assets" / "secret.txt").symlink_to(outside)
    (docs / "linked").symlink_to(tmp_path, target_is_directory=True)  # a folder outside

    problems = [str(p) for p in docs_problems(docs, root, ["assets/ours.js"])]

    outside_todo = "Copy the file into the repository instead of linking to it. [unsafe-file]"
    assert problems == [
        "docs/assets/env.txt:1: this file lies outside the repository (through a link or a "
        f"path). {outside_todo}",
        "docs/assets/javascripts/planted.js:1: this script is not one of the site's own "
        "scripts. Remove it; a script runs only when mkdocs.yml lists it under "
        "extra_javascript, which a maintainer reviews. [unsafe-file]",
        "docs/assets/page.htm:1: files of type .htm are not published. Remove it, or use a "
        "page (.md), an image (.png, .jpg, .gif, .webp, .svg) or a data file (.csv, .json, "
        ".txt, .zip). [unsafe-file]",
        "docs/assets/page.xhtml:1: files of type .xhtml are not published. Remove it, or use a "
        "page (.md), an image (.png, .jpg, .gif, .webp, .svg) or a data file (.csv, .json, "
        ".txt, .zip). [unsafe-file]",
        "docs/assets/run.svg:1: <svg> has an event handler (onload=). Remove it: drawings and "
        "stylesheets may hold shapes, text and styles, but nothing that runs or loads from "
        "elsewhere. [unsafe-file]",
        "docs/assets/secret.txt:1: this file lies outside the repository (through a link or a "
        f"path). {outside_todo}",
        "docs/linked:1: this file lies outside the repository (through a link or a "
        f"path). {outside_todo}",
    ]


def test_a_symlink_out_of_the_repository_stops_build_and_check(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    site = make_fixture_site(tmp_path)
    (site / "docs" / "env.txt").symlink_to("/proc/self/environ")
    last_good = site / "site" / "index.html"
    last_good.parent.mkdir()
    last_good.write_text("last good build")
    message = (
        "docs/env.txt:1: this file lies outside the repository (through a link or a path). "
        "Copy the file into the repository instead of linking to it. [unsafe-file]"
    )

    result = build_in_process(site)
    check = check_in_process(site, capsys, monkeypatch)

    assert result.returncode == 1 and message in result.stdout, result.stdout
    assert check.returncode == 1 and check.stdout.splitlines() == [message], check.stdout
    assert last_good.read_text() == "last good build"
    assert not (site / "site" / "env.txt").exists()


# --- one build at a time per output folder --------------------------------------------------------


def test_a_second_build_into_a_locked_folder_stops_without_touching_it(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path)
    last_good = site / "site" / "index.html"
    last_good.parent.mkdir()
    last_good.write_text("last good build")
    staging = site / "site.building"
    staging.mkdir()
    (staging / "half.html").write_text("another build is writing this")
    with open(site / "site.lock", "w") as held:  # another build holds the folder
        fcntl.flock(held, fcntl.LOCK_EX)
        result = run_mkdocs(site, "build", "--strict")
    assert result.returncode == 1
    assert "another build is writing site/ right now; wait for it to finish" in result.stdout
    assert "Traceback" not in result.stdout
    assert last_good.read_text() == "last good build"
    assert (staging / "half.html").exists(), "the second build cleared the first one's work"


def test_the_lock_is_released_when_a_build_ends(tmp_path: Path) -> None:
    first = Staging(tmp_path / "site")
    first.lock()
    with pytest.raises(Busy):
        Staging(tmp_path / "site").lock()
    first.begin()
    first.publish()
    second = Staging(tmp_path / "site")
    second.lock()  # free again
    second.discard()
    assert os.path.exists(tmp_path / "site.lock")


# --- hostile record values, built for real --------------------------------------------------------


def test_hostile_values_load_as_the_exact_text_written(tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "demo.py").write_text(HOSTILE_CODE)
    (tmp_path / "sources" / "demo").mkdir(parents=True)
    (tmp_path / "sources" / "demo" / "records.yml").write_text(hostile_records())
    records, problems = load_records(tmp_path, hosts=TEST_HOSTS)
    assert problems == []
    assert records["demo.get-job"].title == HOSTILE["script"]
    assert records["demo.get-job"].url == "https://example.com/'onmouseover='alert(1)"
    assert records["demo.statuses"].facts.values == (HOSTILE["autolink"], HOSTILE["jinja"])


def test_hostile_record_values_build_no_executable_markup(hostile_site: Path) -> None:
    soup = BeautifulSoup((hostile_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article")
    assert article.find_all(["script", "img", "iframe", "object", "embed", "b"]) == []
    for element in soup.find_all(True):
        assert not [a for a in element.attrs if a.lower().startswith("on")], element
        for name in ("href", "src", "action", "formaction"):
            value = str(element.get(name, "")).strip().lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:")), element
    links = [a["href"] for a in article.select("a.bh-source-link")]
    assert "https://example.com/'onmouseover='alert(1)" in links
    assert "https://example.com/?q='&x=[1](javascript:alert(1))" in links
    assert "https://example.com/![x](data:text/html,x)" in links
    labels = [a["aria-label"] for a in article.select("a.footnote-ref")]
    assert f"Source 5: {HOSTILE['attr-list']}" in labels


def test_hostile_record_values_reach_the_reader_as_the_text_written(hostile_site: Path) -> None:
    soup = BeautifulSoup((hostile_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    text = soup.find("article").get_text()
    for name, value in HOSTILE.items():
        assert value in text, name
    code = soup.find("article").select_one("div.highlight").get_text()
    assert "</code></pre><script>alert(7)</script>" in code


def test_the_loader_refuses_script_and_data_urls(tmp_path: Path) -> None:
    (tmp_path / "sources" / "p").mkdir(parents=True)
    urls = ["javascript:alert(1)", "data:text/html,x", " https://a.example/", "JAVASCRIPT:x"]
    (tmp_path / "sources" / "p" / "x.yml").write_text(
        "\n".join(
            f"- id: p.u{n}\n  kind: doc\n  title: T\n  url: {json.dumps(url)}\n"
            "  verified_on: 2026-11-20"
            for n, url in enumerate(urls)
        )
    )
    assert [str(p) for p in load_records(tmp_path, hosts=TEST_HOSTS)[1]] == [
        f"sources/p/x.yml:{4 + 5 * n}: 'url' must be an https:// address, not {url!r}. Link the "
        "official page with its https:// address. [not-https]"
        for n, url in enumerate(urls)
    ]


def test_a_record_title_holding_a_script_end_tag_cannot_close_the_json_ld(
    hostile_site: Path,
) -> None:
    page = (hostile_site / "index.html").read_text(encoding="utf-8")
    head = page.split("</head>", 1)[0]
    opening = re.search(r"<script type=\"?application/ld\+json\"?>", head)  # quotes minified
    assert opening is not None, "the how-to has no JSON-LD"
    start = opening.end()
    # A browser ends a script element at the first "</script" in it, whatever the case.
    inner = head[start : head.lower().index("</script", start)]
    data = json.loads(inner)  # the whole object up to that point: nothing was cut short
    assert "<" not in inner and ">" not in inner
    assert HOSTILE["script"] in [c["name"] for c in data["citation"]]
    soup = BeautifulSoup(page, "html.parser")
    assert len(soup.select('script[type="application/ld+json"]')) == 1
    assert 'alert("title")' not in " ".join(s.get_text() for s in soup.find_all("script"))

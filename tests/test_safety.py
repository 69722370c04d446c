"""Safe output: hostile record values reach readers as text, and the post-build scan stops any
built page that holds a script, an event handler or a javascript: URL we did not ship."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import material
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, make_fixture_site, run_mkdocs

from macros.records import load_records
from macros.safety import SiteLayout, scan_page, scan_site, theme_inline_scripts

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"
THEME_SCRIPTS = theme_inline_scripts([MATERIAL_TEMPLATES])
TODO = (
    "Remove it from the raw HTML in docs/bad.md: pages may use plain HTML, but nothing a browser "
    "runs, embeds or redirects to. [unsafe-html]"
)


def layout(**changes) -> SiteLayout:
    values = dict(
        shown_as="site",
        base_path="/help/",
        files=frozenset(
            {
                "assets/javascripts/bundle.js",
                "assets/ours.js",
                "assets/other.js",
                "guide/index.html",
            }
        ),
        built_from={"guide/index.html": "docs/bad.md"},
        theme_scripts=THEME_SCRIPTS,
        own_scripts=frozenset({"assets/ours.js"}),  # listed under extra_javascript
    )
    return SiteLayout(**{**values, **changes})


def scan(body: str, page: str = "guide/index.html") -> list[str]:
    return [str(p) for p in scan_page(f"<html><body>\n{body}\n</body></html>", page, layout())]


# --- the scan itself ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "what"),
    [
        pytest.param(
            '<img src="x.png" onerror="alert(1)">',
            "<img> has an inline event handler (onerror=...)",
            id="event-handler",
        ),
        pytest.param(
            "<svg><g ONload=alert(1)></g></svg>",
            "<g> has an inline event handler (onload=...)",
            id="event-handler-in-svg-uppercase",
        ),
        pytest.param(
            '<a href="javascript:alert(1)">x</a>',
            "<a> has a script URL in href ('javascript:alert(1)')",
            id="javascript-href",
        ),
        pytest.param(
            '<a href=" &#x4A;ava&#x09;script&colon;alert(1)">x</a>',
            "<a> has a script URL in href ('Java\\tscript:alert(1)')",
            id="javascript-href-disguised-with-entities-and-a-tab",
        ),
        pytest.param(
            '<form><button formaction="vbscript:msgbox(1)">x</button></form>',
            "<button> has a script URL in formaction ('vbscript:msgbox(1)')",
            id="vbscript-formaction",
        ),
        pytest.param(
            '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
            "<a> links to a data: URL in href",
            id="data-href",
        ),
        pytest.param(
            '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
            "<a> has a script URL in xlink:href ('javascript:alert(1)')",
            id="svg-xlink",
        ),
        pytest.param(
            "<script>alert(1)</script>",
            "<script> holds inline code that is not one of the theme's own scripts",
            id="inline-script",
        ),
        pytest.param(
            "<svg><script>alert(1)</script></svg>",
            "<script> holds inline code that is not one of the theme's own scripts",
            id="script-in-svg",
        ),
        pytest.param(
            '<script src="https://evil.example/x.js"></script>',
            "<script> loads 'https://evil.example/x.js', which is not one of the site's own "
            "scripts",
            id="external-script",
        ),
        pytest.param(
            '<script src="//evil.example/x.js"></script>',
            "<script> loads '//evil.example/x.js', which is not one of the site's own scripts",
            id="protocol-relative-script",
        ),
        pytest.param(
            '<script src="../assets/javascripts/../../x.js"></script>',
            "<script> loads '../assets/javascripts/../../x.js', which is not one of the site's "
            "own scripts",
            id="script-climbing-out-of-the-theme-folder",
        ),
        pytest.param(
            '<script src="../assets/other.js"></script>',
            "<script> loads '../assets/other.js', which is not one of the site's own scripts",
            id="script-not-listed-in-extra-javascript",
        ),
        pytest.param(
            '<script src="../assets/javascripts/planted.js"></script>',
            "<script> loads '../assets/javascripts/planted.js', which the build did not write",
            id="script-the-build-did-not-write",
        ),
        pytest.param(
            '<script src="../assets/javascripts/bundle.js">alert(1)</script>',
            "<script> has both a src and inline code",
            id="script-with-src-and-code",
        ),
        pytest.param(
            '<script type="application/ld+json">{"a": </script>',
            "<script> of type application/ld+json does not hold valid JSON",
            id="broken-json-data-block",
        ),
        pytest.param(
            '<script type="text/vbscript">msgbox(1)</script>',
            "<script> has the unknown type 'text/vbscript'",
            id="unknown-script-type",
        ),
        pytest.param(
            '<iframe src="https://example.com/"></iframe>',
            "<iframe> embeds or redirects to other content",
            id="iframe",
        ),
        pytest.param(
            '<object data="https://example.com/x.swf"></object>',
            "<object> embeds or redirects to other content",
            id="object",
        ),
        pytest.param(
            '<meta http-equiv="Refresh" content="0; url=https://evil.example/">',
            "<meta http-equiv=refresh> redirects the reader",
            id="meta-refresh",
        ),
        pytest.param(
            "<p>text</p>\n<script>alert(1)",
            "<script> holds inline code that is not one of the theme's own scripts",
            id="unterminated-script",
        ),
    ],
)
def test_the_scan_names_the_built_file_line_and_the_page_to_fix(markup: str, what: str) -> None:
    line = 2 + markup.count("\n") if markup.startswith("<p>") else 2
    assert scan(markup) == [f"site/guide/index.html:{line}: {what}. {TODO}"]


@pytest.mark.parametrize(
    "markup",
    [
        pytest.param('<a href="https://example.com/">x</a> <a href="#top">top</a>', id="links"),
        pytest.param('<img src="data:image/png;base64,iVBORw0KGgo=" alt="">', id="data-image"),
        pytest.param('<p title="Why javascript: is refused">x</p>', id="word-in-a-title"),
        pytest.param('<script src="../assets/javascripts/bundle.js"></script>', id="theme-bundle"),
        pytest.param('<script src="/help/assets/javascripts/bundle.js"></script>', id="absolute"),
        pytest.param('<script src="../assets/ours.js?v=2"></script>', id="extra-javascript"),
        pytest.param(
            '<script type="application/ld+json">{"@type": "TechArticle"}</script>', id="json-ld"
        ),
        pytest.param(
            '<script id="__config" type="application/json">{"base": ".."}</script>',
            id="material-config",
        ),
        pytest.param("<details open><summary>x</summary>y</details>", id="open-is-not-on"),
    ],
)
def test_the_scan_lets_ordinary_and_theme_markup_through(markup: str) -> None:
    assert scan(markup) == []


def test_a_page_with_no_writer_source_names_the_template() -> None:
    assert [
        str(p)
        for p in scan_page('<a href="javascript:x()">x</a>', "404.html", layout(built_from={}))
    ] == [
        "site/404.html:1: <a> has a script URL in href ('javascript:x()'). Remove it from the "
        "template or page that wrote it: pages may use plain HTML, but nothing a browser runs, "
        "embeds or redirects to. [unsafe-html]"
    ]


def test_theme_scripts_come_from_the_installed_theme_with_values_as_wildcards() -> None:
    """Material's inline scripts pass wherever the site lives; a changed script does not."""
    material_base = (MATERIAL_TEMPLATES / "partials/javascripts/base.html").read_text()
    body = material_base.split("<script>", 1)[1].split("</script>", 1)[0]
    for base in ("..", "/beam-help/", "."):
        assert (
            scan(f"<script>{body.replace('{{ config.extra.scope | d(base_url) }}', base)}</script>")
            == []
        )
    tampered = body.replace("{{ config.extra.scope | d(base_url) }}", '",alert(1),"')
    assert len(scan(f"<script>{tampered}</script>")) == 1
    assert (
        len(
            scan(
                f"<script>{body.replace('{{ config.extra.scope | d(base_url) }}', '.')};"
                "alert(1)</script>"
            )
        )
        == 1
    )


def test_theme_scripts_are_read_from_overrides_too(tmp_path: Path) -> None:
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "x.html").write_text(
        '<script>var a="{{ base_url }}"</script>\n<script>{% if x %}b(){% endif %}</script>'
    )
    (only,) = theme_inline_scripts([tmp_path])  # a script built by {% if %} is never allowed
    assert only.fullmatch('var a="../.."') and only.fullmatch('var a=""')
    assert not only.fullmatch('var a="x",alert(1),""') and not only.fullmatch('var a="x";b()')


def test_the_real_site_passes_the_scan(built_site: Path) -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    theme_dirs = [MATERIAL_TEMPLATES]
    if "custom_dir" in config["theme"]:
        theme_dirs.insert(0, ROOT / config["theme"]["custom_dir"])
    files = frozenset(p.relative_to(built_site).as_posix() for p in built_site.rglob("*"))
    own = frozenset(config.get("extra_javascript", []))
    site = SiteLayout("site", "/beam-help/", files, {}, theme_inline_scripts(theme_dirs), own)
    assert [str(p) for p in scan_site(built_site, site)] == []
    assert len(list(built_site.rglob("*.html"))) >= 3


# --- hostile record values, built for real ------------------------------------------------------

HOSTILE = {
    "script": '<script>alert("title")</script>',
    "attribute": '"><img src=x onerror=alert(1)>',
    "single-quote": "' onmouseover='alert(3)",
    "markdown-link": "[click me](javascript:alert(1))",
    "markdown-image": "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "raw-link": '<a href="javascript:alert(2)">x</a>',
    "autolink": "<javascript:alert(4)>",
    "jinja": "{{ cite.__globals__ }}{% raw %}",
    "entity": "&lt;script&gt;alert(5)&lt;/script&gt;",
    "attr-list": '![x](y){: onmouseover="alert(10)" } `code` \\*',
}


def hostile_records() -> str:
    """Every text field of every kind carries a hostile value; JSON strings are YAML strings."""
    h = {name: json.dumps(value) for name, value in HOSTILE.items()}
    return textwrap.dedent(
        f"""\
        - id: demo.get-job
          kind: endpoint
          title: {h["script"]}
          method: GET
          path: {json.dumps("/demo/" + HOSTILE["attribute"])}
          host: api-domain
          scopes: [[{h["single-quote"]}, {h["markdown-link"]}]]
          read_only: true
          note: {h["raw-link"]}
          url: "https://example.com/\\"onmouseover=\\"alert(1)"
          verified_on: 2026-11-20

        - id: demo.statuses
          kind: config
          title: {h["markdown-image"]}
          values: [{h["autolink"]}, {h["jinja"]}]
          url: "https://example.com/'><script>alert(1)</script>"
          verified_on: 2026-11-20

        - id: demo.limits
          kind: config
          title: {h["entity"]}
          fields:
            batch: {h["attribute"]}
            {json.dumps("<b onclick=alert(6)>x</b>")}: {h["script"]}
          url: https://example.com/limits
          verified_on: 2026-11-20

        - id: demo.overview
          kind: doc
          title: {h["jinja"]}
          publisher: {h["raw-link"]}
          note: {h["attr-list"]}
          url: "https://example.com/![x](data:text/html,x){{:onfocus=alert(11)}}"
          verified_on: 2026-11-21

        - id: demo.wait
          kind: code
          title: {h["attr-list"]}
          file: examples/demo.py
          symbol: wait
          url: https://example.com/docs/get-job.html
          verified_on: 2026-11-22
        """
    )


HOSTILE_PAGE = """\
---
title: How to get a demo job
type: how-to
product: demo
summary: Fetch one job by its ID.
---

## Why this matters

Jobs run later {{ cite("demo.overview") }}; read {{ link("demo.overview") }}.

## Step-by-step

1. Send {{ endpoint("demo.get-job") }} with {{ scopes("demo.get-job") }}.
2. Read the status: {{ fact("demo.statuses") }} and {{ fact("demo.limits", "batch") }}.

    {{ code("demo.wait") }}

{{ scope_table("demo.get-job") }}

{{ fields_table("demo.limits") }}

## Common pitfalls

- **Wrong path.** Check it {{ cite("demo.get-job") }}.

## What to check

- **Status.** It is one of the listed values {{ cite("demo.statuses") }}.
"""

HOSTILE_CODE = '''\
def wait(get, job_id):
    """</code></pre><script>alert(7)</script>"""
    return "<img src=x onerror=alert(8)>"
'''


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_fixture_site(tmp_path_factory.mktemp("hostile"))
    (site / "sources" / "demo" / "records.yml").write_text(hostile_records(), encoding="utf-8")
    (site / "docs" / "index.md").write_text(HOSTILE_PAGE, encoding="utf-8")
    (site / "examples" / "demo.py").write_text(HOSTILE_CODE, encoding="utf-8")
    result = run_mkdocs(site, "build", "--strict")
    assert result.returncode == 0, result.stdout
    return site / "site"


def test_hostile_values_load_as_the_exact_text_written(tmp_path: Path) -> None:
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "demo.py").write_text(HOSTILE_CODE)
    (tmp_path / "sources" / "demo").mkdir(parents=True)
    (tmp_path / "sources" / "demo" / "records.yml").write_text(hostile_records())
    records, problems = load_records(tmp_path)
    assert problems == []
    assert records["demo.get-job"].title == HOSTILE["script"]
    assert records["demo.get-job"].url == 'https://example.com/"onmouseover="alert(1)'
    assert records["demo.statuses"].facts["values"] == (HOSTILE["autolink"], HOSTILE["jinja"])


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
    assert 'https://example.com/"onmouseover="alert(1)' in links
    assert "https://example.com/'><script>alert(1)</script>" in links
    assert "https://example.com/![x](data:text/html,x){:onfocus=alert(11)}" in links
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
    assert [str(p) for p in load_records(tmp_path)[1]] == [
        f"sources/p/x.yml:{4 + 5 * n}: 'url' must be an https:// address, not {url!r}. Link the "
        "official page with its https:// address. [not-https]"
        for n, url in enumerate(urls)
    ]


# --- a writer's raw HTML, built for real ------------------------------------------------------------

PLANTED = """\
Intro.

<a href="javascript:alert(1)">click</a>

<img src="x.png" onerror="alert(1)">

[typed link](javascript:alert(2))
"""


def test_a_planted_unsafe_page_fails_the_build_and_keeps_the_last_good_site(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path)
    (site / "docs" / "bad.md").write_text(PLANTED)
    last_good = site / "site" / "index.html"
    last_good.parent.mkdir()
    last_good.write_text("last good build")

    result = run_mkdocs(site, "build", "--strict")

    assert result.returncode == 1
    printed = [row.split("-  ", 1)[-1] for row in result.stdout.splitlines() if row.strip()]
    first = re.match(r"site/bad/index\.html:(\d+): ", printed[-5])
    line = int(first.group(1)) if first else 0
    assert printed[-5:] == [
        f"site/bad/index.html:{line}: <a> has a script URL in href ('javascript:alert(1)'). {TODO}",
        f"site/bad/index.html:{line + 1}: <img> has an inline event handler (onerror=...). {TODO}",
        f"site/bad/index.html:{line + 2}: <a> has a script URL in href ('javascript:alert(2)'). "
        f"{TODO}",
        "3 unsafe thing(s) in the built pages; nothing was published and the last good site is "
        "untouched. Fix the lines above.",
        "Aborted with a BuildError!",
    ], result.stdout
    assert "Traceback" not in result.stdout
    assert last_good.read_text() == "last good build"
    assert not (site / "site.building").exists()


def test_a_large_site_scanned_in_worker_processes_reports_the_same(tmp_path: Path) -> None:
    """The parallel scan of a big site finds exactly what the one-process scan finds."""
    from macros.safety import PARALLEL_FROM

    site = tmp_path / "site"
    for n in range(PARALLEL_FROM + 10):
        page = site / f"p{n}" / "index.html"
        page.parent.mkdir(parents=True)
        bad = '<a href="javascript:alert(1)">x</a>' if n % 50 == 7 else "<p>fine</p>"
        page.write_text(f"<html><body>\n{bad}\n</body></html>\n")
    layout = SiteLayout(
        shown_as="site",
        base_path="/",
        files=frozenset(),
        built_from={},
        theme_scripts=(),
    )
    alone = scan_site(site, layout)
    assert len(alone) == 5
    assert [str(p) for p in scan_site(site, layout, workers=2)] == [str(p) for p in alone]

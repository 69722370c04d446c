"""Rendering pages with the pure core: numbering, facts, escaping, the sandbox and the contract."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from conftest import TEST_HOSTS

from macros.page_scan import find_macro_calls
from macros.pages import PageRenderer
from macros.records import load_records

FIXTURE = Path(__file__).parent / "fixtures" / "_base"
PATH = "docs/page.md"


@pytest.fixture(scope="module")
def renderer() -> PageRenderer:
    records, problems = load_records(FIXTURE, hosts=TEST_HOSTS)
    assert problems == []
    return PageRenderer(records, {"demo": "Demo Product"})


def render(renderer: PageRenderer, text: str):
    return renderer.render(PATH, textwrap.dedent(text))


def messages(renderer: PageRenderer, text: str) -> list[str]:
    return [str(p) for p in render(renderer, text).problems]


def records_from(tmp_path: Path, yaml_text: str) -> dict:
    """Records loaded from one source file written under tmp_path; none may have a problem."""
    sources = tmp_path / "sources" / "p"
    sources.mkdir(parents=True)
    (sources / "x.yml").write_text(textwrap.dedent(yaml_text))
    records, problems = load_records(tmp_path, hosts=TEST_HOSTS)
    assert problems == []
    return records


def markers(markdown: str) -> list[str]:
    return re.findall(r'href="#source-([^"]+)"[^>]*>\[(\d+)\]', markdown)


def test_numbers_follow_first_use_and_repeats_reuse_them(renderer: PageRenderer) -> None:
    page = render(
        renderer,
        '{{ cite("demo.statuses") }} {{ cite("demo.overview", "demo.statuses") }}'
        ' {{ endpoint("demo.get-job") }}\n',
    )
    assert page.problems == []
    assert markers(page.markdown) == [
        ("demo.statuses", "1"),
        ("demo.overview", "2"),
        ("demo.statuses", "1"),
        ("demo.get-job", "3"),
    ]
    entries = re.findall(r'<li id="source-([^"]+)" value="(\d+)"', page.markdown)
    assert entries == [("demo.statuses", "1"), ("demo.overview", "2"), ("demo.get-job", "3")]
    assert page.markdown.count('href="#cite-demo.statuses-') == 2  # a back-link per use


def test_fact_macros_render_record_values_with_a_citation(renderer: PageRenderer) -> None:
    page = render(
        renderer,
        '{{ endpoint("demo.get-job") }}|{{ scopes("demo.get-job") }}|'
        '{{ fact("demo.statuses") }}|{{ fact("demo.get-job", "method") }}\n',
    )
    shown = re.sub(r"<sup.*?</sup>", "[n]", page.markdown.split("## Sources cited")[0])
    assert shown.strip() == (
        "<code>GET /demo/v1/jobs/&#123;job&#95;id&#125;</code>[n]|"
        "<code>Demo.jobs.READ</code> or <code>Demo.jobs.ALL</code>[n]|"
        "<code>ADDED</code> and <code>COMPLETED</code>[n]|<code>GET</code>[n]"
    )


def test_code_macro_shows_the_real_function_indented_for_its_list_item(
    renderer: PageRenderer,
) -> None:
    page = render(renderer, '1. Step:\n\n    {{ code("demo.wait") }}\n')
    assert page.problems == []
    assert '    ```python title="demo.py"\n    def wait(get, job_id):\n' in page.markdown


def test_unknown_id_names_the_true_line_and_a_suggestion(renderer: PageRenderer) -> None:
    text = '---\ntitle: T\n---\n\nText.\n\nSee {{ cite("demo.overveiw") }}.\n'
    assert messages(renderer, text) == [
        "docs/page.md:7: unknown source 'demo.overveiw' in cite(). Check the id. Did you mean "
        "'demo.overview'? Source ids are listed by 'python -m macros sources'. [unknown-source]"
    ]


MANY_PROBLEMS = """\
---
title: T
---

Intro {{ cite("demo.overview") }}.

First {{ cite("demo.nope-1") }} and {{ endpoint("demo.nope-2") }} on one line.
Fine {{ fact("demo.statuses") }}.

{{ scopes("demo.nope-3") }}

Last {{ link("demo.nope-4") }}.
"""


def line_of(text: str, fragment: str) -> int:
    """The line of the page text that holds the fragment, counted as writers count."""
    [number] = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return number


@pytest.mark.parametrize("always_jinja", [False, True], ids=["fast-path", "jinja"])
def test_several_problems_on_one_page_each_name_their_own_line(always_jinja: bool) -> None:
    records, _ = load_records(FIXTURE)
    renderer = PageRenderer(records, {"demo": "Demo Product"}, always_jinja=always_jinja)
    found = [(p.location.line, p.what) for p in renderer.render(PATH, MANY_PROBLEMS).problems]
    assert found == [
        (line_of(MANY_PROBLEMS, "nope-1"), "unknown source 'demo.nope-1' in cite()"),
        (line_of(MANY_PROBLEMS, "nope-2"), "unknown source 'demo.nope-2' in endpoint()"),
        (line_of(MANY_PROBLEMS, "nope-3"), "unknown source 'demo.nope-3' in scopes()"),
        (line_of(MANY_PROBLEMS, "nope-4"), "unknown source 'demo.nope-4' in link()"),
    ]


def test_the_jinja_path_counts_lines_around_statements_too(renderer: PageRenderer) -> None:
    text = MANY_PROBLEMS.replace("Fine {{", "{% if true %}Fine{% endif %} {{")
    assert [p.location.line for p in render(renderer, text).problems] == [
        line_of(text, f"nope-{n}") for n in (1, 2, 3, 4)
    ]


def test_link_shows_the_title_linked_to_the_official_page_and_cites_it(
    renderer: PageRenderer,
) -> None:
    page = render(
        renderer,
        'Read {{ link("demo.overview") }}, {{ link("demo.get-job") }} and '
        '{{ cite("demo.overview") }}.\n',
    )
    assert page.problems == []
    body = page.markdown.split("## Sources cited")[0].strip()
    assert re.sub(r"<sup.*?</sup>", "[n]", body) == (
        # Each record has a quote, so its link lands on Zoho's words (a text fragment).
        'Read <a href="https://example.com/docs/overview.html#:~:text=The%20Demo%20API%20runs'
        '%20jobs." rel="noopener">Demo API overview</a>[n], <a href="https://example.com/docs/'
        "get-job.html#:~:text=GET%20/demo/v1/jobs/%7Bjob_id%7D%20returns%20the%20job.%20Scope:"
        '%20Demo.jobs.READ%20or%20Demo.jobs.ALL." rel="noopener">Get a job (Demo API)</a>[n] '
        "and [n]."
    )
    assert markers(page.markdown) == [
        ("demo.overview", "1"),
        ("demo.get-job", "2"),
        ("demo.overview", "1"),
    ]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            '{{ link("demo.overveiw") }}',
            "unknown source 'demo.overveiw' in link(). Check the id. Did you mean "
            "'demo.overview'? Source ids are listed by 'python -m macros sources'. "
            "[unknown-source]",
        ),
        (
            "{{ link() }}",
            "link() was called wrongly: missing a required argument: 'record_id'. Write it as "
            'link("source-id"). [macro-arguments]',
        ),
        (
            '{{ link("demo.overview", "demo.wait") }}',
            "link() was called wrongly: too many positional arguments. Write it as "
            'link("source-id"). [macro-arguments]',
        ),
    ],
)
def test_link_called_wrongly_is_a_writers_problem(
    renderer: PageRenderer, call: str, message: str
) -> None:
    assert messages(renderer, f"Text.\n\n{call}\n") == [f"docs/page.md:3: {message}"]


def test_id_in_wrong_case_suggests_the_right_one(renderer: PageRenderer) -> None:
    assert "Did you mean 'demo.get-job'?" in messages(renderer, '{{ cite("Demo.Get-Job") }}\n')[0]


def test_every_unknown_id_on_a_page_is_reported(renderer: PageRenderer) -> None:
    text = '{{ cite("a.b") }}\n{{ endpoint("c.d") }}\n{{ fact("demo.statuses", "nope") }}\n'
    assert [m.split(":")[1] for m in messages(renderer, text)] == ["1", "2", "3"]


def test_template_syntax_error_gives_the_true_line(renderer: PageRenderer) -> None:
    text = '---\ntitle: T\n---\n\nOne.\n\n{{ cite("demo.overview") \n\nTwo.\n'
    [message] = messages(renderer, text)
    assert message == (
        "docs/page.md:7: the page's template syntax is broken: expected token 'end of print "
        "statement', got 'Two' (Jinja noticed it on line 9). Close every {{ and {% you open; to show "
        "braces to readers, put them in a code span inside {% raw %}...{% endraw %}. "
        "[template-syntax]"
    )


SANDBOX_TODO = (
    "Use only the Beam Help macros: cite, endpoint, scopes, fact, code, link, scope_table, "
    "fields_table, compare_table. [sandbox]"
)


# Each attack reaches for something only the sandbox refuses: with Jinja's plain environment in
# its place, each would render without a problem (or fail as a plain template error).
@pytest.mark.parametrize(
    ("attack", "refused"),
    [
        (
            "{{ cite.__globals__ }}",
            "access to attribute '__globals__' of 'function' object is unsafe",
        ),
        ("{{ cite.__code__ }}", "access to attribute '__code__' of 'function' object is unsafe"),
        (
            "{{ cite.__call__.__globals__ }}",
            "access to attribute '__call__' of 'function' object is unsafe",
        ),
        (
            "{{ ''.__class__.__mro__[1].__subclasses__() }}",
            "access to attribute '__class__' of 'str' object is unsafe",
        ),
        (
            "{% set d = {} %}{{ d.update(x=1) }}",
            "access to attribute 'update' of 'dict' object is unsafe",
        ),
        (
            "{% set x = 'a' * 100000000 %}",
            "repeating text more than 10,000 times is not allowed",
        ),
        ("{{ 9 ** 999999 }}", "powers ('**') are not available in pages"),
    ],
)
def test_the_sandbox_refuses_escapes_at_their_line(
    renderer: PageRenderer, attack: str, refused: str
) -> None:
    page = render(renderer, f"Line one.\n\n{attack}\n")
    assert [str(p) for p in page.problems] == [
        f"docs/page.md:3: the page tried something pages may not do ({refused}). {SANDBOX_TODO}"
    ]
    assert page.markdown.strip() == ""


@pytest.mark.parametrize(
    ("attack", "message"),
    [
        pytest.param(
            "{{ cycler.__init__.__globals__ }}",
            "the page uses 'cycler', which does not exist in pages. Use only the Beam Help macros: "
            "cite, endpoint, scopes, fact, code, link, scope_table, fields_table, compare_table. [undefined]",
            id="no-jinja-globals",
        ),
        pytest.param(
            "{% include '/etc/passwd' %}",
            "the page uses {% include %}, which pages cannot use. Pages cannot include, import or "
            "extend other templates; write the text here. [template]",
            id="no-include",
        ),
    ],
)
def test_pages_see_no_globals_and_no_other_templates(
    renderer: PageRenderer, attack: str, message: str
) -> None:
    assert messages(renderer, f"Line one.\n\n{attack}\n") == [f"docs/page.md:3: {message}"]


def test_front_matter_errors_are_reported(renderer: PageRenderer) -> None:
    assert messages(renderer, "---\n- a list\n---\nBody\n") == [
        "docs/page.md:2: the front matter must be a mapping of 'name: value' lines. "
        "Write it as 'name: value' lines. [front-matter]"
    ]
    assert messages(renderer, "---\ntitle: x\ntitle: y\n---\n")[0].startswith(
        "docs/page.md:3: the key 'title' appears twice"
    )


HOW_TO = """\
---
title: How to do it
type: how-to
product: demo
summary: Do it.
---

## Why this matters

Because {{ cite("demo.overview") }}.

## Step-by-step

1. Call {{ endpoint("demo.get-job") }}.

## Common pitfalls

- **One.** Cited {{ cite("demo.get-job") }}.
- **Two.** Not cited.

## What to check

- **Three.**
  Cited on its second line {{ cite("demo.statuses") }}.
"""


def test_how_to_items_must_cite(renderer: PageRenderer) -> None:
    assert messages(renderer, HOW_TO) == [
        "docs/page.md:19: this item under 'Common pitfalls' cites nothing. Add a citation such as "
        '{{ cite("source-id") }} to it. [uncited-item]'
    ]


def test_how_to_needs_every_section(renderer: PageRenderer) -> None:
    text = HOW_TO.replace("## Why this matters", "Why this matters:")
    assert messages(renderer, text)[0] == (
        "docs/page.md:3: a how-to needs the section '## Why this matters'. Add '## Why this matters' "
        "with its content (sections: Why this matters, Step-by-step, Common pitfalls, What to check)."
        " [missing-section]"
    )


def test_how_to_front_matter_and_product(renderer: PageRenderer) -> None:
    text = HOW_TO.replace("summary: Do it.\n", "").replace("product: demo", "product: dmeo")
    assert messages(renderer, text)[:2] == [
        "docs/page.md:3: a how-to needs 'summary' in its front matter. Add a line 'summary: ...' "
        "between the --- lines. [front-matter]",
        "docs/page.md:4: unknown product 'dmeo'. Use one of: demo. Did you mean 'demo'? (products "
        "are listed under the beam plugin in mkdocs.yml). [unknown-product]",
    ]


def test_generated_parts_surround_the_body(renderer: PageRenderer) -> None:
    page = render(renderer, HOW_TO.replace("- **Two.** Not cited.\n", ""))
    assert page.problems == []
    md = page.markdown
    assert md.index("How-to · Demo Product") < md.index("# How to do it") < md.index("## Why this")
    assert md.index("## What to check") < md.index("bh-disclaimer") < md.index("## Sources cited")


def test_writers_may_not_type_the_sources_list(renderer: PageRenderer) -> None:
    assert messages(renderer, "Text.\n\n## Sources cited\n") == [
        "docs/page.md:3: the Sources cited section is generated. Delete this heading and the list "
        "under it; cite with cite(). [generated-section]"
    ]


def test_record_values_are_escaped_for_html_and_markdown(tmp_path: Path) -> None:
    records = records_from(
        tmp_path,
        """\
        - id: p.evil
          kind: config
          title: "<script>alert(1)</script> [x](javascript:alert(1))"
          value: '<img src=x onerror=alert(1)> **bold** `code`'
          url: "https://example.com/?q='x'&b=[1](!)"
          verified_on: 2026-11-20
    """,
    )
    md = (
        PageRenderer(records, {})
        .render(PATH, '{{ fact("p.evil") }} {{ link("p.evil") }}\n')
        .markdown
    )
    html = markdown.markdown(md, extensions=["attr_list", "md_in_html", "toc"])
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all(["script", "img"]) == []
    assert [a for tag in soup.find_all(True) for a in tag.attrs if a.startswith("on")] == []
    assert all(a["href"].startswith(("https://", "#")) for a in soup.find_all("a"))
    assert soup.find("strong") is None and soup.find("em") is None
    assert "<img src=x onerror=alert(1)> **bold** `code`" in soup.find("code").text
    assert soup.find("a", class_="bh-source-link")["href"] == "https://example.com/?q='x'&b=[1](!)"


def test_a_quote_is_shown_escaped_and_its_links_land_on_the_words(tmp_path: Path) -> None:
    records = records_from(
        tmp_path,
        """\
        - id: p.quoted
          kind: doc
          title: Quoted page
          url: https://example.com/page.html#limits
          quote: >-
            Up to 25,000 records per job <script>alert(1)</script>
            & **not** more.
          verified_on: 2026-11-20
        - id: p.plain
          kind: doc
          title: Plain page
          url: https://example.com/plain.html
          verified_on: 2026-11-20
    """,
    )
    md = (
        PageRenderer(records, {})
        .render(PATH, '{{ link("p.quoted") }} {{ cite("p.plain") }}\n')
        .markdown
    )
    html = markdown.markdown(md, extensions=["attr_list", "md_in_html", "toc"])
    soup = BeautifulSoup(html, "html.parser")
    landing = (
        "https://example.com/page.html#limits:~:text=Up%20to%2025%2C000%20records%20per%20job%20"
        "%3Cscript%3Ealert(1)%3C/script%3E%20%26%20**not**%20more."
    )
    assert soup.find("a", string="Quoted page")["href"] == landing
    first, second = soup.select("ol.bh-sources > li")
    assert first.select_one("a.bh-source-link")["href"] == landing
    assert first.select_one("blockquote.bh-quote").get_text() == (
        "Up to 25,000 records per job <script>alert(1)</script> & **not** more."
    )
    assert soup.find("script") is None and soup.find("strong") is None
    assert second.select_one("a.bh-source-link")["href"] == "https://example.com/plain.html"
    assert second.select_one("blockquote") is None


def test_macro_calls_are_found_statically_with_their_lines() -> None:
    calls = find_macro_calls(
        'a\n{{ cite("x", "y") }}\n\n{{ endpoint("z") }} {{ other() }}\n{{ fact("f", "field") }}\n'
    )
    assert [(c.name, c.ids, c.line) for c in calls] == [
        ("cite", ("x", "y"), 2),
        ("endpoint", ("z",), 4),
        ("fact", ("f",), 5),
    ]


def test_wrong_macro_arguments_are_a_writers_problem(renderer: PageRenderer) -> None:
    assert messages(renderer, "\n{{ endpoint() }}\n") == [
        "docs/page.md:2: endpoint() was called wrongly: missing a required argument: 'record_id'. "
        'Write it as endpoint("endpoint-id"). [macro-arguments]'
    ]


def test_scope_and_fields_tables_cite_every_row(tmp_path: Path) -> None:
    records = records_from(
        tmp_path,
        """\
        - id: p.us
          kind: config
          title: US
          fields: {name: US, api_domain: "https://www.zohoapis.com"}
          url: https://example.com/dc
          verified_on: 2026-11-20
        - id: p.eu
          kind: config
          title: EU
          fields: {name: EU, api_domain: "https://www.zohoapis.eu"}
          url: https://example.com/dc
          verified_on: 2026-11-20
    """,
    )
    page = PageRenderer(records, {}).render(
        PATH, 'The hosts:\n\n{{ fields_table("p.us", "p.eu") }}\n'
    )
    assert page.problems == []
    rows = [line for line in page.markdown.splitlines() if line.startswith("|")]
    assert rows[0] == "| Name | API domain |"
    assert rows[2].startswith("| <code>US</code><sup") and "https&#58;//www.zohoapis.com" in rows[2]
    assert len(rows) == 4 and [u.record_id for u in page.citations.uses] == ["p.us", "p.eu"]


def test_scope_table_lists_each_endpoint(renderer: PageRenderer) -> None:
    page = render(renderer, '{{ scope_table("demo.get-job") }}\n')
    assert page.problems == []
    row = page.markdown.splitlines()[2]
    assert row.startswith("| Get a job (Demo API)<sup")
    assert "<code>Demo.jobs.READ</code> or <code>Demo.jobs.ALL</code>" in row


def test_scopes_needing_one_from_each_group_join_the_groups_with_a_bold_and() -> None:
    from macros.render import scope_expression

    assert str(scope_expression([("A", "B"), ("C", "D", "E")])) == (
        "<code>A</code> or <code>B</code> <strong>and</strong> "
        "<code>C</code>, <code>D</code> or <code>E</code>"
    )


def test_scopes_of_a_record_with_named_fields_is_a_writers_problem(tmp_path: Path) -> None:
    records = records_from(
        tmp_path,
        """\
        - id: p.hosts
          kind: config
          title: Hosts
          fields: {api: "https://www.zohoapis.com"}
          url: https://example.com/dc
          verified_on: 2026-11-20
    """,
    )
    page = PageRenderer(records, {}).render(PATH, '\n{{ scopes("p.hosts") }}\n')
    assert [str(p) for p in page.problems] == [
        "docs/page.md:2: scopes() cannot show 'p.hosts': it holds named fields. "
        'Use fact("p.hosts", "<field>") to show one of them. [wrong-kind]'
    ]

"""Hostile input where a pull request's content enters: YAML, front matter, record values, links,
and the work one page may make the build do. Each is refused at its line, quickly, or shown as text.

The bad-input corpus (tests/fixtures/cases/) runs the same families through the real build and
check; these tests cover the finer points in-process.
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
import time
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from conftest import TEST_HOSTS, make_fixture_site, run_mkdocs

from macros import yamlnodes as yn
from macros.frontmatter import read_front_matter
from macros.pages import PageRenderer
from macros.publish import OutputNotWritable, Staging
from macros.record_urls import host_allowed
from macros.records import load_records
from macros.settings import settings_problems

PATH = "docs/page.md"


def codes(problems) -> list[str]:
    return [f"{p.location.line}:{p.code}" for p in problems]


# --- one YAML rule for records and front matter --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !!binary PHNjcmlwdD4=\n", ["1:yaml-feature"]),
        ('a: !!str "x"\n', ["1:yaml-feature"]),
        ("a: !custom x\n", ["1:yaml-feature"]),
        ("a: &x 1\nb: *x\n", ["1:yaml-feature", "2:yaml-feature"]),
        ("a: 1\n<<: {b: 2}\n", ["2:yaml-feature"]),
        ("a: 'R&D * 2 <<not a merge>>'\n", []),
    ],
)
def test_tags_anchors_aliases_and_merge_keys_are_refused(text: str, expected: list[str]) -> None:
    node, problems = yn.compose(text, "x.yml")
    assert codes(problems) == expected
    assert (node is None) == bool(expected)


def test_an_alias_bomb_is_refused_at_once_with_a_few_messages() -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 30)]
    started = time.monotonic()
    _, problems = yn.compose("\n".join(lines) + "\n", "x.yml")
    assert time.monotonic() - started < 1
    assert len(problems) == 10 and problems[0].code == "yaml-feature"


@pytest.mark.parametrize("odd", ["\u2028", "\u2029", "\x85", "\r"])
def test_yaml_lines_count_newlines_only(odd: str) -> None:
    node, problems = yn.compose(f'a: "one{odd}two"\nb: x\n', "x.yml")
    assert problems == []
    assert [yn.line_of(key) for key, _ in node.value] == [1, 2]
    _, problems = yn.compose(f'a: "one{odd}two"\nb: [\n', "x.yml")
    assert problems[0].location.line == 3  # the unclosed list is noticed at the end, line 3


def test_single_line_text_refuses_every_line_break_and_bidi_control() -> None:
    for value in ["a\\nb", "a\\u2028b", "a\\x85b", "a\\fb", "a\\rb"]:
        node, _ = yn.compose(f'title: "{value}"\n', "x.yml")
        with pytest.raises(yn.Invalid) as invalid:
            yn.text(node.value[0][1], "title")
        assert invalid.value.code == "line-break"
    node, _ = yn.compose('title: "a\\u202eb"\n', "x.yml")
    with pytest.raises(yn.Invalid) as invalid:
        yn.paragraph(node.value[0][1], "title")
    assert invalid.value.code == "hidden-character"
    node, _ = yn.compose("note: >\n  folded\n  text\n", "x.yml")
    assert yn.text(node.value[0][1], "note") == "folded text"  # a block's final break is fine


# --- front matter ---------------------------------------------------------------------------------


def test_allowed_front_matter_is_read_with_types() -> None:
    source = (
        "---\ntitle: T\ndescription: D\nsummary: S\ntype: overview\nproduct: demo\n"
        "hide: [toc, navigation]\nsearch: {exclude: true}\n---\nBody\n"
    )
    matter, problems = read_front_matter(source, PATH)
    assert problems == []
    assert matter.values["hide"] == ("toc", "navigation")
    assert matter.values["search"] == {"exclude": True}
    assert matter.end_line == 9


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("author: me\n", ["2:front-matter-key"]),
        ("template: main.html\n", ["2:front-matter-key"]),
        ("title: [a, b]\n", ["2:wrong-type"]),
        ("title: 12\n", ["2:wrong-type"]),
        ('summary: "a\\n\\n# b"\n', ["2:line-break"]),
        ("search: {boost: 9}\n", ["2:front-matter"]),
        ("hide: [all]\n", ["2:front-matter"]),
    ],
)
def test_front_matter_outside_the_allowlist_is_refused(front: str, expected: list[str]) -> None:
    _, problems = read_front_matter(f"---\n{front}---\nBody\n", PATH)
    assert codes(problems) == expected


def test_front_matter_is_found_exactly_where_mkdocs_finds_it() -> None:
    # MkDocs needs a line break after the closing ---; without it the block is page text.
    _, problems = read_front_matter("---\ntitle: T\n---", PATH)
    assert codes(problems) == ["1:front-matter"]
    # A form feed after the dashes is not a space or tab to MkDocs: no block at all.
    matter, problems = read_front_matter("---\ntitle: T\n---\f\nBody\n", PATH)
    assert codes(problems) == ["1:front-matter"] and matter.end_line == 0
    # Without a block, MkDocs reads 'key: value' first lines as settings.
    assert codes(read_front_matter("author: x\n\nBody\n", PATH)[1]) == ["1:front-matter"]
    assert read_front_matter("Plain text: first.\n", PATH)[1] == []


def test_page_lines_count_newlines_only() -> None:
    renderer = PageRenderer({}, {})
    source = "Odd\u2028line\x0cbreaks\x85and\x00more\x1c.\n\n{{ nope }}\n"
    [problem] = renderer.render(PATH, source).problems
    assert (problem.location.line, problem.code) == (3, "undefined")
    source = '---\ntitle: "T\u2028x"\ntype: overview\n---\n\n{{ cite("x.y") }}\n'
    assert codes(renderer.render(PATH, source).problems) == ["2:line-break", "6:unknown-source"]


# --- record values cannot change a page's structure ----------------------------------------------


def load(tmp_path: Path, text: str, **policy) -> tuple[dict, list[str]]:
    file = tmp_path / "sources" / "p" / "x.yml"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(textwrap.dedent(text), encoding="utf-8")
    records, problems = load_records(tmp_path, **{"hosts": TEST_HOSTS, **policy})
    return records, [f"{p.location.line}:{p.code}" for p in problems]


def html_of(records: dict, body: str) -> BeautifulSoup:
    page = PageRenderer(records, {}).render(PATH, body)
    assert page.problems == []
    html = markdown.markdown(page.markdown, extensions=["attr_list", "md_in_html", "tables"])
    return BeautifulSoup(html, "html.parser")


def test_pipes_backticks_and_blank_lines_stay_inside_their_table_cells(tmp_path: Path) -> None:
    records, problems = load(
        tmp_path,
        """\
        - id: p.a
          kind: config
          title: "A | B `c` | D"
          fields: {name: "x | y", api_domain: "`z` | | w"}
          note: "first\\n\\n| x | y |\\n|---|---|\\n\\n# heading"
          url: https://example.com/a
          verified_on: 2026-11-20
        - id: p.e
          kind: endpoint
          title: "E | F"
          method: GET
          path: "/a|b/`c`"
          host: api-domain
          scopes: [["S|1", "S`2"]]
          read_only: true
          url: https://example.com/e
          verified_on: 2026-11-20
        """,
    )
    assert problems == []
    soup = html_of(
        records, 'The tables:\n\n{{ fields_table("p.a") }}\n\n{{ scope_table("p.e") }}\n'
    )
    tables = soup.find_all("table")
    assert [len(t.find_all("tr")) for t in tables] == [2, 2]
    assert [len(row.find_all(["td", "th"])) for t in tables for row in t.find_all("tr")] == [
        2,
        2,
        3,
        3,
    ]
    assert tables[0].find("td").code.text == "x | y"
    assert tables[1].find_all("td")[1].code.text == "GET /a|b/`c`"
    # The multi-line note in the sources list is one paragraph, not a table or a heading.
    assert soup.find_all("h1") == [] and len(tables) == 2
    assert "| x | y |" in soup.find("p", class_="bh-note").text


def test_a_code_language_is_a_plain_name(tmp_path: Path) -> None:
    text = """\
        - id: p.c
          kind: code
          title: C
          file: examples/x.py
          symbol: f
          language: {language}
          url: https://example.com/c
          verified_on: 2026-11-20
        """
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "x.py").write_text("def f():\n    return '\u2028 ```'\n")
    for good in ("python", "c++", "c#", "shell-session"):
        records, problems = load(tmp_path, text.format(language=good))
        assert problems == []
    soup = html_of(records, '{{ code("p.c") }}\n')
    assert "\u2028 ```" in soup.find("code").text  # the code keeps its odd characters, in the block
    for bad in ('"py thon"', '"python\\n<b>x</b>"', "'python title=\"x\"'", "Python"):
        assert load(tmp_path, text.format(language=bad))[1][0].endswith(
            ("bad-language", "line-break")
        )


# --- links and dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://example.com@evil.example/", "bad-url"),
        ("https://user:pw@example.com/", "bad-url"),
        ("https://exаmple.com/", "bad-url"),  # Cyrillic a
        ("https://xn--exmple-4nf.com/", "unknown-host"),
        ("https://example.com:8443/", "bad-url"),
        ("https://example.com./", "bad-url"),
        ("https://evil.example\\\\.example.com/", "bad-url"),
        ("https://example.com/a b", "not-https"),
        ("https://example.com/\\u202e", "hidden-character"),
        ("https://example.com/é", "bad-url"),
        ('https://example.com/\\"onmouseover=\\"alert(1)', "bad-url"),
        ("https://example.com/'><script>alert(1)</script>", "bad-url"),
        ("https://example.com/{{:onfocus=alert(11)}}", "bad-url"),
        ("https://example.com.evil.example/", "unknown-host"),
        ("https://notexample.com/", "unknown-host"),
    ],
)
def test_hostile_urls_are_refused(tmp_path: Path, url: str, code: str) -> None:
    record = f'- {{id: p.a, kind: doc, title: A, url: "{url}", verified_on: 2026-11-20}}\n'
    assert load(tmp_path, record, hosts=("example.com",))[1] == [f"1:{code}"]


def test_host_allowlist_entries_name_hosts_suffixes_or_paths() -> None:
    hosts = ("www.zoho.com", ".zoho.eu", "github.com/zoho/")
    assert host_allowed("https://www.zoho.com/crm/", hosts)
    assert host_allowed("https://WWW.ZOHO.COM/crm/", hosts)
    assert not host_allowed("https://zoho.com/crm/", hosts)
    assert host_allowed("https://www.zoho.eu/crm/", hosts)
    assert not host_allowed("https://zoho.eu/", hosts)
    assert not host_allowed("https://evilzoho.eu/", hosts)
    assert host_allowed("https://github.com/zoho/sdk", hosts)
    assert not host_allowed("https://github.com/zohoo/sdk", hosts)
    assert not host_allowed("https://github.com/evil/sdk", hosts)


def test_the_real_default_hosts_allow_zoho_and_refuse_others(tmp_path: Path) -> None:
    record = "- {id: p.a, kind: doc, title: A, url: URL, verified_on: 2026-11-20}\n"
    for url in (
        "https://www.zoho.com/crm/",
        "https://help.zoho.com/x",
        "https://github.com/zoho/x",
    ):
        assert load(tmp_path, record.replace("URL", url), hosts=())[1] == ["1:unknown-host"]
        from macros.record_urls import DEFAULT_HOSTS

        assert load(tmp_path, record.replace("URL", url), hosts=DEFAULT_HOSTS)[1] == []
    assert load(tmp_path, record.replace("URL", "https://example.com/"), hosts=DEFAULT_HOSTS)[
        1
    ] == ["1:unknown-host"]


def test_verified_on_may_not_lie_in_the_future(tmp_path: Path) -> None:
    record = "- {id: p.a, kind: doc, title: A, url: https://example.com/, verified_on: DAY}\n"
    today = dt.date(2026, 11, 30)
    for day, expected in [
        ("2026-11-30", []),
        ("2026-12-01", []),
        ("2026-12-02", ["1:future-date"]),
    ]:
        assert load(tmp_path, record.replace("DAY", day), today=today)[1] == expected


def test_the_hosts_option_is_checked_at_its_line(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    (tmp_path / "sources").mkdir()  # the default sources folder, which settings also look for
    for hosts, expected in [
        ("[www.zoho.com, .zoho.eu, github.com/zoho/]", []),
        ("www.zoho.com", ["settings"]),
        ("[https://www.zoho.com/]", ["settings"]),
        ("[WWW.ZOHO.COM]", ["settings"]),
    ]:
        config.write_text(f"site_name: x\nplugins:\n  - beam:\n      hosts: {hosts}\n")
        problems = settings_problems(config)
        assert [p.code for p in problems] == expected
        assert all(p.location.line == 4 for p in problems)


# --- links out of the repository ------------------------------------------------------------------


def test_a_record_file_linked_from_outside_is_refused_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text(
        "- {id: p.a, kind: doc, title: A, url: https://example.com/, verified_on: x}\n"
    )
    root = tmp_path / "repo"
    (root / "sources" / "p").mkdir(parents=True)
    (root / "sources" / "p" / "linked.yml").symlink_to(outside)
    (root / "sources" / "p" / "dangling.yml").symlink_to(root / "missing.yml")
    (root / "sources" / "q").symlink_to(tmp_path, target_is_directory=True)
    records, problems = load_records(root, hosts=TEST_HOSTS)
    assert records == {}
    assert sorted(f"{p.location}:{p.code}" for p in problems) == [
        "sources/p/dangling.yml:1:outside-repository",
        "sources/p/linked.yml:1:outside-repository",
    ]


# --- bounded work -----------------------------------------------------------------------------------

HOSTILE_TEMPLATES = {
    "nested loops": '{% for a in "x"*10000 %}{% for b in "x"*10000 %}{% for c in "x"*10000 %}x'
    "{% endfor %}{% endfor %}{% endfor %}",
    "chained repeat": '{{ "x"*10000*10000 }}',
    "format folded at compile time": '{{ "%0900000000d" % 1 }}',
    "format filter": '{{ "%0900000000d"|format(1) }}',
    "str.format": '{{ "{:>900000000}".format(1) }}',
    "format_map": '{{ "{a:>900000000}".format_map({"a": 1}) }}',
    "center": '{{ "x"|center(900000000) }}',
    "ljust": '{{ "x".ljust(900000000) }}',
    "zfill": '{{ "1".zfill(900000000) }}',
    "indent": '{{ ("x\\n"*10000)|indent(" "*10000) }}',
    "indent width": '{{ ("x\\n"*10000)|indent(90000) }}',
    "replace filter": '{{ ("x"*10000)|replace("x", "y"*10000) }}',
    "replace method": '{{ ("x"*10000).replace("x", "y"*10000) }}',
    "join": '{{ ("x"*10000)|list|join("y"*10000) }}',
    "expandtabs": '{{ ("\\t"*10000).expandtabs(90000) }}',
    "tilde doubling": '{% set a = "x"*10000 %}{% set a = a~a~a~a~a~a~a~a~a~a %}'
    "{% set a = a~a~a~a~a~a~a~a~a~a %}{% set a = a~a~a~a~a~a~a~a~a~a %}{{ a }}",
    "plus doubling": '{% set a = "x"*10000 %}{% set a = a+a+a+a+a+a+a+a+a+a %}'
    "{% set a = a+a+a+a+a+a+a+a+a+a %}{% set a = a+a+a+a+a+a+a+a+a+a %}{{ a }}",
    "list repeat": '{{ ["x"*10000] * 10000 * 10000 }}',
    "set block": '{% set s = "x"*10000 %}{% set b %}{% for i in s %}{% for j in s %}{{ s }}'
    "{% endfor %}{% endfor %}{% endset %}{{ b|length }}",
    "literal in loops": '{% for i in "x"*10000 %}{% for j in "x"*10000 %}'
    + "y" * 1000
    + "{% endfor %}"
    "{% endfor %}",
    "slice": '{{ ("x"*10)|slice(900000000)|list }}',
    "deep parentheses": "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}",
    "deep lists": "{{ " + "[" * 5000 + "]" * 5000 + " }}",
    "deep filters": "{{ 1" + "|string" * 20000 + " }}",
    "long tag": "{{ 1" + "|string" * 300 + " }}",
    "many steps of lookups": '{% for a in "x"*10000 %}{% for b in "x"*10000 %}{{ a.upper }}'
    "{% endfor %}{% endfor %}",
}


@pytest.mark.parametrize("name", list(HOSTILE_TEMPLATES))
def test_a_hostile_template_stops_fast_with_a_problem(name: str) -> None:
    source = f"Intro.\n\n{HOSTILE_TEMPLATES[name]}\n"
    started = time.monotonic()
    page = PageRenderer({}, {}).render(PATH, source)
    assert time.monotonic() - started < 5  # the time budget is 2 s; the rest is slack for CI
    assert page.problems, f"{name} was rendered ({len(page.markdown):,} characters)"
    assert {p.location.line for p in page.problems} == {3}
    assert len(page.markdown) < 1_000_000


def test_limits_leave_ordinary_templates_alone() -> None:
    source = (
        'Intro.\n\n{% set words = ["a", "b"] %}{% for w in words %}{{ w|upper }} {% endfor %}'
        '{{ "%05d" % 42 }} {{ "x" * 3 }} {{ "{:>4}".format(1) }} {{ "a b"|replace(" ", "-") }}\n'
    )
    page = PageRenderer({}, {}).render(PATH, source)
    assert page.problems == []
    assert "A B 00042 xxx    1 a-b" in page.markdown


def test_a_macro_printed_instead_of_called_is_refused() -> None:
    for text in ("{{ cite }}", "{{ endpoint ~ 'x' }}", "{% set c = code %}"):
        [problem] = PageRenderer({}, {}).render(PATH, f"Intro.\n\n{text}\n").problems
        assert (problem.location.line, problem.code) == (3, "macro-not-called")


def test_markdown_nesting_is_bounded_and_not_converted() -> None:
    for text in ("[" * 100 + "x", ">" * 20 + " x", " " * 60 + "- x"):
        page = PageRenderer({}, {}).render(PATH, f"Intro.\n\n{text}\n")
        assert codes(page.problems) == ["3:too-deep"]
        assert page.markdown == ""  # MkDocs is handed nothing to spend minutes on
    page = PageRenderer({}, {}).render(PATH, "x" * 200_001)
    assert codes(page.problems) == ["1:file-too-large"]


# --- the build's surroundings ---------------------------------------------------------------------


def test_an_output_folder_that_cannot_be_written_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staging = Staging(tmp_path / "site")
    staging.begin()

    def refuse(self: Path, target: Path) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "rename", refuse)
    with pytest.raises(OutputNotWritable, match="cannot be written: .*site.building"):
        staging.publish()


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({"SOURCE_DATE_EPOCH": "yesterday"}, (), "SOURCE_DATE_EPOCH is 'yesterday'"),
        ({"SOURCE_DATE_EPOCH": "9" * 30}, (), "not a time in whole seconds since 1970"),
        ({}, ("--site-dir", "/proc/beam-site"), "The output folder cannot be written"),
    ],
)
def test_the_build_surroundings_fail_with_a_message_not_a_traceback(
    tmp_path: Path, env: dict, args: tuple, message: str
) -> None:
    site = make_fixture_site(tmp_path)
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        result = run_mkdocs(site, "build", "--strict", *args)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert result.returncode != 0
    assert message in result.stdout
    assert "Traceback" not in result.stdout

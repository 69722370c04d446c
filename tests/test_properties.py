"""Properties, checked on generated input: citation numbering on real rendered pages, record values
reaching readers as the text written, and record loading (round trips; one corruption, one message
at the right line)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import yaml
from bs4 import BeautifulSoup
from conftest import TEST_HOSTS
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from macros import render
from macros.citations import CiteUse
from macros.kinds import HOSTS, METHODS, PARAMETER_PLACES, Record, fact_values
from macros.pages import PageRenderer
from macros.problems import Location
from macros.record_fields import ID_PATTERN
from macros.records import load_records
from macros.yamlnodes import BIDI_CONTROLS

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXTENSIONS = ["attr_list", "md_in_html", "tables", "pymdownx.highlight", "pymdownx.superfences"]

# Record ids: words of lower-case letters and digits joined by "." or "-", which is ID_PATTERN's
# whole language (up to 5 words of 8), built word by word: drawing from the pattern itself took
# half of these tests' time.
_id_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
ids = st.builds(
    lambda first, rest: first + "".join(joiner + word for joiner, word in rest),
    _id_word,
    st.lists(st.tuples(st.sampled_from(".-"), _id_word), max_size=4),
).filter(ID_PATTERN.fullmatch)
# Text a writer might put in a record: any printable character of the Basic Multilingual Plane
# except the bidirectional controls, which the loader refuses (`hidden-character`).
texts = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), max_codepoint=0xFFFF),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() and not BIDI_CONTROLS.search(s))


# Text built from the pieces Markdown and HTML act on, so that hostile shapes come up often.
MARKUP_PIECES = [
    "[",
    "]",
    "(",
    ")",
    "!",
    "`",
    "*",
    "_",
    "<",
    ">",
    "&",
    "&amp;",
    "{: ",
    "}",
    "\\",
    "#",
    '"',
    "'",
    "=",
    "javascript:",
    "data:",
    "x",
    " ",
    "https://a.example/",
    "|",
]
markupish = (
    st.lists(st.sampled_from(MARKUP_PIECES) | texts, min_size=1, max_size=12)
    .map("".join)
    .filter(lambda s: s.strip())
)


def doc_record(record_id: str, title: str = "A page") -> Record:
    return Record(
        id=record_id,
        title=title,
        url=f"https://example.com/{record_id}",
        verified_on=dt.date(2026, 11, 20),
        product="demo",
        location=Location("sources/demo/x.yml", 1),
    )


# --- citation numbering, on pages rendered by the real PageRenderer -----------------------------


@st.composite
def pages_of_cites(draw) -> tuple[list[str], list[list[str]], str]:
    """(record ids, the ids of each cite() call in page order, the page text)."""
    pool = draw(st.lists(ids, min_size=1, max_size=8, unique=True))
    calls = draw(st.lists(st.lists(st.sampled_from(pool), min_size=1, max_size=3), max_size=25))
    lines, line = [], []
    for call in calls:
        line.append("{{ cite(" + ", ".join(json.dumps(i) for i in call) + ") }}")
        if draw(st.booleans()):  # several calls may share a line, or each get its own
            lines.append(
                draw(st.sampled_from(["Text ", "- item ", "1. step ", ""])) + " ".join(line)
            )
            line = []
    lines.append(" ".join(line))
    return pool, calls, "\n\n".join(lines) + "\n"


@PROPERTY
@given(pages_of_cites())
def test_any_sequence_of_cites_is_numbered_by_first_use_with_one_entry_each(page) -> None:
    pool, calls, text = page
    rendered = PageRenderer({i: doc_record(i) for i in pool}, {}).render("docs/p.md", text)
    assert rendered.problems == []
    soup = BeautifulSoup(rendered.markdown, "html.parser")
    cited = [i for call in calls for i in call]

    numbers: dict[str, int] = {}
    for record_id in cited:  # the model: first use takes the next number, repeats reuse it
        numbers.setdefault(record_id, len(numbers) + 1)
    markers = soup.select("sup.bh-cite > a.footnote-ref")
    assert [int(m.text.strip("[]")) for m in markers] == [numbers[i] for i in cited]
    assert [m["href"] for m in markers] == [f"#source-{i}" for i in cited]
    uses = [f"cite-{i}-{cited[: n + 1].count(i)}" for n, i in enumerate(cited)]
    assert [m.parent["id"] for m in markers] == uses

    entries = soup.select("ol.bh-sources > li")
    assert [e["id"] for e in entries] == [f"source-{i}" for i in numbers]
    assert [int(e["value"]) for e in entries] == list(range(1, len(numbers) + 1))
    for entry, record_id in zip(entries, numbers, strict=True):
        backlinks = [a["href"].removeprefix("#") for a in entry.select("a.bh-backlink")]
        assert backlinks == [u for u, i in zip(uses, cited, strict=True) if i == record_id]
    assert ("## Sources cited" in rendered.markdown) == bool(cited)


# --- record values reach readers as the text written -------------------------------------------


def visible(html: str, selector: str, attribute: str | None = None) -> str:
    found = BeautifulSoup(html, "html.parser").select_one(selector)
    value = found[attribute] if attribute else found.get_text()
    return " ".join(value.split())


@PROPERTY
@given(markupish)
@example("![x](data:text/html,x)")
@example("[a](javascript:alert(1))")
@example('x" onmouseover="alert(1)')
def test_any_record_text_reaches_the_reader_unchanged_through_markdown(value: str) -> None:
    record = doc_record("demo.x", title=value)
    marker = render.marker(CiteUse("demo.x", 1, 1, 1), record)
    page = f"- Before {render.code(value)} then {render.text(value)} and {marker} after.\n"
    html = markdown.markdown(page, extensions=EXTENSIONS)
    expected = " ".join(value.split())
    assert visible(html, "li code") == expected
    assert visible(html, "a.footnote-ref", "aria-label") == f"Source 1: {expected}".strip()
    item = visible(html, "li")
    assert item.startswith(f"Before {expected} then ") and item.endswith(" and [1] after.")
    assert item.removeprefix(f"Before {expected} then ").removesuffix(" and [1] after.") == expected
    assert not BeautifulSoup(html, "html.parser").select(
        "li script, li img, li a:not(.footnote-ref)"
    )


# --- record loading: round trips and single corruptions ----------------------------------------


def scalar(draw, value: str) -> str:
    """The value as a writer might type it: plain when YAML reads it back as that text, or quoted."""
    plain = re.fullmatch(r"[A-Za-z][A-Za-z0-9 ._/()-]*[A-Za-z0-9)]", value)
    if plain and draw(st.booleans()):
        node = yaml.compose(f"k: {value}").value[0][1]
        if node.tag == "tag:yaml.org,2002:str" and node.value == value:
            return value
    return json.dumps(value)


@dataclass
class Written:
    """One generated record: the values it must load as, and the YAML lines that state them."""

    values: dict[str, Any]
    lines: list[tuple[str, str]] = field(default_factory=list)  # (field name, YAML text)


@st.composite
def records(draw, record_id: str) -> Written:
    kind = draw(st.sampled_from(["doc", "endpoint", "config", "code"]))
    day = draw(st.dates(dt.date(1990, 1, 1), dt.date.today()))
    url = draw(st.from_regex(r"https://[a-z0-9]+\.example/[A-Za-z0-9._~/-]{0,20}", fullmatch=True))
    title = draw(texts)
    fields: dict[str, tuple[Any, str]] = {
        "id": (record_id, scalar(draw, record_id)),
        "kind": (kind, kind),
        "title": (title, scalar(draw, title)),
        "url": (url, url),
        "verified_on": (day, day.isoformat()),
    }
    if draw(st.booleans()):
        note = draw(texts)
        fields["note"] = (note, scalar(draw, note))
    if kind == "doc" and draw(st.booleans()):
        publisher = draw(texts)
        fields["publisher"] = (publisher, scalar(draw, publisher))
    if kind == "endpoint":
        path = "/" + draw(st.from_regex(r"[a-z0-9/{}_]{0,20}", fullmatch=True))
        groups = draw(st.lists(st.lists(texts, min_size=1, max_size=3), min_size=1, max_size=3))
        read_only = draw(st.booleans())
        fields |= {
            "method": (m := draw(st.sampled_from(METHODS)), m),
            "path": (path, json.dumps(path)),
            "host": (h := draw(st.sampled_from(HOSTS)), h),
            "scopes": (tuple(map(tuple, groups)), json.dumps(groups)),
            "read_only": (read_only, "true" if read_only else "false"),
        }
        if draw(st.booleans()):
            parameter = {
                "name": draw(texts),
                "in": draw(st.sampled_from(PARAMETER_PLACES)),
                "required": draw(st.booleans()),
                "description": draw(texts),
            }
            fields["parameters"] = ((parameter,), json.dumps([parameter]))
    if kind == "config":
        shape = draw(st.sampled_from(["value", "values", "fields"]))
        if shape == "value":
            value = draw(texts)
            fields["value"] = (value, scalar(draw, value))
        elif shape == "values":
            values = draw(st.lists(texts, min_size=1, max_size=4))
            fields["values"] = (tuple(values), json.dumps(values))
        else:
            named = draw(st.dictionaries(texts, texts, min_size=1, max_size=4))
            fields["fields"] = (named, json.dumps(named))
    if kind == "code":
        fields["file"] = ("examples/generated.py", "examples/generated.py")
        symbol = draw(st.sampled_from(SYMBOLS))
        fields["symbol"] = (symbol, symbol)
    order = draw(st.permutations(list(fields)))
    return Written(
        {name: value for name, (value, _) in fields.items()},
        [(name, fields[name][1]) for name in order],
    )


SYMBOLS = ("first", "second", "Holder.method")
EXAMPLE_SOURCE = (
    "def first():\n    return 1\n\n\ndef second(x):\n    return x\n\n\n"
    "class Holder:\n    def method(self):\n        return 3\n"
)
CODE_SOURCES = {
    "first": "def first():\n    return 1",
    "second": "def second(x):\n    return x",
    "Holder.method": "def method(self):\n    return 3",
}


@st.composite
def source_files(draw) -> list[Written]:
    # The file sits in sources/demo/, so its ids start with the product (id-product).
    chosen = draw(st.lists(ids.map(lambda i: f"demo.{i}"), min_size=1, max_size=3, unique=True))
    return [draw(records(record_id)) for record_id in chosen]


def write(root: Path, written: list[Written]) -> tuple[Path, list[int]]:
    """The YAML file for these records, and the line each record starts on."""
    (root / "examples").mkdir(parents=True, exist_ok=True)
    (root / "examples" / "generated.py").write_text(EXAMPLE_SOURCE)
    text, starts = [], []
    for record in written:
        starts.append(len(text) + 1)
        text += [("- " if n == 0 else "  ") + f"{k}: {v}" for n, (k, v) in enumerate(record.lines)]
        text.append("")
    file = root / "sources" / "demo" / "generated.yml"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("\n".join(text), encoding="utf-8")
    return file, starts


def fresh(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("records")


@PROPERTY
@given(source_files())
def test_any_valid_record_loads_as_the_values_written(tmp_path_factory, written) -> None:
    root = fresh(tmp_path_factory)
    _, starts = write(root, written)
    loaded, problems = load_records(root, hosts=TEST_HOSTS)
    assert [str(p) for p in problems] == []
    assert list(loaded) == [w.values["id"] for w in written]
    for record, start in zip(written, starts, strict=True):
        got = loaded[record.values["id"]]
        values = dict(record.values)
        common = {k: values.pop(k) for k in ("id", "kind", "title", "url", "verified_on")}
        assert (got.id, got.kind, got.title, got.url, got.verified_on) == tuple(common.values())
        assert (got.note, got.product) == (values.pop("note", ""), "demo")
        facts = {k: (dict(v) if k == "fields" else v) for k, v in fact_values(got).items()}
        if got.kind == "endpoint" and "parameters" in facts:
            facts["parameters"] = tuple(dict(p) for p in facts["parameters"])
        if got.kind == "code":
            values["source"] = CODE_SOURCES[values["symbol"]]
        assert facts == values
        assert got.location == Location("sources/demo/generated.yml", start)
        for offset, (name, _) in enumerate(record.lines):
            assert got.at(name).line == start + offset


CORRUPTIONS = (
    "drop a required field",
    "add an unknown field",
    "make the url http",
    "break the date",
    "repeat a key",
    "unquote a value YAML misreads",
)
# Plain values YAML 1.1 reads as something other than text: true/false, numbers, empty, a date.
MISREAD = ("NO", "yes", "On", "off", "1.10", "8:30", "0x1F", ".inf", "null", "~", "2026-11-20")


@PROPERTY
@given(source_files(), st.sampled_from(CORRUPTIONS), st.data())
def test_any_single_corruption_is_reported_once_at_its_line(
    tmp_path_factory, written, corruption, data
) -> None:
    root = fresh(tmp_path_factory)
    victim = data.draw(st.integers(0, len(written) - 1))
    lines = written[victim].lines
    names = [name for name, _ in lines]
    index = None  # where in the record the corrupted line ends up
    if corruption == "drop a required field":
        required = ["id", "kind", "title", "url", "verified_on"]
        required += {
            "endpoint": ["method", "path", "host", "scopes", "read_only"],
            "code": ["file", "symbol"],
        }.get(written[victim].values["kind"], [])
        dropped = data.draw(st.sampled_from(required))
        del lines[names.index(dropped)]
        expected = (0, "missing-field")
    elif corruption == "add an unknown field":
        index = data.draw(st.integers(1, len(lines)))
        lines.insert(index, (data.draw(st.sampled_from(["author", "summary", "Title"])), "x"))
        expected = (index, "unknown-field")
    elif corruption == "make the url http":
        index = names.index("url")
        lines[index] = ("url", lines[index][1].replace("https://", "http://", 1))
        expected = (index, "not-https")
    elif corruption == "break the date":
        index = names.index("verified_on")
        day = data.draw(st.sampled_from(["2026-02-30", "2026-13-01", "20261120", "26-11-20"]))
        lines[index] = ("verified_on", day)
        expected = (index, "bad-date")
    elif corruption == "repeat a key":
        repeated = data.draw(st.sampled_from(names))
        index = data.draw(st.integers(names.index(repeated) + 1, len(lines)))
        lines.insert(index, (repeated, dict(lines)[repeated]))
        expected = (index, "duplicate-key")
    else:
        textual = [n for n in ("title", "note", "publisher", "value") if n in names]
        index = names.index(data.draw(st.sampled_from(textual)))
        lines[index] = (lines[index][0], data.draw(st.sampled_from(MISREAD)))
        expected = (index, "wrong-type")
    _, starts = write(root, written)

    _, problems = load_records(root, hosts=TEST_HOSTS)

    line, code = expected
    assert [(p.location.line, p.code) for p in problems] == [(starts[victim] + line, code)]
    assert all(p.location.path == "sources/demo/generated.yml" for p in problems)

"""Loading source records: every kind of bad input is reported as path:line: what. what to do."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import TEST_HOSTS

from macros.code_source import extract_symbol
from macros.records import load_records

GOOD = """\
- id: p.doc
  kind: doc
  title: A page
  url: https://example.com/a
  verified_on: 2026-11-20
"""


def problems_for(tmp_path: Path, text: str | bytes, name: str = "x.yml") -> list[str]:
    file = tmp_path / "sources" / "p" / name
    file.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        file.write_bytes(text)
    else:
        file.write_text(textwrap.dedent(text), encoding="utf-8")
    return [str(p) for p in load_records(tmp_path, hosts=TEST_HOSTS)[1]]


def test_a_valid_record_loads_with_its_lines(tmp_path: Path) -> None:
    (tmp_path / "sources" / "p").mkdir(parents=True)
    (tmp_path / "sources" / "p" / "x.yml").write_text(GOOD)
    records, problems = load_records(tmp_path, hosts=TEST_HOSTS)
    assert problems == []
    record = records["p.doc"]
    assert (record.kind, record.title, record.product) == ("doc", "A page", "p")
    assert record.verified_on == dt.date(2026, 11, 20)
    assert str(record.location) == "sources/p/x.yml:1"
    assert str(record.at("url")) == "sources/p/x.yml:4"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "- id: a\n  kind: doc\n   title: x\n",
            "sources/p/x.yml:3: YAML cannot read this file: mapping values are not allowed in this "
            "context. "
            "Fix the YAML syntax on this line (indent with spaces, quote text that holds ': ' or '#'). "
            "[yaml-syntax]",
            id="yaml-syntax",
        ),
        pytest.param(
            GOOD.replace("  title: A page\n", "  title: A page\n  title: Again\n"),
            "sources/p/x.yml:4: the key 'title' appears twice in a record (first on line 3). "
            "Keep one of them; YAML would silently use the last. [duplicate-key]",
            id="duplicate-key",
        ),
        pytest.param(
            GOOD.replace("kind: doc", "kind: article"),
            "sources/p/x.yml:2: unknown kind 'article'. Use one of: endpoint, config, code, doc. "
            "[unknown-kind]",
            id="unknown-kind",
        ),
        pytest.param(
            GOOD + "  author: me\n",
            "sources/p/x.yml:6: this doc record has an unknown field 'author'. Remove it or use one "
            "of: id, kind, title, url, verified_on, note, quote, quote_prefix, disagrees_with, publisher. [unknown-field]",
            id="unknown-field",
        ),
        pytest.param(
            GOOD.replace("  verified_on: 2026-11-20\n", ""),
            "sources/p/x.yml:1: this doc record lacks the required field(s) verified_on. "
            "Add verified_on: ... to it. [missing-field]",
            id="missing-field",
        ),
        pytest.param(
            GOOD.replace("title: A page", "title: NO"),
            "sources/p/x.yml:3: 'title' is read by YAML as a true/false value ('NO'), not as text. "
            'Put the value in quotes: title: "NO". [wrong-type]',
            id="yaml-no-is-false",
        ),
        pytest.param(
            GOOD.replace("title: A page", "title: 1.10"),
            "sources/p/x.yml:3: 'title' is read by YAML as a number ('1.10'), not as text. "
            'Put the value in quotes: title: "1.10". [wrong-type]',
            id="yaml-1.10-is-a-number",
        ),
        pytest.param(
            GOOD.replace("https://example.com/a", "http://example.com/a"),
            "sources/p/x.yml:4: 'url' must be an https:// address, not 'http://example.com/a'. "
            "Link the official page with its https:// address. [not-https]",
            id="not-https",
        ),
        pytest.param(
            GOOD.replace("https://example.com/a", "javascript:alert(1)"),
            "sources/p/x.yml:4: 'url' must be an https:// address, not 'javascript:alert(1)'. "
            "Link the official page with its https:// address. [not-https]",
            id="javascript-url",
        ),
        pytest.param(
            GOOD.replace("2026-11-20", "2026-13-01"),
            "sources/p/x.yml:5: 'verified_on' must be a real date written YYYY-MM-DD, not "
            "'2026-13-01'. Write verified_on: 2026-11-20 (the day you checked the source). [bad-date]",
            id="malformed-date",
        ),
        pytest.param(
            GOOD.replace("2026-11-20", "20/11/2026"),
            "sources/p/x.yml:5: 'verified_on' must be a real date written YYYY-MM-DD, not "
            "'20/11/2026'. Write verified_on: 2026-11-20 (the day you checked the source). [bad-date]",
            id="date-in-other-format",
        ),
        pytest.param(
            "",
            "sources/p/x.yml:1: this source file is empty. Add records to it (a list of '- id: ...' "
            "entries) or delete it. [empty-file]",
            id="empty-file",
        ),
        pytest.param(
            "id: a\nkind: doc\n",
            "sources/p/x.yml:1: a source file must be a list of records. Start each record with "
            "'- id: ...'. [wrong-type]",
            id="not-a-list",
        ),
        pytest.param(
            "- id: a\n\tkind: doc\n",
            "sources/p/x.yml:2: YAML cannot read this file: found a tab character that violates "
            "indentation (this line holds a tab; YAML allows only spaces for indentation). Fix the YAML "
            "syntax on this line (indent with spaces, quote text that holds ': ' or '#'). [yaml-syntax]",
            id="tab-indent",
        ),
        pytest.param(
            GOOD.replace("kind: doc", "kind: config"),
            "sources/p/x.yml:1: a config record needs exactly one of value, values or fields (it has "
            "none). Keep exactly one of value:, values: or fields:. [config-shape]",
            id="config-without-value",
        ),
        pytest.param(
            GOOD.replace("id: p.doc", "id: P Doc"),
            "sources/p/x.yml:1: the id 'P Doc' has characters ids may not use. Use lowercase "
            "letters, digits, '.' and '-', such as zoho-crm.bulk-write.get-job. [bad-id]",
            id="bad-id",
        ),
    ],
)
def test_bad_record_is_reported_at_its_line(tmp_path: Path, text: str, expected: str) -> None:
    assert problems_for(tmp_path, text) == [expected]


def test_endpoint_fields_are_checked(tmp_path: Path) -> None:
    text = """\
    - id: p.ep
      kind: endpoint
      title: An endpoint
      method: FETCH
      path: crm/x
      host: api-domain
      scopes: [[A, B], C]
      read_only: yes
      url: https://example.com/ep
      verified_on: 2026-11-20
    """
    assert problems_for(tmp_path, text) == [
        "sources/p/x.yml:4: 'method' is 'FETCH', which is not one of GET, POST, PUT, PATCH, DELETE. "
        "Use one of: GET, POST, PUT, PATCH, DELETE. Did you mean 'PATCH'? [bad-choice]",
        "sources/p/x.yml:5: 'path' must start with '/', not 'crm/x'. Write the path as Zoho documents "
        "it, such as /crm/bulk/v8/write/{job_id}. [bad-path]",
        "sources/p/x.yml:8: 'read_only' must be true or false, not 'yes'. Write read_only: true or "
        "read_only: false. [wrong-type]",
    ]


def test_every_problem_in_every_file_is_reported_in_one_run(tmp_path: Path) -> None:
    problems_for(tmp_path, GOOD.replace("kind: doc", "kind: docs"), "a.yml")
    problems = problems_for(tmp_path, GOOD + GOOD.replace("2026-11-20", "soon"), "b.yml")
    assert problems == [
        "sources/p/a.yml:2: unknown kind 'docs'. Use one of: endpoint, config, code, doc. Did you "
        "mean 'doc'? [unknown-kind]",
        "sources/p/b.yml:10: 'verified_on' must be a real date written YYYY-MM-DD, not 'soon'. "
        "Write verified_on: 2026-11-20 (the day you checked the source). [bad-date]",
    ]


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path) -> None:
    problems_for(tmp_path, GOOD, "a.yml")
    assert problems_for(tmp_path, "\n" + GOOD, "b.yml") == [
        "sources/p/b.yml:2: the id 'p.doc' is already used at sources/p/a.yml:1. "
        "Give one of the two records a new id. [duplicate-id]"
    ]


def test_non_utf8_bytes_are_reported_at_their_line(tmp_path: Path) -> None:
    assert problems_for(tmp_path, GOOD.encode() + b"- id: caf\xe9\n") == [
        "sources/p/x.yml:6: this line has bytes that are not UTF-8 text. Save the file as UTF-8 "
        "(retype the odd character). [not-utf8]"
    ]


def test_code_record_must_point_at_a_real_symbol(tmp_path: Path) -> None:
    (tmp_path / "ex.py").write_text("def here():\n    return 1\n")
    text = """\
    - id: p.code
      kind: code
      title: Example
      file: {file}
      symbol: {symbol}
      url: https://example.com/c
      verified_on: 2026-11-20
    """
    assert problems_for(tmp_path, text.format(file="ex.py", symbol="gone")) == [
        "sources/p/x.yml:5: ex.py has no function or class named 'gone'. Check the spelling of "
        "'symbol' (use Class.method for a method). [code-symbol]"
    ]
    assert problems_for(tmp_path, text.format(file="missing.py", symbol="here")) == [
        "sources/p/x.yml:4: 'file' names missing.py, which is not a Python file in the repository. "
        "Check the path; it is relative to the repository root. [code-file]"
    ]
    assert problems_for(tmp_path, text.format(file="../outside.py", symbol="here")) == [
        "sources/p/x.yml:4: 'file' points outside the repository (../outside.py). Give a path inside "
        "the repository, such as examples/zoho_crm_bulk/client.py. [code-file]"
    ]
    records, problems = (
        load_records(tmp_path, hosts=TEST_HOSTS)
        if not problems_for(tmp_path, text.format(file="ex.py", symbol="here"))
        else ({}, ["failed"])
    )
    assert problems == [] and records["p.code"].facts.source == "def here():\n    return 1"


def test_extract_symbol_finds_methods_and_keeps_decorators() -> None:
    source = "import x\n\nclass A:\n    @staticmethod\n    def f():\n        return 2\n"
    assert extract_symbol(source, "A.f") == "@staticmethod\ndef f():\n    return 2"
    assert extract_symbol(source, "A.g") is None

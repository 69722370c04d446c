"""Hostile input that Beam Help accepts because it reaches readers as text: records whose every
field carries markup, and pages whose markup-like text sits in code or is escaped.

Shared by the safety tests (tests/test_safety.py) and the browser test that opens every such page
and fails on any dialog or request leaving 127.0.0.1 (tests/browser/test_hostile.py).
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

from conftest import ROOT, make_fixture_site

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
          url: "https://example.com/'onmouseover='alert(1)"
          verified_on: 2026-11-20

        - id: demo.statuses
          kind: config
          title: {h["markdown-image"]}
          values: [{h["autolink"]}, {h["jinja"]}]
          url: "https://example.com/?q='&x=[1](javascript:alert(1))"
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
          url: "https://example.com/![x](data:text/html,x)"
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


# Markup-like text a writer may publish, because Markdown keeps it as text: escaped entities,
# code spans, indented and fenced code blocks. The allowlist must let it through, and no browser
# may run any of it.
HARMLESS_PAGE = """\
---
title: Markup shown as text
type: overview
---

# Markup shown as text

Escaped: &lt;script&gt;alert(20)&lt;/script&gt; and &lt;img src=x onerror=alert(21)&gt;.

In a code span: `<img src=x onerror=alert(22)>` and `<!--><img src=x onerror=alert(23)>-->`.

A link with markup in its address: [search](https://example.com/?q=%3Cscript%3Ealert(24)).

    <script>alert(25)</script>
    <svg><style><img src=x onerror=alert(26)></style></svg>

```html
<![CDATA[><img src=x onerror=alert(27)>]]>
<noscript><p title="</noscript><img src=x onerror=alert(28)>"></noscript>
```

<kbd>Ctrl</kbd> + <kbd>C</kbd>, <abbr title="Comma-separated values">CSV</abbr>.

<details markdown="1"><summary>More</summary>

Text inside **details** {{ cite("demo.overview") }}.

</details>
"""


def lay_out_hostile_site(folder: Path) -> Path:
    """The fixture site with every hostile record value and the harmless hostile page."""
    site = make_fixture_site(folder)
    config = site / "mkdocs.yml"
    # As on the real site: system fonts, so the theme itself asks no third party for anything.
    # And its page template, which writes each how-to's JSON-LD (record titles) into <head>.
    config.write_text(
        config.read_text().replace(
            "  name: material\n", "  name: material\n  font: false\n  custom_dir: overrides\n"
        )
    )
    shutil.copytree(ROOT / "overrides", site / "overrides")
    (site / "sources" / "demo" / "records.yml").write_text(hostile_records(), encoding="utf-8")
    (site / "docs" / "index.md").write_text(HOSTILE_PAGE, encoding="utf-8")
    (site / "docs" / "shown-as-text.md").write_text(HARMLESS_PAGE, encoding="utf-8")
    # The product's landing page (every product has one) holds the same markup shown as text.
    landing = HARMLESS_PAGE.replace("type: overview\n", "type: landing\nproduct: demo\n")
    (site / "docs" / "demo" / "index.md").write_text(landing, encoding="utf-8")
    (site / "examples" / "demo.py").write_text(HOSTILE_CODE, encoding="utf-8")
    return site

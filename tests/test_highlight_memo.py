"""The highlighting memo (macros/highlight_memo.py): a page converted with it is the page converted
without it, byte for byte, and repeated code is highlighted once."""

from __future__ import annotations

import markdown
import pygments
import pymdownx.highlight
import pytest
from pygments.formatters import get_formatter_by_name
from pygments.lexers import get_lexer_by_name

from macros import highlight_memo
from macros.highlight_memo import HighlightMemo

EXAMPLE = 'def list_jobs(token: str) -> list[dict]:\n    """Every job."""\n    return []\n'

# The same function several ways on one page: plain, twice more (its line anchors must differ),
# with other highlighted lines, another title, and another language.
PAGE = f"""\
# Page

```python title="client.py"
{EXAMPLE}```

Again, as another example shows it:

```python title="client.py"
{EXAMPLE}```

- In a list:

    ```python hl_lines="2"
    {EXAMPLE.replace(chr(10), chr(10) + "    ")}```

```python linenums="5" title="other.py"
{EXAMPLE}```

```js
{EXAMPLE}```
"""


def _converted(text: str) -> str:
    converter = markdown.Markdown(
        extensions=["pymdownx.highlight", "pymdownx.superfences"],
        extension_configs={"pymdownx.highlight": {"anchor_linenums": True}},
    )
    return converter.convert(text)


def test_pages_are_the_same_with_the_memo_and_repeats_are_not_highlighted_again(monkeypatch):
    monkeypatch.setattr(pymdownx.highlight, "highlight", pygments.highlight)
    without = [_converted(PAGE), _converted(PAGE.replace("jobs", "tasks"))]

    memo = highlight_memo.install()
    assert memo is not None and pymdownx.highlight.highlight is memo
    with_memo = [_converted(PAGE), _converted(PAGE.replace("jobs", "tasks")), _converted(PAGE)]

    assert with_memo[:2] == without
    assert with_memo[2] == without[0]
    # The second block on a page anchors its lines apart from the first (an option of its own).
    assert "__codelineno-0-1" in without[0] and "__codelineno-1-1" in without[0]
    assert memo.hits == 5  # the third page, all from the first: nothing within a page repeats


def test_install_is_done_once_and_leaves_a_changed_pymdownx_alone(monkeypatch):
    monkeypatch.setattr(pymdownx.highlight, "highlight", pygments.highlight)
    first = highlight_memo.install()
    assert highlight_memo.install() is first

    def someone_elses(*args):
        return pygments.highlight(*args)

    monkeypatch.setattr(pymdownx.highlight, "highlight", someone_elses)
    assert highlight_memo.install() is None
    assert pymdownx.highlight.highlight is someone_elses


def test_the_memo_keeps_at_most_its_bound_and_passes_file_output_through(tmp_path):
    calls = []

    def highlight(code, lexer, formatter, outfile=None):
        calls.append(code)
        return f"<{code}>"

    memo = HighlightMemo(highlight, max_entries=2)
    lexer = get_lexer_by_name("python")
    formatter = get_formatter_by_name("html")
    for code in ("a", "b", "a", "c", "b"):  # "b" was dropped when "c" came in
        assert memo(code, lexer, formatter) == f"<{code}>"
    assert calls == ["a", "b", "c", "b"]
    assert memo.hits == 1
    with (tmp_path / "out.html").open("w") as out:
        memo("a", lexer, formatter, out)
    assert calls[-1] == "a"


@pytest.mark.parametrize("option", [{"stripnl": False}, {"tabsize": 8}])
def test_lexer_options_are_part_of_the_key(option):
    memo = HighlightMemo(pygments.highlight)
    formatter = get_formatter_by_name("html")
    code = "\n\tx = 1\n"
    plain = memo(code, get_lexer_by_name("python"), formatter)
    other = memo(code, get_lexer_by_name("python", **option), formatter)
    assert other == pygments.highlight(code, get_lexer_by_name("python", **option), formatter)
    assert plain != other
    assert memo.hits == 0

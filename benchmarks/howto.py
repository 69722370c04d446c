"""The Markdown of one benchmark how-to, written two ways from the same plan.

Owns: the page layout (the how-to contract's four sections) and the two writers: ours, with macro
calls, and plain, with the facts typed in and hand-written footnotes. Does not own: the words or
records (corpus.py) or files and settings (gen_site.py).
"""

from __future__ import annotations

import re
import textwrap

from corpus import HowTo

DISCLAIMER = (
    "Beam Help is an independent guide, not official Zoho support, and is not affiliated "
    "with Zoho Corporation. Facts come from the official pages listed under Sources cited; "
    "check them there before you rely on them."
)
# Macro calls and code spans hold spaces but must not be split across lines when wrapping.
_UNBREAKABLE = re.compile(r"\{\{.*?\}\}|`[^`]*`")


class OursWriter:
    """Facts and citations as Beam Help macro calls; the generator adds head, disclaimer, sources."""

    def endpoint(self, record_id: str) -> str:
        return f'{{{{ endpoint("{record_id}") }}}}'

    def scopes(self, record_id: str) -> str:
        return f'{{{{ scopes("{record_id}") }}}}'

    def fact(self, record_id: str) -> str:
        return f'{{{{ fact("{record_id}") }}}}'

    def cite(self, record_id: str) -> str:
        return f'{{{{ cite("{record_id}") }}}}'

    def code(self, record_id: str, indent: str) -> str:
        return f'{indent}{{{{ code("{record_id}") }}}}'

    def head(self, page: HowTo) -> str:
        return _front_matter(page)

    def tail(self) -> str:
        return ""


class PlainWriter:
    """Facts typed in as a writer would copy them, citations as numbered Markdown footnotes."""

    def __init__(self, records: dict[str, dict], code_sources: dict[str, str]):
        self.records, self.code_sources = records, code_sources
        self.numbers: dict[str, int] = {}

    def _ref(self, record_id: str) -> str:
        number = self.numbers.setdefault(record_id, len(self.numbers) + 1)
        return f"[^{number}]"

    def endpoint(self, record_id: str) -> str:
        record = self.records[record_id]
        return f"`{record['method']} {record['path']}`{self._ref(record_id)}"

    def scopes(self, record_id: str) -> str:
        groups = self.records[record_id]["scopes"]
        shown = ", and ".join(_joined(group, "or") for group in groups)
        return shown + self._ref(record_id)

    def fact(self, record_id: str) -> str:
        record = self.records[record_id]
        shown = f"`{record['value']}`" if "value" in record else _joined(record["values"], "and")
        return shown + self._ref(record_id)

    def cite(self, record_id: str) -> str:
        return self._ref(record_id)

    def code(self, record_id: str, indent: str) -> str:
        record = self.records[record_id]
        lines = ['```python title="client.py"', *self.code_sources[record_id].splitlines(), "```"]
        block = "\n".join(indent + line if line.strip() else "" for line in lines)
        caption = (
            f'{indent}<span class="bh-code-source">From `{record["file"]}`, '
            f"`{record['symbol']}` (tested){self._ref(record_id)}</span>"
        )
        return f"{block}\n\n{caption}"

    def head(self, page: HowTo) -> str:
        return (
            f"{_front_matter(page)}\n"
            f'<p class="bh-kicker">How-to · {page.product.name}</p>\n\n'
            f"# {page.title}\n\n"
            f'<p class="bh-summary">{page.summary}</p>\n'
        )

    def tail(self) -> str:
        definitions = []
        for record_id, number in self.numbers.items():
            record = self.records[record_id]
            quote = f' "{record["quote"]}"' if record.get("quote") else ""
            definitions.append(
                f"[^{number}]: [{record['title']}]({record['url']}) · verified "
                f"{record['verified_on']}{quote}"
            )
        return (
            f'<p class="bh-disclaimer">{DISCLAIMER}</p>\n\n'
            "## Sources cited\n\n///Footnotes Go Here///\n\n" + "\n".join(definitions) + "\n"
        )


def _joined(values: list[str], word: str) -> str:
    parts = [f"`{v}`" for v in values]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def _front_matter(page: HowTo) -> str:
    return (
        "---\n"
        f"title: {page.title}\n"
        "type: how-to\n"
        f"product: {page.product.slug}\n"
        f"summary: {page.summary}\n"
        "---\n"
    )


def _wrap(text: str, first: str = "", rest: str = "") -> str:
    """Wrap at 100 columns as writers do, never inside a macro call or a code span."""
    kept = _UNBREAKABLE.sub(lambda m: m.group(0).replace(" ", "\0"), text)
    lines = textwrap.wrap(
        kept,
        100,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(lines).replace("\0", " ")


def how_to(page: HowTo, writer: OursWriter | PlainWriter) -> str:
    """The page's Markdown: same words for both writers, only facts and citations differ."""
    why_cite = f" {writer.cite(page.doc_id)}" if page.options["why_cite"] else ""
    scopes = (
        f" Make sure the token carries one of {writer.scopes(page.endpoint_id)}."
        if page.options["scopes"]
        else ""
    )
    # Every record is cited somewhere, as `check --strict` asks of a real site.
    fact = (
        f" The limit to plan for is {writer.fact(page.config_id)}."
        if page.options["fact"]
        else f" Plan for its limit{writer.cite(page.config_id)}."
    )
    (lead1, text1), (lead2, text2), (lead3, text3) = page.steps
    steps = [
        _wrap(f"**{lead1}** {text1}{scopes}", "1. ", "   "),
        _wrap(
            f"**Send the request.** Call {writer.endpoint(page.endpoint_id)} on the API domain of "
            f"the account's data centre. {text2}",
            "2. ",
            "   ",
        ),
        _wrap(f"**{lead3}** {text3}{fact}", "3. ", "   "),
        _wrap("**Let tested code do the work.** This function makes the call and checks it:", "4. ")
        + f"\n\n{writer.code(page.code_id, '    ')}\n",
        _wrap(
            "**Keep what you need.** Store the IDs the response returns next to your own data, "
            "so that later calls can find the same items again without another search.",
            "5. ",
            "   ",
        ),
    ]
    cited = iter(page.neighbour_ids * 2)
    pitfalls = [
        _wrap(f"**{lead}** {text} {writer.cite(next(cited))}", "- ", "  ")
        for lead, text in page.pitfalls
    ]
    checks = [
        _wrap(f"**{lead}** {text} {writer.cite(next(cited))}", "- ", "  ")
        for lead, text in page.checks
    ]
    parts = [
        writer.head(page),
        _wrap(" ".join(page.intro)),
        "## Why this matters",
        _wrap(" ".join(page.why[0]) + why_cite),
        _wrap(" ".join(page.why[1])),
        "## Step-by-step",
        "\n".join(steps),
        "## Common pitfalls",
        "\n".join(pitfalls),
        "## What to check",
        "\n".join(checks),
    ]
    tail = writer.tail()  # after the body, so footnote numbers follow first use
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n" + (f"\n{tail}" if tail else "")

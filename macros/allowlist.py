"""The one allowlist of HTML a page may hold, checked on each page's HTML as browsers read it.

Owns: which elements, attributes and URL schemes a page body may contain, reading the body with
lexbor (a WHATWG-conformant parser, so what it sees as an element is what a browser sees), and
the problems at the page line the HTML came from. Does not own: Markdown conversion (MkDocs in
the build, markdown_html.py in check) or files beside the pages (static_files.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .problems import Location, Problem

CODE = "raw-html"

# What Markdown, its extensions (admonition, attr_list, tables, toc, pymdownx highlight,
# superfences and details) and the generator write, plus plain text markup writers ask for.
# Nothing here runs, embeds, loads from elsewhere or submits: no script, style, svg, math,
# iframe, object, form, input, link, meta, base, template, noscript, textarea or title.
ELEMENTS = frozenset(
    "a abbr article aside b blockquote br caption cite code col colgroup dd del details dfn div "
    "dl dt em figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp "
    "section small span strong sub summary sup table tbody td tfoot th thead time tr u ul var "
    "wbr".split()
)
# Attributes any allowed element may carry. aria-* are added by name pattern below.
# data-search-exclude: Material's search leaves the element out of the index (on a heading, its
# whole section; the generated Sources cited heading, citation markers and disclaimer carry it).
# It runs nothing.
GLOBAL_ATTRIBUTES = frozenset(
    {"id", "class", "title", "lang", "dir", "role", "markdown", "data-search-exclude"}
)
ATTRIBUTES = {
    "a": {"href", "name", "rel", "target", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "details": {"open"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "abbr": {"title"},
    "code": {"data-lang"},  # not a data-* wildcard: the theme's scripts read data-md-* names
    "span": {"data-linenos"},
}
_ARIA = re.compile(r"aria-[a-z]+")
# The only inline style Markdown writes: table column alignment.
_STYLE = re.compile(r"\s*text-align:\s*(left|right|center);?\s*")
# Links may go anywhere a reader can follow; images load, so only from the site itself.
LINK_SCHEMES = ("http", "https", "mailto")
_URL_ATTRIBUTES = {"href": LINK_SCHEMES, "src": (), "cite": ("http", "https")}
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
# Browsers drop tabs and newlines inside a URL and spaces and controls around it.
_URL_NOISE = re.compile(r"[\t\n\r]")
_URL_EDGES = "".join(chr(c) for c in range(0x21))
# Added after the body: if it is not read back as an element of its own, the body left the
# parser inside something (a comment, an attribute, a raw-text element) that would swallow
# the theme's markup after it.
_SENTINEL_ID = "bh-allowlist-end"
_SENTINEL = f'<b id="{_SENTINEL_ID}"></b>'


@dataclass(frozen=True)
class Finding:
    """One thing outside the allowlist, and text to look for in the page to find its line."""

    what: str
    clues: tuple[str, ...]
    at_end: bool = False  # the clue to look for is the last one in the page, not the next


def findings(body_html: str) -> list[Finding]:
    """Everything in a page's body HTML that the allowlist does not allow, in document order."""
    # In a standards-mode body, as the theme's page places it: a <script> or <meta> at the start
    # stays in the body, and tables parse as browsers parse them on the site.
    tree = LexborHTMLParser(f"<!DOCTYPE html><html><head></head><body>{body_html}{_SENTINEL}")
    found: list[Finding] = []
    body = tree.body
    if body is None:
        return found
    if tree.css_first(f"body > b#{_SENTINEL_ID}") is None:
        found.append(
            Finding(
                "the page's HTML does not end where it should: a comment, an attribute's quotes "
                "or a tag is left open, so it would swallow the rest of the page",
                ("<!--", '="', "='", "<"),
                at_end=True,
            )
        )
    for node in body.traverse(include_text=False):
        if node.tag in ("body", "-comment") or node.attributes.get("id") == _SENTINEL_ID:
            continue
        found += _element_findings(node)
    # A body left open swallows the sentinel into an attribute: that is the finding above.
    return [finding for finding in found if _SENTINEL_ID not in finding.what]


def _element_findings(node: LexborNode) -> list[Finding]:
    tag = node.tag or ""
    if tag not in ELEMENTS:
        return [Finding(f"<{tag}> is not allowed in pages", (f"<{tag}", tag))]
    found = []
    allowed = ATTRIBUTES.get(tag, set())
    for name, value in node.attributes.items():
        value = value or ""
        if not (name in GLOBAL_ATTRIBUTES or name in allowed or _ARIA.fullmatch(name)):
            found.append(
                Finding(f"<{tag}> has the attribute {name}=, which pages may not use", (name,))
            )
        elif name == "style" and not _STYLE.fullmatch(value):
            found.append(Finding(f"<{tag}> has a style attribute", ("style",)))
        elif name in _URL_ATTRIBUTES and not _url_allowed(value, _URL_ATTRIBUTES[name]):
            shown = value.strip()[:60]
            found.append(
                Finding(
                    f"<{tag}> has {name}={shown!r}, a kind of address pages may not use",
                    (shown[:20], f"{name}="),
                )
            )
        elif name == "target" and value != "_blank":
            found.append(Finding(f"<{tag}> has target={value!r}", ("target",)))
    return found


def _url_allowed(value: str, schemes: Sequence[str]) -> bool:
    """True for relative addresses and for absolute ones with an allowed scheme."""
    url = _URL_NOISE.sub("", value.strip(_URL_EDGES))
    if url.startswith(("//", "\\\\", "/\\", "\\/")):  # another host, scheme taken from the page
        return "http" in schemes
    scheme = _SCHEME.match(url)
    if scheme is None:
        return True
    return scheme.group(1).lower() in schemes


# What a page's own text needs before its HTML can hold anything beyond plain Markdown output:
# raw HTML or an autolink (<), an image (![), an attribute list ("{: ...}", "{ .x }", "{#id}";
# Jinja's "{{", "{%" and "{##" are not), a reference definition (]:), or a link whose address
# is not plainly a page of the site or an http(s)/mailto address ("](" with anything else).
_MAY_HOLD_MARKUP = re.compile(r"<|!\[|\]:|(?<!\{)\{(?!\{|%|##)")
_CODE_SPAN = re.compile(r"`[^`]+`")
_LINK_TARGET = re.compile(r"\]\(([^)]*)")
_PLAIN_TARGET = re.compile(
    r"(?:https?://|mailto:)?(?!/[/\\])[^\s:&\\<>\"'`%]*(?:\s+\"[^\"<>&]*\")?"
)


def may_hold_markup(page_text: str) -> bool:
    """False when Markdown can make only allowed HTML of this page text, so `check` need not
    convert it to read it (the build reads every page anyway). Record values and the
    generator's own markup count as safe: they are escaped and allowlisted by construction.

    Code spans are text, so they are set aside first, but only where Markdown surely pairs the
    backticks as this does: single backticks, an even number on every line, none escaped.
    """
    lines = page_text.split("\n")
    simple = all(
        line.count("`") % 2 == 0 and "``" not in line and "\\`" not in line for line in lines
    )
    text = "\n".join(_CODE_SPAN.sub("", line) for line in lines) if simple else page_text
    if _MAY_HOLD_MARKUP.search(text):
        return True
    return any(not _PLAIN_TARGET.fullmatch(m.group(1).strip()) for m in _LINK_TARGET.finditer(text))


TODO = (
    "Remove it, or write it as plain Markdown: pages may use only the HTML listed in "
    "CONTRIBUTING.md (Raw HTML in pages)"
)


def page_problems(body_html: str, path: str, source: str, first_line: int) -> list[Problem]:
    """The allowlist's findings in one page as problems at the page lines they came from.

    source is the page file's text; first_line is the first line after its front matter. The
    HTML keeps no line numbers, so each finding goes to a line of the body holding one of its
    clues: the first such line not yet given to an earlier finding with the same clue (the
    second onerror= found is the second onerror= written).
    """
    return problems_at_lines(findings(body_html), path, source, first_line)


def findings_of(bodies: list[bytes]) -> list[list[Finding]]:
    """findings() of each page body, sent as UTF-8 (how the page worker runs the check)."""
    return [findings(body.decode("utf-8", "surrogatepass")) for body in bodies]


def problems_at_lines(
    found: Sequence[Finding], path: str, source: str, first_line: int
) -> list[Problem]:
    """page_problems() for findings made already (in the page worker)."""
    if not found:
        return []
    lines = source.lower().split("\n")[first_line - 1 :]  # "\n" only: lines as writers count
    taken: dict[str, int] = {}
    problems = []
    for finding in found:
        line = first_line + _index_of(finding, lines, taken)
        problems.append(Problem(Location(path, line), finding.what, TODO, CODE))
    return problems


def _index_of(finding: Finding, lines: Sequence[str], taken: dict[str, int]) -> int:
    """The index (in lines) of the line the finding came from; 0 when no clue is found."""
    if finding.at_end:
        clues = [clue.lower() for clue in finding.clues]
        holding = [index for index, line in enumerate(lines) if any(c in line for c in clues)]
        return holding[-1] if holding else 0
    for clue in finding.clues:
        needle = clue.lower()
        holding = [index for index, line in enumerate(lines) if needle in line]
        if not holding:
            continue
        count = taken.get(needle, 0)
        taken[needle] = count + 1
        return holding[min(count, len(holding) - 1)]
    return 0

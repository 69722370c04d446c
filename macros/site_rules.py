"""Rules about how the pages of the site fit together, which no single page or record can check.

Owns: the nav opens with the home page (settings.py checks that its pages exist); each product's nav
section opens with its landing page, which has type `landing`; the home page links every landing
page and a landing page every page of its product; a page that cites one side of a disagreement
between Zoho's sources cites the other side too; every `code` record is shown with code().
Does not own: reading settings or rendering pages (checks.py, pages.py), the rules for one page
or record (contract.py, records.py), or which products and folders exist (the products rules).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError

from .kinds import Record
from .page_scan import find_macro_calls
from .problems import Location, Problem, did_you_mean
from .rendered_page import RenderedPage
from .settings import nav_entries

HOME = "index.md"
# Markdown links and raw HTML links: the target up to a '#', '?', space or closing bracket.
_LINK = re.compile(r"""\]\(\s*<?([^)\s#?>]+)|href\s*=\s*["']([^"'#?]+)""")


def site_problems(
    root: Path,
    docs_dir: str,
    nav: Any,
    products: Mapping[str, str],
    records: Mapping[str, Record],
    pages: Iterable[RenderedPage],
) -> list[Problem]:
    """Every problem of the rules above; `nav` is mkdocs.yml's nav as plain data (None: no nav)."""
    prefix = docs_dir.rstrip("/") + "/"
    by_path = {page.path.removeprefix(prefix): page for page in pages}
    config_lines = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    problems = _nav_problems(nav, by_path, products, config_lines)
    problems += _link_problems(root, prefix, by_path, products)
    problems += _disagreement_problems(records, by_path.values())
    problems += _code_shown_problems(root, records, by_path.values())
    return problems


# --- the nav --------------------------------------------------------------------------------------


def _nav_problems(nav, pages, products, config_lines) -> list[Problem]:
    if not isinstance(nav, list):
        return []
    problems = []
    if HOME in pages and nav_entries(nav[:1]) != [HOME]:
        problems.append(
            Problem(
                Location("mkdocs.yml", _nav_line(config_lines, "nav:")),
                "the nav does not start with the home page",
                f"Make '- Home: {HOME}' the first line under nav",
                "nav-order",
            )
        )
    sections = _sections(nav)
    for key in products:
        landing = f"{key}/{HOME}"
        section = next((s for s in sections if any(p.startswith(key + "/") for p in s)), [])
        if landing in pages and section and section[0] != landing:
            problems.append(
                Problem(
                    Location("mkdocs.yml", _nav_line(config_lines, section[0])),
                    f"the nav section of {products[key]} does not start with its landing page",
                    f"Make '- {landing}' the first line of that section",
                    "nav-order",
                )
            )
    return problems


def _sections(nav: list) -> list[list[str]]:
    """The pages of each top-level section of the nav."""
    return [
        nav_entries(value)
        for item in nav
        if isinstance(item, dict)
        for value in item.values()
        if isinstance(value, list)
    ]


def _nav_line(config_lines: list[str], text: str) -> int:
    """The line of mkdocs.yml under `nav:` that holds the text (the nav line itself if none)."""
    start = next((n for n, line in enumerate(config_lines) if line.startswith("nav:")), 0)
    for number in range(start, len(config_lines)):
        if text in config_lines[number]:
            return number + 1
    return start + 1


# --- links from the home page and the landing pages -----------------------------------------------


def _link_problems(root, prefix, pages, products) -> list[Problem]:
    problems = []
    # The home page belongs to no product (a site may also open with a product's page).
    is_home = HOME in pages and "product" not in pages[HOME].meta
    home_links = _links(root, prefix, HOME) if is_home else None
    for key, name in products.items():
        landing = f"{key}/{HOME}"
        if landing not in pages:
            continue  # a product without a landing page is the products rules' business
        page = pages[landing]
        if page.meta.get("type") != "landing":
            problems.append(
                Problem(
                    Location(page.path, 1),
                    f"the first page of {name} must be its landing page",
                    "Give it 'type: landing' in its front matter",
                    "landing-page",
                )
            )
        if home_links is not None and landing not in home_links:
            problems.append(
                Problem(
                    Location(prefix + HOME, 1),
                    f"the home page does not link the landing page of {name}",
                    f"Add a link such as '[{name}]({landing})' to docs/{HOME}",
                    "landing-page",
                )
            )
        linked = _links(root, prefix, landing)
        for path, other in sorted(pages.items()):
            if path.startswith(key + "/") and path != landing and path not in linked:
                title = other.meta.get("title", "Page title")
                problems.append(
                    Problem(
                        Location(page.path, 1),
                        f"the landing page of {name} does not link '{path}'",
                        f"Add a link such as '[{title}]({posixpath.relpath(path, key)})' "
                        "where it fits, so readers can find the page",
                        "landing-page",
                    )
                )
    return problems


def _links(root: Path, prefix: str, page: str) -> set[str]:
    """The pages (paths inside docs) that a page links to."""
    text = (root / prefix / page).read_text(encoding="utf-8")
    here = posixpath.dirname(page)
    targets = (markdown or html for markdown, html in _LINK.findall(text))
    return {
        posixpath.normpath(posixpath.join(here, target))
        for target in targets
        if "://" not in target and not target.startswith(("/", "mailto:"))
    }


# --- citations --------------------------------------------------------------------------------


def _disagreement_problems(records, pages: Iterable[RenderedPage]) -> list[Problem]:
    problems = []
    for record in records.values():
        for other in record.disagrees_with:
            if other not in records:
                problems.append(
                    Problem(
                        record.at("disagrees_with"),
                        f"unknown source '{other}' in disagrees_with of '{record.id}'",
                        f"Check the id.{did_you_mean(other, records)}",
                        "unknown-source",
                    )
                )
    for page in pages:
        cited = page.citations.record_ids
        for use in page.citations.uses:
            if use.use != 1 or use.record_id not in records:
                continue
            others = records[use.record_id].disagrees_with
            for other in (o for o in others if o in records and o not in cited):
                problems.append(
                    Problem(
                        Location(page.path, use.line),
                        f"'{use.record_id}' disagrees with '{other}', which this page does not "
                        "cite",
                        f"Cite '{other}' on this page too, so readers see both of Zoho's answers",
                        "one-sided",
                    )
                )
    return problems


def _code_shown_problems(
    root: Path, records: Mapping[str, Record], pages: Iterable[RenderedPage]
) -> list[Problem]:
    shown: set[str] = set()
    for page in pages:
        if any(p.severity == "error" for p in page.problems):
            return []  # a page that did not render may show any code; its problems say why
        calls = page.calls
        if calls is None:  # rendered some other way: find them in the page itself
            try:
                calls = tuple(find_macro_calls((root / page.path).read_text(encoding="utf-8")))
            except (TemplateSyntaxError, RecursionError):  # reported with the page
                return []
        shown.update(i for call in calls if call.name == "code" for i in call.ids)
    cited = {record_id for page in pages for record_id in page.citations.record_ids}
    return [
        Problem(
            record.at("id"),
            f"no page shows the code of '{record.id}'",
            f'Show it with {{{{ code("{record.id}") }}}} on a line of its own where a page '
            "needs it (citing it is not enough)",
            "code-not-shown",
            severity="warning",
        )
        for record in records.values()
        if record.kind == "code" and record.id in cited and record.id not in shown
    ]

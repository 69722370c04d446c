"""Whole-site checks without a build: records, every page, sources nobody cites, stale sources.

Owns: running the core over every page (with the settings of settings.py), and the
site-wide warnings (unused and stale sources, pages left out of the nav). Does not own: the rules
for one record or page (records.py, pages.py) or MkDocs (it never imports it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import allowlist, static_files
from .check_cache import CheckCache, inputs_fingerprint, page_key
from .frontmatter import read_page
from .kinds import QUOTED_KINDS, Record
from .markdown_html import Converter
from .pages import PageRenderer
from .problems import Location, Problem
from .products import products_without_pages
from .records import (
    duplicate_records,
    invalid_record_ids,
    load_records,
    source_files,
)
from .relations import relation_problems
from .rendered_page import RenderedPage
from .settings import Settings, layout_problems, read_once, read_settings, settings_problems
from .site_rules import site_problems


def yaml_text(value: str) -> str:
    """The value as YAML that reads back as exactly this text (quoted only when it must be)."""
    try:
        plain = yaml.safe_load(f"key: {value}")
    except yaml.YAMLError:
        plain = None
    if plain == {"key": value}:
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted string


@dataclass
class SiteReport:
    records: dict[str, Record]
    # Every page as the site-wide rules read it: each page's Markdown is dropped once the
    # allowlist has read it, so check (and its cache) never holds every page's text.
    pages: list[RenderedPage]
    problems: list[Problem]


def check_site(
    root: Path, today: dt.date | None = None, cache: CheckCache | None = None
) -> SiteReport:
    """Every problem the build would report about records and pages, plus unused, stale (older
    than review_days on `today`, the real date unless given) and unlisted pages. With a cache,
    what an earlier run found for unchanged inputs is used again (check_cache.py)."""
    with read_once():
        return _check_site(root, today, cache)


def _check_site(root: Path, today: dt.date | None, cache: CheckCache | None) -> SiteReport:
    broken_settings = settings_problems(root / "mkdocs.yml")
    if broken_settings:  # records and pages cannot be read with settings MkDocs would refuse
        return SiteReport({}, [], broken_settings)
    settings = read_settings(root)
    today = today or dt.date.today()
    records, record_problems = load_records(
        root,
        settings.sources,
        cache.records if cache is not None else None,
        hosts=settings.hosts,
        today=today,
    )
    problems = list(record_problems)
    docs = root / settings.docs_dir
    problems += layout_problems(root / "mkdocs.yml", docs)
    problems += static_files.docs_problems(docs, root, settings.own_scripts)
    page_cache = None
    if cache is not None:
        # What render_pages reads besides the records and the page itself.
        used = (
            settings.docs_dir,
            sorted(settings.products.items()),
            settings.sources,
            settings.code_base,
            settings.markdown_extensions,
        )
        inputs = inputs_fingerprint(
            root, source_files(root, settings.sources), records, record_problems, used, today
        )
        page_cache = PageCache(cache, inputs)
    pages, page_problems = render_pages(
        root,
        settings.docs_dir,
        records,
        settings.products,
        record_problems=record_problems,
        sources_dir=settings.sources,
        converter=Converter({"markdown_extensions": list(settings.markdown_extensions)}),
        code_base=settings.code_base,
        cache=page_cache,
    )
    problems += page_problems
    in_docs = settings.docs_dir.rstrip("/") + "/"
    problems += products_without_pages(
        root / "mkdocs.yml",
        settings.products,
        settings.docs_dir,
        (page.path.removeprefix(in_docs) for page in pages),
    )
    problems += relation_problems(pages, settings.products, settings.docs_dir)
    problems += duplicate_records(records.values())
    problems += unused_sources(records, pages)
    problems += stale_sources(records.values(), today, settings.review_days)
    problems += pages_outside_nav(settings, pages)
    problems += unquoted_sources(records.values())
    problems += site_problems(
        root, settings.docs_dir, settings.nav, settings.products, records, pages
    )
    return SiteReport(records, pages, sorted(problems))


@dataclass
class PageCache:
    """One run's view of the check cache: pages by their text and everything else they read."""

    cache: CheckCache
    inputs: str  # inputs_fingerprint

    def get(self, path: str, text: str) -> tuple[RenderedPage, list[Problem]] | None:
        return self.cache.page(page_key(self.inputs, path, text))

    def put(self, path: str, text: str, found: tuple[RenderedPage, list[Problem]]) -> None:
        self.cache.store_page(page_key(self.inputs, path, text), found)


def render_pages(
    root: Path,
    docs_dir: str,
    records: Mapping[str, Record],
    products: Mapping[str, str],
    *,
    record_problems: Iterable[Problem] = (),
    sources_dir: str = "sources",
    converter: Converter | None = None,
    code_base: str | None = None,
    cache: PageCache | None = None,
) -> tuple[list[RenderedPage], list[Problem]]:
    """Every page of docs_dir rendered, and every problem in them. Given the records' problems, a
    page citing a record that failed its checks says so (and where) instead of calling it unknown.
    With a converter, each page's HTML is also read with the build's raw-HTML allowlist."""
    record_problems = list(record_problems)
    invalid = (
        invalid_record_ids(root, sources_dir, records, record_problems) if record_problems else {}
    )
    renderer = PageRenderer(
        records, products, invalid=invalid, docs_dir=docs_dir, code_base=code_base
    )
    pages, problems = [], []
    for page in sorted((root / docs_dir).rglob("*.md")):
        text, unreadable = read_page(page, page.relative_to(root).as_posix())
        problems += unreadable
        if text is None:
            continue
        path = page.relative_to(root).as_posix()
        found = cache.get(path, text) if cache is not None else None
        if found is None:
            found = _render_page(renderer, path, text, converter)
            if cache is not None:
                cache.put(path, text, found)
        rendered, markup_problems = found
        pages.append(rendered)
        problems += rendered.problems + markup_problems
    return pages, problems


def _render_page(
    renderer: PageRenderer, path: str, text: str, converter: Converter | None
) -> tuple[RenderedPage, list[Problem]]:
    """The page rendered, and what the build's raw-HTML allowlist finds in the HTML it becomes."""
    rendered = renderer.render(path, text)
    problems = []
    body = "\n".join(text.split("\n")[rendered.body_line - 1 :])
    if (
        converter is not None
        and allowlist.may_hold_markup(body)
        and not any(p.severity == "error" for p in rendered.problems)
    ):
        # What the build's allowlist reads: the page's HTML as Markdown makes it.
        html = (
            converter.html(rendered.markdown)
            if rendered.stashed is None
            else rendered.stashed.html(rendered.markdown, converter.html)
        )
        problems = allowlist.page_problems(html, rendered.path, text, rendered.body_line)
    return dataclasses.replace(rendered, markdown="", stashed=None), problems


def unused_sources(records: Mapping[str, Record], pages: Iterable[RenderedPage]) -> list[Problem]:
    """A warning for each record that no page cites: it is either waiting for a page or dead."""
    cited = {
        record_id for page in pages for record_id in (*page.citations.record_ids, *page.named_ids)
    }
    return [
        Problem(
            record.at("id"),
            f"no page cites '{record.id}'",
            "Cite it from the page it supports, or delete it if no page needs it",
            "unused-source",
            severity="warning",
        )
        for record in records.values()
        if record.id not in cited
    ]


def stale_sources(records: Iterable[Record], today: dt.date, review_days: int) -> list[Problem]:
    """A warning for each record checked against its official page longer ago than review_days."""
    return [
        Problem(
            record.at("verified_on"),
            f"'{record.id}' was last verified on {record.verified_on}, "
            f"{(today - record.verified_on).days} days ago, which is more than "
            f"review_days ({review_days}) in mkdocs.yml",
            "Check the fact on its official page again, then set verified_on to the date you "
            "checked",
            "stale-source",
            severity="warning",
        )
        for record in records
        if (today - record.verified_on).days > review_days
    ]


def unquoted_sources(records: Iterable[Record]) -> list[Problem]:
    """A note for each record that states facts from a page but quotes none of its words."""
    return [
        Problem(
            record.at("url"),
            f"'{record.id}' has no quote from its page",
            "Add quote: with the words on that page that state its facts, copied exactly as "
            "published (at most about 40 words)",
            "no-quote",
            severity="info",
        )
        for record in records
        if record.kind in QUOTED_KINDS and not record.quote
    ]


def quote_coverage(records: Iterable[Record]) -> tuple[int, int]:
    """(records that carry a quote, records that should): the share a reader can check in a click."""
    expected = [record for record in records if record.kind in QUOTED_KINDS]
    return sum(1 for record in expected if record.quote), len(expected)


def pages_outside_nav(settings: Settings, pages: Iterable[RenderedPage]) -> list[Problem]:
    """Pages MkDocs would warn about (and a strict build stop on) because the nav leaves them out."""
    if settings.nav_pages is None or not settings.omitted_pages_stop_build:
        return []
    # MkDocs reads not_in_nav as .gitignore lines; so does this. Imported only when a site sets
    # it: importing pathspec takes about 40 ms of a `check` that needs well under a second.
    not_in_nav = None
    if settings.not_in_nav:
        from pathspec.gitignore import GitIgnoreSpec

        not_in_nav = GitIgnoreSpec.from_lines(settings.not_in_nav)
    problems = []
    for page in pages:
        in_docs = page.path.removeprefix(settings.docs_dir.rstrip("/") + "/")
        if in_docs in settings.nav_pages or (not_in_nav and not_in_nav.match_file(in_docs)):
            continue
        title = yaml_text(page.meta.get("title", "Page title"))
        problems.append(
            Problem(
                Location(page.path, 1),
                "this page is not in the nav of mkdocs.yml, so the strict build stops",
                f"Add a line such as '- {title}: {in_docs}' under nav in mkdocs.yml",
                "not-in-nav",
            )
        )
    return problems

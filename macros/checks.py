"""Whole-site checks without a build: records, every page, sources nobody cites, stale sources.

Owns: reading the project's settings from mkdocs.yml, running the core over every page, and the
site-wide warnings (unused and stale sources, pages left out of the nav). Does not own: the rules
for one record or page (records.py, pages.py) or MkDocs (it never imports it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pathspec.gitignore import GitIgnoreSpec

from . import allowlist, static_files
from . import yamlnodes as yn
from .frontmatter import read_page
from .kinds import QUOTED_KINDS, Record
from .markdown_html import Converter
from .pages import PageRenderer
from .problems import Location, Problem
from .products import products_without_pages
from .record_urls import DEFAULT_HOSTS
from .records import (
    duplicate_records,
    invalid_record_ids,
    load_records,
)
from .relations import relation_problems
from .rendered_page import RenderedPage
from .repo_links import file_base
from .settings import layout_problems, settings_problems
from .site_rules import site_problems


class _ConfigLoader(yn.FastSafeLoader):
    """Reads mkdocs.yml without running it: tags such as !!python/name are kept as plain text."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


# How old a record's verified_on may get before `check` asks for it to be checked again; the
# beam plugin's `review_days` option in mkdocs.yml overrides it.
DEFAULT_REVIEW_DAYS = 180


@dataclass(frozen=True)
class Settings:
    root: Path
    docs_dir: str
    sources: str
    products: dict[str, str]
    review_days: int = DEFAULT_REVIEW_DAYS
    hosts: tuple[str, ...] = DEFAULT_HOSTS
    # Pages named in `nav`, or None when the site has no nav (MkDocs then lists every page).
    nav_pages: frozenset[str] | None = None
    # True when MkDocs warns about pages left out of the nav (so a strict build stops).
    omitted_pages_stop_build: bool = False
    not_in_nav: tuple[str, ...] = ()
    # The scripts mkdocs.yml lists (extra_javascript): the only scripts under docs/ published.
    own_scripts: tuple[str, ...] = ()
    # markdown_extensions as written in mkdocs.yml, to convert pages as the build does.
    markdown_extensions: tuple[Any, ...] = ()
    # Where code records' files are read on the repository host (repo_links.file_base), or None.
    code_base: str | None = None


def read_mkdocs_yml(root: Path) -> dict[str, Any]:
    """mkdocs.yml as plain data, read without running it or importing MkDocs."""
    return yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}


def read_settings(root: Path) -> Settings:
    config = read_mkdocs_yml(root)
    options: dict[str, Any] = {}
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "beam" in plugin:
            options = plugin["beam"] or {}
    nav = config.get("nav")
    validation = config.get("validation") or {}
    omitted = (validation.get("nav") or {}).get("omitted_files", validation.get("omitted_files"))
    not_in_nav = config.get("not_in_nav") or ""
    return Settings(
        root,
        config.get("docs_dir", "docs"),
        options.get("sources", "sources"),
        dict(options.get("products") or {}),
        review_days=_review_days(options),
        hosts=tuple(options.get("hosts") or DEFAULT_HOSTS),
        nav_pages=frozenset(_nav_pages(nav)) if nav else None,
        omitted_pages_stop_build=omitted == "warn" and bool(config.get("strict")),
        not_in_nav=tuple(str(not_in_nav).splitlines()),
        own_scripts=tuple(
            str(s.get("path", "") if isinstance(s, dict) else s)
            for s in config.get("extra_javascript") or []
        ),
        markdown_extensions=tuple(config.get("markdown_extensions") or []),
        code_base=file_base(config.get("repo_url"), config.get("edit_uri")),
    )


def _review_days(options: Mapping[str, Any]) -> int:
    """review_days as settings.py has checked it (a whole number above 0), or the default."""
    value = options.get("review_days", DEFAULT_REVIEW_DAYS)
    valid = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return value if valid else DEFAULT_REVIEW_DAYS


def yaml_text(value: str) -> str:
    """The value as YAML that reads back as exactly this text (quoted only when it must be)."""
    try:
        plain = yaml.safe_load(f"key: {value}")
    except yaml.YAMLError:
        plain = None
    if plain == {"key": value}:
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted string


def _nav_pages(nav: Any) -> Iterable[str]:
    """Every page path named in a MkDocs nav (nested lists of 'Title: path' entries)."""
    if isinstance(nav, str):
        if nav.endswith(".md") and "://" not in nav:
            yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_pages(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_pages(value)


@dataclass
class SiteReport:
    records: dict[str, Record]
    pages: list[RenderedPage]
    problems: list[Problem]


def check_site(root: Path, today: dt.date | None = None) -> SiteReport:
    """Every problem the build would report about records and pages, plus unused, stale (older
    than review_days on `today`, the real date unless given) and unlisted pages."""
    broken_settings = settings_problems(root / "mkdocs.yml")
    if broken_settings:  # records and pages cannot be read with settings MkDocs would refuse
        return SiteReport({}, [], broken_settings)
    settings = read_settings(root)
    today = today or dt.date.today()
    records, record_problems = load_records(
        root, settings.sources, hosts=settings.hosts, today=today
    )
    problems = list(record_problems)
    docs = root / settings.docs_dir
    problems += layout_problems(root / "mkdocs.yml", docs)
    problems += static_files.docs_problems(docs, root, settings.own_scripts)
    pages, page_problems = render_pages(
        root,
        settings.docs_dir,
        records,
        settings.products,
        record_problems=record_problems,
        sources_dir=settings.sources,
        converter=Converter({"markdown_extensions": list(settings.markdown_extensions)}),
        code_base=settings.code_base,
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
    nav = read_mkdocs_yml(root).get("nav")
    problems += site_problems(root, settings.docs_dir, nav, settings.products, records, pages)
    return SiteReport(records, pages, sorted(problems))


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
        rendered = renderer.render(page.relative_to(root).as_posix(), text)
        pages.append(rendered)
        problems += rendered.problems
        if converter is None:
            continue
        body = "\n".join(text.split("\n")[rendered.body_line - 1 :])
        if allowlist.may_hold_markup(body) and not any(
            p.severity == "error" for p in rendered.problems
        ):
            # What the build's allowlist reads: the page's HTML as Markdown makes it.
            html = converter.html(rendered.markdown)
            problems += allowlist.page_problems(html, rendered.path, text, rendered.body_line)
    return pages, problems


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
    # MkDocs reads not_in_nav as .gitignore lines; so does this.
    not_in_nav = GitIgnoreSpec.from_lines(settings.not_in_nav)
    problems = []
    for page in pages:
        in_docs = page.path.removeprefix(settings.docs_dir.rstrip("/") + "/")
        if in_docs in settings.nav_pages or not_in_nav.match_file(in_docs):
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

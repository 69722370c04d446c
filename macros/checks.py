"""Whole-site checks without a build: records, every page, and sources nobody cites.

Owns: reading the project's settings from mkdocs.yml and running the core over every page.
Does not own: the rules themselves (records.py, pages.py) or MkDocs (it never imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .pages import PageRenderer, RenderedPage
from .problems import Problem
from .records import Record, load_records


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running it: tags such as !!python/name are kept as plain text."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class Settings:
    root: Path
    docs_dir: str
    sources: str
    products: dict[str, str]


def read_settings(root: Path) -> Settings:
    config: dict[str, Any] = (
        yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    )
    options: dict[str, Any] = {}
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "beam" in plugin:
            options = plugin["beam"] or {}
    return Settings(
        root,
        config.get("docs_dir", "docs"),
        options.get("sources", "sources"),
        dict(options.get("products") or {}),
    )


@dataclass
class SiteReport:
    records: dict[str, Record]
    pages: list[RenderedPage]
    problems: list[Problem]


def check_site(root: Path) -> SiteReport:
    """Every problem the build would report about records and pages, plus unused sources."""
    settings = read_settings(root)
    records, problems = load_records(root, settings.sources)
    renderer = PageRenderer(records, settings.products)
    pages = []
    for page in sorted((root / settings.docs_dir).rglob("*.md")):
        rendered = renderer.render(
            page.relative_to(root).as_posix(), page.read_text(encoding="utf-8")
        )
        pages.append(rendered)
        problems += rendered.problems
    return SiteReport(records, pages, sorted(problems))

"""The pages the build generates from the records, as MkDocs files and nav entries.

Owns: the File of a generated sources page (rebuilt in a dirty build only when its text changed)
and putting such a page last in its product's nav section with previous/next links in order.
Does not own: the page's content (sources_page.py) or when it is made (plugin.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page


class RecordsPage(File):
    """A page generated from the records. MkDocs counts a generated page as changed in every
    build; in a dirty build (serve --dirty) this one is rebuilt only when its text changed."""

    unchanged = False

    @classmethod
    def outside_nav(cls, config: MkDocsConfig, uri: str) -> RecordsPage:
        """An empty generated page at `uri`; the adapter fills in its Markdown."""
        file = cls.generated(config, uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
        assert isinstance(file, cls)  # File.generated builds the class it is called on
        return file

    def is_modified(self) -> bool:
        return not (self.unchanged and os.path.isfile(self.abs_dest_path))


def append_to_section(nav: Navigation, title: str, page: Page) -> None:
    """Put a generated page last in the top-level section named `title` (or last in the nav),
    then relink previous/next so the footer's page links stay in order."""
    section = next((i for i in nav.items if isinstance(i, Section) and i.title == title), None)
    if section is None:
        nav.items.append(page)
    else:
        page.parent = section
        section.children.append(page)

    def walk(items: list[Any]) -> Iterator[Page]:
        for item in items:
            if isinstance(item, Section):
                yield from walk(item.children)
            elif item.is_page:
                yield item

    nav.pages[:] = list(walk(nav.items))
    for index, each in enumerate(nav.pages):
        each.previous_page = nav.pages[index - 1] if index else None
        each.next_page = nav.pages[index + 1] if index + 1 < len(nav.pages) else None

"""What `mkdocs serve` keeps from one build to the next, so a rebuild redoes only what an edit
changed; a one-off build starts with it empty.

Owns: keeping record files' parses, the page renderer and each page's render while what they were
made from holds, and the site files' state (site_files.py) between builds. Does not own: how
records are read (records.py), how a page renders (pages.py) or when a build asks (plugin.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .kinds import Record
from .pages import PageRenderer
from .rendered_page import RenderedPage
from .site_files import SiteFiles


@dataclass
class ServeCache:
    records: dict = field(default_factory=dict)  # load_records' cache of record files
    renderer: PageRenderer | None = None  # valid while records, products and code_base hold
    renders: dict[str, tuple[str, RenderedPage]] = field(
        default_factory=dict
    )  # path -> (text, page)
    site_files: SiteFiles = field(default_factory=SiteFiles)

    def use_renderer(
        self,
        records: dict[str, Record],
        products: Mapping[str, str],
        docs_dir: str,
        code_base: str | None,
    ) -> None:
        """Keep the renderer, and the renders, while records, products and code_base hold: a
        rebuild after editing one page then renders that page alone."""
        kept = self.renderer
        if kept is None or (kept.records, kept.products, kept.code_base) != (
            records,
            products,
            code_base,
        ):
            self.renderer = PageRenderer(records, products, docs_dir=docs_dir, code_base=code_base)
            self.renders = {}

    def render(self, path: str, source: str) -> RenderedPage:
        """Render a page once: the build's events share it, and serve reuses it."""
        cached = self.renders.get(path)
        if cached is not None and cached[0] == source:
            return cached[1]
        assert self.renderer is not None, "use_renderer comes first"
        rendered = self.renderer.render(path, source)
        self.renders[path] = (source, rendered)
        return rendered

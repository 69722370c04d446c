"""The MkDocs adapter: hands each page to the pure core and reports its problems to MkDocs.

Owns: MkDocs events, the state one build holds (declared in __init__) and what serve keeps
between builds (serve_cache.py), and publishing a build only when it succeeded (staging folder).
Does not own: any rule about records or pages (records.py, pages.py), markup (render.py), what
the build logs (build_log.py) or generated pages' files and nav entries (generated_pages.py).
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from . import diagrams, highlight_memo, json_ld, page_info, sources_page, static_files
from .body_checks import BodyChecks
from .build_log import log, report, report_freshness, said_plainly, warnings_counted_by_mkdocs
from .builddate import date_builds_from_content
from .checks import render_pages
from .frontmatter import unreadable_pages
from .generated_pages import RecordsPage, append_to_section
from .kinds import Record
from .page_worker import PageWorker
from .pages import PageRenderer
from .problems import Problem, shown_path
from .products import products_without_pages
from .publish import Busy, Staging
from .record_urls import DEFAULT_HOSTS
from .records import duplicate_records, load_records
from .relations import relation_problems
from .rendered_page import RenderedPage
from .repo_links import file_base
from .search_index import kept_sections_of, read_with_lexbor
from .serve_cache import ServeCache
from .settings import DEFAULT_REVIEW_DAYS, layout_problems, problems_by_option
from .shared_icons import SharedIcons
from .site_files import SiteContent, SiteSettings
from .theme_env import prepare_theme


class BeamConfig(base.Config):
    sources = c.Type(str, default="sources")
    products = c.Type(dict, default={})
    review_days = c.Type(int, default=DEFAULT_REVIEW_DAYS)
    hosts = c.ListOfItems(
        c.Type(str), default=list(DEFAULT_HOSTS)
    )  # settings.read_hosts checks them


class BeamPlugin(BasePlugin[BeamConfig]):
    """Renders pages through the core; builds into a staging folder and publishes only on success."""

    def __init__(self) -> None:
        super().__init__()
        self.stage = False  # build into a staging folder (a full build, not serve)
        self.staging: Staging | None = None  # this build's staging folder, once locked
        self.cache = ServeCache()
        self.root = Path()  # the repository: the folder of mkdocs.yml
        # This build's records and pages, set by on_config and on_files.
        self.records: dict[str, Record] = {}
        self.pages: list[page_info.PageInfo] = []
        self.page_info: dict[str, page_info.PageInfo] = {}  # by src_uri
        self.citing: dict[str, list[page_info.PageInfo]] = {}  # record id -> citing pages
        self.sources_pages: dict[str, str] = {}  # product -> its sources page's address
        self.sources_parts: dict[str, sources_page.SourcesPage] = {}  # by src_uri
        self.rendered: dict[str, RenderedPage] = {}  # pages converted so far, by src_uri
        self.page_problems: list[Problem] = []
        # Checks, indexes and minifies pages in a second process on large sites (page_worker.py).
        self.worker = PageWorker()
        self.body_checks = BodyChecks(self.worker)  # the allowlist's check of each page body

    @property
    def renderer(self) -> PageRenderer:
        assert self.cache.renderer is not None, "on_config sets it"
        return self.cache.renderer

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.stage = command in ("build", "gh-deploy") and not dirty

    def load_config(self, options, config_file_path=None):
        """MkDocs' own type messages name no file or line; ours say where and what to write."""
        errors, warnings = super().load_config(options, config_file_path)
        found = problems_by_option(Path(config_file_path)) if config_file_path else []
        report(problem for _, problem in found)
        if found:
            errors = [
                (name or "beam", ValidationError("see the line above; nothing built"))
                for name, _ in found
            ]
        return errors, warnings

    def on_config(self, config):
        self.icons = SharedIcons()  # the theme's icons, one file each instead of inline per page
        prepare_theme(config.theme, self.icons.record)
        highlight_memo.install()  # pages showing the same example share its highlighting
        if "material/search" in config.plugins:  # set up by its own on_config, which runs first
            read_with_lexbor(config.plugins["material/search"], self.worker)
        self.staging = Staging(Path(config.site_dir)) if self.stage else None
        if self.staging is not None:
            try:
                with said_plainly():
                    self.staging.lock()  # before anything is touched: one build per output folder
            except (Busy, PluginError) as busy:
                self.staging = None  # not ours to clean up
                raise PluginError(str(busy)) from None
            with said_plainly():
                self.staging.recover()  # first, so that even a failing build puts the last site back
        self.root = Path(config.config_file_path).resolve().parent
        self.rendered, self.page_problems = {}, []
        self._real_folders: dict[Path, Path] = {}  # for this build: a folder may become a link
        records, problems = load_records(
            self.root, self.config.sources, self.cache.records, hosts=tuple(self.config.hosts)
        )
        problems += duplicate_records(records.values())
        if problems:
            # Nothing will be built; still report every page's problems, as check does, so a
            # page citing a broken record says so rather than calling the id unknown.
            problems += self._page_problems_before_stopping(config, records, problems)
        else:
            problems += unreadable_pages(Path(config.docs_dir), self.root)
        problems += layout_problems(Path(config.config_file_path), Path(config.docs_dir))
        # Files beside the pages are published as they are: check them where they enter.
        problems += static_files.docs_problems(
            Path(config.docs_dir), self.root, (str(script) for script in config.extra_javascript)
        )
        report(problems)
        if problems:
            raise PluginError(
                f"{len(problems)} problem(s) in the source records or pages; nothing was built "
                "and the last good site is untouched. Fix the lines above."
            )
        self.cache.use_renderer(
            records,
            self.config.products,
            shown_path(Path(config.docs_dir), self.root),
            file_base(config.repo_url, config.edit_uri),
        )
        self.records = records
        report_freshness(records.values(), self.config.review_days)
        with said_plainly():
            date_builds_from_content(self.root, records.values())
        if self.staging is not None:
            with said_plainly():
                config.site_dir = str(self.staging.begin())
        return config

    def _page_problems_before_stopping(self, config, records, record_problems) -> list[Problem]:
        """Every page's problems, rendered as check renders them, for a build that stops on
        broken records: pages citing those records say so, and where."""
        docs = Path(config.docs_dir).resolve()
        if not docs.is_relative_to(self.root):
            return unreadable_pages(docs, self.root)
        _, problems = render_pages(
            self.root,
            docs.relative_to(self.root).as_posix(),
            records,
            self.config.products,
            record_problems=record_problems,
            sources_dir=self.config.sources,
        )
        return problems

    def on_page_markdown(self, markdown, page, config, files):
        if page.file.generated_by:  # our sources pages: made from records, not a writer's template
            return markdown
        path = self._repo_path(page.file)
        rendered = self.cache.render(path, page.file.content_string)  # on_files rendered it already
        self.rendered[page.file.src_uri] = rendered
        self.page_problems += rendered.problems
        report(rendered.problems)
        if rendered.stashed is not None:  # on_page_content sets the generated HTML back in
            return rendered.stashed.markdown_to_convert(rendered.markdown)
        return rendered.markdown

    def _repo_path(self, file: File) -> str:
        """The page as writers name it in messages: relative to the repository, e.g. docs/x.md."""
        if file.abs_src_path is None:
            return file.src_uri
        path = Path(file.abs_src_path)
        if path.is_symlink():
            return path.resolve().relative_to(self.root).as_posix()
        # Where its folder really is: resolved once per folder, not once per page.
        folder = self._real_folders.get(path.parent)
        if folder is None:
            folder = self._real_folders[path.parent] = path.parent.resolve()
        return (folder / path.name).relative_to(self.root).as_posix()

    def on_env(self, env, config, files):
        # Every page is converted and none written yet: collect the allowlist's findings (waiting
        # for any the worker has not finished) and stop here if a page broke a rule.
        checked = self.body_checks.problems()
        self.page_problems += checked
        report(checked)
        errors = [p for p in self.page_problems if p.severity == "error"]
        if errors:
            raise PluginError(
                f"{len(errors)} problem(s) in pages; nothing was published. Fix the lines above."
            )
        return env

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, config):
        self.worker.finish()  # every page minified before anything reads or publishes the site
        self.icons.write(Path(config.site_dir))
        self.cache.site_files.write(
            SiteContent(
                Path(config.site_dir),
                _site_settings(config),
                self.pages,
                self.records,
                self.config.products,
                self.sources_pages,
                self.citing,
                keep=self.staging is None,
            )
        )
        if self.staging is None:
            return
        if config.strict and warnings_counted_by_mkdocs():
            # MkDocs aborts after this event; keep the last good site where it is.
            self.staging.discard()
            return
        with said_plainly():
            self.staging.publish()
        config.site_dir = str(self.staging.final)

    # --- site outputs: page_info, sources_page, json_ld, diagrams make them; these hand data over

    def on_files(self, files, config):
        """Render every page once for the reverse index, then add a sources page per product."""
        self.pages = []
        documentation = files.documentation_pages()
        self.worker.start(len(documentation), partial(kept_sections_of, []))
        self.body_checks = BodyChecks(self.worker)
        for file in documentation:
            source = file.content_string  # read from disk at every use: read once, keep once
            rendered = self.cache.render(self._repo_path(file), source)
            title = page_info.page_title(rendered, file.src_uri)
            self.pages.append(
                page_info.PageInfo(file.src_uri, file.url, file.dest_uri, title, rendered, source)
            )
        self.page_info = {page.src_uri: page for page in self.pages}
        empty = products_without_pages(
            Path(config.config_file_path),
            self.config.products,
            shown_path(Path(config.docs_dir), self.root),
            (file.src_uri for file in files.documentation_pages()),
        )
        report(empty)
        self.page_problems += empty
        # Checked here, where every page is rendered: a relation has two ends.
        related = relation_problems(
            [page.rendered for page in self.pages],
            self.config.products,
            shown_path(Path(config.docs_dir), self.root),
        )
        report(related)
        self.page_problems += related
        self.citing = page_info.citing_pages(self.pages)
        self.sources_pages, self.sources_parts = {}, {}
        self.cache.site_files.start(_site_settings(config), self.renderer, self.pages)
        for product, name in self.config.products.items():
            uri = page_info.sources_page_uri(product)
            if files.get_file_from_path(uri) is not None:
                log.warning(f"docs/{uri} is generated from the source records; remove that file.")
                continue
            file = RecordsPage.outside_nav(config, uri)
            records = [r for r in self.records.values() if r.product == product]
            parts, file.unchanged = self.cache.site_files.sources_page(
                uri,
                partial(
                    sources_page.sources_page,
                    name,
                    records,
                    self.citing,
                    file.url,
                    self.renderer.code_base,
                ),
            )
            file.content_string = parts.markdown  # the records are set in after conversion
            self.sources_parts[file.src_uri] = parts
            files.append(file)
            self.sources_pages[product] = file.url
        return files

    def on_nav(self, nav, config, files):
        for product, name in self.config.products.items():
            file = files.get_file_from_path(page_info.sources_page_uri(product))
            if file is not None and file.generated_by and file.page is not None:
                append_to_section(nav, name, file.page)
        return nav

    def on_page_content(self, html, page, config, files):
        # The trust boundary: the page's HTML, before the theme wraps it, against the allowlist.
        rendered = self.rendered.get(page.file.src_uri)
        if rendered is not None and rendered.stashed is not None:
            html = self._with_generated_html(html, page, rendered, config, files)
        if rendered is not None and any(p.severity == "error" for p in rendered.problems):
            problems = []  # refused already, so never published; as in `check`, one cause one message
        elif rendered is not None:
            problems = self.body_checks.check(
                html, rendered.path, page.file.content_string, rendered.body_line
            )
        else:  # a sources page, made from the records by the generator
            parts = self.sources_parts.get(page.file.src_uri)
            whole = parts.fill(html) if parts is not None else html
            problems = self.body_checks.check(whole, page.file.src_uri, "", 1)
            if parts is not None and getattr(page, "present_anchor_ids", None) is not None:
                page.present_anchor_ids |= parts.anchors  # links to a record stay checked
        self.page_problems += problems
        report(problems)

        def load(path: str) -> str | None:
            file = files.get_file_from_path(path)
            return (
                file.content_string
                if file is not None and not file.is_documentation_page()
                else None
            )

        return diagrams.inline_svg_images(html, page.url, load)

    @staticmethod
    def _with_generated_html(html, page, rendered: RenderedPage, config, files) -> str:
        """The page's HTML with the markers and Sources cited set in where their stand-ins are."""
        assert rendered.stashed is not None
        # The page's one Markdown again, not a copy with stand-ins kept for every page to the end.
        page.markdown = rendered.markdown
        filled = rendered.stashed.fill(html, rendered.markdown)
        if filled is None:  # conversion lost or repeated a stand-in: convert the page whole
            page.render(config, files)
            return page.content
        if page.present_anchor_ids is not None:  # links to a marker or an entry stay checked
            page.present_anchor_ids |= rendered.stashed.anchors(rendered.markdown)
        return filled

    @event_priority(-100)  # after the search plugin has indexed the page
    def on_page_context(self, context, page, config, nav):
        parts = self.sources_parts.get(page.file.src_uri)
        if parts is not None:  # checked with the page in on_page_content; not for the index
            page.content = parts.fill(page.content)
        # A how-to's structured data, which overrides/main.html writes with `| tojson`.
        context["beam_json_ld"] = None
        info = self.page_info.get(page.file.src_uri)
        if info is not None and info.type == "how-to":
            context["beam_json_ld"] = json_ld.tech_article(
                info,
                self.records,
                config.site_name,
                config.site_url,
                self.config.products.get(info.product, info.product),
                os.environ.get("SOURCE_DATE_EPOCH"),
            )
        return context

    @event_priority(-100)  # the theme and every other plugin have written the page
    def on_post_page(self, output, page, config):
        # The page's path to the site's root, as MkDocs gives it to the theme as base_url.
        output = self.icons.shared(output, get_relative_url(".", page.url))
        return self.worker.minified(output, page.file.abs_dest_path)

    def on_build_error(self, error):
        self.worker.abandon()
        if self.staging is not None:
            self.staging.discard()

    def on_serve(self, server, config, builder):
        for folder in (self.root / self.config.sources, self.root / "examples"):
            if folder.is_dir():
                server.watch(str(folder))
        return server


def _site_settings(config) -> SiteSettings:
    return SiteSettings(
        config.site_name,
        config.site_description or "",
        config.site_url,
        config.use_directory_urls,
        file_base(config.repo_url, config.edit_uri),
    )

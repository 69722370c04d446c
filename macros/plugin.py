"""The MkDocs adapter: hands each page to the pure core and reports its problems to MkDocs.

Owns: MkDocs events, logging, and publishing a build only when it succeeded (staging folder).
Does not own: any rule about records or pages (records.py, pages.py) or markup (render.py).
"""

from __future__ import annotations

import datetime
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Section
from mkdocs.utils import CountHandler

from . import allowlist, diagrams, json_ld, minify, page_info, sources_page, static_files
from .builddate import BadBuildDate, date_builds_from_content
from .checks import DEFAULT_REVIEW_DAYS, render_pages, stale_sources, unquoted_sources
from .frontmatter import read_page
from .pages import PageRenderer
from .problems import Problem
from .products import products_without_pages
from .publish import Busy, OutputNotWritable, Staging
from .record_urls import DEFAULT_HOSTS
from .records import duplicate_records, load_records
from .relations import relation_problems
from .rendered_page import RenderedPage
from .repo_links import file_base
from .settings import layout_problems, problems_by_option
from .site_files import SiteFiles, SiteSettings

# Under the "mkdocs." namespace so that `mkdocs build --strict` counts these messages.
log = logging.getLogger("mkdocs.plugins.beam")


class BeamConfig(base.Config):
    sources = c.Type(str, default="sources")
    products = c.Type(dict, default={})
    review_days = c.Type(int, default=DEFAULT_REVIEW_DAYS)
    hosts = c.ListOfItems(
        c.Type(str), default=list(DEFAULT_HOSTS)
    )  # settings.read_hosts checks them


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class BeamPlugin(BasePlugin[BeamConfig]):
    """Renders pages through the core; builds into a staging folder and publishes only on success."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.stage = command in ("build", "gh-deploy") and not dirty

    def load_config(self, options, config_file_path=None):
        """MkDocs' own type messages name no file or line; ours say where and what to write."""
        errors, warnings = super().load_config(options, config_file_path)
        found = problems_by_option(Path(config_file_path)) if config_file_path else []
        _report([problem for _, problem in found])
        if found:
            errors = [
                (name or "beam", ValidationError("see the line above; nothing built"))
                for name, _ in found
            ]
        return errors, warnings

    def on_config(self, config):
        self.staging = Staging(Path(config.site_dir)) if getattr(self, "stage", False) else None
        if self.staging is not None:
            try:
                with _said_plainly():
                    self.staging.lock()  # before anything is touched: one build per output folder
            except (Busy, PluginError) as busy:
                self.staging = None  # not ours to clean up
                raise PluginError(str(busy)) from None
            with _said_plainly():
                self.staging.recover()  # first, so that even a failing build puts the last site back
        # Kept across serve rebuilds, so a rebuild redoes only what an edit changed.
        self.site_files = getattr(self, "site_files", None) or SiteFiles()
        self.root = Path(config.config_file_path).resolve().parent
        self.rendered: dict[str, RenderedPage] = {}
        self.page_problems: list[Problem] = []
        # serve keeps the cache, so a rebuild reads only the record files that changed
        self.records_cache: dict = getattr(self, "records_cache", {})
        records, problems = load_records(
            self.root, self.config.sources, self.records_cache, hosts=tuple(self.config.hosts)
        )
        problems += duplicate_records(records.values())
        if problems:
            # Nothing will be built; still report every page's problems, as check does, so a
            # page citing a broken record says so rather than calling the id unknown.
            problems += self._page_problems_before_stopping(config, records, problems)
        else:
            problems += _unreadable_pages(Path(config.docs_dir), self.root)
        problems += layout_problems(Path(config.config_file_path), Path(config.docs_dir))
        # Files beside the pages are published as they are: check them where they enter.
        problems += static_files.docs_problems(
            Path(config.docs_dir), self.root, (str(script) for script in config.extra_javascript)
        )
        _report(problems)
        if problems:
            raise PluginError(
                f"{len(problems)} problem(s) in the source records or pages; nothing was built "
                "and the last good site is untouched. Fix the lines above."
            )
        renderer = getattr(self, "renderer", None)
        code_base = file_base(config.repo_url, config.edit_uri)
        if renderer is None or (renderer.records, renderer.products, renderer.code_base) != (
            records,
            self.config.products,
            code_base,
        ):
            # Renders hold only while records and products stay the same; serve keeps them, so a
            # rebuild after editing one page renders that page alone.
            self.renderer = PageRenderer(
                records,
                self.config.products,
                docs_dir=_shown(Path(config.docs_dir), self.root),
                code_base=code_base,
            )
            self.render_cache: dict[str, tuple[str, RenderedPage]] = {}
        self.records = records
        _report_freshness(records.values(), self.config.review_days)
        with _said_plainly():
            date_builds_from_content(self.root, records.values())
        self.counter = _Counter()
        logging.getLogger("mkdocs").addHandler(self.counter)
        self.strict = bool(config.strict)
        if self.staging is not None:
            with _said_plainly():
                config.site_dir = str(self.staging.begin())
        return config

    def _page_problems_before_stopping(self, config, records, record_problems) -> list[Problem]:
        """Every page's problems, rendered as check renders them, for a build that stops on
        broken records: pages citing those records say so, and where."""
        docs = Path(config.docs_dir).resolve()
        if not docs.is_relative_to(self.root):
            return _unreadable_pages(docs, self.root)
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
        rendered = self._render(path, page.file.content_string)  # on_files rendered it already
        self.rendered[page.file.src_uri] = rendered
        self.page_problems += rendered.problems
        _report(rendered.problems)
        return rendered.markdown

    def _repo_path(self, file: File) -> str:
        """The page as writers name it in messages: relative to the repository, e.g. docs/x.md."""
        if file.abs_src_path is None:
            return file.src_uri
        return Path(file.abs_src_path).resolve().relative_to(self.root).as_posix()

    def _render(self, path: str, source: str) -> RenderedPage:
        """Render a page once: on_files and on_page_markdown share it, and serve reuses it."""
        cached = self.render_cache.get(path)
        if cached is not None and cached[0] == source:
            return cached[1]
        rendered = self.renderer.render(path, source)
        self.render_cache[path] = (source, rendered)
        return rendered

    def on_env(self, env, config, files):
        errors = [p for p in self.page_problems if p.severity == "error"]
        if errors:
            raise PluginError(
                f"{len(errors)} problem(s) in pages; nothing was published. Fix the lines above."
            )
        return env

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, config):
        self.site_files.write(
            Path(config.site_dir),
            _site_settings(config),
            self.pages,
            self.records,
            self.config.products,
            self.sources_pages,
            self.citing,
            keep=self.staging is None,
        )
        logging.getLogger("mkdocs").removeHandler(self.counter)
        if self.staging is None:
            return
        if self.strict and (self.counter.count or _warnings_counted_by_mkdocs()):
            # MkDocs aborts after this event; keep the last good site where it is.
            self.staging.discard()
            return
        with _said_plainly():
            self.staging.publish()
        config.site_dir = str(self.staging.final)

    # --- site outputs: page_info, sources_page, json_ld, diagrams make them; these hand data over

    def on_files(self, files, config):
        """Render every page once for the reverse index, then add a sources page per product."""
        self.pages = []
        for file in files.documentation_pages():
            rendered = self._render(self._repo_path(file), file.content_string)
            title = page_info.page_title(rendered, file.src_uri)
            self.pages.append(
                page_info.PageInfo(
                    file.src_uri, file.url, file.dest_uri, title, rendered, file.content_string
                )
            )
        self.page_info = {page.src_uri: page for page in self.pages}
        empty = products_without_pages(
            Path(config.config_file_path),
            self.config.products,
            _shown(Path(config.docs_dir), self.root),
            (file.src_uri for file in files.documentation_pages()),
        )
        _report(empty)
        self.page_problems += empty
        # Checked here, where every page is rendered: a relation has two ends.
        related = relation_problems(
            [page.rendered for page in self.pages],
            self.config.products,
            _shown(Path(config.docs_dir), self.root),
        )
        _report(related)
        self.page_problems += related
        self.citing = page_info.citing_pages(self.pages)
        self.sources_pages = {}
        self.sources_parts: dict[str, sources_page.SourcesPage] = {}
        self.site_files.start(_site_settings(config), self.renderer, self.pages)
        for product, name in self.config.products.items():
            uri = page_info.sources_page_uri(product)
            if files.get_file_from_path(uri) is not None:
                log.warning(f"docs/{uri} is generated from the source records; remove that file.")
                continue
            file = _RecordsPage.generated(
                config, uri, content="", inclusion=InclusionLevel.NOT_IN_NAV
            )
            assert isinstance(file, _RecordsPage)  # File.generated builds the class it is called on
            records = [r for r in self.records.values() if r.product == product]
            parts, file.unchanged = self.site_files.sources_page(
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
                _append_to_section(nav, name, file.page)
        return nav

    def on_page_content(self, html, page, config, files):
        # The trust boundary: the page's HTML, before the theme wraps it, against the allowlist.
        rendered = self.rendered.get(page.file.src_uri)
        if rendered is not None and any(p.severity == "error" for p in rendered.problems):
            problems = []  # refused already, so never published; as in `check`, one cause one message
        elif rendered is not None:
            problems = allowlist.page_problems(
                html, rendered.path, page.file.content_string, rendered.body_line
            )
        else:  # a sources page, made from the records by the generator
            parts = self.sources_parts.get(page.file.src_uri)
            whole = parts.fill(html) if parts is not None else html
            problems = allowlist.page_problems(whole, page.file.src_uri, "", 1)
            if parts is not None and getattr(page, "present_anchor_ids", None) is not None:
                page.present_anchor_ids |= parts.anchors  # links to a record stay checked
        self.page_problems += problems
        _report(problems)

        def load(path: str) -> str | None:
            file = files.get_file_from_path(path)
            return (
                file.content_string
                if file is not None and not file.is_documentation_page()
                else None
            )

        return diagrams.inline_svg_images(html, page.url, load)

    @event_priority(-100)  # after the search plugin has indexed the page
    def on_page_context(self, context, page, config, nav):
        parts = getattr(self, "sources_parts", {}).get(page.file.src_uri)
        if parts is not None:  # checked with the page in on_page_content; not for the index
            page.content = parts.fill(page.content)
        # A how-to's structured data, which overrides/main.html writes with `| tojson`.
        context["beam_json_ld"] = None
        info = getattr(self, "page_info", {}).get(page.file.src_uri)
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
        return minify.page(output)

    def on_build_error(self, error):
        logging.getLogger("mkdocs").removeHandler(getattr(self, "counter", logging.NullHandler()))
        staging = getattr(self, "staging", None)
        if staging is not None:
            staging.discard()

    def on_serve(self, server, config, builder):
        for folder in (self.root / self.config.sources, self.root / "examples"):
            if folder.is_dir():
                server.watch(str(folder))
        return server


def _report_freshness(records, review_days: int) -> None:
    """Say how many records are due for a new check, and how many lack a quote. Info, not a
    warning: neither the calendar nor a missing quote may stop a strict build (and so a deploy);
    `python -m macros check` lists each one."""
    stale = stale_sources(records, datetime.date.today(), review_days)
    if stale:
        log.info(
            f"{len(stale)} source record(s) were last verified more than {review_days} days ago "
            "(review_days in mkdocs.yml); 'python -m macros check' lists them."
        )
    unquoted = unquoted_sources(records)
    if unquoted:
        log.info(
            f"{len(unquoted)} source record(s) have no quote from their page; "
            "'python -m macros check' lists them."
        )


@contextmanager
def _said_plainly() -> Iterator[None]:
    """The build's surroundings (output folder, SOURCE_DATE_EPOCH) as MkDocs errors: a message,
    never a traceback."""
    try:
        yield
    except (OutputNotWritable, BadBuildDate) as error:
        raise PluginError(str(error)) from None


def _report(problems: list[Problem]) -> None:
    # A note (severity "info") is for `check` alone; the build only counts them.
    loggers = {"error": log.error, "warning": log.warning}
    for problem in problems:
        loggers.get(problem.severity, log.debug)(str(problem))


def _append_to_section(nav, title: str, page) -> None:
    """Put a generated page last in the top-level section named `title` (or last in the nav),
    then relink previous/next so the footer's page links stay in order."""
    section = next((i for i in nav.items if isinstance(i, Section) and i.title == title), None)
    if section is None:
        nav.items.append(page)
    else:
        page.parent = section
        section.children.append(page)

    def walk(items):
        for item in items:
            if isinstance(item, Section):
                yield from walk(item.children)
            elif item.is_page:
                yield item

    nav.pages[:] = list(walk(nav.items))
    for index, each in enumerate(nav.pages):
        each.previous_page = nav.pages[index - 1] if index else None
        each.next_page = nav.pages[index + 1] if index + 1 < len(nav.pages) else None


class _RecordsPage(File):
    """A page generated from the records. MkDocs counts a generated page as changed in every
    build; in a dirty build (serve --dirty) this one is rebuilt only when its text changed."""

    unchanged = False

    def is_modified(self) -> bool:
        return not (self.unchanged and os.path.isfile(self.abs_dest_path))


def _unreadable_pages(docs: Path, root: Path) -> list[Problem]:
    """Pages MkDocs could not read (it would stop with a traceback), as problems at their lines."""
    problems = []
    for page in sorted(docs.rglob("*.md")):
        problems += read_page(page, _shown(page, root))[1]
    return problems


def _warnings_counted_by_mkdocs() -> int:
    """MkDocs' own count of this build's warnings, which stops a strict build right after us.

    Our counter starts in on_config; a warning logged before it (by MkDocs or an earlier plugin)
    would otherwise let us publish a build that MkDocs then reports as failed.
    """
    handlers = logging.getLogger("mkdocs").handlers
    return sum(n for h in handlers if isinstance(h, CountHandler) for _, n in h.get_counts())


def _shown(folder: Path, root: Path) -> str:
    """The output folder as a writer would name it: relative to the repository when inside it."""
    folder = folder.resolve()
    return folder.relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder)


def _site_settings(config) -> SiteSettings:
    return SiteSettings(
        config.site_name,
        config.site_description or "",
        config.site_url,
        config.use_directory_urls,
        file_base(config.repo_url, config.edit_uri),
    )

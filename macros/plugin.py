"""The MkDocs adapter: hands each page to the pure core and reports its problems to MkDocs.

Owns: MkDocs events, logging, and publishing a build only when it succeeded (staging folder).
Does not own: any rule about records or pages (records.py, pages.py) or markup (render.py).
"""

from __future__ import annotations

import datetime
import logging
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.nav import Section
from mkdocs.utils import CountHandler

from . import outputs
from .builddate import content_epoch
from .checks import DEFAULT_REVIEW_DAYS, stale_sources
from .pages import PageRenderer, RenderedPage, read_page
from .problems import Problem
from .records import load_records
from .safety import SiteLayout, scan_site, theme_inline_scripts
from .settings import problems_by_option

# Under the "mkdocs." namespace so that `mkdocs build --strict` counts these messages.
log = logging.getLogger("mkdocs.plugins.beam")


class BeamConfig(base.Config):
    sources = c.Type(str, default="sources")
    products = c.Type(dict, default={})
    review_days = c.Type(int, default=DEFAULT_REVIEW_DAYS)


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
            errors = [(name or "beam", "see the line above; nothing built") for name, _ in found]
        return errors, warnings

    def on_config(self, config):
        if getattr(self, "stage", False):
            _recover_interrupted_publish(Path(config.site_dir))
        self.root = Path(config.config_file_path).resolve().parent
        self.rendered: dict[str, RenderedPage] = {}
        self.built_from: dict[str, str] = {}  # built file -> writer's page, for safety messages
        self.page_problems: list[Problem] = []
        # serve keeps the cache, so a rebuild reads only the record files that changed
        self.records_cache: dict = getattr(self, "records_cache", {})
        records, problems = load_records(self.root, self.config.sources, self.records_cache)
        problems += _unreadable_pages(Path(config.docs_dir), self.root)
        _report(problems)
        if problems:
            raise PluginError(
                f"{len(problems)} problem(s) in the source records or pages; nothing was built "
                "and the last good site is untouched. Fix the lines above."
            )
        renderer = getattr(self, "renderer", None)
        if renderer is None or (renderer.records, renderer.products) != (
            records,
            self.config.products,
        ):
            # Renders hold only while records and products stay the same; serve keeps them, so a
            # rebuild after editing one page renders that page alone.
            self.renderer = PageRenderer(records, self.config.products)
            self.render_cache: dict[str, tuple[str, RenderedPage]] = {}
        self.records = records
        _report_freshness(records.values(), self.config.review_days)
        _date_builds_from_content(self.root, records.values())
        self.counter = _Counter()
        logging.getLogger("mkdocs").addHandler(self.counter)
        self.strict = bool(config.strict)
        if getattr(self, "stage", False):
            self.final_dir = Path(config.site_dir)
            self.staging_dir = self.final_dir.with_name(self.final_dir.name + ".building")
            shutil.rmtree(self.staging_dir, ignore_errors=True)
            config.site_dir = str(self.staging_dir)
        return config

    def on_page_markdown(self, markdown, page, config, files):
        if page.file.generated_by:  # our sources pages: made from records, not a writer's template
            return markdown
        path = self._repo_path(page.file)
        rendered = self._render(path, page.file.content_string)  # on_files rendered it already
        self.rendered[page.file.src_uri] = rendered
        self.built_from[page.file.dest_uri] = path
        self.page_problems += rendered.problems
        _report(rendered.problems)
        return rendered.markdown

    def _outputs_key(self, config) -> tuple:
        """Everything sources pages, sources.json and llms.txt are made from: the records (one
        renderer per set), the site's settings, and each page's place, title and citations."""
        return (
            self.renderer,
            config.site_name,
            config.site_description,
            config.site_url,
            config.use_directory_urls,
            tuple(
                (p.src_uri, p.url, p.dest_uri, p.title, p.type, p.product, p.summary)
                + tuple(p.record_ids)
                for p in self.pages
            ),
        )

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
        self._write_site_outputs(config)
        self._refuse_unsafe_html(config)
        logging.getLogger("mkdocs").removeHandler(self.counter)
        if not getattr(self, "stage", False):
            return
        if self.strict and (self.counter.count or _warnings_counted_by_mkdocs()):
            # MkDocs aborts after this event; keep the last good site where it is.
            shutil.rmtree(self.staging_dir, ignore_errors=True)
            return
        _publish(self.staging_dir, self.final_dir)
        config.site_dir = str(self.final_dir)

    # --- site outputs: macros/outputs.py makes them; these events only hand data over ---------

    def on_files(self, files, config):
        """Render every page once for the reverse index, then add a sources page per product."""
        self.pages = []
        for file in files.documentation_pages():
            rendered = self._render(self._repo_path(file), file.content_string)
            title = outputs.page_title(rendered, file.src_uri)
            self.pages.append(
                outputs.PageInfo(file.src_uri, file.url, file.dest_uri, title, rendered)
            )
        self.page_info = {page.src_uri: page for page in self.pages}
        self.citing = outputs.citing_pages(self.pages)
        self.sources_pages = {}
        self.sources_text: dict[str, str] = getattr(self, "sources_text", {})  # kept by serve
        # Site-wide outputs are remade only when what they are made from changed (serve).
        key = self._outputs_key(config)
        self.outputs_reused = key == getattr(self, "outputs_key", None)
        self.outputs_key = key
        for product, name in self.config.products.items():
            uri = outputs.sources_page_uri(product)
            if files.get_file_from_path(uri) is not None:
                log.warning(f"docs/{uri} is generated from the source records; remove that file.")
                continue
            file = _RecordsPage.generated(
                config, uri, content="", inclusion=InclusionLevel.NOT_IN_NAV
            )
            text = previous = self.sources_text.get(uri)
            if text is None or not self.outputs_reused:
                records = [r for r in self.records.values() if r.product == product]
                text = outputs.sources_page_markdown(name, records, self.citing, file.url)
            file.content_string = text
            file.unchanged = previous == text
            self.sources_text[uri] = text
            files.append(file)
            self.sources_pages[product] = file.url
        return files

    def on_nav(self, nav, config, files):
        for product, name in self.config.products.items():
            file = files.get_file_from_path(outputs.sources_page_uri(product))
            if file is not None and file.generated_by and file.page is not None:
                _append_to_section(nav, name, file.page)
        return nav

    def on_page_content(self, html, page, config, files):
        def load(path: str) -> str | None:
            file = files.get_file_from_path(path)
            return (
                file.content_string
                if file is not None and not file.is_documentation_page()
                else None
            )

        return outputs.inline_svg_images(html, page.url, load)

    def on_page_context(self, context, page, config, nav):
        # Always overwritten, so front matter cannot put its own markup into <head>.
        page.meta["beam_json_ld"] = ""
        info = getattr(self, "page_info", {}).get(page.file.src_uri)
        if info is not None and info.type == "how-to":
            article = outputs.tech_article(
                info,
                self.records,
                config.site_name,
                config.site_url,
                self.config.products.get(info.product, info.product),
                os.environ.get("SOURCE_DATE_EPOCH"),
            )
            page.meta["beam_json_ld"] = outputs.json_ld_script(article)
        return context

    def _write_site_outputs(self, config) -> None:
        """sources.json, llms.txt and each page's Markdown, into the folder being built."""
        site = Path(config.site_dir)
        products, records = self.config.products, self.records
        if not (self.outputs_reused and hasattr(self, "site_texts")):
            self.site_texts = {
                outputs.SOURCES_JSON: outputs.sources_json(
                    config.site_name,
                    config.site_url,
                    records.values(),
                    self.citing,
                    self.sources_pages,
                ),
                outputs.LLMS_TXT: outputs.llms_txt(
                    config.site_name,
                    config.site_description or "",
                    config.site_url,
                    self.pages,
                    products,
                    self.sources_pages,
                ),
            }
        for name, text in self.site_texts.items():
            (site / name).write_text(text, encoding="utf-8")
        # Serve keeps each page's Markdown while the page and records are the same; a dirty
        # rebuild then leaves the files it wrote before alone. A one-off build keeps nothing.
        earlier = getattr(self, "markdown_outputs", {})
        self.markdown_outputs = {}
        keep = not getattr(self, "stage", False)
        for page in self.pages:
            target = site / page.markdown_uri
            key = (page, self.renderer, config.site_url)
            cached = earlier.get(page.markdown_uri)
            if cached is not None and cached[0] == key:
                text = cached[1]
                self.markdown_outputs[page.markdown_uri] = cached
                if target.is_file():
                    continue
            else:
                text = outputs.page_markdown(page, records, config.site_url)
                if keep:
                    self.markdown_outputs[page.markdown_uri] = (key, text)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    def _refuse_unsafe_html(self, config) -> None:
        """Scan every built page before it can be published (macros/safety.py holds the rules)."""
        site = Path(config.site_dir)
        final = getattr(self, "final_dir", site)
        layout = SiteLayout(
            shown_as=_shown(final, self.root),
            base_path=urlsplit(config.site_url or "").path,
            files=frozenset(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()),
            built_from=self.built_from,
            theme_scripts=theme_inline_scripts(Path(d) for d in config.theme.dirs),
            own_scripts=frozenset(str(script) for script in config.extra_javascript),
        )
        pages = self._pages_to_scan(site, layout)
        problems = scan_site(site, layout, pages)
        _report(problems)
        if problems:
            raise PluginError(
                f"{len(problems)} unsafe thing(s) in the built pages; nothing was published "
                "and the last good site is untouched. Fix the lines above."
            )
        self.scanned_clean.update((page, _file_state(page)) for page in pages)

    def _pages_to_scan(self, site: Path, layout: SiteLayout) -> list[Path]:
        """Every built page, but for pages serve already found clean and has not rewritten since
        (same file, same rules): a rebuild after one edit scans the pages it wrote, not all."""
        rules = (layout.base_path, layout.files, layout.theme_scripts, layout.own_scripts)
        if rules != getattr(self, "scan_rules", None):
            self.scan_rules, self.scanned_clean = rules, {}
        return [
            page
            for page in site.rglob("*.html")
            if self.scanned_clean.get(page) != _file_state(page)
        ]

    def on_build_error(self, error):
        logging.getLogger("mkdocs").removeHandler(getattr(self, "counter", logging.NullHandler()))
        if getattr(self, "stage", False) and hasattr(self, "staging_dir"):
            shutil.rmtree(self.staging_dir, ignore_errors=True)

    def on_serve(self, server, config, builder):
        for folder in (self.root / self.config.sources, self.root / "examples"):
            if folder.is_dir():
                server.watch(str(folder))
        return server


def _report_freshness(records, review_days: int) -> None:
    """Say how many records are due for a new check. Info, not a warning: the calendar alone must
    not stop a strict build (and so a deploy); `python -m macros check` lists each one."""
    stale = stale_sources(records, datetime.date.today(), review_days)
    if stale:
        log.info(
            f"{len(stale)} source record(s) were last verified more than {review_days} days ago "
            "(review_days in mkdocs.yml); 'python -m macros check' lists them."
        )


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        (log.error if problem.severity == "error" else log.warning)(str(problem))


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


def _file_state(path: Path) -> tuple[int, int, int]:
    """What changes when a file is rewritten: modification time, size and inode."""
    state = path.stat()
    return state.st_mtime_ns, state.st_size, state.st_ino


def _publish(staging: Path, final: Path) -> None:
    """Swap the finished build into place; the old site survives until the new one is complete."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


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


def _recover_interrupted_publish(final: Path) -> None:
    """A build stopped between _publish's two renames leaves only `<site>.old`: put it back."""
    old = final.with_name(final.name + ".old")
    if old.is_dir() and not final.exists():
        old.rename(final)


def _shown(folder: Path, root: Path) -> str:
    """The output folder as a writer would name it: relative to the repository when inside it."""
    folder = folder.resolve()
    return folder.relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder)


_EPOCH_WE_SET: list[str] = []  # the SOURCE_DATE_EPOCH this process chose, told apart from a user's


def _date_builds_from_content(root: Path, records) -> None:
    """MkDocs dates sitemap.xml (and its .gz header) by SOURCE_DATE_EPOCH, else by the clock.

    Unless the caller set it, take it from the content so two builds of one commit match byte
    for byte: the last commit's time, or the newest verified_on outside a git checkout.
    """
    chosen = os.environ.get("SOURCE_DATE_EPOCH")
    if chosen is not None and chosen not in _EPOCH_WE_SET:
        return
    epoch = content_epoch(root, records)
    if epoch is not None:
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        _EPOCH_WE_SET.append(str(epoch))

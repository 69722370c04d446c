"""The MkDocs adapter: hands each page to the pure core and reports its problems to MkDocs.

Owns: MkDocs events, logging, and publishing a build only when it succeeded (staging folder).
Does not own: any rule about records or pages (records.py, pages.py) or markup (render.py).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from .pages import PageRenderer, RenderedPage
from .problems import Problem
from .records import load_records

# Under the "mkdocs." namespace so that `mkdocs build --strict` counts these messages.
log = logging.getLogger("mkdocs.plugins.beam")


class BeamConfig(base.Config):
    sources = c.Type(str, default="sources")
    products = c.Type(dict, default={})


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

    def on_config(self, config):
        self.root = Path(config.config_file_path).resolve().parent
        self.rendered: dict[str, RenderedPage] = {}
        self.page_problems: list[Problem] = []
        records, problems = load_records(self.root, self.config.sources)
        _report(problems)
        if problems:
            raise PluginError(
                f"{len(problems)} problem(s) in the source records; nothing was built "
                "and the last good site is untouched. Fix the lines above."
            )
        self.renderer = PageRenderer(records, self.config.products)
        self.records = records
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
        path = Path(page.file.abs_src_path).resolve().relative_to(self.root).as_posix()
        rendered = self.renderer.render(path, page.file.content_string)
        self.rendered[page.file.src_uri] = rendered
        self.page_problems += rendered.problems
        _report(rendered.problems)
        return rendered.markdown

    def on_env(self, env, config, files):
        errors = [p for p in self.page_problems if p.severity == "error"]
        if errors:
            raise PluginError(
                f"{len(errors)} problem(s) in pages; nothing was published. Fix the lines above."
            )
        return env

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, config):
        logging.getLogger("mkdocs").removeHandler(self.counter)
        if not getattr(self, "stage", False):
            return
        if self.strict and self.counter.count:
            # MkDocs aborts after this event; keep the last good site where it is.
            shutil.rmtree(self.staging_dir, ignore_errors=True)
            return
        _publish(self.staging_dir, self.final_dir)
        config.site_dir = str(self.final_dir)

    def on_build_error(self, error):
        logging.getLogger("mkdocs").removeHandler(getattr(self, "counter", logging.NullHandler()))
        if getattr(self, "stage", False) and hasattr(self, "staging_dir"):
            shutil.rmtree(self.staging_dir, ignore_errors=True)

    def on_serve(self, server, config, builder):
        for folder in (self.root / self.config.sources, self.root / "examples"):
            if folder.is_dir():
                server.watch(str(folder))
        return server


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        (log.error if problem.severity == "error" else log.warning)(str(problem))


def _publish(staging: Path, final: Path) -> None:
    """Swap the finished build into place; the old site survives until the new one is complete."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)

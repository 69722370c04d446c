"""Safe output: a scan of every built HTML page for anything a browser would run that we did not ship.

Owns: the rules (no inline event handlers, no javascript:/vbscript: URLs, no embedded frames or
objects, no scripts but the theme's and mkdocs.yml's own) and the problems that name the built
file and line. Does not own: escaping record values (render.py), building, or MkDocs (the adapter
supplies the folders).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from .problems import Location, Problem

# Script types a browser runs; anything else is a data block (such as JSON-LD) and stays inert.
_RUNNABLE_TYPES = frozenset(
    {"", "module", "importmap", "speculationrules", "text/javascript", "application/javascript"}
    | {f"text/{name}" for name in ("ecmascript", "jscript", "livescript", "x-javascript")}
    | {"application/ecmascript", "application/x-javascript", "application/x-ecmascript"}
)
_DATA_TYPES = frozenset({"application/json", "application/ld+json"})
_SCHEMES_THAT_RUN = ("javascript:", "vbscript:")
# A data: URL in a link opens a document the site did not write; images may not be links.
_LINK_ATTRIBUTES = frozenset({"href", "xlink:href", "action", "formaction"})
# Browsers trim controls and spaces around a URL and drop tabs and newlines inside it.
_URL_EDGES = "".join(chr(c) for c in range(0x21))
_URL_INSIDE = re.compile(r"[\t\n\r]")
_EMBEDDING = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base"})
_THEME_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_TEMPLATE_VALUE = re.compile(r"\{\{.*?\}\}", re.S)
# A template value inside a theme script sits in a JS string: it may not hold quotes or tags.
_VALUE_IN_STRING = r"[^\"'<>\\]*"
SCRIPTS_FOLDER = "assets/javascripts/"
CODE = "unsafe-html"


def theme_inline_scripts(template_dirs: Iterable[Path]) -> tuple[re.Pattern[str], ...]:
    """The inline scripts of the theme's own templates, each as a pattern with values as wildcards.

    Read from the installed theme (and our overrides) so that a Material update keeps passing,
    while a script a writer typed never matches.
    """
    patterns: set[str] = set()
    for folder in template_dirs:
        for template in sorted(Path(folder).rglob("*.html")):
            for body in _THEME_SCRIPT.findall(template.read_text(encoding="utf-8")):
                if "{%" in body or "{#" in body:
                    continue  # a script assembled by template logic cannot be pinned down
                parts = _TEMPLATE_VALUE.split(body.strip())
                patterns.add(_VALUE_IN_STRING.join(re.escape(part) for part in parts))
    return tuple(re.compile(p, re.S) for p in sorted(patterns))


@dataclass(frozen=True)
class SiteLayout:
    """What the scan needs to know about the built site.

    base_path: the URL path the site is served under (from site_url), for absolute script URLs.
    files: every built file, relative to the output folder, for resolving script sources.
    built_from: built file -> the writer's page it came from, to name it in the message.
    own_scripts: the project's own scripts, as listed under extra_javascript in mkdocs.yml.
    """

    shown_as: str
    base_path: str
    files: frozenset[str]
    built_from: Mapping[str, str]
    theme_scripts: tuple[re.Pattern[str], ...]
    own_scripts: frozenset[str] = frozenset()


# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_FROM = 200


def scan_site(
    site_dir: Path, layout: SiteLayout, pages: Iterable[Path] | None = None, workers: int = 1
) -> list[Problem]:
    """Every unsafe thing in every built HTML page of site_dir (or in `pages` of it, when given).

    workers > 1 splits a large site over that many processes: the scan is pure Python HTML
    parsing, about a fifth of a large build, and MkDocs leaves the other cores idle.
    """
    pages = sorted(site_dir.rglob("*.html") if pages is None else pages)
    if workers > 1 and len(pages) >= PARALLEL_FROM and "fork" in mp.get_all_start_methods():
        chunks = [(site_dir, layout, pages[i::workers]) for i in range(workers)]
        # fork: the workers inherit the loaded modules, so they start in milliseconds.
        with mp.get_context("fork").Pool(workers) as pool:
            return sorted(p for found in pool.starmap(_scan_pages, chunks) for p in found)
    return sorted(_scan_pages(site_dir, layout, pages))


def _scan_pages(site_dir: Path, layout: SiteLayout, pages: Iterable[Path]) -> list[Problem]:
    problems: list[Problem] = []
    for page in pages:
        relative = page.relative_to(site_dir).as_posix()
        problems += scan_page(page.read_text(encoding="utf-8", errors="replace"), relative, layout)
    return problems


def scan_page(html: str, relative: str, layout: SiteLayout) -> list[Problem]:
    scanner = _Scanner(relative, layout)
    scanner.feed(html)
    scanner.close()
    return scanner.problems


class _Scanner(HTMLParser):
    def __init__(self, relative: str, layout: SiteLayout) -> None:
        super().__init__(convert_charrefs=True)  # attribute values arrive with entities decoded
        self.relative, self.layout = relative, layout
        self.problems: list[Problem] = []
        self._script: tuple[int, dict[str, str]] | None = None
        self._script_text: list[str] = []

    def report(self, line: int, what: str) -> None:
        source = self.layout.built_from.get(self.relative)
        where = f"the raw HTML in {source}" if source else "the template or page that wrote it"
        self.problems.append(
            Problem(
                Location(f"{self.layout.shown_as}/{self.relative}", line),
                what,
                f"Remove it from {where}: pages may use plain HTML, but nothing a browser "
                "runs, embeds or redirects to",
                CODE,
            )
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values: dict[str, str] = {}
        for name, value in attrs:
            values.setdefault(name, value or "")  # browsers keep the first of repeated attributes
            value = value or ""
            if name.startswith("on"):
                self.report(line, f"<{tag}> has an inline event handler ({name}=...)")
                continue
            url = _URL_INSIDE.sub("", value.strip(_URL_EDGES)).lower()
            if url.startswith(_SCHEMES_THAT_RUN):
                self.report(line, f"<{tag}> has a script URL in {name} ({value.strip()[:40]!r})")
            elif name in _LINK_ATTRIBUTES and url.startswith("data:"):
                self.report(line, f"<{tag}> links to a data: URL in {name}")
        if tag in _EMBEDDING:
            self.report(line, f"<{tag}> embeds or redirects to other content")
        elif tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.report(line, "<meta http-equiv=refresh> redirects the reader")
        elif tag == "script":
            self._script, self._script_text = (line, values), []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "script" or self._script is None:
            return
        (line, attrs), body = self._script, "".join(self._script_text)
        self._script = None
        why = self._unsafe_script(attrs, body)
        if why:
            self.report(line, f"<script> {why}")

    def close(self) -> None:
        super().close()
        if self._script is not None:  # an unterminated script still runs to the end of the page
            line, attrs = self._script
            self._script = None
            why = self._unsafe_script(attrs, "".join(self._script_text))
            if why:
                self.report(line, f"<script> {why}")

    def _unsafe_script(self, attrs: Mapping[str, str], body: str) -> str:
        kind = attrs.get("type", "").strip().lower()
        if "src" in attrs:
            if body.strip():
                return "has both a src and inline code"
            target = self._resolve(attrs["src"])
            if target is None or not (
                target.startswith(SCRIPTS_FOLDER) or target in self.layout.own_scripts
            ):
                return f"loads {attrs['src']!r}, which is not one of the site's own scripts"
            if target not in self.layout.files:
                return f"loads {attrs['src']!r}, which the build did not write"
            return ""
        if kind in _DATA_TYPES:
            try:
                json.loads(body)
            except ValueError:
                return f"of type {kind} does not hold valid JSON"
            return ""
        if kind not in _RUNNABLE_TYPES:
            return f"has the unknown type {kind!r}"
        text = body.strip()
        if any(pattern.fullmatch(text) for pattern in self.layout.theme_scripts):
            return ""
        return "holds inline code that is not one of the theme's own scripts"

    def _resolve(self, src: str) -> str | None:
        """A script URL as a path in the output folder, or None when it points off the site."""
        parts = urlsplit(src.strip())
        if parts.scheme or parts.netloc:
            return None
        if parts.path.startswith("/"):
            base = "/" + "/".join(filter(None, self.layout.base_path.split("/")))
            base = base.rstrip("/") + "/"
            if not parts.path.startswith(base):
                return None
            path = parts.path[len(base) :]
        else:
            path = posixpath.join(posixpath.dirname(self.relative), parts.path)
        path = posixpath.normpath(path)
        return None if path.startswith("..") else path


def _file_state(path: Path) -> tuple[int, int, int]:
    """What changes when a file is rewritten: modification time, size and inode."""
    state = path.stat()
    return state.st_mtime_ns, state.st_size, state.st_ino


class RepeatedScan:
    """scan_site for a folder rebuilt again and again (serve): pages found clean before and not
    rewritten since, under the same rules, are not scanned again."""

    def __init__(self) -> None:
        self._rules: tuple | None = None
        self._clean: dict[Path, tuple[int, int, int]] = {}

    def scan(self, site_dir: Path, layout: SiteLayout, workers: int = 1) -> list[Problem]:
        rules = (layout.base_path, layout.files, layout.theme_scripts, layout.own_scripts)
        if rules != self._rules:
            self._rules, self._clean = rules, {}
        pages = [p for p in site_dir.rglob("*.html") if self._clean.get(p) != _file_state(p)]
        problems = scan_site(site_dir, layout, pages, workers)
        if not problems:
            self._clean.update((page, _file_state(page)) for page in pages)
        return problems

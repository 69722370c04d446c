"""Browser test helpers: the built site served on 127.0.0.1 like GitHub Pages, Chromium, and the
pages to read, chosen from the content so that no test names a page or a record.

Owns: finding Chromium (or skipping, never in CI), the local web server, a recorder of every
request and console error a page makes, and the reading plan. Does not own: building the site
(tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import mimetypes
import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT

from macros.checks import SiteReport, check_site
from macros.pages import PageRenderer
from macros.rendered_page import RenderedPage
from macros.settings import nav_entries, read_mkdocs_yml, read_settings


def _closed_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (bound by the system, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


CHROMIUM_ARGS = [
    # Every request that would leave 127.0.0.1 goes to a proxy that is not there and fails at
    # once (loopback bypasses proxies), so nothing can leave the machine; the tests still see each
    # attempt. Chromium does this itself: routing every request through Playwright would cost a
    # fifth of each page load.
    f"--proxy-server=http://127.0.0.1:{_closed_port()}",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
]
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


def find_chromium(candidates: list[str | None] | None = None) -> str | None:
    """BEAM_CHROMIUM, else Debian's Chromium: its headless shell where installed, else the full
    browser. The shell (package chromium-headless-shell) is the same Chromium build without the
    desktop browser around it, the one Playwright itself runs headless; it renders the same pages
    for about a third less CPU per page, and the browser tests are bound by CPU."""
    if candidates is None:
        candidates = [
            os.environ.get("BEAM_CHROMIUM"),
            "/usr/bin/chromium-headless-shell",
            shutil.which("chromium-headless-shell"),
            "/usr/bin/chromium",
            shutil.which("chromium"),
        ]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def without_browser(reason: str) -> NoReturn:
    """Skip, saying why; but where BEAM_REQUIRE_BROWSER=1 (CI), a missing browser fails."""
    if os.environ.get("BEAM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"BEAM_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@dataclass(frozen=True)
class ReadingPlan:
    """The pages the browser tests read, as paths under the site's address (such as 'a/b/')."""

    product_name: str
    landing: str
    how_to: str  # the first how-to of the nav citing at least two sources
    how_to_title: str
    how_to_sources: dict[int, str]  # citation number -> the title of the record it must open
    other: str  # another page of the same product, for moving about with the navigation
    diagram_page: str | None  # a page with a hand-drawn diagram, if any page has one
    search: str  # words of the how-to's title that a reader would type
    # The sources page of the product with the fewest records that still shows every kind of
    # record the site has: the same template and markup as the largest, at a fraction of the
    # work for a checker that looks at every element.
    smallest_full_sources: str


_SMALL_WORDS = {"how", "to", "in", "a", "an", "the", "and", "of", "for", "with", "your"}


def _url(docs_path: str) -> str:
    """The address of a page under the site's root (MkDocs' directory URLs)."""
    path = docs_path.removesuffix(".md")
    path = path.removesuffix("index") if path.endswith(("/index", "index")) else path + "/"
    return path


@functools.cache
def _site() -> tuple[dict[str, str], SiteReport, dict[str, RenderedPage], list[str]]:
    """The site as `check` reads it: products (key -> name), the report, each page by its path
    under docs/, and the pages of the nav in reading order."""
    config = site_config()
    products = next(p["beam"] for p in config["plugins"] if isinstance(p, dict) and "beam" in p)[
        "products"
    ]
    report = check_site(ROOT)
    pages = {page.path.removeprefix("docs/"): page for page in report.pages}
    return products, report, pages, [p for p in nav_entries(config["nav"]) if p in pages]


@functools.cache
def reading_plan() -> ReadingPlan:
    products, report, pages, in_nav = _site()
    how_to = next(
        p
        for p in in_nav
        if pages[p].meta.get("type") == "how-to" and len(pages[p].citations.record_ids) >= 2
    )
    product = pages[how_to].meta["product"]
    landing = f"{product}/index.md"
    other = next(p for p in in_nav if p.startswith(f"{product}/") and p not in (landing, how_to))
    title = pages[how_to].meta["title"]
    name_words = set(products[product].lower().split())
    words = [w for w in re.findall(r"\w+", title.lower()) if w not in _SMALL_WORDS | name_words]
    diagrams = [p for p in in_nav if ".bh-diagram" in (ROOT / "docs" / p).read_text("utf-8")]
    kinds = {record.kind for record in report.records.values()}
    records_of = {key: [r for r in report.records.values() if r.product == key] for key in products}
    full = [key for key in products if {r.kind for r in records_of[key]} == kinds]
    smallest = min(full or products, key=lambda key: len(records_of[key]))
    return ReadingPlan(
        smallest_full_sources=f"{smallest}/sources/",
        product_name=products[product],
        landing=_url(landing),
        how_to=_url(how_to),
        how_to_title=title,
        how_to_sources={
            number: report.records[record_id].title
            for number, record_id, _ in pages[how_to].citations.entries()
        },
        other=_url(other),
        diagram_page=_url(diagrams[0]) if diagrams else None,
        search=" ".join(words),
    )


@dataclass(frozen=True)
class ProductsPlan:
    """What the tests of a second product read: a how-to of another product than the reading
    plan's that links the same task in a product of its own, and the page with a comparison."""

    product_key: str
    product_name: str
    product_names: tuple[str, ...]  # every product of the site, in the order of `products`
    how_to: str
    how_to_title: str
    how_to_sources: dict[int, str]  # citation number -> the title of the record it must open
    first_source_url: str  # the page of the record that citation [1] opens
    same_task: str
    same_task_product_name: str
    search: str  # words of the how-to's title, its product's name among them
    comparison: str | None
    comparison_rows: int  # rows of the comparison page's tables, from its Markdown
    comparison_sources: dict[int, str]


_TABLE_SEPARATOR = re.compile(r"^\|(\s*:?-+:?\s*\|)+$")


@functools.cache
def products_plan() -> ProductsPlan | None:
    """None when the site has no how-to linking the same task in another product."""
    products, report, pages, in_nav = _site()
    how_to = next(
        (
            p
            for p in in_nav
            if pages[p].meta.get("type") == "how-to"
            and products.get(pages[p].meta.get("product")) != reading_plan().product_name
            and pages[p].meta.get("same_task") in pages
            and len(pages[p].citations.record_ids) >= 2
        ),
        None,
    )
    if how_to is None:
        return None
    page = pages[how_to]
    same_task = page.meta["same_task"]
    sources = {n: report.records[r].title for n, r, _ in page.citations.entries()}
    first_record = report.records[page.citations.entries()[0][1]]
    comparison = next(
        (p for p in in_nav if "compare_table(" in (ROOT / "docs" / p).read_text("utf-8")), None
    )
    rows, comparison_sources = 0, {}
    if comparison is not None:
        settings = read_settings(ROOT)
        renderer = PageRenderer(report.records, settings.products, code_base=settings.code_base)
        path = f"{settings.docs_dir}/{comparison}"
        markdown = renderer.render(path, (ROOT / path).read_text(encoding="utf-8")).markdown
        table = [line for line in markdown.splitlines() if line.startswith("|")]
        rows = len(table) - 2 * sum(1 for line in table if _TABLE_SEPARATOR.match(line))
        comparison_sources = {
            n: report.records[r].title for n, r, _ in pages[comparison].citations.entries()
        }
    title = page.meta["title"]
    return ProductsPlan(
        product_key=page.meta["product"],
        product_name=products[page.meta["product"]],
        product_names=tuple(products.values()),
        how_to=_url(how_to),
        how_to_title=title,
        how_to_sources=sources,
        first_source_url=first_record.url.split("#", 1)[0],
        same_task=_url(same_task),
        same_task_product_name=products[pages[same_task].meta["product"]],
        search=" ".join(w for w in re.findall(r"\w+", title.lower()) if w not in _SMALL_WORDS),
        comparison=_url(comparison) if comparison else None,
        comparison_rows=rows,
        comparison_sources=comparison_sources,
    )


def site_config() -> dict:
    return read_mkdocs_yml(ROOT)


def site_prefix() -> str:
    """The path GitHub Pages serves the site under (from site_url), such as /beam-help/."""
    path = urlsplit(site_config().get("site_url") or "/").path or "/"
    return path if path.endswith("/") else path + "/"


class _PagesHandler(http.server.BaseHTTPRequestHandler):
    """Serves the built site under the site_url path, with 404.html and status 404 for anything
    else, as GitHub Pages does. Only GET and HEAD; the folder is read-only to the browser."""

    site: Path
    prefix: str

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def _respond(self, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        target = self._file_for(path)
        if target is not None and target.is_dir():
            self.send_response(301)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 200
        if target is None or not target.is_file():
            status, target = 404, self.site / "404.html"
        body = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".md":
            kind = "text/markdown"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            # The browser may move on before the body arrives, as readers' browsers do.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    def _file_for(self, path: str) -> Path | None:
        if not path.startswith(self.prefix):
            return None
        relative = path[len(self.prefix) :]
        target = (self.site / relative).resolve()
        if not target.is_relative_to(self.site.resolve()):
            return None
        if path.endswith("/"):
            target = target / "index.html"
        return target


@contextlib.contextmanager
def serve(site: Path, prefix: str) -> Iterator[str]:
    """Serve a built site under prefix by a threaded server on a free port of 127.0.0.1."""
    handler = type("Handler", (_PagesHandler,), {"site": site, "prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    # A short poll lets shutdown() return at once instead of after the default half-second.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_root(built_site: Path) -> Iterator[str]:
    """The address of the built site, served as GitHub Pages would serve it."""
    with serve(built_site, site_prefix()) as root:
        yield root


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    chromium = find_chromium()
    if chromium is None:
        without_browser(
            "no Chromium found (set BEAM_CHROMIUM, or install Debian's Chromium: "
            "sudo apt-get install chromium chromium-headless-shell)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Reader:
    """A browser tab plus what it did while a test used it: every request's URL, and every
    console error. Listeners it adds (`on`) are taken off again when the test ends."""

    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    _listeners: list[tuple[object, str, object]] = field(default_factory=list)

    def off_site_requests(self) -> list[str]:
        """Requests that left 127.0.0.1 (data: and blob: URLs never leave the tab)."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).hostname != "127.0.0.1"
        ]

    def on(self, event: str, handler, target=None) -> None:
        """Listen to an event of the tab (or of `target`) for the rest of this test."""
        target = self.page if target is None else target
        target.on(event, handler)
        self._listeners.append((target, event, handler))

    def new_tab(self):
        """Another tab in the same browser context, its console errors recorded like the first's
        (requests are recorded for the whole context)."""
        tab = self.page.context.new_page()
        self._record_errors(tab)
        return tab

    def _record_errors(self, tab) -> None:
        self.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
            tab,
        )
        self.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"), tab)

    def _record(self) -> None:
        self.on("request", lambda request: self.requests.append(request.url), self.page.context)
        self._record_errors(self.page)

    def _stop_recording(self) -> None:
        for target, event, handler in self._listeners:
            target.remove_listener(event, handler)
        self._listeners.clear()

    def assert_private(self) -> None:
        assert self.off_site_requests() == [], "requests left 127.0.0.1"
        assert self.console_errors == [], "the page logged errors"


class _SharedTab:
    """One tab per kind of reader for the whole test process, handed to each test in turn as
    if new: a new browser context costs about four times the CPU of loading a page in an open
    tab, and the browser tests are bound by CPU. Between tests the tab forgets everything a
    reader's visit leaves behind: the page (it goes to about:blank, so no script of the last
    test's page still runs), the site's storage (Material keeps the colour scheme there), the
    emulated colour scheme and motion, the pointer's place, the listeners, and any other tabs."""

    def __init__(self, browser, viewport: dict, **context_options) -> None:
        self.context = browser.new_context(viewport=viewport, **context_options)
        self.page = self.context.new_page()

    def lend(self) -> Iterator[Reader]:
        if self.page.is_closed():
            self.page = self.context.new_page()
        reader = Reader(self.page)
        reader._record()
        try:
            yield reader
        finally:
            reader._stop_recording()
            self._forget()

    def _forget(self) -> None:
        try:
            for tab in self.context.pages:
                if tab != self.page:
                    tab.close()
            if self.page.url.startswith("http"):
                self.page.evaluate("localStorage.clear(); sessionStorage.clear()")
            self.page.goto("about:blank")
            # The axe tests set the colour scheme, the hostile-input test reduces motion.
            self.page.emulate_media(color_scheme="light", reduced_motion="no-preference")
            self.page.mouse.move(0, 0)
            self.context.clear_cookies()
        except Exception:  # noqa: BLE001 - a tab that cannot be reset is replaced, not reused
            self.page.close()


@pytest.fixture(scope="session")
def _desktop_tab(browser) -> Iterator[_SharedTab]:
    shared = _SharedTab(browser, DESKTOP)
    yield shared
    shared.context.close()


@pytest.fixture(scope="session")
def _phone_tab(browser) -> Iterator[_SharedTab]:
    # One device pixel per CSS pixel: what these tests read (layout at phone width, touch, what
    # is on screen) does not depend on pixel density, and a 2x screen makes Chromium paint four
    # times the pixels: the phone tests took 17 CPU-s at 2x and 12 at 1x. Material's styles only
    # use density for one compositing hint in the search panel.
    shared = _SharedTab(browser, PHONE, has_touch=True, is_mobile=True, device_scale_factor=1)
    yield shared
    shared.context.close()


@pytest.fixture
def reader(_desktop_tab: _SharedTab) -> Iterator[Reader]:
    """A desktop-size tab (1280×800), as if new."""
    yield from _desktop_tab.lend()


@pytest.fixture
def phone_reader(_phone_tab: _SharedTab) -> Iterator[Reader]:
    """A phone-size tab (375×812) with touch, as if new."""
    yield from _phone_tab.lend()

"""What a reader does, in Chromium: follow citations both ways, preview sources, search, move
between pages, switch colour scheme, hit a missing page; and what the site must never do: ask a
third party for anything, log errors, or fail axe-core's serious and critical checks."""

from __future__ import annotations

import re
import struct
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import ARTIFACTS, DESKTOP, PHONE, Reader, reading_plan, site_config

pytestmark = pytest.mark.browser

# The pages come from the content (conftest.reading_plan), so a change of content moves the tests
# along instead of breaking them.
PLAN = reading_plan()
HOME = ""
LANDING = PLAN.landing
OTHER = PLAN.other
HOW_TO = PLAN.how_to
SOURCES = LANDING + "sources/"
MISSING = LANDING + "no-such-page/"
HOW_TO_TITLE = PLAN.how_to_title
PRODUCT = PLAN.product_name
# Chromium logs the 404 status of a page it was asked to open; that is the test, not a fault.
NOT_FOUND_LOG = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def by_id(page, element_id: str):
    """A locator for an id (ours contain dots, which CSS would read as classes)."""
    return page.locator(f'[id="{element_id}"]')


def target_id(link) -> str:
    """The id a same-page link points at (instant navigation makes hrefs absolute)."""
    return link.get_attribute("href").split("#", 1)[1]


def heading(page) -> str:
    """The page's h1 without its permalink sign."""
    return page.locator("article h1").first.evaluate(
        "h => [...h.childNodes].filter(n => !(n.classList && n.classList.contains('headerlink')))"
        ".map(n => n.textContent).join('').trim()"
    )


def first_marker(page, number: int = 1):
    return page.locator("article sup.bh-cite a.footnote-ref", has_text=f"[{number}]").first


def wait_for_hash(page, fragment: str) -> None:
    page.wait_for_function("fragment => location.hash === fragment", arg=fragment)


def wait_until_highlighted(page, element_id: str, inner: str = "") -> None:
    """The element (or its `inner` child) has the outline the site gives the address's target,
    and keeps it once instant navigation has settled."""
    script = """([id, inner]) => {
        const element = document.getElementById(id);
        const shown = inner ? element.querySelector(inner) : element;
        return getComputedStyle(shown).outlineStyle === "solid";
    }"""
    page.wait_for_function(script, arg=[element_id, inner], timeout=5000)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(script, arg=[element_id, inner], timeout=5000)


IN_VIEW = """id => { const box = document.getElementById(id).getBoundingClientRect();
                     return box.bottom > 0 && box.top < window.innerHeight; }"""


def in_viewport(page, element_id: str) -> bool:
    return page.evaluate(IN_VIEW, element_id)


def settles_in_viewport(page, element_id: str) -> bool:
    """The element is in view once the page has settled: Material's instant navigation
    re-renders the page after the first in-page jump, and may scroll while it does, later on a
    busy machine; an element that stays out of view for 5 seconds has not settled in view."""
    try:
        page.wait_for_function(IN_VIEW, arg=element_id, timeout=5000)
    except PlaywrightTimeoutError:
        return False
    return True


def tooltip_text(page) -> str:
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(state="visible", timeout=5000)
    return tooltip.inner_text()


# --- citations ------------------------------------------------------------------------------------


def test_clicking_citation_1_shows_its_entry_and_the_back_link_returns(
    reader: Reader, site_root: str
) -> None:
    page = reader.page
    page.goto(site_root + HOW_TO)
    marker = first_marker(page)
    entry_id = target_id(marker)
    marker_id = marker.locator("xpath=..").get_attribute("id")
    page.evaluate("window.scrollTo(0, 0)")
    assert not in_viewport(page, entry_id), "the entry should start out of view"

    marker.click()

    wait_for_hash(page, f"#{entry_id}")
    entry = by_id(page, entry_id)
    assert in_viewport(page, entry_id)
    wait_until_highlighted(page, entry_id)
    assert settles_in_viewport(page, entry_id)
    assert entry.get_attribute("value") == "1"

    back = entry.locator("a.bh-backlink").first
    assert re.fullmatch(r"Back to citation \[1\], use 1 of \d+", back.get_attribute("aria-label"))
    back.click()

    wait_for_hash(page, f"#{marker_id}")
    wait_until_highlighted(page, marker_id, "a")
    assert settles_in_viewport(page, marker_id)
    reader.assert_private()


def test_hovering_a_marker_previews_the_source_title(reader: Reader, site_root: str) -> None:
    page = reader.page
    page.goto(site_root + HOW_TO)
    marker = first_marker(page, 2)
    expected = PLAN.how_to_sources[2]  # from the records, not from the marker's own link

    marker.hover()

    preview = tooltip_text(page)
    assert expected in preview
    assert by_id(page, target_id(marker)).locator("a.bh-source-link").inner_text() == expected
    assert "verified" in preview
    assert "Cited at" not in preview, "back-links belong in the list, not in the preview"
    page.mouse.move(0, 0)
    page.locator(".md-tooltip2--active").wait_for(state="detached", timeout=5000)
    reader.assert_private()


def test_keyboard_focus_on_a_marker_previews_the_source(reader: Reader, site_root: str) -> None:
    page = reader.page
    page.goto(site_root + HOW_TO)
    expected_title = PLAN.how_to_sources[1]

    for _ in range(200):  # Tab through the page as a keyboard user would
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('footnote-ref')"):
            break
    else:
        pytest.fail("Tab never reached a citation marker")
    assert page.evaluate("document.activeElement.textContent") == "[1]"
    assert page.evaluate("document.activeElement.matches(':focus-visible')")

    assert expected_title in tooltip_text(page)
    reader.assert_private()


def test_tapping_a_marker_on_a_phone_jumps_to_the_highlighted_entry(
    phone_reader: Reader, site_root: str
) -> None:
    page = phone_reader.page
    page.goto(site_root + HOW_TO)
    marker = first_marker(page)
    entry_id = target_id(marker)

    marker.tap()

    wait_for_hash(page, f"#{entry_id}")
    entry = by_id(page, entry_id)
    assert in_viewport(page, entry_id)
    wait_until_highlighted(page, entry_id)
    assert settles_in_viewport(page, entry_id)
    box = entry.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    back = entry.locator("a.bh-backlink").first
    size = back.bounding_box()
    assert size["width"] >= 24 and size["height"] >= 24, "back-links are too small to tap"
    phone_reader.assert_private()


@pytest.mark.parametrize("path", [HOW_TO, SOURCES])
def test_nothing_scrolls_sideways_on_a_phone(phone_reader: Reader, site_root: str, path) -> None:
    page = phone_reader.page
    page.goto(site_root + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"
    wide = page.evaluate(
        """() => [...document.querySelectorAll('.bh-sources li, .bh-record')]
                 .filter(e => e.scrollWidth > e.clientWidth + 1 ||
                              e.getBoundingClientRect().right > window.innerWidth)
                 .map(e => e.id)"""
    )
    assert wide == []
    phone_reader.assert_private()


# --- finding pages --------------------------------------------------------------------------------


def test_typing_a_search_reaches_the_how_to(reader: Reader, site_root: str) -> None:
    page = reader.page
    page.goto(site_root + HOME)
    page.locator("input.md-search__input").click()
    page.keyboard.type(PLAN.search, delay=40)

    result = page.locator(f".md-search-result__item a[href*='{HOW_TO}']").first
    result.wait_for(state="visible", timeout=10000)
    assert PLAN.search.split()[0] in page.locator(".md-search-result").inner_text().lower()
    result.click()

    page.wait_for_url(re.compile(re.escape(HOW_TO)))
    assert heading(page) == HOW_TO_TITLE
    reader.assert_private()


def test_moving_between_products_and_pages_with_the_navigation(
    reader: Reader, site_root: str
) -> None:
    page = reader.page
    page.goto(site_root + HOME)

    page.locator(".md-tabs__link", has_text=PRODUCT).click()
    page.wait_for_url(site_root + LANDING)
    assert PRODUCT in heading(page)

    page.locator(f".md-sidebar--primary a.md-nav__link[href$='{Path(OTHER).name}/']").click()
    page.wait_for_url(site_root + OTHER)
    page.locator(f".md-sidebar--primary a.md-nav__link[href$='{Path(HOW_TO).name}/']").click()
    page.wait_for_url(site_root + HOW_TO)
    assert heading(page) == HOW_TO_TITLE

    crumbs = page.locator("nav.md-path .md-path__link")
    assert PRODUCT in crumbs.all_inner_texts()
    page.locator(".md-tabs__link", has_text="Home").click()
    page.wait_for_url(site_root)
    reader.assert_private()


# Each icon the reader can see, as [href, drawn width]: a <use> whose file did not load draws
# nothing, and its box is 0 wide.
SHOWN_ICONS = """() => [...document.querySelectorAll("svg > use")]
    .filter(use => use.parentElement.getBoundingClientRect().width > 0)
    .map(use => [use.getAttribute("xlink:href"), use.getBBox().width])"""


def test_the_themes_icons_are_drawn_from_their_shared_files(reader: Reader, site_root: str) -> None:
    page = reader.page
    page.goto(site_root + HOW_TO)
    page.wait_for_load_state("networkidle")
    first = page.evaluate(SHOWN_ICONS)
    # The same icons after instant navigation, which swaps the page in from another address.
    page.locator(f".md-sidebar--primary a.md-nav__link[href$='{Path(OTHER).name}/']").click()
    page.wait_for_url(site_root + OTHER)
    page.wait_for_load_state("networkidle")
    after = page.evaluate(SHOWN_ICONS)

    for icons in (first, after):
        assert len(icons) >= 5  # logo, palette, search, repository, footer, back to top
        assert [href for href, width in icons if width <= 0] == []
    reader.assert_private()


def test_the_palette_toggle_switches_and_keeps_the_colour_scheme(
    reader: Reader, site_root: str
) -> None:
    page = reader.page
    page.goto(site_root + HOW_TO)
    scheme = page.locator("body").get_attribute("data-md-color-scheme")

    page.locator("form[data-md-component='palette'] label:visible").click()

    other = "slate" if scheme == "default" else "default"
    page.wait_for_function(
        "s => document.body.getAttribute('data-md-color-scheme') === s", arg=other
    )
    page.reload()
    assert page.locator("body").get_attribute("data-md-color-scheme") == other
    reader.assert_private()


def test_an_unknown_path_gets_a_useful_404_page(reader: Reader, site_root: str) -> None:
    page = reader.page
    response = page.goto(site_root + MISSING)

    assert response.status == 404
    assert heading(page) == "Page not found"
    page.locator("article .bh-products a", has_text=PRODUCT).click()
    page.wait_for_url(re.compile(re.escape(LANDING) + "$"))
    assert page.locator("article h1").count() == 1

    page.go_back()
    page.locator("article a.bh-search-hint").click()
    search = page.locator("input.md-search__input")
    search.wait_for(state="visible")
    page.wait_for_function("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.type(PLAN.search, delay=20)
    page.locator(f".md-search-result__item a[href*='{HOW_TO}']").first.wait_for()
    assert reader.off_site_requests() == []
    assert [e for e in reader.console_errors if e != NOT_FOUND_LOG] == []


# --- the frame of every page ----------------------------------------------------------------------


@pytest.mark.parametrize("size", ["reader", "phone_reader"])
def test_get_help_now_and_the_disclaimer_are_on_screen(request, site_root: str, size) -> None:
    reader: Reader = request.getfixturevalue(size)
    page = reader.page
    page.goto(site_root + HOW_TO)
    cta = page.locator("header .bh-get-help")
    assert cta.is_visible()
    assert cta.inner_text().strip() == site_config()["extra"]["get_help"]["text"]
    assert cta.get_attribute("href") == site_config()["extra"]["get_help"]["url"]
    footer = page.locator("footer .bh-footer-disclaimer")
    footer.scroll_into_view_if_needed()
    assert footer.is_visible()
    assert "not official Zoho support" in footer.inner_text()
    reader.assert_private()


def test_a_diagram_follows_the_colour_scheme(reader: Reader, site_root: str) -> None:
    if PLAN.diagram_page is None:
        pytest.skip("no page has a diagram ({ .bh-diagram }); tests/test_outputs.py tests them")
    page = reader.page
    page.goto(site_root + PLAN.diagram_page)
    picture = page.locator("article .bh-diagram svg[role='img']").first
    assert picture.is_visible()
    assert picture.locator("title").text_content().strip()

    def ink() -> tuple[int, ...]:
        colour = picture.locator("text").first.evaluate("e => getComputedStyle(e).fill")
        return tuple(int(n) for n in re.findall(r"\d+", colour)[:3])

    light = ink()
    page.locator("form[data-md-component='palette'] label:visible").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = ink()
    assert sum(light) < 200 < sum(dark), f"text stays {light} -> {dark} in the dark scheme"
    reader.assert_private()


# --- every page type: private, quiet, accessible --------------------------------------------------

PAGE_TYPES = {
    "home": HOME,
    "product landing": LANDING,
    "how-to": HOW_TO,
    "sources page": PLAN.smallest_full_sources,
    "404": MISSING,
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_axe_finds_nothing_serious(reader: Reader, site_root: str, kind: str, scheme: str) -> None:
    page = reader.page
    page.emulate_media(color_scheme=scheme)
    page.goto(site_root + PAGE_TYPES[kind])
    assert serious_axe_findings(page) == []
    assert reader.off_site_requests() == []


TWO_FRAMES = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def serious_axe_findings(page) -> list[str]:
    """axe-core's serious and critical findings on the page once it has settled (loaded, and two
    frames drawn, by which time Material has set up the page; what it fetches later, such as the
    search index, changes nothing on screen), each with the first elements it found them at."""
    page.wait_for_load_state("load")
    page.evaluate(TWO_FRAMES)
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


TABS = 3  # pages load in this many tabs at once, so that their quiet half-seconds overlap
QUIET_MS = 500  # as Playwright's "networkidle": no request in flight for half a second


class InFlight:
    """A tab, the requests it (and its workers) has made and not yet seen finish or fail, and
    when that last changed, for the rest of the test."""

    def __init__(self, reader: Reader, tab) -> None:
        self.tab = tab
        self.requests: set[object] = set()
        self.changed = time.monotonic()
        reader.on("request", lambda request: self._change(self.requests.add, request), tab)
        for event in ("requestfinished", "requestfailed"):
            reader.on(event, lambda request: self._change(self.requests.discard, request), tab)

    def _change(self, change, request) -> None:
        change(request)
        self.changed = time.monotonic()

    def quiet(self) -> bool:
        return not self.requests and time.monotonic() - self.changed >= QUIET_MS / 1000

    def wait_until_quiet(self, timeout_s: float = 30) -> bool:
        """Wait until the tab has had nothing in flight for QUIET_MS (counted here from the
        tab's own request events: Chromium's "networkIdle" signal was seen never to come for a
        loaded page). Tabs loading side by side go quiet side by side: a tab's quiet time counts
        from its last request event, not from when this wait began."""
        deadline = time.monotonic() + timeout_s
        while not self.quiet():
            if time.monotonic() > deadline:
                return False
            self.tab.wait_for_timeout(50)
        return True


def test_no_page_asks_a_third_party_or_logs_an_error(
    reader: Reader, site_root: str, built_site: Path
) -> None:
    page = reader.page
    paths = [
        "",
        *sorted(
            p.parent.relative_to(built_site).as_posix() + "/"
            for p in built_site.rglob("index.html")
            if p.parent != built_site
        ),
    ]
    # Each tab opens its share of the pages one after another, as a reader following links
    # would, and waits until nothing more is fetched before it moves on. A tab is kept rather
    # than opened per page: a tab per page took 40 % more CPU for the same pages.
    others = (reader.new_tab() for _ in range(TABS - 1))
    watched = [InFlight(reader, tab) for tab in (page, *others)]
    for step in range(0, len(paths), TABS):
        batch = list(zip(watched, paths[step : step + TABS], strict=False))
        for in_flight, path in batch:
            in_flight.tab.goto(site_root + path, wait_until="commit")
        for in_flight, path in batch:
            in_flight.tab.wait_for_load_state("load")
            assert in_flight.wait_until_quiet(), (
                f"{path}: still fetching {sorted(r.url for r in in_flight.requests)}"
            )
    # Instant navigation and search fetch more as a reader moves about.
    page.goto(site_root)
    page.locator(".md-tabs__link", has_text=PRODUCT).click()
    page.locator("input.md-search__input").click()
    page.keyboard.type(PLAN.search.split()[0], delay=20)
    page.locator(".md-search-result__item").first.wait_for(timeout=10000)
    assert len(reader.requests) > len(paths)
    reader.assert_private()


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def test_screenshots_of_the_how_to_are_saved(
    reader: Reader, phone_reader: Reader, site_root: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for name, viewport, tab in (("desktop", DESKTOP, reader), ("phone", PHONE, phone_reader)):
        target = ARTIFACTS / f"how-to-{name}.png"
        target.unlink(missing_ok=True)
        tab.page.goto(site_root + HOW_TO)
        tab.page.screenshot(path=str(target), full_page=True, scale="css")
        width, height = png_size(target)
        assert width == viewport["width"] and height > viewport["height"]
        tab.assert_private()

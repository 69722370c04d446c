"""Every hostile page and record the project accepts as harmless, opened in Chromium: no dialog
may open and no request may leave 127.0.0.1 (tests/hostile.py holds the input)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Reader, serve

pytestmark = pytest.mark.browser

LINKS_PER_PAGE = 40
FOCUS_EACH = """async (links, count) => {
    for (const link of links.slice(0, count)) {
        link.focus();
        await new Promise(requestAnimationFrame);
    }
    document.activeElement.blur();
}"""


def test_no_hostile_input_runs_or_calls_out_in_a_browser(
    reader: Reader, hostile_site: Path
) -> None:
    pages = sorted(
        p.parent.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("index.html")
    )
    assert len(pages) >= 3, pages  # the hostile how-to, the page shown as text, the sources page
    tab = reader.page
    # Without motion (a reader's setting, which Material honours) each source preview opens and
    # closes without animating: about an eighth less CPU for this test's many hovers.
    tab.emulate_media(reduced_motion="reduce")
    dialogs: list[str] = []
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with serve(hostile_site, "/") as root:
        for page in pages:
            address = root if page == "." else f"{root}{page}/"
            tab.goto(address, wait_until="load")
            # Focus every link, then hover each: handlers bound to focus or mouse events would
            # fire now. Focus is what Playwright's focus() does (the element's own focus()), all
            # in one call; each hover waits, as Playwright does, until no open source preview
            # covers the link.
            links = tab.locator("article a:visible")
            links.evaluate_all(FOCUS_EACH, LINKS_PER_PAGE)
            for link in links.all()[:LINKS_PER_PAGE]:
                link.hover(timeout=5000)
            text = tab.locator("article").inner_text()
            assert "alert(" in text, f"{page}: the hostile text should show as text"
    assert dialogs == [], "a hostile value ran script"
    assert reader.off_site_requests() == [], "a request left 127.0.0.1"

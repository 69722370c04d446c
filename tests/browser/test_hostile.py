"""Every hostile page and record the project accepts as harmless, opened in Chromium: no dialog
may open and no request may leave 127.0.0.1 (tests/hostile.py holds the input)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Reader, serve

pytestmark = pytest.mark.browser


def test_no_hostile_input_runs_or_calls_out_in_a_browser(
    reader: Reader, hostile_site: Path
) -> None:
    pages = sorted(
        p.parent.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("index.html")
    )
    assert len(pages) >= 3, pages  # the hostile how-to, the page shown as text, the sources page
    tab = reader.page
    dialogs: list[str] = []
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with serve(hostile_site, "/") as root:
        for page in pages:
            address = root if page == "." else f"{root}{page}/"
            tab.goto(address, wait_until="load")
            # Hover every citation and focus every link: handlers bound to mouse or focus events
            # would fire now. The last link's source preview is closed first, so that it cannot
            # cover the next link.
            for link in tab.locator("article a:visible").all()[:40]:
                tab.mouse.move(0, 0)
                tab.evaluate("document.activeElement && document.activeElement.blur()")
                tab.locator(".md-tooltip2--active").first.wait_for(state="detached", timeout=5000)
                link.hover(timeout=5000)
                link.focus(timeout=5000)
            text = tab.locator("article").inner_text()
            assert "alert(" in text, f"{page}: the hostile text should show as text"
    assert dialogs == [], "a hostile value ran script"
    assert reader.off_site_requests() == [], "a request left 127.0.0.1"

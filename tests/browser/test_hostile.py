"""Every hostile page and record the project accepts as harmless, opened in Chromium: no dialog
may open and no request may leave 127.0.0.1 (tests/hostile.py holds the input)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import DESKTOP, open_reader, serve

pytestmark = pytest.mark.browser


def test_no_hostile_input_runs_or_calls_out_in_a_browser(browser, hostile_site: Path) -> None:
    pages = sorted(
        p.parent.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("index.html")
    )
    assert len(pages) >= 3, pages  # the hostile how-to, the page shown as text, the sources page
    reader = open_reader(browser, DESKTOP)
    dialogs: list[str] = []
    reader.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        with serve(hostile_site, "/") as root:
            for page in pages:
                address = root if page == "." else f"{root}{page}/"
                reader.page.goto(address, wait_until="load")
                # Hover every citation and focus every link: handlers bound to mouse or focus
                # events would fire now.
                for link in reader.page.locator("article a:visible").all()[:40]:
                    link.hover(timeout=5000)
                    link.focus(timeout=5000)
                text = reader.page.locator("article").inner_text()
                assert "alert(" in text, f"{page}: the hostile text should show as text"
    finally:
        reader.page.context.close()
    assert dialogs == [], "a hostile value ran script"
    assert reader.off_site_requests() == [], "a request left 127.0.0.1"

"""Two products in Chromium: a Zoho Bigin how-to and the comparison page, read as a reader would:
citations both ways, source previews, the link to the same task in Zoho CRM, search from the home
page, the 404 page's product list, and axe-core's serious and critical checks."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import Reader, open_reader
from .test_reading import (
    HOME,
    MISSING,
    NOT_FOUND_LOG,
    by_id,
    first_marker,
    heading,
    in_viewport,
    target_id,
    tooltip_text,
    wait_for_hash,
    wait_until_highlighted,
)

pytestmark = pytest.mark.browser

BIGIN_HOW_TO = "zoho-bigin/bulk-write/create-bulk-write-job/"
BIGIN_TITLE = "How to create a bulk write job in Zoho Bigin"
CRM_SAME_TASK = "zoho-crm/bulk-write/create-bulk-write-job/"
COMPARISON = "bulk-apis-in-zoho-crm-and-zoho-bigin/"


def test_a_bigin_how_to_says_its_product_and_its_citations_work_both_ways(
    reader: Reader, site_root: str
) -> None:
    page = reader.page
    page.goto(site_root + BIGIN_HOW_TO)
    assert heading(page) == BIGIN_TITLE
    assert page.locator("article .bh-kicker").text_content() == "How-to · Zoho Bigin"

    marker = first_marker(page)
    entry_id = target_id(marker)
    marker_id = marker.locator("xpath=..").get_attribute("id")
    marker.click()
    wait_for_hash(page, f"#{entry_id}")
    wait_until_highlighted(page, entry_id)
    assert in_viewport(page, entry_id)
    entry = by_id(page, entry_id)
    assert "bigin" in entry.locator("a.bh-source-link").get_attribute("href")
    entry.locator("a.bh-backlink").first.click()
    wait_for_hash(page, f"#{marker_id}")
    assert in_viewport(page, marker_id)
    reader.assert_private()


def test_hovering_a_bigin_marker_previews_its_source(reader: Reader, site_root: str) -> None:
    page = reader.page
    page.goto(site_root + BIGIN_HOW_TO)
    marker = first_marker(page, 2)
    expected = by_id(page, target_id(marker)).locator("a.bh-source-link").inner_text()
    marker.hover()
    preview = tooltip_text(page)
    assert expected in preview and "verified" in preview
    reader.assert_private()


def test_the_same_task_link_leads_to_zoho_crm_and_back(reader: Reader, site_root: str) -> None:
    page = reader.page
    page.goto(site_root + BIGIN_HOW_TO)
    page.locator("article a.bh-same-task", has_text="The same task in Zoho CRM").click()
    page.wait_for_url(site_root + CRM_SAME_TASK)
    assert page.locator("article .bh-kicker").text_content() == "How-to · Zoho CRM"
    page.locator("article a.bh-same-task", has_text="The same task in Zoho Bigin").click()
    page.wait_for_url(site_root + BIGIN_HOW_TO)
    reader.assert_private()


def test_every_filled_cell_of_the_comparison_cites_its_record(
    reader: Reader, site_root: str
) -> None:
    page = reader.page
    page.goto(site_root + COMPARISON)
    rows = page.locator("article table tbody tr")
    assert rows.count() >= 8
    for row in range(rows.count()):
        for cell in rows.nth(row).locator("td").all():
            if cell.inner_text().strip() == "Not on the pages checked":
                continue
            marker = cell.locator("sup.bh-cite a.footnote-ref")
            assert marker.count() == 1, cell.inner_text()
            assert by_id(page, target_id(marker)).count() == 1
    bigin = page.locator("article table tbody td", has_text="/bigin/bulk/v1/write")
    marker = bigin.locator("sup.bh-cite a.footnote-ref")
    marker.hover()
    assert "Zoho Bigin bulk API v1" in tooltip_text(page)
    reader.assert_private()


def test_search_from_the_home_page_finds_a_bigin_page(reader: Reader, site_root: str) -> None:
    page = reader.page
    page.goto(site_root + HOME)
    page.locator("input.md-search__input").click()
    page.keyboard.type("Bigin bulk write job", delay=40)
    result = page.locator(f".md-search-result__item a[href*='{BIGIN_HOW_TO}']").first
    result.wait_for(state="visible", timeout=10000)
    result.click()
    page.wait_for_url(re.compile(re.escape(BIGIN_HOW_TO)))
    assert heading(page) == BIGIN_TITLE
    reader.assert_private()


def test_the_404_page_and_the_tabs_list_both_products(reader: Reader, site_root: str) -> None:
    page = reader.page
    page.goto(site_root + MISSING)
    products = page.locator("article .bh-products a").all_inner_texts()
    assert {"Zoho CRM", "Zoho Bigin"} <= set(products)
    tabs = page.locator(".md-tabs__link").all_inner_texts()
    assert {"Zoho CRM", "Zoho Bigin"} <= {t.strip() for t in tabs}
    page.locator("article .bh-products a", has_text="Zoho Bigin").click()
    page.wait_for_url(re.compile(r"/zoho-bigin/$"))
    assert [e for e in reader.console_errors if e != NOT_FOUND_LOG] == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [BIGIN_HOW_TO, COMPARISON])
def test_axe_finds_nothing_serious_on_the_new_pages(
    browser, site_root: str, path: str, scheme: str
) -> None:
    reader = open_reader(browser, {"width": 1280, "height": 800}, color_scheme=scheme)
    try:
        page = reader.page
        page.goto(site_root + path)
        page.wait_for_load_state("networkidle")
        results = Axe().run(page, options={"resultTypes": ["violations"]})
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
        assert reader.off_site_requests() == []
    finally:
        reader.page.context.close()

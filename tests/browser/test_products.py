"""Two products in Chromium: a how-to of a second product and the comparison page, read as a
reader would: citations both ways, source previews, the link to the same task in the other product,
search from the home page, the 404 page's product list, and axe-core's serious and critical checks.
The pages come from the content (conftest.products_plan), so no test names a page or a record."""

from __future__ import annotations

import re

import pytest

from .conftest import Reader, products_plan
from .test_reading import (
    HOME,
    MISSING,
    NOT_FOUND_LOG,
    by_id,
    first_marker,
    heading,
    serious_axe_findings,
    settles_in_viewport,
    target_id,
    tooltip_text,
    wait_for_hash,
    wait_until_highlighted,
)

PLAN = products_plan()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(PLAN is None, reason="no how-to links the same task in another product"),
]
HOW_TO = PLAN.how_to if PLAN else ""
COMPARISON = PLAN.comparison if PLAN else None


def test_a_how_to_of_the_second_product_says_its_product_and_its_citations_work_both_ways(
    reader: Reader, site_root: str
) -> None:
    page = reader.page
    page.goto(site_root + HOW_TO)
    assert heading(page) == PLAN.how_to_title
    assert page.locator("article .bh-kicker").text_content() == f"How-to · {PLAN.product_name}"

    marker = first_marker(page)
    entry_id = target_id(marker)
    marker_id = marker.locator("xpath=..").get_attribute("id")
    marker.click()
    wait_for_hash(page, f"#{entry_id}")
    wait_until_highlighted(page, entry_id)
    assert settles_in_viewport(page, entry_id)
    entry = by_id(page, entry_id)
    assert entry.locator("a.bh-source-link").get_attribute("href").startswith(PLAN.first_source_url)
    entry.locator("a.bh-backlink").first.click()
    wait_for_hash(page, f"#{marker_id}")
    assert settles_in_viewport(page, marker_id)
    reader.assert_private()


def test_hovering_a_marker_of_the_second_product_previews_its_source(
    reader: Reader, site_root: str
) -> None:
    page = reader.page
    page.goto(site_root + HOW_TO)
    marker = first_marker(page, 2)
    expected = PLAN.how_to_sources[2]  # from the records, not from the marker's own link
    marker.hover()
    preview = tooltip_text(page)
    assert expected in preview and "verified" in preview
    reader.assert_private()


def test_the_same_task_link_leads_to_the_other_product_and_back(
    reader: Reader, site_root: str
) -> None:
    page = reader.page
    page.goto(site_root + HOW_TO)
    other = PLAN.same_task_product_name
    page.locator("article a.bh-same-task", has_text=f"The same task in {other}").click()
    page.wait_for_url(site_root + PLAN.same_task)
    assert page.locator("article .bh-kicker").text_content() == f"How-to · {other}"
    same_task_back = f"The same task in {PLAN.product_name}"
    page.locator("article a.bh-same-task", has_text=same_task_back).click()
    page.wait_for_url(site_root + HOW_TO)
    reader.assert_private()


def test_every_filled_cell_of_the_comparison_cites_its_record(
    reader: Reader, site_root: str
) -> None:
    if COMPARISON is None:
        pytest.skip("no page has a comparison table")
    page = reader.page
    page.goto(site_root + COMPARISON)
    rows = page.locator("article table tbody tr")
    assert rows.count() == PLAN.comparison_rows
    for row in range(rows.count()):
        for cell in rows.nth(row).locator("td").all():
            if cell.inner_text().strip() == "Not on the pages checked":
                continue
            marker = cell.locator("sup.bh-cite a.footnote-ref")
            assert marker.count() == 1, cell.inner_text()
            assert by_id(page, target_id(marker)).count() == 1
    marker = page.locator("article table tbody sup.bh-cite a.footnote-ref").first
    number = int(marker.inner_text().strip("[]"))
    marker.hover()
    assert PLAN.comparison_sources[number] in tooltip_text(page)
    reader.assert_private()


def test_search_from_the_home_page_finds_a_page_of_the_second_product(
    reader: Reader, site_root: str
) -> None:
    page = reader.page
    page.goto(site_root + HOME)
    page.locator("input.md-search__input").click()
    page.keyboard.type(PLAN.search, delay=40)
    result = page.locator(f".md-search-result__item a[href*='{HOW_TO}']").first
    result.wait_for(state="visible", timeout=10000)
    result.click()
    page.wait_for_url(re.compile(re.escape(HOW_TO)))
    assert heading(page) == PLAN.how_to_title
    reader.assert_private()


def test_the_404_page_and_the_tabs_list_every_product(reader: Reader, site_root: str) -> None:
    page = reader.page
    page.goto(site_root + MISSING)
    products = page.locator("article .bh-products a").all_inner_texts()
    assert set(PLAN.product_names) <= set(products)
    tabs = page.locator(".md-tabs__link").all_inner_texts()
    assert set(PLAN.product_names) <= {t.strip() for t in tabs}
    page.locator("article .bh-products a", has_text=PLAN.product_name).click()
    page.wait_for_url(re.compile(rf"/{re.escape(PLAN.product_key)}/$"))
    assert [e for e in reader.console_errors if e != NOT_FOUND_LOG] == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [p for p in (HOW_TO, COMPARISON) if p])
def test_axe_finds_nothing_serious_on_the_new_pages(
    reader: Reader, site_root: str, path: str, scheme: str
) -> None:
    page = reader.page
    page.emulate_media(color_scheme=scheme)
    page.goto(site_root + path)
    assert serious_axe_findings(page) == []
    assert reader.off_site_requests() == []

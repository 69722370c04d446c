"""Freshness: pages show when their least recently checked source was verified, `check` warns
about records older than review_days (tests/test_cli.py), and the build says how many there are
without failing because of the calendar alone."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import FIXTURES, TEST_HOSTS, build_in_process, make_fixture_site

from macros.pages import PageRenderer
from macros.records import load_records
from macros.settings import read_settings


def test_a_how_to_shows_the_oldest_verification_date_of_its_sources(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path)
    records, _ = load_records(site, hosts=TEST_HOSTS)
    page = site / "docs" / "index.md"
    rendered = PageRenderer(records, read_settings(site).products).render(
        "docs/index.md", page.read_text()
    )
    # The page cites records verified on 2026-11-21 (first), 2026-11-20, 2026-11-20, 2026-11-22.
    assert (
        "## Sources cited {: #sources-cited data-search-exclude }\n\n"
        '<p class="bh-oldest-verified">The oldest of these sources was verified on '
        '<time datetime="2026-11-20">2026-11-20</time>.</p>\n\n'
        '<ol class="bh-sources">\n'
    ) in rendered.markdown


def test_the_build_reports_stale_and_unquoted_records_without_failing(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path, FIXTURES / "cli" / "sites" / "problems")
    (site / "docs" / "broken.md").unlink()  # keep only the stale record, verified 2025-01-15

    result = build_in_process(site)

    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert (
        "INFO    -  1 source record(s) were last verified more than 90 days ago (review_days in "
        "mkdocs.yml); 'python -m macros check' lists them."
    ) in lines
    # The two records of extra.yml quote nothing: one line counts them, none names them.
    assert (
        "INFO    -  2 source record(s) have no quote from their page; 'python -m macros check' "
        "lists them."
    ) in lines
    assert "[no-quote]" not in result.stdout
    built = (site / "site" / "index.html").read_text()
    # Pages are minified: attribute quotes are dropped where HTML does not need them.
    assert re.search(
        r'The oldest of these sources was verified on <time datetime="?2026-11-20"?>', built
    )

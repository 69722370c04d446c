"""Finding Chromium, and what happens without it: a skip that says why, or in CI a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import find_chromium, site_prefix, without_browser


def test_the_first_existing_candidate_is_used(tmp_path: Path) -> None:
    browser = tmp_path / "chromium"
    browser.write_text("")
    assert find_chromium([None, str(tmp_path / "missing"), str(browser)]) == str(browser)
    assert find_chromium([None, str(tmp_path / "missing")]) is None


def test_without_a_browser_the_tests_skip_with_the_reason(monkeypatch) -> None:
    monkeypatch.delenv("BEAM_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium found"):
        without_browser("no Chromium found")


def test_in_ci_a_missing_browser_fails_instead(monkeypatch) -> None:
    monkeypatch.setenv("BEAM_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="BEAM_REQUIRE_BROWSER=1 but no Chromium"):
        without_browser("no Chromium found")


def test_the_site_is_served_under_the_path_of_site_url() -> None:
    assert site_prefix() == "/beam-help/"

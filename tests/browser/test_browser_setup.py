"""Finding Chromium, and what happens without it: a skip that says why, or in CI a failure."""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import time
from collections.abc import Iterator
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


def machine_address() -> str | None:
    """This machine's own address on its network (not loopback), if it has one; finding it sends
    nothing."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


@contextlib.contextmanager
def counting_server() -> Iterator[tuple[int, list[str]]]:
    """A web server on every address of this machine that notes each path it is asked for."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("0.0.0.0", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_a_request_that_would_leave_the_machine_is_seen_and_never_sent(reader, site_root) -> None:
    """The guard every browser test relies on: an off-site request is recorded and fails at once,
    whether it names a host or an address, and never arrives, even where something would answer
    it (this machine's own network address, where a server is listening)."""
    page = reader.page
    page.goto(site_root)
    failed: list[str] = []
    reader.on("requestfailed", lambda request: failed.append(request.url))
    with counting_server() as (port, hits):
        off_site = ["https://example.com/beam-probe", "http://192.0.2.1/beam-probe"]
        address = machine_address()
        if address is not None:
            off_site.append(f"http://{address}:{port}/beam-probe")
        started = time.monotonic()

        page.evaluate(
            "async urls => { for (const url of urls) {"
            " try { await fetch(url, {mode: 'no-cors'}); } catch (error) {} } }",
            off_site,
        )

        assert time.monotonic() - started < 5, "an off-site request waited on the network"
        assert hits == [], "an off-site request reached a server"
    assert reader.off_site_requests() == off_site
    assert failed == off_site


def test_the_shared_tab_is_handed_to_the_next_test_as_if_new(_desktop_tab, site_root) -> None:
    """What one test leaves in the shared tab, the next never sees: the page, the site's storage,
    the emulated colour scheme and motion, other tabs, listeners."""
    lending = _desktop_tab.lend()
    first = next(lending)
    first.page.goto(site_root)
    first.page.evaluate("localStorage.setItem('left', '1'); sessionStorage.setItem('left', '1')")
    first.page.emulate_media(color_scheme="dark", reduced_motion="reduce")
    first.new_tab()
    heard: list[str] = []
    first.on("console", lambda message: heard.append(message.text))
    lending.close()  # the first test ends

    lending = _desktop_tab.lend()
    page = next(lending).page
    try:
        assert_as_if_new(page, site_root, heard)
    finally:
        lending.close()


def assert_as_if_new(page, site_root: str, heard: list[str]) -> None:
    assert page.url == "about:blank"
    assert page.context.pages == [page]
    page.goto(site_root)
    assert page.evaluate("[localStorage.getItem('left'), sessionStorage.getItem('left')]") == [
        None,
        None,
    ]
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") is False
    assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches") is False
    page.evaluate("console.log('after')")
    assert heard == []

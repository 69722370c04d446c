"""The drift watch (`python -m macros verify-sources`) against a web server on 127.0.0.1 that
serves fixture pages: unchanged, reworded, removed, redirected, a redirect loop, slower than the
timeout, very large, not HTML, and a page answering 304 to a conditional request. Nothing here
talks to any other address; timeouts are short so the whole file runs in a few seconds."""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_fixture_site

from macros.cli import verify_sources
from macros.cli.verify_sources import CACHE_FILE
from macros.drift import Cache, fetch_address, lands_on, page_text, verify
from macros.fetch import Policy, fetch
from macros.pagetext import closest_passage, find_words, normalise, visible_text
from macros.records import load_records
from macros.textfragment import directive_for

QUOTE = "A bulk write job accepts up to 25,000 records in one file."
PAGE = f"""<!doctype html><html><head><title>Bulk write</title>
<style>p {{ color: red }}</style><script>var hidden = "{QUOTE}";</script></head>
<body><nav>Home</nav><h1>Limits</h1>
<p>A bulk write job accepts up to <b>25,000</b>
   records in one file.</p><p>Other words.</p></body></html>"""
REWORDED = PAGE.replace("25,000", "50,000")
LARGE = "<html><body>" + "<p>filler words</p>" * 2000 + f"<p>{QUOTE}</p></body></html>"
# A long quote's link is a range from its first words to its last; here its first five words also
# start an earlier sentence, so a browser would highlight from there.
LONG_QUOTE = (
    "The status of the job is one of ADDED, IN PROGRESS or COMPLETED, and a completed job "
    "has a result file."
)
AMBIGUOUS = (
    "<html><body><h1>Jobs</h1><p>The status of the job is shown in the list.</p>"
    f"<h2>Statuses</h2><p>{LONG_QUOTE}</p></body></html>"
)
SLOW_SECONDS = 1.0
ETAG = '"v1"'


class FixtureHandler(http.server.BaseHTTPRequestHandler):
    """Serves the fixture pages; counts requests and remembers their headers."""

    hits: Counter
    headers_seen: dict

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: C901 - one branch per fixture page
        self.hits[self.path] += 1
        self.headers_seen[self.path] = dict(self.headers)
        routes = {
            "/unchanged.html": (200, "text/html; charset=utf-8", PAGE),
            "/reworded.html": (200, "text/html; charset=utf-8", REWORDED),
            "/new.html": (200, "text/html", PAGE),
            "/large.html": (200, "text/html", LARGE),
            "/file.pdf": (200, "application/pdf", "%PDF-1.7 " + QUOTE),
            "/spec.json": (200, "application/json", json.dumps({"description": QUOTE})),
            "/ambiguous.html": (200, "text/html", AMBIGUOUS),
        }
        if self.path in routes:
            self._send(*routes[self.path])
        elif self.path == "/removed.html":
            self._send(404, "text/html", "<p>Not found</p>")
        elif self.path == "/withdrawn.html":
            self._send(410, "text/html", "<p>Gone</p>")
        elif self.path == "/old.html":
            self._redirect(301, "/new.html")
        elif self.path in ("/loop-a", "/loop-b"):
            self._redirect(302, "/loop-b" if self.path == "/loop-a" else "/loop-a")
        elif self.path == "/slow.html":
            time.sleep(SLOW_SECONDS)
            self._send(200, "text/html", PAGE)
        elif self.path == "/flaky.html":  # fails once, then works: a retry must get it
            if self.hits[self.path] == 1:
                self._send(503, "text/html", "busy", {"Retry-After": "0"})
            else:
                self._send(200, "text/html", PAGE)
        elif self.path == "/etag.html":
            if self.headers.get("If-None-Match") == ETAG:
                self._send(304, "text/html", "", {"ETag": ETAG})
            else:
                self._send(200, "text/html", PAGE, {"ETag": ETAG})
        else:
            self._send(500, "text/plain", "no such fixture")

    def _send(self, status: int, kind: str, body: str, headers: dict | None = None) -> None:
        data = body.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if status != 304:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the slow page): that is the test

    def _redirect(self, status: int, location: str) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def server() -> Iterator[tuple[str, FixtureHandler]]:
    handler = type("Handler", (FixtureHandler,), {"hits": Counter(), "headers_seen": {}})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


# Records need https:// addresses; the tests' fetcher sends this host to the local server.
DOCS = "https://docs.test"
POLICY = Policy(
    "BeamHelp-verify-sources/1.0 (tests)", timeout=0.3, max_bytes=20_000, retries=1, backoff=0.01
)


def local_fetcher(base: str, policy: Policy = POLICY):
    def fetcher(address: str, known):  # noqa: ANN001, ANN202
        assert address.startswith(DOCS), "the tests talk to 127.0.0.1 only"
        return fetch(base + address.removeprefix(DOCS), policy, known)

    return fetcher


def record_yaml(record_id: str, path: str, quote: str | None = QUOTE, **extra: str) -> str:
    lines = [
        f"- id: demo.{record_id}",
        "  kind: doc",
        f"  title: {record_id}",
        f"  url: {DOCS}{path}",
    ]
    if quote is not None:
        lines.append(f"  quote: {json.dumps(quote)}")
    lines += [f"  {name}: {json.dumps(value)}" for name, value in extra.items()]
    lines.append("  verified_on: 2026-11-20")
    return "\n".join(lines) + "\n"


FIXTURE_RECORDS = {
    "unchanged": ("/unchanged.html", QUOTE),
    "reworded": ("/reworded.html", QUOTE),
    "removed": ("/removed.html", QUOTE),
    "withdrawn": ("/withdrawn.html", QUOTE),
    "redirected": ("/old.html", QUOTE),
    "loop": ("/loop-a", QUOTE),
    "slow": ("/slow.html", QUOTE),
    "large": ("/large.html", QUOTE),
    "pdf": ("/file.pdf", QUOTE),
    "json": ("/spec.json", QUOTE),
    "flaky": ("/flaky.html", QUOTE),
    "ambiguous": ("/ambiguous.html", LONG_QUOTE),
    "unquoted": ("/unchanged.html", None),
    "same-page-again": ("/unchanged.html#limits", QUOTE),
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The base fixture site with only the drift records (the base ones point at example.com)."""
    root = make_fixture_site(tmp_path)
    (root / "sources" / "demo" / "records.yml").unlink()
    text = "\n".join(
        record_yaml(name, path, quote) for name, (path, quote) in FIXTURE_RECORDS.items()
    )
    (root / "sources" / "demo" / "drift.yml").write_text(text, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("hosts: [example.com]", "hosts: [docs.test]"))
    return root


def verdicts_of(root: Path, base: str, cache: Cache | None = None) -> dict[str, tuple[str, str]]:
    records, problems = load_records(root, hosts=("docs.test",))
    assert problems == []
    found, _ = verify(records.values(), local_fetcher(base), cache or Cache(None))
    return {p.what.split("'")[1].removeprefix("demo."): (p.code, str(p)) for p in found}


def test_each_kind_of_page_gets_its_verdict(site: Path, server) -> None:
    base, handler = server
    verdicts = verdicts_of(site, base)
    assert {name: code for name, (code, _) in verdicts.items()} == {
        "unchanged": "quote-found",
        "reworded": "quote-changed",
        "removed": "page-gone",
        "withdrawn": "page-gone",
        "redirected": "page-moved",
        "loop": "page-unreachable",
        "slow": "page-unreachable",
        "large": "page-unreachable",
        "pdf": "page-unreadable",
        "json": "quote-found",
        "flaky": "quote-found",
        "ambiguous": "quote-lands-elsewhere",
        "unquoted": "page-found",
        "same-page-again": "quote-found",
    }
    # Each distinct address once (the fragment is not part of it); the flaky page twice.
    assert handler.hits["/unchanged.html"] == 1
    assert handler.hits["/flaky.html"] == 2
    assert handler.hits["/loop-a"] == 1 and handler.hits["/loop-b"] == 1
    assert handler.headers_seen["/unchanged.html"]["User-Agent"].startswith(
        "BeamHelp-verify-sources/"
    )


def test_messages_point_at_the_record_line_and_say_what_to_do(site: Path, server) -> None:
    base, _ = server
    verdicts = verdicts_of(site, base)
    # Records are 6 lines and a blank apart; the quote is each record's 5th line, url its 4th.
    assert verdicts["reworded"][1] == (
        f"sources/demo/drift.yml:12: 'demo.reworded': its quote is no longer on "
        f'{DOCS}/reworded.html; Zoho changed the page (the closest words there now: "A bulk '
        'write job accepts up to 50,000 records in one file."). Read the page again, correct '
        "the record's "
        "facts if they changed, copy the words that state them now into quote, and set "
        "verified_on. [quote-changed]"
    )
    assert verdicts["removed"][1].startswith(
        f"sources/demo/drift.yml:18: 'demo.removed': its page is gone: {DOCS}/removed.html "
        "answers 404. Find the page"
    )
    assert verdicts["redirected"][1].startswith(
        f"sources/demo/drift.yml:32: 'demo.redirected': its page has moved: {DOCS}/old.html now "
        f"redirects to {base}/new.html; the quote is on the new page. Check the facts"
    )
    assert "could not read https://docs.test/loop-a: a redirect loop." in verdicts["loop"][1]
    assert "no answer within 0.3 seconds" in verdicts["slow"][1]
    assert "larger than 20,000 bytes" in verdicts["large"][1]
    assert "it is application/pdf, not a web page or text" in verdicts["pdf"][1]
    assert (
        verdicts["ambiguous"][1].endswith(
            'Add quote_prefix: "other words. limits" (the words just before the quote on the page) '
            "so that the link lands on it. [quote-lands-elsewhere]"
        )
        or "Add quote_prefix:" in verdicts["ambiguous"][1]
    )


def test_the_suggested_prefix_makes_the_link_land(site: Path, server) -> None:
    base, _ = server
    suggestion = verdicts_of(site, base)["ambiguous"][1].split("quote_prefix: ", 1)[1]
    prefix = json.loads(suggestion.split(" (the words", 1)[0])
    drift = site / "sources" / "demo" / "drift.yml"
    drift.write_text(
        record_yaml("ambiguous", "/ambiguous.html", LONG_QUOTE, quote_prefix=prefix),
        encoding="utf-8",
    )
    assert verdicts_of(site, base) == {
        "ambiguous": (
            "quote-found",
            f"sources/demo/drift.yml:5: 'demo.ambiguous': its quote is on {DOCS}/ambiguous.html. "
            "Nothing to do. [quote-found]",
        )
    }


def test_a_page_that_has_not_changed_is_answered_from_the_cache(site: Path, server) -> None:
    base, handler = server
    (site / "sources" / "demo" / "drift.yml").write_text(record_yaml("cached", "/etag.html"))
    cache_file = site / CACHE_FILE
    first = verdicts_of(site, base, Cache(cache_file))
    assert cache_file.is_file()
    second = verdicts_of(site, base, Cache(cache_file))
    assert first == second and first["cached"][0] == "quote-found"
    assert handler.hits["/etag.html"] == 2
    assert handler.headers_seen["/etag.html"]["If-None-Match"] == ETAG
    saved = json.loads(cache_file.read_text())
    assert list(saved["pages"]) == [f"{base}/etag.html"]
    assert QUOTE in saved["pages"][f"{base}/etag.html"]["text"]


def test_a_broken_cache_file_is_an_empty_cache(tmp_path: Path) -> None:
    broken = tmp_path / "cache.json"
    broken.write_text("{not json")
    assert Cache(broken).pages == {}
    broken.write_text(json.dumps({"version": 1, "pages": {"x": {"etag": 1}}}))
    assert Cache(broken).pages == {}


def test_the_command_prints_each_format_and_exits_1_on_drift(site: Path, server, capsys) -> None:
    base, _ = server
    args = argparse.Namespace(root=site, format="text", timeout=0.3, no_cache=True)
    # Each format reports the same answers, so each page is fetched once for all three (the slow
    # page's timeouts are waited out once, not three times). With no cache, validators are unused.
    answers = functools.cache(lambda address: local_fetcher(base)(address, lambda _: None))

    def fetcher(address: str, known):  # noqa: ANN001, ANN202
        return answers(address)

    code = verify_sources.run(args, fetcher=fetcher)
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert code == 1
    assert len(lines) == len(FIXTURE_RECORDS)
    assert lines[-1].endswith("[quote-changed]") or lines[-1].endswith("]")
    # Notes (found) first, drift last, just above the summary.
    codes = [line.rsplit("[", 1)[1].rstrip("]") for line in lines]
    assert codes.index("quote-changed") > codes.index("quote-found")
    assert err == (
        "14 records, 12 pages fetched. Quote found: 4; no quote to look for: 1; quote no longer "
        "found: 1; link lands elsewhere: 1; page gone: 2; page moved: 1; unreachable: 3; "
        "unreadable: 1.\n"
    )
    args.format = "github"
    verify_sources.run(args, fetcher=fetcher)
    github = capsys.readouterr().out.splitlines()
    assert github[0].startswith("::error file=sources/demo/drift.yml,line=")
    assert any(line.startswith("::notice ") and "quote-found" in line for line in github)
    args.format = "json"
    verify_sources.run(args, fetcher=fetcher)
    items = json.loads(capsys.readouterr().out)
    assert {(i["code"], i["severity"]) for i in items} >= {
        ("quote-found", "info"),
        ("page-gone", "error"),
    }
    assert all(i["path"] == "sources/demo/drift.yml" and i["line"] > 0 for i in items)


def test_nothing_drifted_exits_0_and_records_are_never_changed(site: Path, server, capsys) -> None:
    base, _ = server
    drift = site / "sources" / "demo" / "drift.yml"
    drift.write_text(
        record_yaml("fine", "/unchanged.html") + "\n" + record_yaml("bare", "/new.html", None)
    )
    before = drift.read_bytes()
    args = argparse.Namespace(root=site, format="text", timeout=0.3, no_cache=True)
    assert verify_sources.run(args, fetcher=local_fetcher(base)) == 0
    assert capsys.readouterr().err == (
        "2 records, 2 pages fetched. Quote found: 1; no quote to look for: 1.\n"
    )
    assert drift.read_bytes() == before
    assert not (site / ".cache").exists(), "--no-cache keeps no cache"


def test_broken_records_stop_the_command_with_their_problems(site: Path, capsys) -> None:
    (site / "sources" / "demo" / "drift.yml").write_text("- id: demo.x\n  kind: doc\n")
    args = argparse.Namespace(root=site, format="text", timeout=0.3, no_cache=True)
    with pytest.raises(verify_sources.CommandError) as stopped:
        verify_sources.run(args, fetcher=lambda *_: pytest.fail("nothing may be fetched"))
    assert stopped.value.exit_code == 2
    assert "[missing-field]" in capsys.readouterr().out


# --- the parts, one at a time ---------------------------------------------------------------------


def test_visible_text_skips_scripts_styles_and_hidden_parts_and_keeps_blocks_apart() -> None:
    text = visible_text(
        "<html><head><title>T</title><style>p{}</style></head><body><p>one<b>two</b></p>"
        "<p>three</p><script>four</script><div hidden>five</div>"
        "<span style='display: none'>six</span><ul><li>seven</li><li>eight</li></ul>"
        "<table><tr><td>nine</td><td>ten</td></tr></table>eleven<br>twelve</body></html>"
    )
    assert text.split("\n") == [
        "onetwo",
        "three",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ]


def test_normalise_folds_what_varies_between_copies_of_the_same_words() -> None:
    assert normalise("Zoho’s  “Bulk”\u00a0API – v8\n") == 'zoho\'s "bulk" api - v8'
    assert normalise("ﬁle") == "file"  # compatibility ligature


def test_words_are_found_only_at_word_boundaries() -> None:
    assert find_words("the jobs and the job", "job") == 17
    assert find_words("a job, then", "job,") == 2
    assert find_words("no match", "") == -1


def test_page_text_reads_html_text_and_json_but_not_binary_files() -> None:
    assert page_text(b"<p>a</p><p>b</p>", "text/html; charset=utf-8") == "a\nb"
    assert page_text("caf\xe9".encode("latin-1"), "text/plain; charset=ISO-8859-1") == "caf\xe9"
    assert page_text(b'{"a": "b"}', "application/vnd.oai.openapi+json") == '{"a": "b"}'
    assert page_text(b"<p>x</p>", "") == "x"
    assert page_text(b"\x89PNG", "image/png") is None
    assert page_text(b"x", "text/plain; charset=no-such-charset") == "x"


def test_the_closest_passage_is_what_the_page_says_now_or_nothing() -> None:
    page = "Intro words. Each job takes at most 25,000 rows per file. Other text follows here."
    assert closest_passage(page, "Each job takes up to 25,000 records per file.") == (
        "Each job takes at most 25,000 rows per file."
    )
    assert closest_passage(page, "Nothing like this is written anywhere at all.") == ""
    assert closest_passage("", "x") == "" and closest_passage(page, "") == ""


def test_a_file_shown_on_github_is_fetched_as_the_file_itself() -> None:
    assert fetch_address("https://github.com/zoho/crm-oas/blob/main/v8.0/bulk_read.json#L3") == (
        "https://raw.githubusercontent.com/zoho/crm-oas/main/v8.0/bulk_read.json"
    )
    assert fetch_address("https://www.zoho.com/crm/a.html#x") == "https://www.zoho.com/crm/a.html"


def test_lands_on_follows_the_browser_to_the_first_match() -> None:
    quote = normalise(LONG_QUOTE)
    text = normalise(visible_text(AMBIGUOUS))
    assert not lands_on(text, quote, directive_for(quote))  # from "the status of the job is shown"
    assert lands_on(text, quote, directive_for(quote, prefix="Statuses"))
    assert not lands_on(text, quote, directive_for(quote, prefix="Jobs"))
    short = normalise("the list.")
    assert lands_on(text, short, directive_for(short))
    assert not lands_on(text, normalise("not there"), directive_for("not there"))


def test_retries_wait_longer_each_time(server) -> None:
    base, handler = server
    waits: list[float] = []
    policy = Policy("test", timeout=0.3, retries=3, backoff=0.5, max_wait=1.0)
    fetched = fetch(f"{base}/missing-fixture", policy, sleep=waits.append)
    assert fetched.status == 500
    assert waits == [0.5, 1.0, 1.0]  # doubled, and capped at max_wait
    assert handler.hits["/missing-fixture"] == 4

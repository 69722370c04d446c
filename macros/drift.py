"""The drift watch: is each record's quote still on the page it cites?

Owns: choosing the pages to fetch (each distinct record URL once), the small cache of validators
and page text under .cache/, reading a fetched page as text, and one verdict per record as a
Problem at its path:line. Does not own: HTTP (fetch.py), visible text and word matching
(pagetext.py), text fragments (textfragment.py) or printing (cli/verify_sources.py). It reads
records and never changes one.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .fetch import Fetched, Validators
from .kinds import QUOTED_KINDS, Record
from .pagetext import closest_passage, find_words, normalise, visible_text
from .problems import Problem
from .textfragment import TextDirective, directive_for

CACHE_VERSION = 1
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Read as they are: a quote may come from an OpenAPI file or a plain-text page.
TEXT_TYPES = ("text/", "application/json", "application/xml", "+json", "+xml")
GONE = (404, 410)
# Verdicts that need a writer: each is an error, and the command exits 1 when any is found.
DRIFT_CODES = (
    "quote-changed",
    "quote-lands-elsewhere",
    "page-gone",
    "page-moved",
    "page-unreachable",
    "page-unreadable",
)

# (address, validators of the copy held or None) -> what came back
Fetcher = Callable[[str, Callable[[str], Validators | None]], Fetched]

_GITHUB_BLOB = re.compile(r"https://github\.com/([^/]+)/([^/]+)/blob/(.+)")


def fetch_address(url: str) -> str:
    """The address to fetch for a record's URL: without its fragment, and for a file shown on
    GitHub (github.com/o/r/blob/ref/path) the file itself, since GitHub draws that page with
    scripts."""
    address = url.partition("#")[0]
    blob = _GITHUB_BLOB.fullmatch(address)
    if blob:
        return "https://raw.githubusercontent.com/{}/{}/{}".format(*blob.groups())
    return address


# --- the cache: what a server said about its copy, and that copy's text --------------------------


@dataclass(frozen=True)
class CachedPage:
    validators: Validators
    content_type: str
    text: str | None  # None: the page could not be read as text


class Cache:
    """Validators and text of pages fetched before, so a page that has not changed is answered
    with 304 Not Modified instead of being sent again. Kept in one JSON file; a missing or
    broken file is an empty cache."""

    def __init__(self, path: Path | None):
        self.path = path
        self.pages: dict[str, CachedPage] = {}
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            if isinstance(data, dict) and data.get("version") == CACHE_VERSION:
                for address, entry in (data.get("pages") or {}).items():
                    try:
                        validators = Validators(entry["etag"], entry["last_modified"])
                        self.pages[address] = CachedPage(validators, entry["type"], entry["text"])
                    except (KeyError, TypeError):
                        continue

    def validators(self, address: str) -> Validators | None:
        page = self.pages.get(address)
        return page.validators if page is not None else None

    def save(self, keep: Iterable[str]) -> None:
        """Write the pages fetched in this run (only those: the file never grows with old ones)."""
        if self.path is None:
            return
        kept = {a: self.pages[a] for a in sorted(set(keep)) if a in self.pages}
        data = {
            "version": CACHE_VERSION,
            "pages": {
                address: {
                    "etag": page.validators.etag,
                    "last_modified": page.validators.last_modified,
                    "type": page.content_type,
                    "text": page.text,
                }
                for address, page in kept.items()
            },
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
        os.replace(temporary, self.path)  # a run stopped half-way leaves the old file whole


# --- one page -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A fetched page as the verdicts need it: what came back, and its text when it has any."""

    fetched: Fetched
    text: str | None = None
    unreadable: str = ""  # why a page that answered has no text


def read_page(address: str, fetcher: Fetcher, cache: Cache) -> Page:
    fetched = fetcher(address, cache.validators)
    final = fetched.final_url or address
    if fetched.status == 304:
        cached = cache.pages.get(final)
        if cached is None:  # only a request that sent validators may be answered so
            return Page(replace(fetched, status=None, error="it answered 304 to a plain request"))
        return _page(fetched, cached.content_type, cached.text)
    if fetched.status != 200:
        return Page(fetched)
    text = page_text(fetched.body, fetched.content_type)
    if fetched.validators.etag or fetched.validators.last_modified:
        cache.pages[final] = CachedPage(fetched.validators, fetched.content_type, text)
    return _page(fetched, fetched.content_type, text)


def _page(fetched: Fetched, content_type: str, text: str | None) -> Page:
    if text is None:
        kind = content_type.split(";")[0].strip() or "no content type"
        return Page(fetched, None, f"it is {kind}, not a web page or text")
    return Page(fetched, text)


def page_text(body: bytes, content_type: str) -> str | None:
    """The words of a page: an HTML page's visible text, a text file's text; None otherwise."""
    kind, _, parameters = content_type.partition(";")
    kind = kind.strip().lower()
    charset = re.search(r"charset=\"?([\w.:-]+)", parameters, re.I)
    try:
        decoded = body.decode(charset.group(1) if charset else "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        decoded = body.decode("utf-8", errors="replace")
    if kind in HTML_TYPES or (not kind and decoded.lstrip()[:1] == "<"):
        return visible_text(decoded)
    if kind.startswith(TEXT_TYPES[0]) or kind in TEXT_TYPES[1:3] or kind.endswith(TEXT_TYPES[3:]):
        return decoded
    return None


def read_pages(
    addresses: Iterable[str], fetcher: Fetcher, cache: Cache, workers: int = 4
) -> dict[str, Page]:
    """Fetch each address once, a few at a time (politely: one site serves most of them)."""
    addresses = sorted(set(addresses))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        pages = pool.map(lambda a: read_page(a, fetcher, cache), addresses)
        return dict(zip(addresses, pages, strict=True))


# --- one verdict per record -----------------------------------------------------------------------


def lands_on(text: str, quote: str, directive: TextDirective) -> bool:
    """Whether a browser following the directive would highlight exactly the quote: the first
    match of [prefix] start [... end] is the quote itself. All of it normalised."""
    start, end, prefix = (
        normalise(part) for part in (directive.start, directive.end, directive.prefix)
    )
    found = find_words(text, f"{prefix} {start}" if prefix else start)
    if found < 0:
        return False
    begin = found + (len(prefix) + 1 if prefix else 0)
    finish = begin + len(start)
    if end:
        found_end = find_words(text, end, finish)
        if found_end < 0:
            return False
        finish = found_end + len(end)
    return text[begin:finish] == quote


def prefix_that_lands(text: str, quote: str, at: int, most_words: int = 6) -> str:
    """The fewest words just before position `at` that make the link land on the quote there."""
    before = text[:at].split()
    for size in range(1, min(most_words, len(before)) + 1):
        prefix = " ".join(before[-size:])
        if lands_on(text, quote, directive_for(quote, prefix=prefix)):
            return prefix
    return ""


def verdict(record: Record, page: Page) -> Problem:
    """What the watch says about one record, given its page."""
    fetched, url = page.fetched, record.url
    where = record.at("quote") if record.quote else record.at("url")
    if fetched.status in GONE:
        via = f" (after a redirect to {fetched.final_url})" if fetched.moved else ""
        return Problem(
            record.at("url"),
            f"'{record.id}': its page is gone: {url} answers {fetched.status}{via}",
            "Find the page that states these facts now and set url to it (and quote, "
            "verified_on), or delete the record and the citations of it",
            "page-gone",
        )
    if fetched.status not in (200, 304):
        reason = fetched.error or f"it answers HTTP {fetched.status}"
        return Problem(
            record.at("url"),
            f"'{record.id}': could not read {url}: {reason}",
            "Open the page in a browser; if it works there, run the watch again later",
            "page-unreachable",
        )
    if page.text is None:
        return Problem(
            record.at("url"),
            f"'{record.id}': {url} cannot be checked: {page.unreadable}",
            "Link the page that shows these words, or check the record by hand",
            "page-unreadable",
        )
    text, quote = normalise(page.text), normalise(record.quote)
    found = find_words(text, quote) if quote else -1
    if fetched.moved:
        on_new_page = (
            "; the quote is on the new page"
            if found >= 0
            else "; the quote is not on the new page"
            if quote
            else ""
        )
        return Problem(
            record.at("url"),
            f"'{record.id}': its page has moved: {url} now redirects to {fetched.final_url}"
            f"{on_new_page}",
            "Check the facts on the new page, then set url to it (and quote, verified_on)",
            "page-moved",
        )
    if not quote:
        return Problem(
            where,
            f"'{record.id}': its page answers; the record has no quote to look for",
            "Add quote: with the words on that page that state its facts"
            if record.kind in QUOTED_KINDS
            else "Nothing to do",
            "page-found",
            severity="info",
        )
    if found < 0:
        closest = closest_passage(page.text, record.quote)
        now = f" (the closest words there now: {json.dumps(closest, ensure_ascii=False)})"
        return Problem(
            where,
            f"'{record.id}': its quote is no longer on {url}; Zoho changed the page"
            f"{now if closest else ''}",
            "Read the page again, correct the record's facts if they changed, copy the words "
            "that state them now into quote, and set verified_on",
            "quote-changed",
        )
    directive = directive_for(record.quote, prefix=record.quote_prefix)
    if not lands_on(text, quote, directive):
        prefix = prefix_that_lands(text, quote, found)
        todo = (
            f"Add quote_prefix: {json.dumps(prefix, ensure_ascii=False)} (the words just before "
            "the quote on the page) so that the link lands on it"
            if prefix
            else "Add quote_prefix: with the words just before the quote on the page, or quote "
            "a longer passage, so that the link lands on it"
        )
        return Problem(
            where,
            f"'{record.id}': its quote is on {url}, but its link would first highlight other "
            "words there that begin the same way",
            todo,
            "quote-lands-elsewhere",
        )
    return Problem(
        where, f"'{record.id}': its quote is on {url}", "Nothing to do", "quote-found", "info"
    )


def verify(
    records: Iterable[Record], fetcher: Fetcher, cache: Cache, workers: int = 4
) -> tuple[list[Problem], Mapping[str, Page]]:
    """One verdict per record (sorted by place), and the pages read, by address."""
    records = list(records)
    pages = read_pages((fetch_address(r.url) for r in records), fetcher, cache, workers)
    cache.save(
        page.fetched.final_url or address
        for address, page in pages.items()
        if page.fetched.status in (200, 304)
    )
    return sorted(verdict(r, pages[fetch_address(r.url)]) for r in records), pages

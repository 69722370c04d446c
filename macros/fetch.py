"""Fetching one web page politely: timeouts, a size limit, redirects followed by hand, retries
with back-off, and conditional requests (ETag, Last-Modified).

Owns: HTTP, with the standard library only, and the small record of what came back (Fetched).
Does not own: which pages to fetch, the cache file, or what a page must contain (drift.py).
"""

from __future__ import annotations

import email.utils
import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

REDIRECTS = (301, 302, 303, 307, 308)
# Worth another try: the server or the network may be better in a moment.
TRANSIENT = (408, 425, 429, 500, 502, 503, 504)


@dataclass(frozen=True)
class Validators:
    """What the server said identifies its copy, sent back so it can answer 304 Not Modified."""

    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class Fetched:
    """What one fetch found. `status` is the final HTTP status (None when nothing answered, with
    `error` saying why); `hops` are the addresses that redirected, in order."""

    url: str
    status: int | None = None
    final_url: str = ""
    content_type: str = ""
    body: bytes = b""
    validators: Validators = field(default_factory=Validators)
    hops: tuple[str, ...] = ()
    error: str = ""

    @property
    def moved(self) -> bool:
        return _without_fragment(self.final_url or self.url) != _without_fragment(self.url)


@dataclass(frozen=True)
class Policy:
    """How to fetch: seconds a page may take, bytes it may have, redirects, retries and waits."""

    user_agent: str
    timeout: float = 20.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    retries: int = 2
    backoff: float = 1.0  # seconds before the first retry; doubled for each one after
    max_wait: float = 30.0  # the longest wait a Retry-After header is allowed to ask for


def _without_fragment(url: str) -> str:
    return url.partition("#")[0]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as responses, so each hop can be counted, checked and reported."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def fetch(
    url: str,
    policy: Policy,
    known: Callable[[str], Validators | None] = lambda _: None,
    sleep: Callable[[float], None] = time.sleep,
) -> Fetched:
    """GET `url`, following up to policy.max_redirects redirects. `known(address)` gives the
    validators of a copy already held, for a conditional request; a 304 then comes back as
    status 304 with no body."""
    address = _without_fragment(url)
    hops: list[str] = []
    while True:
        answer = _get_with_retries(address, policy, known(address), sleep)
        if answer.status not in REDIRECTS:
            return Fetched(
                url,
                answer.status,
                address,
                answer.content_type,
                answer.body,
                answer.validators,
                tuple(hops),
                answer.error,
            )
        target = _without_fragment(urljoin(address, answer.location))
        hops.append(address)
        if not answer.location or urlsplit(target).scheme not in ("http", "https"):
            return Fetched(
                url, answer.status, address, hops=tuple(hops), error="a redirect to nowhere"
            )
        if target in hops:
            return Fetched(url, answer.status, target, hops=tuple(hops), error="a redirect loop")
        if len(hops) > policy.max_redirects:
            error = f"more than {policy.max_redirects} redirects"
            return Fetched(url, answer.status, target, hops=tuple(hops), error=error)
        address = target


@dataclass(frozen=True)
class _Answer:
    status: int | None
    content_type: str = ""
    body: bytes = b""
    validators: Validators = field(default_factory=Validators)
    location: str = ""
    retry_after: float | None = None
    error: str = ""


def _get_with_retries(
    address: str, policy: Policy, validators: Validators | None, sleep: Callable[[float], None]
) -> _Answer:
    answer = _Answer(None)
    for attempt in range(policy.retries + 1):
        answer = _get(address, policy, validators)
        if answer.status is not None and answer.status not in TRANSIENT:
            return answer
        if answer.error.startswith("larger than"):
            return answer  # it will not shrink by asking again
        if attempt < policy.retries:
            wait = policy.backoff * 2**attempt
            if answer.retry_after is not None:
                wait = max(wait, answer.retry_after)
            sleep(min(wait, policy.max_wait))
    return answer


def _get(address: str, policy: Policy, validators: Validators | None) -> _Answer:
    headers = {"User-Agent": policy.user_agent, "Accept": "text/html,*/*;q=0.5"}
    if validators and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    request = urllib.request.Request(address, headers=headers)
    deadline = time.monotonic() + policy.timeout
    try:
        with _OPENER.open(request, timeout=policy.timeout) as response:
            return _read(response, response.status, policy, deadline)
    except urllib.error.HTTPError as answer:  # 3xx, 4xx and 5xx come back as HTTPError
        with answer:
            return _read(answer, answer.code, policy, deadline, keep_body=False)
    except TimeoutError:
        return _Answer(None, error=f"no answer within {policy.timeout:g} seconds")
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return _Answer(None, error=f"no answer within {policy.timeout:g} seconds")
        return _Answer(None, error=f"could not connect ({reason})")
    except (http.client.HTTPException, OSError, ValueError) as error:
        return _Answer(None, error=f"the connection failed ({type(error).__name__}: {error})")


def _read(
    response, status: int, policy: Policy, deadline: float, keep_body: bool = True
) -> _Answer:  # noqa: ANN001
    headers: Mapping[str, str] = response.headers
    kind = headers.get("Content-Type", "")
    found = Validators(headers.get("ETag", ""), headers.get("Last-Modified", ""))
    retry_after = _seconds(headers.get("Retry-After", ""))
    if not keep_body or status == 304:
        return _Answer(status, kind, b"", found, headers.get("Location", ""), retry_after)
    too_large = _Answer(None, kind, error=f"larger than {policy.max_bytes:,} bytes")
    length = headers.get("Content-Length", "")
    if length.isdigit() and int(length) > policy.max_bytes:
        return too_large
    chunks, size = [], 0
    while chunk := response.read(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > policy.max_bytes:
            return too_large
        if time.monotonic() > deadline:  # a page that trickles in must not hold the run up
            return _Answer(None, kind, error=f"not read within {policy.timeout:g} seconds")
    return _Answer(status, kind, b"".join(chunks), found, retry_after=retry_after)


def _seconds(retry_after: str) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date."""
    if retry_after.strip().isdigit():
        return float(retry_after.strip())
    try:
        when = email.utils.parsedate_to_datetime(retry_after)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

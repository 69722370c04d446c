"""A small, standard-library client for the Zoho CRM Bulk Read and Bulk Write APIs (v8).

Every network call goes through a ``Transport``: a plain function that turns a ``Request``
into a ``Response``. ``urllib_transport`` talks to Zoho for real; tests pass a stub instead,
so each function here can be checked without a Zoho account.

Typical flows:

* Export: ``create_bulk_read_job`` -> ``wait_for_bulk_read_job`` ->
  ``download_bulk_read_result`` -> ``read_csv_from_zip``; ``export_all_pages`` repeats that
  for exports larger than one job, and ``retry_when_rate_limited`` waits out Zoho's limit on
  downloads.
* Import: ``zip_csv`` -> ``upload_bulk_write_file`` -> ``create_bulk_write_job`` ->
  ``wait_for_bulk_write_job`` -> ``download_bulk_write_result`` -> ``read_csv_from_zip``
  -> ``failed_rows``.
"""

from __future__ import annotations

import csv
import io
import json
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeAlias, TypeVar

T = TypeVar("T")

# --- Transport -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One HTTP request, as handed to a transport."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None = None


@dataclass(frozen=True)
class Response:
    """One HTTP response; header names are lower-case so lookups do not depend on the server."""

    status: int
    headers: dict[str, str]
    body: bytes


Transport: TypeAlias = Callable[[Request], Response]


def urllib_transport(request: Request) -> Response:
    """Send a request with urllib and return the response, error statuses included."""
    http_request = urllib.request.Request(
        request.url, data=request.body, headers=request.headers, method=request.method
    )
    try:
        with urllib.request.urlopen(http_request, timeout=60) as reply:
            return Response(reply.status, _lower_keys(reply.headers.items()), reply.read())
    except urllib.error.HTTPError as error:
        # urllib raises for 4xx/5xx; Zoho puts its error code in that body, so keep it.
        with error:
            return Response(error.code, _lower_keys(error.headers.items()), error.read())


def _lower_keys(items: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in items}


# --- Client --------------------------------------------------------------------------------


class ZohoApiError(Exception):
    """Zoho answered with a non-2xx status; ``code`` is Zoho's error code when it sent one."""

    def __init__(self, status: int, code: str | None, message: str) -> None:
        super().__init__(f"HTTP {status} {code or ''}: {message}")
        self.status = status
        self.code = code
        self.message = message


class BulkJobFailed(Exception):
    """A bulk job ended without a result; ``job`` holds Zoho's job details, reason included."""

    def __init__(self, job: dict[str, Any]) -> None:
        error = (job.get("result") or {}).get("error_message") or {}
        reason = f"{error.get('code', '')} {error.get('message', '')}".strip() or "no reason given"
        super().__init__(f"bulk job {job.get('id')} failed: {reason}")
        self.job = job


class ZohoCrmClient:
    """Holds the data-centre API domain, an OAuth access token and the transport to use."""

    def __init__(
        self, api_domain: str, access_token: str, transport: Transport = urllib_transport
    ) -> None:
        # api_domain is the value Zoho returns with the token, e.g. https://www.zohoapis.eu
        self.api_domain = api_domain.rstrip("/")
        self.access_token = access_token
        self.transport = transport

    def _call(
        self,
        method: str,
        path_or_url: str,
        *,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> Any:
        """Send one authorised request; return parsed JSON, or raw bytes for file downloads."""
        url = path_or_url
        if not url.startswith(("https://", "http://")):
            url = f"{self.api_domain}/{url.lstrip('/')}"
        all_headers = {"Authorization": f"Zoho-oauthtoken {self.access_token}", **(headers or {})}
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        response = self.transport(Request(method, url, all_headers, body))
        if not 200 <= response.status < 300:
            raise _error_from(response)
        if "json" not in response.headers.get("content-type", ""):
            return response.body  # a ZIP file
        payload = json.loads(response.body)
        # The upload endpoint can report an error (e.g. INVALID_FILE_FORMAT) with HTTP 200.
        if isinstance(payload, dict) and payload.get("status") == "error":
            raise _error_from(response)
        return payload


def _error_from(response: Response) -> ZohoApiError:
    """Turn a failed response into a ZohoApiError carrying Zoho's code and message."""
    try:
        payload = json.loads(response.body)
    except ValueError:  # not JSON, e.g. an HTML page from a proxy
        text = response.body[:200].decode("utf-8", errors="replace")
        return ZohoApiError(response.status, None, text)
    # Bulk Read wraps its errors in a "data" list; the other endpoints return them bare.
    if isinstance(payload, dict) and isinstance(payload.get("data"), list) and payload["data"]:
        payload = payload["data"][0]
    if not isinstance(payload, dict):
        return ZohoApiError(response.status, None, str(payload))
    return ZohoApiError(response.status, payload.get("code"), payload.get("message", ""))


# --- Bulk Read (export) --------------------------------------------------------------------


def create_bulk_read_job(
    client: ZohoCrmClient,
    module: str,
    fields: list[str] | None = None,
    criteria: dict[str, Any] | None = None,
    page: int | None = None,
    page_token: str | None = None,
    callback_url: str | None = None,
) -> str:
    """Start an export of one module's records to CSV and return the job ID."""
    query: dict[str, Any] = {"module": {"api_name": module}}
    if fields:
        query["fields"] = fields  # omitted = every field the user can see
    if criteria:
        query["criteria"] = criteria
    if page is not None:
        query["page"] = page
    if page_token:
        query["page_token"] = page_token  # the next_page_token of an earlier job
    body: dict[str, Any] = {"query": query}
    if callback_url:
        body["callback"] = {"url": callback_url, "method": "post"}  # "post" is the only method
    reply = client._call("POST", "/crm/bulk/v8/read", json_body=body)
    return reply["data"][0]["details"]["id"]


def get_bulk_read_job(client: ZohoCrmClient, job_id: str) -> dict[str, Any]:
    """Fetch a bulk read job; its "state" tells whether the export is ready."""
    reply = client._call("GET", f"/crm/bulk/v8/read/{job_id}")
    return reply["data"][0]  # the job comes wrapped in a one-item "data" list


def wait_for_bulk_read_job(
    client: ZohoCrmClient,
    job_id: str,
    *,
    interval: float = 30.0,
    timeout: float = 1800.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll a bulk read job until its state is COMPLETED or FAILURE, and return it."""
    deadline = clock() + timeout
    while True:
        job = get_bulk_read_job(client, job_id)
        # ADDED, QUEUED and IN PROGRESS mean "not yet". A failed export says FAILURE, not FAILED.
        if job["state"] in ("COMPLETED", "FAILURE"):
            return job
        if clock() >= deadline:
            raise TimeoutError(f"bulk read job {job_id} still {job['state']} after {timeout}s")
        sleep(interval)


def download_bulk_read_result(client: ZohoCrmClient, job: dict[str, Any]) -> bytes:
    """Download the ZIP of a COMPLETED bulk read job (Zoho allows 10 downloads a minute)."""
    # download_url is a path such as /crm/bulk/v8/read/{job_id}/result on the API domain.
    return client._call("GET", job["result"]["download_url"])


def read_csv_from_zip(zip_bytes: bytes) -> list[dict[str, str]]:
    """Return the rows of the CSV file inside a Zoho result ZIP as dicts keyed by header."""
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        names = [name for name in archive.namelist() if name.lower().endswith(".csv")]
        if not names:
            raise ValueError(f"no CSV file in the ZIP (found {archive.namelist()})")
        with archive.open(names[0]) as raw:
            # utf-8-sig also accepts a leading byte-order mark; newline="" is what csv expects.
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            return list(csv.DictReader(text))


def retry_when_rate_limited(
    call: Callable[[], T],
    *,
    attempts: int = 3,
    wait: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run call(); when Zoho answers HTTP 429, wait a minute and try again, a few times at most."""
    for _ in range(attempts - 1):
        try:
            return call()
        except ZohoApiError as error:
            # Bulk Read allows 10 downloads a minute; the limit lifts when the minute is over.
            if error.status != 429:
                raise
        sleep(wait)
    return call()


def next_page(job: dict[str, Any]) -> dict[str, Any] | None:
    """Return the page or page_token that continues a finished export, or None when it is done."""
    result = job.get("result") or {}
    if not result.get("more_records"):
        return None
    # Zoho documents both ways to continue; a token, when it sends one, reaches furthest.
    if result.get("next_page_token"):
        return {"page_token": result["next_page_token"]}
    return {"page": int(result.get("page", 1)) + 1}


def export_all_pages(
    client: ZohoCrmClient,
    module: str,
    fields: list[str] | None = None,
    criteria: dict[str, Any] | None = None,
    *,
    wait: Callable[[ZohoCrmClient, str], dict[str, Any]] = wait_for_bulk_read_job,
) -> Iterator[bytes]:
    """Export every matching record, one job per page, yielding each page's result ZIP."""
    paging: dict[str, Any] | None = {}
    while paging is not None:
        # Keep module, fields and criteria the same for every page of one export.
        job = wait(client, create_bulk_read_job(client, module, fields, criteria, **paging))
        if job["state"] != "COMPLETED":
            raise BulkJobFailed(job)  # Zoho reports FAILURE with result.error_message
        yield retry_when_rate_limited(partial(download_bulk_read_result, client, job))
        paging = next_page(job)


# --- Bulk Write (import) -------------------------------------------------------------------


def zip_csv(csv_name: str, csv_text: str) -> bytes:
    """Pack one CSV file into the ZIP archive that the bulk write upload expects."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # The first row must hold field API names, such as Last_Name,Email.
        archive.writestr(csv_name, csv_text)
    return buffer.getvalue()


def upload_bulk_write_file(
    client: ZohoCrmClient,
    zip_bytes: bytes,
    org_id: str,
    upload_host: str = "https://content.zohoapis.com",
) -> str:
    """Upload a ZIP holding the CSV to import and return the file_id for the job."""
    # org_id is the organisation's zgid (Organization API). The upload host differs from
    # the API domain and per data centre, e.g. https://content.zohoapis.eu for the EU.
    content_type, body = _multipart_file("file", "records.zip", zip_bytes)
    headers = {"Content-Type": content_type, "feature": "bulk-write", "X-CRM-ORG": org_id}
    reply = client._call("POST", f"{upload_host}/crm/v8/upload", headers=headers, body=body)
    # Zoho's samples show file_id as a string but its OpenAPI file as an integer: normalise.
    return str(reply["details"]["file_id"])


def _multipart_file(field: str, filename: str, data: bytes) -> tuple[str, bytes]:
    """Encode one file as a multipart/form-data body; return (Content-Type, body)."""
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", head + data + tail


def create_bulk_write_job(
    client: ZohoCrmClient,
    module: str,
    file_id: str,
    operation: str = "insert",
    find_by: str | None = None,
    field_mappings: list[dict[str, Any]] | None = None,
    callback_url: str | None = None,
) -> str:
    """Start importing an uploaded file into a module and return the job ID."""
    if operation not in ("insert", "update", "upsert"):
        raise ValueError(f"operation must be insert, update or upsert, not {operation!r}")
    if operation != "insert" and not find_by:
        raise ValueError(f"{operation} needs find_by: the field Zoho matches records on")
    resource: dict[str, Any] = {"type": "data", "module": {"api_name": module}, "file_id": file_id}
    if find_by:
        resource["find_by"] = find_by  # with insert, rows matching an existing record are skipped
    if field_mappings:
        resource["field_mappings"] = field_mappings  # omitted = CSV headers are field API names
    body: dict[str, Any] = {"operation": operation, "resource": [resource]}
    if callback_url:
        body["callback"] = {"url": callback_url, "method": "post"}
    reply = client._call("POST", "/crm/bulk/v8/write", json_body=body)
    return reply["details"]["id"]


def get_bulk_write_job(client: ZohoCrmClient, job_id: str) -> dict[str, Any]:
    """Fetch a bulk write job; its "status" tells whether the import has finished."""
    # Unlike Bulk Read, the job object is the whole response, not wrapped in "data".
    return client._call("GET", f"/crm/bulk/v8/write/{job_id}")


def wait_for_bulk_write_job(
    client: ZohoCrmClient,
    job_id: str,
    *,
    interval: float = 30.0,
    timeout: float = 1800.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll a bulk write job until its status is COMPLETED or FAILED, and return it."""
    deadline = clock() + timeout
    while True:
        job = get_bulk_write_job(client, job_id)
        # Any other status means "not yet": ADDED, or IN PROGRESS, which Zoho's own
        # samples spell INPROGRESS, so do not test for one exact spelling. Zoho lists FAILED
        # only for resources and files, but stopping on it beats polling until the deadline.
        if job["status"] in ("COMPLETED", "FAILED"):
            return job
        if clock() >= deadline:
            raise TimeoutError(f"bulk write job {job_id} still {job['status']} after {timeout}s")
        sleep(interval)


def download_bulk_write_result(client: ZohoCrmClient, job: dict[str, Any]) -> bytes:
    """Download the result ZIP of a finished bulk write job (one row per imported row)."""
    url = job["result"]["download_url"]
    # Older samples give a full URL on a download host; newer ones a path such as
    # /v7/crm/... . Zoho does not document the host for a path, so the API domain is a guess.
    return client._call("GET", url)


def failed_rows(result_rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Return the result rows Zoho did not add or update, with ERRORS as (code, columns) pairs."""
    failures = []
    for row in result_rows:
        # STATUS is added, updated, skipped or unprocessed.
        if row.get("STATUS", "").strip().lower() not in ("added", "updated"):
            failures.append({**row, "ERRORS": _parse_errors(row.get("ERRORS") or "")})
    return failures


def _parse_errors(cell: str) -> list[tuple[str, tuple[str, ...]]]:
    """Split "MANDATORY_NOT_FOUND-Company,Last_Name:DUPLICATE_DATA-Email" into
    [("MANDATORY_NOT_FOUND", ("Company", "Last_Name")), ("DUPLICATE_DATA", ("Email",))]."""
    pairs = []
    for item in filter(None, cell.split(":")):
        code, _, columns = item.partition("-")  # codes use "_", so the first "-" ends the code
        # One code may name several columns, joined by commas (Zoho's own example does).
        pairs.append((code, tuple(filter(None, columns.split(",")))))
    return pairs

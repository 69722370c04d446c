"""Tests for the Zoho CRM bulk example client, run against a stub transport.

Canned responses follow the shapes of Zoho's documented responses (v8 OpenAPI description and
the doc-page samples); IDs are sample-style values, not real records.
"""

from __future__ import annotations

import ast
import email.parser
import email.policy
import http.server
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zoho_crm_bulk
from transport_stub import StubTransport
from zoho_crm_bulk import (
    BulkJobFailed,
    Request,
    Response,
    ZohoApiError,
    ZohoCrmClient,
    create_bulk_read_job,
    create_bulk_write_job,
    download_bulk_read_result,
    download_bulk_write_result,
    export_all_pages,
    failed_rows,
    get_bulk_read_job,
    get_bulk_write_job,
    next_page,
    read_csv_from_zip,
    retry_when_rate_limited,
    upload_bulk_write_file,
    urllib_transport,
    wait_for_bulk_read_job,
    wait_for_bulk_write_job,
    zip_csv,
)

API = "https://www.zohoapis.com"
TOKEN = "1000.8cb99dxxxxxxxxxxxxx9be93.9b8xxxxxxxxxxxxxxxf"
AUTH = f"Zoho-oauthtoken {TOKEN}"
ORG_ID = "673573045"
READ_JOB_ID = "4150868000001090001"
WRITE_JOB_ID = "4150868000005350003"
FILE_ID = "4150868000005349001"
CREATED_BY = {"id": "4150868000000225013", "name": "Patricia Boyle"}


# --- Stub transport and canned Zoho responses ---------------------------------------------


def json_response(payload: Any, status: int = 200) -> Response:
    body = json.dumps(payload).encode()
    return Response(status, {"content-type": "application/json;charset=UTF-8"}, body)


def zip_response(data: bytes) -> Response:
    return Response(200, {"content-type": "application/x-download"}, data)


def make_client(*responses: Response) -> tuple[ZohoCrmClient, StubTransport]:
    stub = StubTransport(*responses)
    return ZohoCrmClient(API, TOKEN, transport=stub), stub


def make_zip(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


def sent_json(request: Request) -> Any:
    assert request.body is not None
    return json.loads(request.body)


READ_CREATED = {
    "data": [
        {
            "status": "success",
            "code": "ADDED_SUCCESSFULLY",
            "message": "Added successfully.",
            "details": {
                "id": READ_JOB_ID,
                "operation": "read",
                "state": "ADDED",
                "created_by": CREATED_BY,
                "created_time": "2025-06-02T10:15:00+05:30",
            },
        }
    ],
    "info": {},
}


def read_job(state: str) -> dict[str, Any]:
    """A Bulk Read job-details response: the job sits inside a one-item data list."""
    job: dict[str, Any] = {
        "id": READ_JOB_ID,
        "operation": "read",
        "state": state,
        "query": {"module": {"api_name": "Leads"}, "page": 1},
        "created_by": CREATED_BY,
        "created_time": "2025-06-02T10:15:00+05:30",
        "file_type": "csv",
    }
    if state == "COMPLETED":
        job["result"] = {
            "page": 1,
            "count": 2,
            "download_url": f"/crm/bulk/v8/read/{READ_JOB_ID}/result",
            "per_page": 200000,
            "more_records": False,
        }
    if state == "FAILURE":
        job["result"] = {"error_message": {"code": "INTERNAL_ERROR", "message": "failed"}}
    return {"data": [job]}


UPLOADED = {
    "status": "success",
    "code": "FILE_UPLOAD_SUCCESS",
    "message": "file uploaded.",
    "details": {"file_id": FILE_ID, "created_time": "2025-06-02T10:20:00+05:30"},
}

WRITE_CREATED = {
    "status": "success",
    "code": "SUCCESS",
    "message": "success",
    "details": {"id": WRITE_JOB_ID, "created_by": CREATED_BY},
}


def write_job(status: str, download_url: str | None = None) -> dict[str, Any]:
    """A Bulk Write job-details response: the job is the whole body, with no data wrapper."""
    job: dict[str, Any] = {
        "status": status,
        "character_encoding": "UTF-8",
        "resource": [
            {
                "status": status,
                "type": "data",
                "module": {"id": "4150868000000002175", "api_name": "Leads"},
                "file": {
                    "status": status,
                    "name": "Leads.csv",
                    "added_count": 9,
                    "skipped_count": 2,
                    "updated_count": 0,
                    "total_count": 11,
                },
            }
        ],
        "id": WRITE_JOB_ID,
        "created_by": CREATED_BY,
        "operation": "insert",
        "created_time": "2025-06-02T10:25:00+05:30",
    }
    if download_url:
        job["result"] = {"download_url": download_url}
    return job


class FakeClock:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


# --- Client basics and errors --------------------------------------------------------------


def test_every_request_carries_the_zoho_oauth_header_and_absolute_url() -> None:
    client, stub = make_client(json_response(read_job("ADDED")))
    get_bulk_read_job(client, READ_JOB_ID)
    (request,) = stub.requests
    assert request.method == "GET"
    assert request.url == f"{API}/crm/bulk/v8/read/{READ_JOB_ID}"
    assert request.headers == {"Authorization": AUTH}
    assert request.body is None


def test_trailing_slash_on_api_domain_does_not_double_up() -> None:
    stub = StubTransport(json_response(write_job("ADDED")))
    client = ZohoCrmClient("https://www.zohoapis.eu/", TOKEN, transport=stub)
    get_bulk_write_job(client, WRITE_JOB_ID)
    assert stub.requests[0].url == f"https://www.zohoapis.eu/crm/bulk/v8/write/{WRITE_JOB_ID}"


def test_bare_error_body_becomes_zoho_api_error_with_zoho_code() -> None:
    not_found = {
        "code": "RESOURCE_NOT_FOUND",
        "details": {"resource": WRITE_JOB_ID},
        "message": "The requested resource doesn't exist.",
        "status": "error",
    }
    client, _ = make_client(json_response(not_found, status=404))
    with pytest.raises(ZohoApiError) as caught:
        get_bulk_write_job(client, WRITE_JOB_ID)
    assert caught.value.status == 404
    assert caught.value.code == "RESOURCE_NOT_FOUND"
    assert caught.value.message == "The requested resource doesn't exist."


def test_error_wrapped_in_data_list_is_unwrapped() -> None:
    invalid = {
        "data": [
            {
                "status": "error",
                "code": "INVALID_CRITERIA",
                "message": "invalid criteria",
                "details": {},
            }
        ]
    }
    client, _ = make_client(json_response(invalid, status=400))
    with pytest.raises(ZohoApiError) as caught:
        create_bulk_read_job(client, "Leads")
    assert (caught.value.status, caught.value.code) == (400, "INVALID_CRITERIA")
    assert caught.value.message == "invalid criteria"


def test_non_json_error_keeps_status_and_text() -> None:
    bad_gateway = Response(502, {"content-type": "text/html"}, b"<html>Bad Gateway</html>")
    client, _ = make_client(bad_gateway)
    with pytest.raises(ZohoApiError) as caught:
        get_bulk_read_job(client, READ_JOB_ID)
    assert caught.value.status == 502
    assert caught.value.code is None
    assert "Bad Gateway" in caught.value.message


# --- Bulk Read -----------------------------------------------------------------------------


def test_create_bulk_read_job_minimal_body() -> None:
    client, stub = make_client(json_response(READ_CREATED, status=201))
    assert create_bulk_read_job(client, "Leads") == READ_JOB_ID
    (request,) = stub.requests
    assert request.method == "POST"
    assert request.url == f"{API}/crm/bulk/v8/read"
    assert request.headers == {"Authorization": AUTH, "Content-Type": "application/json"}
    assert sent_json(request) == {"query": {"module": {"api_name": "Leads"}}}


def test_create_bulk_read_job_with_every_option() -> None:
    criteria = {
        "group_operator": "and",
        "group": [
            {"field": {"api_name": "Lead_Source"}, "comparator": "equal", "value": "Web"},
            {"field": {"api_name": "Created_Time"}, "comparator": "greater_than",
             "value": "2025-01-01T00:00:00+00:00"},
        ],
    }  # fmt: skip
    client, stub = make_client(json_response(READ_CREATED, status=201))
    job_id = create_bulk_read_job(
        client,
        "Leads",
        fields=["Last_Name", "Email", "Owner.last_name"],
        criteria=criteria,
        page=2,
        page_token="e5f0bd9a3c3f0c0b",
        callback_url="https://example.com/zoho/bulk-read",
    )
    assert job_id == READ_JOB_ID
    assert sent_json(stub.requests[0]) == {
        "query": {
            "module": {"api_name": "Leads"},
            "fields": ["Last_Name", "Email", "Owner.last_name"],
            "criteria": criteria,
            "page": 2,
            "page_token": "e5f0bd9a3c3f0c0b",
        },
        "callback": {"url": "https://example.com/zoho/bulk-read", "method": "post"},
    }


def test_get_bulk_read_job_returns_the_job_from_the_data_list() -> None:
    client, _ = make_client(json_response(read_job("COMPLETED")))
    job = get_bulk_read_job(client, READ_JOB_ID)
    assert job["id"] == READ_JOB_ID
    assert job["state"] == "COMPLETED"
    assert job["result"]["download_url"] == f"/crm/bulk/v8/read/{READ_JOB_ID}/result"


def test_wait_for_bulk_read_job_polls_through_every_running_state() -> None:
    client, stub = make_client(
        *(json_response(read_job(s)) for s in ("ADDED", "QUEUED", "IN PROGRESS", "COMPLETED"))
    )
    clock = FakeClock()
    job = wait_for_bulk_read_job(client, READ_JOB_ID, interval=10, sleep=clock.sleep, clock=clock)
    assert job["state"] == "COMPLETED"
    assert clock.sleeps == [10, 10, 10]
    assert [r.url for r in stub.requests] == [f"{API}/crm/bulk/v8/read/{READ_JOB_ID}"] * 4


def test_wait_for_bulk_read_job_returns_a_failed_export_at_once() -> None:
    client, stub = make_client(json_response(read_job("FAILURE")))
    clock = FakeClock()
    job = wait_for_bulk_read_job(client, READ_JOB_ID, sleep=clock.sleep, clock=clock)
    assert job["state"] == "FAILURE"
    assert job["result"]["error_message"]["code"] == "INTERNAL_ERROR"
    assert clock.sleeps == []
    assert len(stub.requests) == 1


def test_wait_for_bulk_read_job_times_out() -> None:
    client, stub = make_client(*(json_response(read_job("IN PROGRESS")) for _ in range(3)))
    clock = FakeClock()
    with pytest.raises(TimeoutError, match="IN PROGRESS"):
        wait_for_bulk_read_job(
            client, READ_JOB_ID, interval=30, timeout=60, sleep=clock.sleep, clock=clock
        )
    # Polls at t=0, 30 and 60 s; the third poll is at the deadline, so no third sleep.
    assert len(stub.requests) == 3
    assert clock.sleeps == [30, 30]


def test_download_bulk_read_result_prefixes_the_api_domain() -> None:
    archive = make_zip(f"{READ_JOB_ID}.csv", "id,Last_Name\n1,Boyle\n")
    client, stub = make_client(zip_response(archive))
    job = read_job("COMPLETED")["data"][0]
    assert download_bulk_read_result(client, job) == archive
    (request,) = stub.requests
    assert request.method == "GET"
    assert request.url == f"{API}/crm/bulk/v8/read/{READ_JOB_ID}/result"
    assert request.headers == {"Authorization": AUTH}


def test_read_csv_from_zip_handles_quotes_newlines_and_bom() -> None:
    text = '\ufeffid,Last_Name,Description\n1,Boyle,"Met at expo, Berlin"\n2,Lee,"two\nlines"\n'
    rows = read_csv_from_zip(make_zip(f"{READ_JOB_ID}.csv", text))
    assert rows == [
        {"id": "1", "Last_Name": "Boyle", "Description": "Met at expo, Berlin"},
        {"id": "2", "Last_Name": "Lee", "Description": "two\nlines"},
    ]


def test_read_csv_from_zip_rejects_a_zip_without_csv() -> None:
    with pytest.raises(ValueError, match="no CSV"):
        read_csv_from_zip(make_zip(f"{READ_JOB_ID}.ics", "BEGIN:VCALENDAR\n"))


# --- Rate limit and paging -----------------------------------------------------------------


def rate_limited() -> Response:
    return json_response(
        {"code": "TOO_MANY_REQUESTS", "message": "too many requests", "status": "error"}, 429
    )


def test_retry_when_rate_limited_waits_a_minute_then_tries_again() -> None:
    archive = make_zip(f"{READ_JOB_ID}.csv", "id\n1\n")
    client, stub = make_client(rate_limited(), zip_response(archive))
    clock = FakeClock()
    job = read_job("COMPLETED")["data"][0]
    result = retry_when_rate_limited(
        lambda: download_bulk_read_result(client, job), sleep=clock.sleep
    )
    assert result == archive
    assert clock.sleeps == [60.0]
    assert len(stub.requests) == 2


def test_retry_when_rate_limited_gives_up_after_the_last_attempt() -> None:
    client, stub = make_client(rate_limited(), rate_limited(), rate_limited())
    clock = FakeClock()
    job = read_job("COMPLETED")["data"][0]
    with pytest.raises(ZohoApiError) as caught:
        retry_when_rate_limited(
            lambda: download_bulk_read_result(client, job), wait=5, sleep=clock.sleep
        )
    assert (caught.value.status, caught.value.code) == (429, "TOO_MANY_REQUESTS")
    assert clock.sleeps == [5, 5]
    assert len(stub.requests) == 3


def test_retry_when_rate_limited_passes_other_errors_on_at_once() -> None:
    missing = {"code": "RESOURCE_NOT_FOUND", "message": "no such job", "status": "error"}
    client, stub = make_client(json_response(missing, 404))
    clock = FakeClock()
    job = read_job("COMPLETED")["data"][0]
    with pytest.raises(ZohoApiError) as caught:
        retry_when_rate_limited(lambda: download_bulk_read_result(client, job), sleep=clock.sleep)
    assert caught.value.code == "RESOURCE_NOT_FOUND"
    assert clock.sleeps == []
    assert len(stub.requests) == 1


def finished_page(page: int, more: bool, token: str | None = None) -> dict[str, Any]:
    job = read_job("COMPLETED")["data"][0]
    job["result"].update(page=page, more_records=more)
    if token:
        job["result"]["next_page_token"] = token
    return job


def test_next_page_prefers_the_token_and_falls_back_to_the_next_page_number() -> None:
    assert next_page(finished_page(1, True, "c0f1e2d3")) == {"page_token": "c0f1e2d3"}
    assert next_page(finished_page(2, True)) == {"page": 3}
    assert next_page(finished_page(3, False, "c0f1e2d3")) is None
    assert next_page(read_job("FAILURE")["data"][0]) is None


def test_export_all_pages_runs_one_job_per_page_until_zoho_says_no_more() -> None:
    first, second = make_zip("a.csv", "id\n1\n"), make_zip("b.csv", "id\n2\n")
    client, stub = make_client(
        json_response(READ_CREATED, status=201),
        json_response({"data": [finished_page(1, True, "c0f1e2d3")]}),
        zip_response(first),
        json_response(READ_CREATED, status=201),
        json_response({"data": [finished_page(2, False)]}),
        zip_response(second),
    )
    fields = ["Last_Name", "Email"]
    zips = list(export_all_pages(client, "Leads", fields, wait=get_bulk_read_job))
    assert zips == [first, second]
    creates = [sent_json(r) for r in stub.requests if r.method == "POST"]
    query = {"module": {"api_name": "Leads"}, "fields": fields}
    assert creates == [{"query": query}, {"query": {**query, "page_token": "c0f1e2d3"}}]
    assert [r.url for r in stub.requests if r.method == "GET"] == [
        f"{API}/crm/bulk/v8/read/{READ_JOB_ID}",
        f"{API}/crm/bulk/v8/read/{READ_JOB_ID}/result",
    ] * 2


def test_export_all_pages_stops_with_the_reason_when_a_job_fails() -> None:
    client, stub = make_client(
        json_response(READ_CREATED, status=201), json_response(read_job("FAILURE"))
    )
    with pytest.raises(
        BulkJobFailed, match=f"bulk job {READ_JOB_ID} failed: INTERNAL_ERROR failed"
    ):
        list(export_all_pages(client, "Leads", wait=get_bulk_read_job))
    assert len(stub.requests) == 2  # no download was attempted


def test_zip_csv_makes_an_archive_that_reads_back() -> None:
    archive = zip_csv("Leads.csv", "Last_Name,Email\nBoyle,p.boyle@example.com\n")
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert opened.namelist() == ["Leads.csv"]
    assert read_csv_from_zip(archive) == [{"Last_Name": "Boyle", "Email": "p.boyle@example.com"}]


# --- Bulk Write ----------------------------------------------------------------------------


def parse_multipart(request: Request) -> list[Any]:
    """Parse a multipart/form-data request body with the standard email parser."""
    assert request.body is not None
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
    assert message.is_multipart()
    return list(message.iter_parts())


def test_upload_bulk_write_file_sends_one_file_part_and_the_bulk_headers() -> None:
    archive = make_zip("Leads.csv", "Last_Name,Email\nBoyle,p.boyle@example.com\n")
    client, stub = make_client(json_response(UPLOADED))
    assert upload_bulk_write_file(client, archive, ORG_ID) == FILE_ID
    (request,) = stub.requests
    assert request.method == "POST"
    assert request.url == "https://content.zohoapis.com/crm/v8/upload"
    assert request.headers["Authorization"] == AUTH
    assert request.headers["feature"] == "bulk-write"
    assert request.headers["X-CRM-ORG"] == ORG_ID
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    (part,) = parse_multipart(request)
    assert part.get_param("name", header="content-disposition") == "file"
    assert part.get_filename().endswith(".zip")
    assert part.get_payload(decode=True) == archive


def test_upload_bulk_write_file_uses_the_given_host_and_stringifies_file_id() -> None:
    # Zoho's OpenAPI file types file_id as an integer; the function still returns a string.
    numeric = {**UPLOADED, "details": {"file_id": int(FILE_ID), "created_time": "x"}}
    client, stub = make_client(json_response(numeric))
    file_id = upload_bulk_write_file(
        client, b"PK", ORG_ID, upload_host="https://content.zohoapis.eu"
    )
    assert file_id == FILE_ID
    assert stub.requests[0].url == "https://content.zohoapis.eu/crm/v8/upload"


def test_upload_error_sent_with_http_200_still_raises() -> None:
    # Zoho's OpenAPI file lists the upload's error body under the 200 response.
    rejected = {
        "code": "INVALID_FILE_FORMAT",
        "details": {"created_time": "2025-06-02T10:20:00+05:30"},
        "message": "invalid file format. only zip format is supported",
        "status": "error",
    }
    client, _ = make_client(json_response(rejected))
    with pytest.raises(ZohoApiError) as caught:
        upload_bulk_write_file(client, b"not a zip", ORG_ID)
    assert (caught.value.status, caught.value.code) == (200, "INVALID_FILE_FORMAT")
    assert caught.value.message == "invalid file format. only zip format is supported"


def test_job_status_field_is_not_mistaken_for_an_error() -> None:
    # Bulk Write job details also have a top-level "status", holding the job's state.
    client, _ = make_client(json_response(write_job("FAILED")))
    assert get_bulk_write_job(client, WRITE_JOB_ID)["status"] == "FAILED"


def test_create_bulk_write_job_insert_body() -> None:
    client, stub = make_client(json_response(WRITE_CREATED, status=201))
    assert create_bulk_write_job(client, "Leads", FILE_ID) == WRITE_JOB_ID
    (request,) = stub.requests
    assert request.method == "POST"
    assert request.url == f"{API}/crm/bulk/v8/write"
    assert request.headers == {"Authorization": AUTH, "Content-Type": "application/json"}
    assert sent_json(request) == {
        "operation": "insert",
        "resource": [{"type": "data", "module": {"api_name": "Leads"}, "file_id": FILE_ID}],
    }


def test_create_bulk_write_job_upsert_with_mappings_and_callback() -> None:
    mappings = [{"api_name": "Last_Name", "index": 0}, {"api_name": "Email", "index": 1}]
    client, stub = make_client(json_response(WRITE_CREATED, status=201))
    create_bulk_write_job(
        client,
        "Contacts",
        FILE_ID,
        operation="upsert",
        find_by="Email",
        field_mappings=mappings,
        callback_url="https://example.com/zoho/bulk-write",
    )
    assert sent_json(stub.requests[0]) == {
        "operation": "upsert",
        "callback": {"url": "https://example.com/zoho/bulk-write", "method": "post"},
        "resource": [
            {
                "type": "data",
                "module": {"api_name": "Contacts"},
                "file_id": FILE_ID,
                "find_by": "Email",
                "field_mappings": mappings,
            }
        ],
    }


@pytest.mark.parametrize("operation", ["update", "upsert"])
def test_create_bulk_write_job_requires_find_by_for_update_and_upsert(operation: str) -> None:
    client, stub = make_client()
    with pytest.raises(ValueError, match="find_by"):
        create_bulk_write_job(client, "Leads", FILE_ID, operation=operation)
    assert stub.requests == []


def test_create_bulk_write_job_rejects_unknown_operation() -> None:
    client, stub = make_client()
    with pytest.raises(ValueError, match="insert, update or upsert"):
        create_bulk_write_job(client, "Leads", FILE_ID, operation="delete", find_by="id")
    assert stub.requests == []


def test_get_bulk_write_job_returns_the_unwrapped_job() -> None:
    url = f"/v8/crm/{ORG_ID}/bulk-write/{WRITE_JOB_ID}/{WRITE_JOB_ID}.zip"
    client, stub = make_client(json_response(write_job("COMPLETED", url)))
    job = get_bulk_write_job(client, WRITE_JOB_ID)
    assert job["id"] == WRITE_JOB_ID
    assert job["status"] == "COMPLETED"
    assert job["resource"][0]["file"]["added_count"] == 9
    assert stub.requests[0].url == f"{API}/crm/bulk/v8/write/{WRITE_JOB_ID}"


def test_wait_for_bulk_write_job_accepts_both_in_progress_spellings() -> None:
    statuses = ("ADDED", "IN PROGRESS", "INPROGRESS", "COMPLETED")
    client, stub = make_client(*(json_response(write_job(s)) for s in statuses))
    clock = FakeClock()
    job = wait_for_bulk_write_job(client, WRITE_JOB_ID, interval=5, sleep=clock.sleep, clock=clock)
    assert job["status"] == "COMPLETED"
    assert clock.sleeps == [5, 5, 5]
    assert [r.url for r in stub.requests] == [f"{API}/crm/bulk/v8/write/{WRITE_JOB_ID}"] * 4


def test_wait_for_bulk_write_job_uses_default_interval() -> None:
    client, _ = make_client(json_response(write_job("ADDED")), json_response(write_job("FAILED")))
    clock = FakeClock()
    job = wait_for_bulk_write_job(client, WRITE_JOB_ID, sleep=clock.sleep, clock=clock)
    assert job["status"] == "FAILED"
    assert clock.sleeps == [30.0]


def test_wait_for_bulk_write_job_returns_failed_job_without_sleeping() -> None:
    client, stub = make_client(json_response(write_job("FAILED")))
    clock = FakeClock()
    job = wait_for_bulk_write_job(client, WRITE_JOB_ID, sleep=clock.sleep, clock=clock)
    assert job["status"] == "FAILED"
    assert clock.sleeps == []
    assert len(stub.requests) == 1


def test_wait_for_bulk_write_job_times_out() -> None:
    client, stub = make_client(*(json_response(write_job("INPROGRESS")) for _ in range(5)))
    clock = FakeClock()
    with pytest.raises(TimeoutError, match=WRITE_JOB_ID):
        wait_for_bulk_write_job(
            client, WRITE_JOB_ID, interval=30, timeout=120, sleep=clock.sleep, clock=clock
        )
    assert len(stub.requests) == 5
    assert clock.sleeps == [30, 30, 30, 30]


def test_download_bulk_write_result_uses_an_absolute_url_as_is() -> None:
    # The v2-era samples show a full URL on a separate download host.
    host = "https://download-accl.zoho.com"
    url = f"{host}/v2/crm/{ORG_ID}/bulk-write/{WRITE_JOB_ID}/{WRITE_JOB_ID}.zip"
    archive = make_zip("Leads-Leads.csv", "Last_Name,STATUS,RECORD_ID,ERRORS\n")
    client, stub = make_client(zip_response(archive))
    assert download_bulk_write_result(client, write_job("COMPLETED", url)) == archive
    assert stub.requests[0].url == url
    assert stub.requests[0].headers == {"Authorization": AUTH}


def test_download_bulk_write_result_prefixes_a_relative_url() -> None:
    path = f"/v8/crm/{ORG_ID}/bulk-write/{WRITE_JOB_ID}/{WRITE_JOB_ID}.zip"
    client, stub = make_client(zip_response(b"PK\x05\x06" + bytes(18)))
    download_bulk_write_result(client, write_job("COMPLETED", path))
    assert stub.requests[0].method == "GET"
    assert stub.requests[0].url == API + path


def test_failed_rows_keeps_unsuccessful_rows_and_parses_errors() -> None:
    csv_text = (
        "Last_Name,Email,Company,STATUS,RECORD_ID,ERRORS\n"
        "Boyle,p.boyle@example.com,Zylker,added,4150868000005351001,\n"
        ',not-an-email,,skipped,,"MANDATORY_NOT_FOUND-Company,Last_Name:INVALID_DATA-Email"\n'
        "Lee,lee@example.com,Zylker,updated,4150868000005351002,\n"
        "Kim,kim@example.com,,unprocessed,,\n"
    )
    rows = read_csv_from_zip(make_zip("Leads-Leads.csv", csv_text))
    failures = failed_rows(rows)
    assert [row["STATUS"] for row in failures] == ["skipped", "unprocessed"]
    # Zoho's own example: one code naming two columns, then a second error after the colon.
    assert failures[0]["ERRORS"] == [
        ("MANDATORY_NOT_FOUND", ("Company", "Last_Name")),
        ("INVALID_DATA", ("Email",)),
    ]
    assert failures[0]["Email"] == "not-an-email"
    assert failures[1]["ERRORS"] == []
    assert rows[1]["ERRORS"] == "MANDATORY_NOT_FOUND-Company,Last_Name:INVALID_DATA-Email"  # kept


# --- The real transport, against a local HTTP server ---------------------------------------


class _EchoHandler(http.server.BaseHTTPRequestHandler):
    """Answers /ok with JSON describing the request, and anything else with a Zoho 404."""

    def do_POST(self) -> None:
        received = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/ok":
            payload: dict[str, Any] = {
                "method": self.command,
                "authorization": self.headers["Authorization"],
                "body": received.decode(),
            }
            self._send(200, payload)
        else:
            self._send(
                404, {"code": "INVALID_URL_PATTERN", "message": "bad url", "status": "error"}
            )

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _EchoHandler)
    # A short poll lets shutdown() return at once instead of after the default half-second.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_urllib_transport_round_trip(local_server: str) -> None:
    client = ZohoCrmClient(local_server, TOKEN, transport=urllib_transport)
    reply = client._call("POST", "/ok", json_body={"query": {"module": {"api_name": "Leads"}}})
    assert reply == {
        "method": "POST",
        "authorization": AUTH,
        "body": '{"query": {"module": {"api_name": "Leads"}}}',
    }


def test_urllib_transport_returns_error_statuses_instead_of_raising(local_server: str) -> None:
    response = urllib_transport(Request("POST", f"{local_server}/missing", {}, b"{}"))
    assert response.status == 404
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    assert json.loads(response.body)["code"] == "INVALID_URL_PATTERN"
    client = ZohoCrmClient(local_server, TOKEN, transport=urllib_transport)
    with pytest.raises(ZohoApiError) as caught:
        client._call("POST", "/missing", json_body={})
    assert (caught.value.status, caught.value.code) == (404, "INVALID_URL_PATTERN")


# --- The sources stay fit to be shown on help pages ----------------------------------------


def test_public_functions_are_short_and_documented() -> None:
    source = Path(zoho_crm_bulk.client.__file__).read_text(encoding="utf-8")
    functions = {
        node.name: node
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    }
    assert set(functions) == {name for name in zoho_crm_bulk.__all__ if name[0].islower()}
    for name, node in functions.items():
        docstring = ast.get_docstring(node)
        assert docstring and "\n" not in docstring, f"{name} needs a one-line docstring"
        assert node.end_lineno - node.lineno + 1 <= 25, f"{name} is too long for a help page"

"""Tests for the Zoho Bigin bulk write example client, run against a stub transport.

The request line and header come from Bigin's create-job page; the data-centre table is checked
against the records that cite Bigin's multi-DC page, so the example cannot drift from them.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from transport_stub import StubTransport
from zoho_bigin_bulk import (
    BIGIN_API_DOMAINS,
    MAX_CSV_BYTES,
    BiginClient,
    ZohoApiError,
    bigin_api_domain,
    create_bigin_bulk_write_job,
    lookup_column,
    zip_bigin_csv,
)
from zoho_crm_bulk import Response

from macros.kinds import ConfigFields
from macros.records import load_records
from macros.settings import read_settings

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "1000.8cb99dxxxxxxxxxxxxx9be93.9b8xxxxxxxxxxxxxxxf"
JOB = {
    "operation": "insert",
    "resource": [{"type": "data", "module": "Contacts", "file_id": "111111000000541958"}],
}


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(status, {"content-type": "application/json"}, json.dumps(payload).encode())


def test_the_api_domains_are_the_ones_the_data_centre_records_hold() -> None:
    records, problems = load_records(ROOT, hosts=read_settings(ROOT).hosts)
    assert problems == []
    recorded = {
        r.facts.fields["region"]: r.facts.fields["api_domain"]
        for r in records.values()
        if r.id.startswith("zoho-bigin.dc.")
        and isinstance(r.facts, ConfigFields)
        and "api_domain" in r.facts.fields
    }
    assert recorded == BIGIN_API_DOMAINS


@pytest.mark.parametrize(
    ("centre", "domain"), [("eu", "https://www.zohoapis.eu"), ("CA", "https://www.zohoapis.ca")]
)
def test_a_data_centre_gives_its_api_domain_in_any_case(centre: str, domain: str) -> None:
    assert bigin_api_domain(centre) == domain


def test_an_unknown_data_centre_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="use one of US, AU, EU"):
        bigin_api_domain("UK")


def test_a_csv_within_the_limit_is_zipped_alone() -> None:
    data = zip_bigin_csv("Contacts.csv", "Last_Name,Email\nBoyle,p@example.com\n")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["Contacts.csv"]
        assert archive.read("Contacts.csv").decode().startswith("Last_Name,Email")


def test_a_csv_over_25mb_is_refused_before_anything_is_sent() -> None:
    text = "x" * (MAX_CSV_BYTES + 1)
    with pytest.raises(ValueError, match="at most 25MB"):
        zip_bigin_csv("big.csv", text)
    assert len(zip_bigin_csv("edge.csv", "x" * MAX_CSV_BYTES)) > 0


def test_a_lookup_column_joins_the_field_and_the_parent_field() -> None:
    assert lookup_column("Account_Name", "id") == "Account_Name.id"
    assert lookup_column("Account_Name", "Account_Name") == "Account_Name.Account_Name"
    with pytest.raises(ValueError):
        lookup_column("Account_Name.id", "id")


def test_the_job_is_posted_to_bigins_v1_path_with_the_oauth_header() -> None:
    reply = {"status": "success", "code": "ADDED_SUCCESSFULLY", "details": {"id": "1"}}
    stub = StubTransport(json_response(reply))
    client = BiginClient("https://www.zohoapis.eu/", TOKEN, transport=stub)
    assert create_bigin_bulk_write_job(client, JOB) == reply
    (request,) = stub.requests
    assert (request.method, request.url) == ("POST", "https://www.zohoapis.eu/bigin/bulk/v1/write")
    assert request.headers["Authorization"] == f"Zoho-oauthtoken {TOKEN}"
    assert json.loads(request.body) == JOB


@pytest.mark.parametrize("missing", ["operation", "resource"])
def test_a_job_without_operation_or_resource_is_refused_before_sending(missing: str) -> None:
    stub = StubTransport()
    client = BiginClient("https://www.zohoapis.com", TOKEN, transport=stub)
    job = {key: value for key, value in JOB.items() if key != missing}
    with pytest.raises(ValueError, match=missing):
        create_bigin_bulk_write_job(client, job)
    assert stub.requests == []


def test_zohos_error_code_reaches_the_caller() -> None:
    error = {"code": "INVALID_DATA", "message": "invalid data", "status": "error"}
    stub = StubTransport(json_response(error, status=400))
    client = BiginClient("https://www.zohoapis.com", TOKEN, transport=stub)
    with pytest.raises(ZohoApiError) as raised:
        create_bigin_bulk_write_job(client, JOB)
    assert (raised.value.status, raised.value.code) == (400, "INVALID_DATA")

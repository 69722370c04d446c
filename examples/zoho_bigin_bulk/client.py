"""A small, standard-library example client for Zoho Bigin's bulk write API (v1).

Bigin is a separate product from Zoho CRM with its own paths and scopes, but its calls travel the
same way: an OAuth access token in a ``Zoho-oauthtoken`` header, sent to the data centre's API
domain. So this module reuses the CRM example's transport and client (``Request``, ``Response``,
``ZohoCrmClient``) and adds only what differs for Bigin:

* ``bigin_api_domain``: the API domain of a Bigin data centre;
* ``zip_bigin_csv``: one CSV in a ZIP, within Bigin's size limit;
* ``lookup_column``: the CSV header that fills a lookup field;
* ``create_bigin_bulk_write_job``: POST the job to ``/bigin/bulk/v1/write``.

Tests pass a stub transport, so every function can be checked without a Bigin account.
"""

from __future__ import annotations

from typing import Any

from zoho_crm_bulk.client import ZohoApiError, ZohoCrmClient, zip_csv

__all__ = [
    "BIGIN_API_DOMAINS",
    "BiginClient",
    "MAX_CSV_BYTES",
    "ZohoApiError",
    "bigin_api_domain",
    "create_bigin_bulk_write_job",
    "lookup_column",
    "zip_bigin_csv",
]

# The same client as for Zoho CRM: only the paths and scopes differ.
BiginClient = ZohoCrmClient

# Bigin's multi-DC page: each data centre's API domain (the accounts servers are Zoho Accounts').
BIGIN_API_DOMAINS = {
    "US": "https://www.zohoapis.com",
    "AU": "https://www.zohoapis.com.au",
    "EU": "https://www.zohoapis.eu",
    "IN": "https://www.zohoapis.in",
    "CN": "https://www.zohoapis.com.cn",
    "JP": "https://www.zohoapis.jp",
    "SA": "https://www.zohoapis.sa",
    "CA": "https://www.zohoapis.ca",
}

# "a maximum size of 25MB" per CSV file. Zoho does not say whether MB means 10**6 or 2**20 bytes,
# so the smaller reading is the safe one.
MAX_CSV_BYTES = 25 * 1000 * 1000


def bigin_api_domain(data_centre: str) -> str:
    """The API domain to call for a Bigin data centre, such as "EU" -> https://www.zohoapis.eu."""
    try:
        return BIGIN_API_DOMAINS[data_centre.upper()]
    except KeyError:
        known = ", ".join(BIGIN_API_DOMAINS)
        raise ValueError(f"unknown Bigin data centre {data_centre!r}; use one of {known}") from None


def zip_bigin_csv(csv_name: str, csv_text: str) -> bytes:
    """Pack one CSV into the ZIP a Bigin bulk write takes, refusing a CSV over Bigin's limit."""
    size = len(csv_text.encode("utf-8"))
    if size > MAX_CSV_BYTES:
        # Bigin wants one CSV per ZIP: split the rows over several files and several jobs.
        raise ValueError(
            f"{csv_name} is {size:,} bytes; Bigin takes at most 25MB per CSV, so split it "
            "into several files and run one bulk write job for each"
        )
    return zip_csv(csv_name, csv_text)


def lookup_column(field_api_name: str, parent_field_api_name: str) -> str:
    """The CSV header that fills a lookup field: Account_Name + id -> Account_Name.id."""
    for name in (field_api_name, parent_field_api_name):
        if not name or "." in name:
            raise ValueError(f"{name!r} is not a field API name")
    return f"{field_api_name}.{parent_field_api_name}"


def create_bigin_bulk_write_job(client: BiginClient, job: dict[str, Any]) -> dict[str, Any]:
    """Send a bulk write job to Bigin and return Zoho's reply.

    ``job`` is the request body as Bigin's create-job page describes it; this function checks
    only what a wrong product or an empty job would get wrong, then posts it.
    """
    if not job.get("operation"):
        raise ValueError("the job needs an operation, such as insert")
    if not job.get("resource"):
        raise ValueError("the job needs a resource: the module and the uploaded file's ID")
    # v1 and /bigin/: a /crm/ path or a v8 version would be Zoho CRM's API, not Bigin's.
    return client._call("POST", "/bigin/bulk/v1/write", json_body=job)

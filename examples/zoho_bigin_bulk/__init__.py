"""Example client for Zoho Bigin's bulk write API (v1), standard library only."""

from .client import (
    BIGIN_API_DOMAINS,
    MAX_CSV_BYTES,
    BiginClient,
    ZohoApiError,
    bigin_api_domain,
    create_bigin_bulk_write_job,
    lookup_column,
    zip_bigin_csv,
)

__all__ = [
    "BIGIN_API_DOMAINS",
    "MAX_CSV_BYTES",
    "BiginClient",
    "ZohoApiError",
    "bigin_api_domain",
    "create_bigin_bulk_write_job",
    "lookup_column",
    "zip_bigin_csv",
]

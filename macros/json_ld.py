"""Structured data for search engines: a schema.org TechArticle for each how-to.

Owns: the TechArticle's fields (headline, citations in number order, date modified from the cited
records). Does not own: writing it into the page (overrides/main.html, through the plugin's
template context) or the pages (page_info.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from .kinds import Record
from .page_info import PageInfo, absolute_url


def date_modified(records: Iterable[Record], source_date_epoch: str | None = None) -> str | None:
    """The newest verified date among a page's sources; SOURCE_DATE_EPOCH when it cites none."""
    dates = [record.verified_on for record in records]
    if dates:
        return max(dates).isoformat()
    if source_date_epoch and source_date_epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(source_date_epoch), dt.UTC).date().isoformat()
    return None


def tech_article(
    page: PageInfo,
    records: Mapping[str, Record],
    site_name: str,
    site_url: str | None,
    product_name: str,
    source_date_epoch: str | None = None,
) -> dict[str, Any]:
    """schema.org TechArticle for a how-to, citing each record it cites, in number order."""
    cited = [records[record_id] for record_id in page.record_ids if record_id in records]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "TechArticle",
        "headline": page.title,
        "description": page.summary,
        "url": absolute_url(site_url, page.url),
        "inLanguage": "en",
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": absolute_url(site_url, "")},
        "publisher": {"@type": "Organization", "name": site_name},
        "about": {"@type": "SoftwareApplication", "name": product_name},
        "citation": [
            {
                "@type": "CreativeWork",
                "name": record.title,
                "url": record.url,
            }
            for record in cited
        ],
    }
    modified = date_modified(cited, source_date_epoch)
    if modified:
        data["dateModified"] = modified
    return data

"""sources.json: every record with its facts and the pages citing it, for tools.

Owns: record facts as JSON values and the file's sorted, compact text. Does not own: the pages
(page_info.py) or links into the repository (repo_links.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import render
from .kinds import Record, fact_values
from .page_info import PageInfo, absolute_url
from .repo_links import code_url
from .sources_page import one_line


def _plain(value: Any) -> Any:
    """Record facts as JSON values: mappings become objects, tuples lists, dates ISO text."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def record_json(
    record: Record,
    cited_by: Sequence[PageInfo],
    site_url: str | None,
    sources_page_url: str | None,
    code_base: str | None = None,
) -> dict[str, Any]:
    # A code record's shown source is extracted from its file at build time; file + symbol say it.
    facts = {k: _plain(v) for k, v in fact_values(record).items() if k != "source"}
    entry: dict[str, Any] = {
        "id": record.id,
        "kind": record.kind,
        "product": record.product,
        "title": record.title,
        "url": record.url,
        "verified_on": record.verified_on.isoformat(),
        "facts": facts,
    }
    if record.note:
        entry["note"] = record.note
    if link := code_url(record, code_base):
        entry["code_url"] = link
    if record.quote:
        entry["quote"] = one_line(record.quote)
        entry["quote_url"] = render.source_url(record)  # opens the page at the quote
    entry["defined_in"] = f"{record.location.path}:{record.location.line}"
    if sources_page_url is not None:
        entry["sources_page"] = absolute_url(site_url, f"{sources_page_url}#{record.id}")
    entry["cited_by"] = [
        {"title": page.title, "url": absolute_url(site_url, page.url)} for page in cited_by
    ]
    return entry


def sources_json(
    site_name: str,
    site_url: str | None,
    records: Iterable[Record],
    citing: Mapping[str, Sequence[PageInfo]],
    sources_page_urls: Mapping[str, str],
    code_base: str | None = None,
) -> str:
    """Every record with its facts and the pages that cite it, as sorted, stable JSON."""
    data = {
        "site": site_name,
        "site_url": site_url,
        "records": [
            record_json(
                record,
                citing.get(record.id, ()),
                site_url,
                sources_page_urls.get(record.product),
                code_base,
            )
            for record in sorted(records, key=lambda r: r.id)
        ],
    }
    # Compact: tools read it, and indentation made up half of its bytes.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"

"""Source records: load every `sources/<product>/*.yml` into Record values, with every problem.

Owns: reading the files (size, encoding, links out of the repository), one record after another
with its kind's fields, the checks that depend on the site's settings (hosts, future dates), ids
unique across files and within their product, the cache serve keeps between builds, and
records repeated across products. Does not own: the fields of each kind (record_fields.py), the
facts types (kinds.py), or how records are shown (render.py) or cited (citations.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import stat
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import yaml

from . import yamlnodes as yn
from .code_source import code_source
from .kinds import CodeFacts, Record, fact_values
from .problems import Location, Problem, did_you_mean
from .record_fields import COMMON, KIND_FIELDS, config_shape_problem, read_fields, typed_facts
from .record_urls import host_allowed

MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Policy:
    """The site's settings that records are checked against: the hosts their `url` may link to,
    and the day after which `verified_on` lies in the future."""

    # None: any host (the loader used alone); the build and check always pass the site's list.
    hosts: tuple[str, ...] | None = None
    today: dt.date = field(default_factory=dt.date.today)


def _site_rules(
    items: Mapping[str, tuple[yaml.Node, yaml.Node]], values: Mapping[str, Any], policy: Policy
) -> list[yn.Invalid]:
    """The checks that depend on the site's settings rather than on the record alone."""
    broken = []
    if (
        policy.hosts is not None
        and "url" in values
        and not host_allowed(values["url"], policy.hosts)
    ):
        broken.append(
            yn.Invalid(
                items["url"][1],
                f"'url' links to {urlsplit(values['url']).hostname}, which is not one of the hosts "
                f"records may link to ({', '.join(policy.hosts)})",
                "Link Zoho's official page; a new host is added under 'hosts' of the beam plugin "
                "in mkdocs.yml, in a pull request of its own",
                "unknown-host",
            )
        )
    # A day's grace: a writer east of the build machine may already be living on its tomorrow.
    if "verified_on" in values and values["verified_on"] > policy.today + dt.timedelta(days=1):
        broken.append(
            yn.Invalid(
                items["verified_on"][1],
                f"'verified_on' is {values['verified_on']}, a day that has not come yet",
                "Write the day you checked the fact on the official page",
                "future-date",
            )
        )
    return broken


def _read_record(
    node: yaml.Node,
    path: str,
    product: str,
    root: Path,
    policy: Policy,
) -> tuple[Record | None, list[yn.Invalid]]:
    items = yn.mapping_items(node, "a record")
    kind_entry = items.get("kind")
    if kind_entry is None:
        return None, [
            yn.Invalid(
                node,
                "this record has no 'kind'",
                f"Add kind: with one of {', '.join(KIND_FIELDS)}",
                "missing-field",
            )
        ]
    kind = yn.text(kind_entry[1], "kind")
    if kind not in KIND_FIELDS:
        return None, [
            yn.Invalid(
                kind_entry[1],
                f"unknown kind '{kind}'",
                f"Use one of: {', '.join(KIND_FIELDS)}.{did_you_mean(kind, KIND_FIELDS)}",
                "unknown-kind",
            )
        ]
    values, lines, broken = read_fields(
        node, {**COMMON, **KIND_FIELDS[kind]}, f"this {kind} record"
    )
    broken += _site_rules(items, values, policy)
    if kind == "config" and (wrong_shape := config_shape_problem(node, lines)):
        broken.append(wrong_shape)
    code_lines = None
    if "quote_prefix" in lines and "quote" not in lines:
        broken.append(
            yn.Invalid(
                items["quote_prefix"][0],
                "quote_prefix is only used with quote, and this record has no quote",
                "Add quote: with the words from the page, or remove quote_prefix",
                "missing-field",
            )
        )
    if kind == "code" and not broken:
        try:
            field_nodes = {name: value for name, (_, value) in items.items()}
            values["source"], code_lines = code_source(
                root, field_nodes, values["file"], values["symbol"]
            )
        except yn.Invalid as invalid:
            broken.append(invalid)
    if broken:
        return None, broken
    common = {name: values.pop(name) for name in list(COMMON) if name in values}
    return Record(
        id=common["id"],
        title=common["title"],
        url=common["url"],
        verified_on=common["verified_on"],
        note=common.get("note", ""),
        quote=common.get("quote", ""),
        quote_prefix=common.get("quote_prefix", ""),
        disagrees_with=common.get("disagrees_with", ()),
        product=product,
        location=Location(path, yn.line_of(node)),
        facts=typed_facts(kind, values),
        lines=MappingProxyType(lines),
        code_lines=code_lines,
    ), []


def _read_file(file: Path, path: str) -> tuple[str | None, list[Problem]]:
    data = file.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Problem(
                Location(path, 1),
                f"this file is {len(data):,} bytes, over the "
                f"{MAX_FILE_BYTES:,}-byte limit for one source file",
                "Split the records over several smaller files",
                "file-too-large",
            )
        ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [
            Problem(
                Location(path, line),
                "this line has bytes that are not UTF-8 text",
                "Save the file as UTF-8 (retype the odd character)",
                "not-utf8",
            )
        ]


def load_file(
    file: Path, root: Path, policy: Policy | None = None
) -> tuple[list[Record], list[Problem]]:
    """Every valid record of one file, and a problem for each record (or the file) that is not."""
    policy = policy or Policy()
    path = file.relative_to(root).as_posix()
    product = file.relative_to(root).parts[1] if len(file.relative_to(root).parts) > 2 else ""
    if not file.resolve().is_relative_to(root.resolve()) or not file.is_file():
        return [], [
            Problem(
                Location(path, 1),
                "this file is a link to something outside the repository, or to no file at all",
                "Put the records themselves in the repository instead of a link",
                "outside-repository",
            )
        ]
    text, problems = _read_file(file, path)
    if text is None:
        return [], problems
    node, problems = yn.compose(text, path)
    if problems:
        return [], problems
    if node is None:
        return [], [
            Problem(
                Location(path, 1),
                "this source file is empty",
                "Add records to it (a list of '- id: ...' entries) or delete it",
                "empty-file",
            )
        ]
    if not isinstance(node, yaml.SequenceNode):
        return [], [
            Problem(
                Location(path, yn.line_of(node)),
                "a source file must be a list of records",
                "Start each record with '- id: ...'",
                "wrong-type",
            )
        ]
    records, problems = [], []
    for item in node.value:
        try:
            record, broken = _read_record(item, path, product, root, policy)
        except yn.Invalid as invalid:
            record, broken = None, [invalid]
        if record is not None:
            records.append(record)
            problems += _outside_its_product(record)
        problems += [b.problem(path) for b in broken]
    return records, problems


def _outside_its_product(record: Record) -> list[Problem]:
    """A record's id starts with the product of its folder: sources/zoho-bigin/ holds zoho-bigin.*
    ids. The record stays usable, so pages citing it get no second message."""
    if not record.product or record.id.startswith(f"{record.product}."):
        return []
    rest = record.id.split(".", 1)[-1]
    return [
        Problem(
            record.at("id"),
            f"the id '{record.id}' does not start with '{record.product}.', the product of its "
            f"folder",
            f"Start it with the product, such as '{record.product}.{rest}', and change the pages "
            "that cite it",
            "id-product",
        )
    ]


def invalid_record_ids(
    root: Path, sources_dir: str, valid: Mapping[str, Record], problems: Iterable[Problem] = ()
) -> dict[str, Location]:
    """The ids of records that were written but could not be loaded, each with the place of its
    first problem (or its first line), so that a page citing one can say the record is invalid
    and where, rather than calling the id unknown."""
    lines_with_problems: dict[str, list[int]] = {}
    for problem in problems:
        lines_with_problems.setdefault(problem.location.path, []).append(problem.location.line)
    found: dict[str, Location] = {}
    for file in source_files(root, sources_dir):
        path = file.relative_to(root).as_posix()
        try:
            node, _ = yn.compose(file.read_text(encoding="utf-8"), path)
        except (OSError, UnicodeDecodeError):
            continue
        for item in node.value if isinstance(node, yaml.SequenceNode) else []:
            id_node = next(
                (v for k, v in getattr(item, "value", []) if getattr(k, "value", None) == "id"),
                None,
            )
            record_id = getattr(id_node, "value", None)
            if isinstance(record_id, str) and record_id not in valid:
                first, last = yn.line_of(item), item.end_mark.line + 1
                inside = [n for n in lines_with_problems.get(path, []) if first <= n <= last]
                found.setdefault(record_id, Location(path, min(inside, default=first)))
    return found


def source_files(root: Path, sources_dir: str = "sources") -> Iterator[Path]:
    base = root / sources_dir
    # Links are listed too, so that one leading out of the repository is refused, not skipped.
    yield from sorted(
        p
        for p in base.rglob("*")
        if p.suffix in (".yml", ".yaml") and (p.is_file() or p.is_symlink())
    )


def load_records(
    root: Path,
    sources_dir: str = "sources",
    cache: dict | None = None,
    *,
    hosts: tuple[str, ...] | None = None,
    today: dt.date | None = None,
) -> tuple[dict[str, Record], list[Problem]]:
    """All records by id, and every problem found in every file (duplicate ids included).

    `hosts` are those record URLs may link to: the build and check pass the site's list (the beam
    option, or DEFAULT_HOSTS); None checks no host, for the loader used on its own. `today` (the real date unless
    given) is the last day a record may say it was verified, give or take a day of time zones.
    With a cache (a dict the caller keeps between calls, as serve does), a file is read again only
    when it, or an example file that one of its code records shows, has changed.
    """
    policy = Policy(tuple(hosts) if hosts is not None else None, today or dt.date.today())
    if cache is not None and cache.get(Policy) != policy:
        cache.clear()  # records were checked against other settings
        cache[Policy] = policy
    by_id: dict[str, Record] = {}
    problems: list[Problem] = []
    for file in source_files(root, sources_dir):
        records, file_problems = (
            load_file(file, root, policy)
            if cache is None
            else _load_file_cached(file, root, cache, policy)
        )
        problems += file_problems
        for record in records:
            first = by_id.get(record.id)
            if first is not None:
                problems.append(
                    Problem(
                        record.at("id"),
                        f"the id '{record.id}' is already used at {first.at('id')}",
                        "Give one of the two records a new id",
                        "duplicate-id",
                    )
                )
            else:
                by_id[record.id] = record
    return by_id, sorted(problems)


def _load_file_cached(
    file: Path, root: Path, cache: dict, policy: Policy
) -> tuple[list[Record], list[Problem]]:
    entry = cache.get(file)
    if entry is not None and all(_file_state(path) == state for path, state in entry[0]):
        return entry[1], []
    records, problems = load_file(file, root, policy)
    if problems:  # a broken file is read again next time, whatever fixes it
        cache.pop(file, None)
        return records, problems
    read = [file, *(root / r.facts.file for r in records if isinstance(r.facts, CodeFacts))]
    states = [(path, _file_state(path)) for path in read]
    # A file written just now may have changed again while it was being read: read it again.
    settled = all(state and state[0] < time.time_ns() - 1_000_000_000 for _, state in states)
    if settled:
        cache[file] = (states, records)
    else:
        cache.pop(file, None)
    return records, problems


def _file_state(path: Path) -> tuple[int, int, int, bytes] | None:
    """When, how long, which file and a digest of its bytes: `check` keeps this cache between
    runs, and an edit that keeps a file's size and time must not go unseen."""
    try:
        state = path.stat()
        if not stat.S_ISREG(state.st_mode) or state.st_size > MAX_FILE_BYTES:
            return None  # never read (a link to a device, say): load_file says what is wrong
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:
        return None
    return state.st_mtime_ns, state.st_size, state.st_ino, digest


def duplicate_records(records: Iterable[Record]) -> list[Problem]:
    """A problem for each record that repeats, in another product, a record with the same official
    page and the same facts: one fact belongs in one record that both products cite."""
    ordered = sorted(records, key=lambda r: (r.location.path, r.location.line))
    # Facts are compared only among records on the same page of the same kind: most records
    # share neither, and reading a record's facts is most of this function's time.
    products: dict[tuple[str, str], set[str]] = {}
    for record in ordered:
        products.setdefault((record.url, record.kind), set()).add(record.product)
    first_seen: dict[tuple[str, str, str], Record] = {}
    problems = []
    for record in ordered:
        if len(products[(record.url, record.kind)]) < 2:
            continue
        key = (record.url, record.kind, repr(sorted(fact_values(record).items())))
        first = first_seen.setdefault(key, record)
        if first is not record and first.product != record.product:
            problems.append(
                Problem(
                    record.at("id"),
                    f"'{record.id}' ({record.product}) has the same official page and the same "
                    f"facts as '{first.id}' ({first.product}) at {first.at('id')}, so it is "
                    "likely a duplicate",
                    "Keep one record where both products can cite it (a shared product such as "
                    "zoho-accounts), cite it from both, and delete the other",
                    "duplicate-record",
                )
            )
    return problems

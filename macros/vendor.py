"""Check `endpoint` records against a vendor's OpenAPI 3.x description, with a reviewed allow-list.

Owns: reading OpenAPI files (operations and the scopes that apply to them), matching records to
operations, the allow-list of intended differences, and the report. Does not own: loading records
(records.py), the command line (__main__.py calls run()) or anything about pages.

What is compared, and why:

- Method and path, exactly as written. A record matches an operation when both are equal.
- Scopes, as sets. A record lists scope groups (one scope from each group is needed); OpenAPI lists
  alternative requirements (each needing all of its scopes). The two shapes say different things,
  so the check compares which scope names appear at all and names the ones only one side has.
  Names are compared case-sensitively: Zoho's files spell both `ZohoCRM.bulk.all` and
  `ZohoCRM.bulk.ALL`, and no Zoho source says the case does not matter.
- Which records are checked. A spec describes one version of an API, so a record is held to the
  given spec files only when its path names that version (a segment such as `v8`) or when its
  path is one of the spec's paths. Such a record must be in one of the files: a writer who checks
  against Zoho's v8 files expects every v8 record to be confirmed, and a v8 record that no file
  describes is reported rather than skipped. Records of other versions are counted as skipped.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import yamlnodes as yn
from .kinds import EndpointFacts, Record
from .problems import Location, Problem, did_you_mean
from .records import load_records

DEFAULT_ALLOW_LIST = "vendor-checks/zoho-crm-oas-v8.yml"
KINDS = ("method", "path", "scopes")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_VERSION_SEGMENT = re.compile(r"v\d+(?:\.\d+)?")
_ALLOW_FIELDS = ("record", "difference", "reason", "missing", "extra")


# --- the vendor's side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One operation of a spec file, with every scope its security requirements name."""

    method: str
    path: str
    scopes: frozenset[str]
    spec: str  # the spec file's name, for messages


@dataclass(frozen=True)
class Spec:
    name: str
    versions: frozenset[str]  # version segments such as "v8" that this spec speaks for
    operations: tuple[Operation, ...]


def _scope_names(security: Any) -> frozenset[str]:
    """Every scope named by a list of OpenAPI security requirement objects."""
    names: set[str] = set()
    for requirement in security if isinstance(security, list) else []:
        if isinstance(requirement, Mapping):
            for scopes in requirement.values():
                names.update(s for s in scopes or [] if isinstance(s, str))
    return frozenset(names)


def spec_from_data(data: Any, name: str) -> tuple[Spec | None, list[Problem]]:
    """A Spec from an already parsed OpenAPI document; a problem when it is not OpenAPI 3.x."""
    version = str(data.get("openapi", "")) if isinstance(data, Mapping) else ""
    if not version.startswith("3.") or not isinstance(data.get("paths"), Mapping):
        return None, [
            Problem(
                Location(name, 1),
                "this file is not an OpenAPI 3.x description (no 'openapi: 3.x' or no 'paths')",
                "Give the path of one of Zoho's OpenAPI files, such as v8.0/bulk_read.json "
                "from Zoho's crm-oas repository",
                "vendor-spec",
            )
        ]
    # Zoho declares scopes once at the top; an operation's own 'security' replaces them.
    default_scopes = _scope_names(data.get("security"))
    operations = []
    for path, item in data["paths"].items():
        for method, operation in item.items() if isinstance(item, Mapping) else ():
            if method not in HTTP_METHODS or not isinstance(operation, Mapping):
                continue
            scopes = (
                _scope_names(operation["security"]) if "security" in operation else default_scopes
            )
            operations.append(Operation(method.upper(), path, scopes, name))
    info = data.get("info") if isinstance(data.get("info"), Mapping) else {}
    # Only a 'v8.0'-style version names the API's version; '1.0.0' may be the document's own.
    versions = {f"v{m.group(1)}" for m in [re.match(r"v(\d+)", str(info.get("version", "")))] if m}
    versions |= {
        s for op in operations for s in op.path.split("/") if _VERSION_SEGMENT.fullmatch(s)
    }
    return Spec(name, frozenset(versions), tuple(operations)), []


def read_spec(file: Path) -> tuple[Spec | None, list[Problem]]:
    """Read one OpenAPI file (JSON, or YAML when it is named .yml or .yaml)."""
    name = file.name
    try:
        text = file.read_text(encoding="utf-8")
        if file.suffix in (".yml", ".yaml"):
            data = yaml.load(text, Loader=yn.FastSafeLoader)
        else:
            data = json.loads(text)
    except OSError as error:
        return None, [
            Problem(
                Location(str(file), 1),
                f"the spec file cannot be read ({error.strerror or error})",
                "Check the path; download the file from Zoho's crm-oas repository if needed",
                "vendor-spec",
            )
        ]
    except (ValueError, yaml.YAMLError) as error:
        return None, [
            Problem(
                Location(str(file), 1),
                f"the spec file is not valid JSON or YAML ({str(error).splitlines()[0]})",
                "Download it again from Zoho's crm-oas repository, unchanged",
                "vendor-spec",
            )
        ]
    spec, problems = spec_from_data(data, name)
    return spec, [
        Problem(Location(str(file), p.location.line), p.what, p.todo, p.code) for p in problems
    ]


# --- comparing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """Where a record and the spec disagree. `missing` and `extra` are set for scopes only."""

    record_id: str
    kind: str  # one of KINDS
    location: Location
    what: str
    missing: tuple[str, ...] = ()  # in the spec, not in the record
    extra: tuple[str, ...] = ()  # in the record, not in the spec


@dataclass
class Comparison:
    matched: list[str]  # ids of records that agree with the spec in method, path and scopes
    differences: list[Difference]
    skipped: list[str]  # ids of records the given specs do not speak for
    compared: list[str]  # ids of every record held to the specs
    uncovered: list[Operation]  # operations no record describes


def _record_scopes(facts: EndpointFacts) -> frozenset[str]:
    return frozenset(scope for group in facts.scopes for scope in group)


def _names(specs: Iterable[Spec]) -> str:
    return ", ".join(spec.name for spec in specs)


def _claims(path: str, specs: list[Spec], by_path: Mapping[str, list[Operation]]) -> bool:
    versions = {segment for segment in path.split("/") if _VERSION_SEGMENT.fullmatch(segment)}
    return path in by_path or any(versions & spec.versions for spec in specs)


def _compare_one(
    record: Record, facts: EndpointFacts, operations: list[Operation], specs: list[Spec]
) -> Difference | None:
    method, path = facts.method, facts.path
    if not operations:
        everything = [op for spec in specs for op in spec.operations]
        close = difflib.get_close_matches(path, [op.path for op in everything], n=1, cutoff=0.8)
        hint = ""
        if close:
            near = [op for op in everything if op.path == close[0]]
            hint = (
                f" The nearest is {'/'.join(op.method for op in near)} {close[0]} "
                f"in {near[0].spec}."
            )
        return Difference(
            record.id,
            "path",
            record.at("path"),
            f"no operation in the given spec files ({_names(specs)}) has the path {path}.{hint}",
        )
    same_method = [op for op in operations if op.method == method]
    if not same_method:
        methods = " and ".join(sorted(op.method for op in operations))
        return Difference(
            record.id,
            "method",
            record.at("method"),
            f"the record says {method} {path}, but {operations[0].spec} has only "
            f"{methods} for that path",
        )
    operation = same_method[0]
    ours = _record_scopes(facts)
    missing, extra = sorted(operation.scopes - ours), sorted(ours - operation.scopes)
    if not missing and not extra:
        return None
    parts = []
    if missing:
        parts.append(f"missing (only in the spec) {', '.join(missing)}")
    if extra:
        parts.append(f"extra (only in the record) {', '.join(extra)}")
    return Difference(
        record.id,
        "scopes",
        record.at("scopes"),
        f"the scopes of {method} {path} differ from {operation.spec}: {'; '.join(parts)}",
        tuple(missing),
        tuple(extra),
    )


def compare(records: Mapping[str, Record], specs: list[Spec]) -> Comparison:
    """Hold every endpoint record the specs speak for to them; collect what disagrees."""
    by_path: dict[str, list[Operation]] = {}
    for spec in specs:
        for operation in spec.operations:
            by_path.setdefault(operation.path, []).append(operation)
    result = Comparison([], [], [], [], [])
    described: set[tuple[str, str]] = set()
    endpoints = sorted(
        (r for r in records.values() if r.kind == "endpoint"), key=lambda r: r.location
    )
    for record in endpoints:
        facts = record.facts
        assert isinstance(facts, EndpointFacts)  # only endpoint records were picked
        if not _claims(facts.path, specs, by_path):
            result.skipped.append(record.id)
            continue
        result.compared.append(record.id)
        operations = by_path.get(facts.path, [])
        described.add((facts.method, facts.path))
        difference = _compare_one(record, facts, operations, specs)
        if difference is None:
            result.matched.append(record.id)
        else:
            result.differences.append(difference)
    result.uncovered = [
        op for spec in specs for op in spec.operations if (op.method, op.path) not in described
    ]
    return result


# --- the allow-list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllowEntry:
    """One reviewed, intended difference: which record, what kind, and why it is right."""

    record_id: str
    kind: str
    reason: str
    location: Location
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()

    def covers(self, difference: Difference) -> bool:
        return (self.record_id, self.kind) == (difference.record_id, difference.kind) and (
            self.kind != "scopes"
            or (set(self.missing), set(self.extra))
            == (set(difference.missing), set(difference.extra))
        )


def _scope_list(node: yaml.Node, name: str) -> tuple[str, ...]:
    """A list of scope names; unlike yamlnodes.text_list, an empty list is allowed here."""
    if not isinstance(node, yaml.SequenceNode):
        raise yn.Invalid(
            node,
            f"'{name}' must be a list of scope names",
            f"Write {name}: [ZohoCRM.bulk.ALL] (or {name}: [] when there are none)",
            "vendor-allow-list",
        )
    return tuple(yn.text(item, f"an item of {name}") for item in node.value)


def _read_entry(node: yaml.Node, path: str) -> AllowEntry:
    items = yn.mapping_items(node, "an allow-list entry")
    for key, (key_node, _) in items.items():
        if key not in _ALLOW_FIELDS:
            raise yn.Invalid(
                key_node,
                f"an allow-list entry has an unknown field '{key}'",
                f"Use only: {', '.join(_ALLOW_FIELDS)}.{did_you_mean(key, _ALLOW_FIELDS)}",
                "vendor-allow-list",
            )
    for required in ("record", "difference"):
        if required not in items:
            raise yn.Invalid(
                node,
                f"an allow-list entry has no '{required}'",
                f"Add {required}: ... (every entry names a record and the kind of difference)",
                "vendor-allow-list",
            )
    record_id = yn.text(items["record"][1], "record")
    kind = yn.text(items["difference"][1], "difference")
    if kind not in KINDS:
        raise yn.Invalid(
            items["difference"][1],
            f"'{kind}' is not a kind of difference",
            f"Use one of: {', '.join(KINDS)}.{did_you_mean(kind, KINDS)}",
            "vendor-allow-list",
        )
    reason_node = items.get("reason", (None, None))[1]
    if reason_node is None or (
        isinstance(reason_node, yaml.ScalarNode) and not reason_node.value.strip()
    ):
        raise yn.Invalid(
            reason_node or node,
            f"the allow-list entry for '{record_id}' ({kind}) gives no reason",
            "Add reason: with why this difference is intended and which Zoho source the record "
            "follows; an unexplained difference must be fixed, not allow-listed",
            "vendor-allow-reason",
        )
    reason = yn.text(reason_node, "reason")
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    if kind == "scopes":
        if "missing" not in items or "extra" not in items:
            raise yn.Invalid(
                node,
                f"the scopes entry for '{record_id}' must pin the difference it explains",
                "Add missing: [...] (scopes only the spec lists) and extra: [...] (scopes only "
                "the record lists), copied from the check's message",
                "vendor-allow-list",
            )
        missing = _scope_list(items["missing"][1], "missing")
        extra = _scope_list(items["extra"][1], "extra")
    return AllowEntry(record_id, kind, reason, Location(path, yn.line_of(node)), missing, extra)


def read_allow_list(file: Path, display: str) -> tuple[list[AllowEntry], list[Problem]]:
    """Every entry of an allow-list file, and a problem for each entry that is broken."""
    node, problems = yn.compose(file.read_text(encoding="utf-8"), display)
    if problems:
        return [], problems
    if node is None:
        return [], []
    if not isinstance(node, yaml.SequenceNode):
        return [], [
            Problem(
                Location(display, yn.line_of(node)),
                "an allow-list must be a list of entries",
                "Start each entry with '- record: ...'",
                "vendor-allow-list",
            )
        ]
    entries: list[AllowEntry] = []
    for item in node.value:
        try:
            entries.append(_read_entry(item, display))
        except yn.Invalid as invalid:
            problems.append(invalid.problem(display))
    return entries, problems


_FIRST_STEP = {
    "path": "Fix the path, or give the spec file that describes it as well",
    "method": "Check the method on Zoho's doc page and fix the record",
    "scopes": "Check the scopes on Zoho's doc page and fix the record",
}


def _broken_entries(entries: list[AllowEntry], records: Mapping[str, Record]) -> list[Problem]:
    """Entries that can never explain anything: repeats, and entries naming no record."""
    problems: list[Problem] = []
    first_at: dict[tuple[str, str], AllowEntry] = {}
    for entry in entries:
        first = first_at.setdefault((entry.record_id, entry.kind), entry)
        if first is not entry:
            problems.append(
                Problem(
                    entry.location,
                    f"'{entry.record_id}' ({entry.kind}) is already allow-listed at line "
                    f"{first.location.line}",
                    "Keep one entry per record and kind of difference",
                    "vendor-allow-list",
                )
            )
        elif entry.record_id not in records:
            problems.append(
                Problem(
                    entry.location,
                    f"the allow-list names '{entry.record_id}', which is not a record",
                    f"Fix the id or delete the entry.{did_you_mean(entry.record_id, records)}",
                    "vendor-allow-list",
                )
            )
    return problems


def _stale(entry: AllowEntry, comparison: Comparison) -> Problem:
    others = sorted({d.kind for d in comparison.differences if d.record_id == entry.record_id})
    if entry.record_id in comparison.skipped:
        why = "the record was not compared: its path names no version these spec files describe"
    elif others:
        why = (
            f"the check reports a {' and '.join(others)} difference for it that this entry "
            "does not describe"
        )
    else:
        why = "the record and the spec files agree on this"
    return Problem(
        entry.location,
        f"this allow-list entry for '{entry.record_id}' ({entry.kind}) is stale: {why}",
        "Delete it if the record and the spec now agree, or update it to the difference the "
        "check reports now",
        "vendor-stale-allow",
    )


def apply_allow_list(
    comparison: Comparison,
    entries: list[AllowEntry],
    records: Mapping[str, Record],
    allow_list_name: str,
) -> tuple[list[Problem], int]:
    """Problems for unexplained differences and for entries that explain nothing; allowed count."""
    problems = _broken_entries(entries, records)
    broken = {p.location for p in problems}
    usable = [e for e in entries if e.location not in broken]
    used: set[AllowEntry] = set()
    for difference in comparison.differences:
        entry = next((e for e in usable if e.covers(difference) and e not in used), None)
        if entry is not None:
            used.add(entry)
            continue
        problems.append(
            Problem(
                difference.location,
                difference.what,
                f"{_FIRST_STEP[difference.kind]}; if the difference is intended, add an entry "
                f"with a reason to {allow_list_name}",
                f"vendor-{difference.kind}",
            )
        )
    problems += [_stale(entry, comparison) for entry in usable if entry not in used]
    return sorted(problems), len(used)


# --- running it ----------------------------------------------------------------------------------


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def run(spec_paths: list[Path], root: Path, allow_list: Path | None = None) -> int:
    """Compare the endpoint records under root with the spec files; print problems and a summary.

    Without an explicit allow-list the project's reviewed one (DEFAULT_ALLOW_LIST) is used when it
    exists. Returns 0 when every difference is explained, 1 otherwise.
    """
    from .checks import read_settings  # checks.py reads mkdocs.yml; imported late to stay light

    problems: list[Problem] = []
    specs: list[Spec] = []
    for file in spec_paths:
        spec, found = read_spec(file)
        problems += found
        if spec is not None:
            specs.append(spec)
    settings = read_settings(root) if (root / "mkdocs.yml").is_file() else None
    records, record_problems = load_records(
        root,
        settings.sources if settings else "sources",
        hosts=settings.hosts if settings else None,
    )
    problems += record_problems
    if problems or not specs:
        for problem in sorted(problems):
            print(problem)
        print(
            f"vendor check: stopped before comparing; {len(problems)} problem(s) in the inputs.",
            file=sys.stderr,
        )
        return 1
    if allow_list is None and (root / DEFAULT_ALLOW_LIST).is_file():
        allow_list = root / DEFAULT_ALLOW_LIST
    allow_name = _shown(allow_list, root) if allow_list else DEFAULT_ALLOW_LIST
    entries: list[AllowEntry] = []
    if allow_list is not None and not allow_list.is_file():
        problems.append(
            Problem(
                Location(allow_name, 1),
                "the allow-list file does not exist",
                f"Check the path, or leave it out to use {DEFAULT_ALLOW_LIST}",
                "vendor-allow-list",
            )
        )
    elif allow_list is not None:
        entries, allow_problems = read_allow_list(allow_list, allow_name)
        problems += allow_problems
    comparison = compare(records, specs)
    found, allowed = apply_allow_list(comparison, entries, records, allow_name)
    problems += found
    if not comparison.compared:
        problems.append(
            Problem(
                Location(str(spec_paths[0]), 1),
                f"no endpoint record belongs to the version(s) these files describe "
                f"({', '.join(sorted(set().union(*(s.versions for s in specs)))) or 'unknown'})",
                "Check that these are the spec files for the API version the records use",
                "vendor-nothing-compared",
            )
        )
    for problem in sorted(problems):
        print(problem)
    operations = sum(len(spec.operations) for spec in specs)
    unexplained = len(comparison.differences) - allowed
    uncovered = ", ".join(f"{op.method} {op.path}" for op in comparison.uncovered) or "none"
    print(
        f"vendor check: {len(comparison.compared)} endpoint records compared with {operations} "
        f"operations in {len(specs)} spec file(s): {len(comparison.matched)} agree, {allowed} "
        f"allow-listed, {unexplained} unexplained; {len(comparison.skipped)} skipped (another "
        f"version); operations without a record: {uncovered}; {len(problems)} problem(s).",
        file=sys.stderr,
    )
    return 1 if problems else 0

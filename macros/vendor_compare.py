"""Endpoint records held to a vendor's operations: which agree, which differ and how.

Owns: which records a set of spec files speaks for (by API version or path), matching a record to
its operation by method and path, and comparing scopes as sets of names. Does not own: reading
the files (vendor_spec.py) or the reviewed differences (vendor_allow_list.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .kinds import EndpointFacts, Record
from .problems import Location
from .vendor_spec import VERSION_SEGMENT, Operation, Spec


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
    versions = {segment for segment in path.split("/") if VERSION_SEGMENT.fullmatch(segment)}
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

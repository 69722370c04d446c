"""The vendor check's allow-list: reviewed, intended differences between records and the spec.

Owns: reading the allow-list file (each entry's record, kind of difference, reason and, for
scopes, the exact difference it explains), and applying it: which differences it explains, and
entries that are broken or no longer needed. Does not own: finding differences (vendor_compare.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import yamlnodes as yn
from .kinds import Record
from .problems import Location, Problem, did_you_mean
from .vendor_compare import Comparison, Difference

# The kinds of difference an entry may explain.
DIFFERENCE_KINDS = ("method", "path", "scopes")
_ALLOW_FIELDS = ("record", "difference", "reason", "missing", "extra")


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
    if kind not in DIFFERENCE_KINDS:
        raise yn.Invalid(
            items["difference"][1],
            f"'{kind}' is not a kind of difference",
            f"Use one of: {', '.join(DIFFERENCE_KINDS)}.{did_you_mean(kind, DIFFERENCE_KINDS)}",
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

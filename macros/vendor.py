"""Check `endpoint` records against a vendor's OpenAPI 3.x description, with a reviewed allow-list.

Owns: running the check and its report. Does not own: reading OpenAPI files (vendor_spec.py),
matching records to operations (vendor_compare.py), the allow-list of intended differences
(vendor_allow_list.py), loading records (records.py), the command line (cli/vendor_check.py
calls run()) or anything about pages.

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

import sys
from pathlib import Path

from .problems import Location, Problem, shown_path
from .records import load_records
from .settings import read_settings
from .vendor_allow_list import AllowEntry, apply_allow_list, read_allow_list
from .vendor_compare import compare
from .vendor_spec import Spec, read_spec

DEFAULT_ALLOW_LIST = "vendor-checks/zoho-crm-oas-v8.yml"


def run(spec_paths: list[Path], root: Path, allow_list: Path | None = None) -> int:
    """Compare the endpoint records under root with the spec files; print problems and a summary.

    Without an explicit allow-list the project's reviewed one (DEFAULT_ALLOW_LIST) is used when it
    exists. Returns 0 when every difference is explained, 1 otherwise.
    """

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
    allow_name = shown_path(allow_list, root) if allow_list else DEFAULT_ALLOW_LIST
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

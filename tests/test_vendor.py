"""The vendor check: endpoint records against an OpenAPI description, with a reviewed allow-list."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from macros import vendor, vendor_compare, vendor_spec
from macros.records import load_records

# Zoho's v8 OpenAPI files: BEAM_VENDOR_SPECS names their folder (the GitHub workflow fetches them
# at a pinned commit); by default they sit in shared/vendor/ beside the repository.
VENDOR_SPECS = Path(
    os.environ.get("BEAM_VENDOR_SPECS") or ROOT.parent / "shared" / "vendor" / "zoho-crm-oas-v8.0"
)
RECORDS = "sources/p/api.yml"

# A record file whose line numbers the messages below rely on: 'method' is on line 5,
# 'path' on line 6 and 'scopes' on line 9.
ENDPOINT = """\
- id: p.get-job
  kind: endpoint
  title: Get a job
  url: https://www.zoho.com/crm/developer/docs/api/v8/get-job.html
  method: {method}
  path: "{path}"
  host: api-domain
  read_only: true
  scopes: {scopes}
  verified_on: 2026-11-20
"""


def spec(paths: dict, security: list | None = None, version: str = "v8.0") -> dict:
    data = {"openapi": "3.0.0", "info": {"title": "Demo", "version": version}, "paths": paths}
    if security is not None:
        data["security"] = security
    return data


def scoped(*scopes: str) -> list:
    return [{"oauth": list(scopes)}]


JOBS = spec(
    {"/api/v8/jobs/{job_id}": {"get": {"operationId": "Get job"}}},
    security=scoped("Demo.jobs.ALL", "Demo.modules.ALL"),
)


def project(
    tmp_path: Path,
    *,
    method: str = "GET",
    path: str = "/api/v8/jobs/{job_id}",
    scopes: str = "[Demo.jobs.ALL, Demo.modules.ALL]",
    allow: str | None = None,
) -> Path:
    """A tiny repository: one endpoint record and, when given, an allow-list."""
    file = tmp_path / RECORDS
    file.parent.mkdir(parents=True)
    file.write_text(ENDPOINT.format(method=method, path=path, scopes=scopes), encoding="utf-8")
    if allow is not None:
        (tmp_path / "vendor-checks").mkdir()
        (tmp_path / vendor.DEFAULT_ALLOW_LIST).write_text(textwrap.dedent(allow), encoding="utf-8")
    return tmp_path


def write_spec(tmp_path: Path, data: dict, name: str = "jobs.json") -> Path:
    file = tmp_path / "specs" / name
    file.parent.mkdir(exist_ok=True)
    file.write_text(json.dumps(data), encoding="utf-8")
    return file


def check(tmp_path: Path, data: dict, capsys, **record) -> tuple[int, list[str], str]:
    """Run the check; return its exit code, its problem lines and its summary line."""
    root = project(tmp_path, **record)
    code = vendor.run([write_spec(tmp_path, data)], root)
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.strip()


# --- matching records with operations -------------------------------------------------------------


def test_a_record_that_matches_its_operation_passes(tmp_path: Path, capsys) -> None:
    code, problems, summary = check(tmp_path, JOBS, capsys)
    assert (code, problems) == (0, [])
    assert summary == (
        "vendor check: 1 endpoint records compared with 1 operations in 1 spec file(s): 1 agree, "
        "0 allow-listed, 0 unexplained; 0 skipped (another version); operations without a "
        "record: none; 0 problem(s)."
    )


def test_a_method_mismatch_points_at_the_method_line(tmp_path: Path, capsys) -> None:
    code, problems, _ = check(tmp_path, JOBS, capsys, method="POST")
    assert code == 1
    assert problems == [
        f"{RECORDS}:5: the record says POST /api/v8/jobs/{{job_id}}, but jobs.json has only GET "
        "for that path. Check the method on Zoho's doc page and fix the record; if the difference "
        "is intended, add an entry with a reason to vendor-checks/zoho-crm-oas-v8.yml. "
        "[vendor-method]"
    ]


def test_a_path_mismatch_names_the_nearest_operation(tmp_path: Path, capsys) -> None:
    code, problems, summary = check(tmp_path, JOBS, capsys, path="/api/v8/job/{job_id}")
    assert code == 1
    assert problems == [
        f"{RECORDS}:6: no operation in the given spec files (jobs.json) has the path "
        "/api/v8/job/{job_id}. The nearest is GET /api/v8/jobs/{job_id} in jobs.json. "
        "Fix the path, or give the spec file that describes it as well; if the difference is "
        "intended, add an entry with a reason to vendor-checks/zoho-crm-oas-v8.yml. [vendor-path]"
    ]
    assert "operations without a record: GET /api/v8/jobs/{job_id}" in summary


def test_scopes_are_compared_as_sets_naming_what_is_missing_and_extra(
    tmp_path: Path, capsys
) -> None:
    # Grouping differs (alternatives in the record) but the names are the same: that agrees.
    code, problems, _ = check(tmp_path, JOBS, capsys, scopes="[[Demo.modules.ALL, Demo.jobs.ALL]]")
    assert (code, problems) == (0, [])
    code, problems, _ = check(
        tmp_path / "b", JOBS, capsys, scopes="[Demo.jobs.READ, Demo.modules.ALL]"
    )
    assert code == 1
    assert problems == [
        f"{RECORDS}:9: the scopes of GET /api/v8/jobs/{{job_id}} differ from jobs.json: missing "
        "(only in the spec) Demo.jobs.ALL; extra (only in the record) Demo.jobs.READ. Check the "
        "scopes on Zoho's doc page and fix the record; if the difference is intended, add an "
        "entry with a reason to vendor-checks/zoho-crm-oas-v8.yml. [vendor-scopes]"
    ]


def test_scope_names_are_compared_case_sensitively(tmp_path: Path, capsys) -> None:
    code, problems, _ = check(tmp_path, JOBS, capsys, scopes="[Demo.jobs.all, Demo.modules.ALL]")
    assert code == 1
    assert (
        "missing (only in the spec) Demo.jobs.ALL; extra (only in the record) Demo.jobs.all"
        in (problems[0])
    )


def test_an_operations_own_security_replaces_the_top_level_one() -> None:
    data = spec(
        {
            "/api/v8/jobs": {"post": {"security": scoped("Demo.files.ALL")}},
            "/api/v8/ping": {"get": {"security": []}},
            "/api/v8/jobs/{job_id}": {"get": {}, "parameters": [], "summary": "not an operation"},
        },
        security=scoped("Demo.jobs.ALL"),
    )
    parsed, problems = vendor_spec.spec_from_data(data, "x.json")
    assert problems == []
    assert {(op.method, op.path): op.scopes for op in parsed.operations} == {
        ("POST", "/api/v8/jobs"): frozenset({"Demo.files.ALL"}),
        ("GET", "/api/v8/ping"): frozenset(),
        ("GET", "/api/v8/jobs/{job_id}"): frozenset({"Demo.jobs.ALL"}),
    }
    assert parsed.versions == frozenset({"v8"})


def test_records_of_another_version_are_skipped_but_the_specs_version_must_be_described(
    tmp_path: Path, capsys
) -> None:
    code, problems, summary = check(tmp_path, JOBS, capsys, path="/api/v7/jobs/{job_id}")
    # The v7 record is not held to a v8 file; with nothing left to compare, the check says so.
    assert code == 1
    assert problems == [
        f"{tmp_path}/specs/jobs.json:1: no endpoint record belongs to the version(s) these files "
        "describe (v8). Check that these are the spec files for the API version the records "
        "use. [vendor-nothing-compared]"
    ]
    assert "0 endpoint records compared" in summary and "1 skipped (another version)" in summary
    code, problems, _ = check(tmp_path / "b", JOBS, capsys, path="/api/v8/exports")
    assert code == 1
    assert problems == [
        f"{RECORDS}:6: no operation in the given spec files (jobs.json) has the path "
        "/api/v8/exports. Fix the path, or give the spec file that describes it as well; if the "
        "difference is intended, add an entry with a reason to "
        "vendor-checks/zoho-crm-oas-v8.yml. [vendor-path]"
    ]


def test_a_file_that_is_not_openapi_is_reported(tmp_path: Path, capsys) -> None:
    root = project(tmp_path)
    bad = write_spec(tmp_path, {"swagger": "2.0", "paths": {}}, "old.json")
    assert vendor.run([bad], root) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{bad}:1: this file is not an OpenAPI 3.x description (no 'openapi: 3.x' or no "
        "'paths'). Give the path of one of Zoho's OpenAPI files, such as v8.0/bulk_read.json "
        "from Zoho's crm-oas repository. [vendor-spec]"
    ]
    assert err == "vendor check: stopped before comparing; 1 problem(s) in the inputs.\n"


# --- the allow-list -----------------------------------------------------------------------------

ALLOWED_SCOPES = """\
    # reviewed differences
    - record: p.get-job
      difference: scopes
      missing: [Demo.jobs.ALL]
      extra: [Demo.jobs.READ]
      reason: The doc page names the narrower READ scope.
"""


def test_an_allow_listed_difference_passes_and_is_counted(tmp_path: Path, capsys) -> None:
    code, problems, summary = check(
        tmp_path, JOBS, capsys, scopes="[Demo.jobs.READ, Demo.modules.ALL]", allow=ALLOWED_SCOPES
    )
    assert (code, problems) == (0, [])
    assert "0 agree, 1 allow-listed, 0 unexplained" in summary


def test_an_entry_that_matches_no_difference_is_stale(tmp_path: Path, capsys) -> None:
    code, problems, _ = check(tmp_path, JOBS, capsys, allow=ALLOWED_SCOPES)
    assert code == 1
    assert problems == [
        "vendor-checks/zoho-crm-oas-v8.yml:2: this allow-list entry for 'p.get-job' (scopes) is "
        "stale: the record and the spec files agree on this. Delete it if the record and the spec "
        "now agree, or update it to the difference the check reports now. [vendor-stale-allow]"
    ]


def test_a_scopes_entry_covers_only_the_difference_it_pins(tmp_path: Path, capsys) -> None:
    # Zoho changes its scopes: the old entry no longer explains the new difference.
    code, problems, _ = check(
        tmp_path, JOBS, capsys, scopes="[Demo.jobs.CREATE, Demo.modules.ALL]", allow=ALLOWED_SCOPES
    )
    assert code == 1
    assert [p.split(":")[1] for p in problems] == ["9", "2"]
    assert problems[0].startswith(
        f"{RECORDS}:9: the scopes of GET /api/v8/jobs/{{job_id}} differ from jobs.json: missing "
        "(only in the spec) Demo.jobs.ALL; extra (only in the record) Demo.jobs.CREATE."
    )
    assert problems[1] == (
        "vendor-checks/zoho-crm-oas-v8.yml:2: this allow-list entry for 'p.get-job' (scopes) is "
        "stale: the check reports a scopes difference for it that this entry does not describe. "
        "Delete it if the record and the spec now agree, or update it to the difference the "
        "check reports now. [vendor-stale-allow]"
    )


def test_an_entry_without_a_reason_is_refused(tmp_path: Path, capsys) -> None:
    allow = """\
        - record: p.get-job
          difference: method
        - record: p.get-job
          difference: path
          reason: "  "
    """
    code, problems, _ = check(tmp_path, JOBS, capsys, method="POST", allow=allow)
    assert code == 1
    todo = (
        "Add reason: with why this difference is intended and which Zoho source the record "
        "follows; an unexplained difference must be fixed, not allow-listed. [vendor-allow-reason]"
    )
    assert problems == [
        f"{RECORDS}:5: the record says POST /api/v8/jobs/{{job_id}}, but jobs.json has only GET "
        "for that path. Check the method on Zoho's doc page and fix the record; if the difference "
        "is intended, add an entry with a reason to vendor-checks/zoho-crm-oas-v8.yml. "
        "[vendor-method]",
        "vendor-checks/zoho-crm-oas-v8.yml:1: the allow-list entry for 'p.get-job' (method) "
        f"gives no reason. {todo}",
        "vendor-checks/zoho-crm-oas-v8.yml:5: the allow-list entry for 'p.get-job' (path) "
        f"gives no reason. {todo}",
    ]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        pytest.param(
            "- record: p.get-jobs\n  difference: method\n  reason: r\n",
            "vendor-checks/zoho-crm-oas-v8.yml:1: the allow-list names 'p.get-jobs', which is not "
            "a record. Fix the id or delete the entry. Did you mean 'p.get-job'? "
            "[vendor-allow-list]",
            id="unknown-record",
        ),
        pytest.param(
            "- record: p.get-job\n  difference: scope\n  reason: r\n",
            "vendor-checks/zoho-crm-oas-v8.yml:2: 'scope' is not a kind of difference. Use one "
            "of: method, path, scopes. Did you mean 'scopes'? [vendor-allow-list]",
            id="unknown-kind",
        ),
        pytest.param(
            "- record: p.get-job\n  difference: scopes\n  reason: r\n",
            "vendor-checks/zoho-crm-oas-v8.yml:1: the scopes entry for 'p.get-job' must pin the "
            "difference it explains. Add missing: [...] (scopes only the spec lists) and extra: "
            "[...] (scopes only the record lists), copied from the check's message. "
            "[vendor-allow-list]",
            id="scopes-unpinned",
        ),
        pytest.param(
            "- record: p.get-job\n  difference: method\n  reason: r\n  because: x\n",
            "vendor-checks/zoho-crm-oas-v8.yml:4: an allow-list entry has an unknown field "
            "'because'. Use only: record, difference, reason, missing, extra. [vendor-allow-list]",
            id="unknown-field",
        ),
    ],
)
def test_broken_allow_list_entries_are_reported_at_their_line(
    tmp_path: Path, capsys, entry: str, expected: str
) -> None:
    code, problems, _ = check(tmp_path, JOBS, capsys, allow=entry)
    assert code == 1
    assert problems == [expected]


def test_a_repeated_entry_is_reported_once(tmp_path: Path, capsys) -> None:
    allow = "- record: p.get-job\n  difference: method\n  reason: r\n" * 2
    code, problems, _ = check(tmp_path, JOBS, capsys, method="POST", allow=allow)
    assert code == 1
    assert problems == [
        "vendor-checks/zoho-crm-oas-v8.yml:4: 'p.get-job' (method) is already allow-listed at "
        "line 1. Keep one entry per record and kind of difference. [vendor-allow-list]"
    ]


# --- the real records against Zoho's own files ----------------------------------------------------


def vendor_specs(folder: Path) -> list[Path]:
    """Zoho's OpenAPI files in the folder; without them the test skips, or fails where
    BEAM_REQUIRE_VENDOR=1 (CI), as the browser tests do with BEAM_REQUIRE_BROWSER."""
    specs = sorted(folder.glob("*.json"))
    if not specs:
        reason = (
            f"Zoho's v8 OpenAPI files are not at {folder}; download bulk_read.json and "
            "bulk_write.json from Zoho's crm-oas repository (folder v8.0) into that folder, or "
            "name their folder in BEAM_VENDOR_SPECS, to run this check"
        )
        if os.environ.get("BEAM_REQUIRE_VENDOR") == "1":
            pytest.fail(f"BEAM_REQUIRE_VENDOR=1 but {reason}")
        pytest.skip(reason)
    return specs


@pytest.mark.parametrize("required", ["1", None])
def test_missing_openapi_files_fail_where_they_are_required(
    tmp_path: Path, monkeypatch, required
) -> None:
    if required is None:
        monkeypatch.delenv("BEAM_REQUIRE_VENDOR", raising=False)
    else:
        monkeypatch.setenv("BEAM_REQUIRE_VENDOR", required)
    # Both outcomes are caught, so that a skip where a failure is due fails this test.
    with pytest.raises((pytest.fail.Exception, pytest.skip.Exception)) as stopped:
        vendor_specs(tmp_path)
    assert stopped.type is (pytest.fail.Exception if required else pytest.skip.Exception)
    assert "Zoho's v8 OpenAPI files are not at" in str(stopped.value)
    (tmp_path / "bulk_read.json").write_text("{}")
    assert vendor_specs(tmp_path) == [tmp_path / "bulk_read.json"]


def test_every_endpoint_record_matches_zohos_openapi_files_or_is_allow_listed(capsys) -> None:
    specs = vendor_specs(VENDOR_SPECS)
    code = vendor.run(specs, ROOT)
    out, err = capsys.readouterr()
    assert out == "", out
    assert code == 0, err
    # Every Zoho CRM endpoint record was held to the files: none slipped through as "another
    # version". (The files describe Zoho CRM; other products' records are another API.)
    records, _ = load_records(ROOT)
    parsed = [vendor_spec.read_spec(file)[0] for file in specs]
    comparison = vendor_compare.compare(records, parsed)
    endpoints = sorted(
        r.id for r in records.values() if r.kind == "endpoint" and r.product == "zoho-crm"
    )
    assert sorted(comparison.compared) == endpoints
    assert comparison.uncovered == []

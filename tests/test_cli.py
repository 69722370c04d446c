"""`python -m macros check`, `sources` and `vendor-check`: exact output on tiny fixture sites.

The sites are tests/fixtures/_base with a folder of tests/fixtures/cli/sites/ laid over it; the
expected output of each format is kept in tests/fixtures/cli/expected/.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, make_fixture_site

from macros.cli import main
from macros.cli.check import annotation
from macros.problems import Location, Problem

CLI = FIXTURES / "cli"
EXPECTED = CLI / "expected"
TODAY = "2026-12-01"
SUMMARY = (
    r"\d+ records?, \d+ pages?: \d+ errors?, \d+ warnings?, \d+ notes?\. "
    r"Quotes: \d+ of \d+ records that state facts from a page \(\d+ %\)\.\n"
)


@pytest.fixture
def problems_site(tmp_path: Path) -> Path:
    """A site with one unknown id (error), one record no page cites and one stale record."""
    return make_fixture_site(tmp_path, CLI / "sites" / "problems")


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- check ----------------------------------------------------------------------------------------


def test_check_reports_every_problem_in_one_run_with_errors_last(problems_site, capsys) -> None:
    code, out, err = run_cli(capsys, "check", "--root", str(problems_site), "--today", TODAY)
    assert out == (EXPECTED / "check-problems.txt").read_text()
    assert err == (
        "6 records, 3 pages: 1 error, 2 warnings, 2 notes. "
        "Quotes: 3 of 5 records that state facts from a page (60 %).\n"
    )
    assert code == 1


def test_check_prints_github_annotations(problems_site, capsys) -> None:
    code, out, _ = run_cli(
        capsys, "check", "--root", str(problems_site), "--today", TODAY, "--format", "github"
    )
    assert out == (EXPECTED / "check-problems.github.txt").read_text()
    assert out.splitlines()[0].startswith(
        "::error file=docs/broken.md,line=14,title=Beam Help check%3A unknown-source::"
    )
    assert code == 1


# GitHub's workflow commands (`::error file=...,line=...,title=...::message`): in the message,
# '%', CR and LF are written %25, %0D and %0A; in a property also ':' and ',' (%3A, %2C), which
# otherwise end the property. '%' comes first, so that no escape is escaped twice.
def unescape(text: str) -> str:
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def parse_annotation(line: str) -> tuple[str, dict[str, str], str]:
    """Read a workflow command back as GitHub's runner does."""
    command, properties, data = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line).groups()
    values = dict(item.split("=", 1) for item in properties.split(","))
    return command, {k: unescape(v) for k, v in values.items()}, unescape(data)


def test_annotations_escape_every_character_github_reserves() -> None:
    problem = Problem(
        Location("docs/50%, half: done\r\n.md", 7),
        "it is 100% wrong:\r\nsee, here",
        "Fix 5%0A, then: go",
        "unknown-source",
    )
    line = annotation(problem)
    assert line == (
        "::error file=docs/50%25%2C half%3A done%0D%0A.md,line=7,"
        "title=Beam Help check%3A unknown-source::"
        "it is 100%25 wrong:%0D%0Asee, here. Fix 5%250A, then: go. [unknown-source]"
    )
    assert "\n" not in line and "\r" not in line
    assert parse_annotation(line) == (
        "error",
        {
            "file": "docs/50%, half: done\r\n.md",
            "line": "7",
            "title": "Beam Help check: unknown-source",
        },
        "it is 100% wrong:\r\nsee, here. Fix 5%0A, then: go. [unknown-source]",
    )


def test_check_annotates_a_file_whose_name_and_message_hold_reserved_characters(
    tmp_path, capsys
) -> None:
    site = make_fixture_site(tmp_path)
    (site / "docs" / "50%, half: done.md").write_text(
        'Intro.\n\nSee {{ cite("demo.100%,a:b") }}.\n', encoding="utf-8"
    )
    code, out, _ = run_cli(capsys, "check", "--root", str(site), "--format", "github")
    assert code == 1
    assert out == (
        "::error file=docs/50%25%2C half%3A done.md,line=3,title=Beam Help check%3A "
        "unknown-source::unknown source 'demo.100%25,a:b' in cite(). Check the id. Source ids "
        "are listed by 'python -m macros sources'. [unknown-source]\n"
    )
    _, properties, data = parse_annotation(out.rstrip("\n"))
    assert properties["file"] == "docs/50%, half: done.md"
    assert data.startswith("unknown source 'demo.100%,a:b' in cite().")


def test_check_prints_json_for_tools(problems_site, capsys) -> None:
    code, out, _ = run_cli(
        capsys, "check", "--root", str(problems_site), "--today", TODAY, "--format", "json"
    )
    assert json.loads(out) == json.loads((EXPECTED / "check-problems.json").read_text())
    assert [(p["path"], p["line"], p["severity"], p["code"]) for p in json.loads(out)] == [
        ("docs/broken.md", 14, "error", "unknown-source"),
        ("sources/demo/extra.yml", 1, "warning", "unused-source"),
        ("sources/demo/extra.yml", 4, "info", "no-quote"),
        ("sources/demo/extra.yml", 10, "info", "no-quote"),
        ("sources/demo/extra.yml", 11, "warning", "stale-source"),
    ]
    assert code == 1


def test_warnings_alone_pass_unless_strict(problems_site, capsys) -> None:
    (problems_site / "docs" / "broken.md").unlink()
    code, out, err = run_cli(capsys, "check", "--root", str(problems_site), "--today", TODAY)
    assert [line for line in out.splitlines() if "[no-quote]" not in line] == [
        "sources/demo/extra.yml:1: no page cites 'demo.unused'. Cite it from the page it "
        "supports, or delete it if no page needs it. [unused-source]",
        "sources/demo/extra.yml:7: no page cites 'demo.old'. Cite it from the page it supports, "
        "or delete it if no page needs it. [unused-source]",
        "sources/demo/extra.yml:11: 'demo.old' was last verified on 2025-01-15, 685 days ago, "
        "which is more than review_days (90) in mkdocs.yml. Check the fact on its official page "
        "again, then set verified_on to the date you checked. [stale-source]",
    ]
    assert err.startswith("6 records, 2 pages: 0 errors, 3 warnings, 2 notes.")
    assert code == 0
    assert main(["check", "--root", str(problems_site), "--today", TODAY, "--strict"]) == 1


def test_notes_never_fail_even_when_strict(problems_site, capsys) -> None:
    (problems_site / "docs" / "broken.md").unlink()
    (problems_site / "sources" / "demo" / "extra.yml").unlink()  # its two warnings
    for args in ([], ["--strict"]):
        code, out, err = run_cli(
            capsys, "check", "--root", str(problems_site), "--today", TODAY, *args
        )
        assert code == 0, args
    assert out == ""
    assert err == (
        "4 records, 2 pages: 0 errors, 0 warnings, 0 notes. "
        "Quotes: 3 of 3 records that state facts from a page (100 %).\n"
    )
    records = problems_site / "sources" / "demo" / "records.yml"
    records.write_text(records.read_text().replace("  quote: The Demo API runs jobs.\n", ""))
    for args in ([], ["--strict"]):
        code, out, err = run_cli(
            capsys, "check", "--root", str(problems_site), "--today", TODAY, *args
        )
        assert code == 0, args
    assert out == (
        "sources/demo/records.yml:24: 'demo.overview' has no quote from its page. Add quote: with "
        "the words on that page that state its facts, copied exactly as published (at most about "
        "40 words). [no-quote]\n"
    )
    assert err.endswith(
        "0 warnings, 1 note. Quotes: 2 of 3 records that state facts from a page (66 %).\n"
    )
    _, github, _ = run_cli(
        capsys, "check", "--root", str(problems_site), "--today", TODAY, "--format", "github"
    )
    assert github.startswith(
        "::notice file=sources/demo/records.yml,line=24,title=Beam Help check%3A no-quote::"
    )


def test_stale_means_older_than_review_days(problems_site, capsys) -> None:
    # demo.old was verified on 2025-01-15: 90 days later it is still fresh, 91 days later stale.
    for today, stale in (("2025-04-15", False), ("2025-04-16", True)):
        run_cli(capsys, "check", "--root", str(problems_site), "--today", today)
        _, out, _ = run_cli(capsys, "check", "--root", str(problems_site), "--today", today)
        assert ("[stale-source]" in out) is stale, today


def test_a_clean_site_prints_nothing_but_the_summary(tmp_path, capsys) -> None:
    site = make_fixture_site(tmp_path)
    code, out, err = run_cli(capsys, "check", "--root", str(site), "--today", TODAY)
    assert (code, out, err) == (
        0,
        "",
        "4 records, 2 pages: 0 errors, 0 warnings, 0 notes. "
        "Quotes: 3 of 3 records that state facts from a page (100 %).\n",
    )


def test_review_days_default_to_180(tmp_path, capsys) -> None:
    site = make_fixture_site(tmp_path)  # its records were verified on 2026-11-20 to 2026-11-22
    assert (
        "[stale-source]"
        not in run_cli(capsys, "check", "--root", str(site), "--today", "2027-05-19")[1]
    )
    assert (
        "[stale-source]"
        in run_cli(capsys, "check", "--root", str(site), "--today", "2027-05-20")[1]
    )


def test_a_bad_review_days_is_reported_at_its_line(problems_site, capsys) -> None:
    config = problems_site / "mkdocs.yml"
    config.write_text(config.read_text().replace("review_days: 90", "review_days: soon"))
    code, out, _ = run_cli(capsys, "check", "--root", str(problems_site), "--today", TODAY)
    assert (
        "mkdocs.yml:9: the beam option 'review_days' must be a whole number of days above 0, not "
        "'soon'. "
        "Write review_days: 180 (how many days a verified_on date stays fresh). [settings]"
    ) in out.splitlines()
    assert code == 1


def test_a_page_left_out_of_the_nav_stops_a_strict_build(tmp_path, capsys) -> None:
    site = make_fixture_site(tmp_path, CLI / "sites" / "nav")
    (site / "docs" / "extra.md").write_text("# Extra\n")
    code, out, _ = run_cli(capsys, "check", "--root", str(site), "--today", TODAY)
    assert out == (
        "docs/extra.md:1: this page is not in the nav of mkdocs.yml, so the strict build stops. "
        "Add a line such as '- Page title: extra.md' under nav in mkdocs.yml. [not-in-nav]\n"
    )
    assert code == 1


def test_a_bad_date_is_a_usage_error(problems_site, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["check", "--root", str(problems_site), "--today", "1 Dec"])
    assert stop.value.code == 2
    assert (
        "argument --today: '1 Dec' is not a date; write it as YYYY-MM-DD" in capsys.readouterr().err
    )


def test_a_folder_without_mkdocs_yml_is_explained(tmp_path, capsys) -> None:
    code, out, err = run_cli(capsys, "check", "--root", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == (
        f"python -m macros check: {tmp_path.resolve()} has no mkdocs.yml; give the repository "
        "folder.\n"
    )


def test_the_command_finds_the_repository_from_a_subfolder(
    problems_site, capsys, monkeypatch
) -> None:
    monkeypatch.chdir(problems_site / "sources" / "demo")
    code, out, _ = run_cli(capsys, "check", "--today", TODAY)
    assert out == (EXPECTED / "check-problems.txt").read_text()
    assert code == 1


def test_python_m_macros_runs_without_a_traceback(problems_site) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "macros", "check", "--today", TODAY],
        cwd=problems_site,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == (EXPECTED / "check-problems.txt").read_text()
    assert done.stderr == (
        "6 records, 3 pages: 1 error, 2 warnings, 2 notes. "
        "Quotes: 3 of 5 records that state facts from a page (60 %).\n"
    )


def test_check_on_the_real_site_exits_0_with_no_error_or_warning() -> None:
    """The real command on the real site (notes, such as a record without a quote, are allowed:
    they never stop anything)."""
    done = subprocess.run(
        [sys.executable, "-m", "macros", "check"], cwd=ROOT, capture_output=True, timeout=60
    )
    out = done.stdout.decode()
    assert done.returncode == 0, out
    assert [line for line in out.splitlines() if not line.endswith("[no-quote]")] == [], out
    assert re.fullmatch(SUMMARY, done.stderr.decode()), done.stderr.decode()
    assert ": 0 errors, 0 warnings" in done.stderr.decode(), done.stderr.decode()


def test_sources_finds_ids_by_part_of_the_id_and_shows_every_fact(tmp_path, capsys) -> None:
    site = make_fixture_site(tmp_path)
    code, out, err = run_cli(capsys, "sources", "--root", str(site), "job")
    assert out == (
        "demo.get-job   endpoint  Get a job (Demo API)\n"
        "                         method: GET\n"
        "                         path: /demo/v1/jobs/{job_id}\n"
        "                         host: api-domain\n"
        "                         scopes: Demo.jobs.READ or Demo.jobs.ALL\n"
        "                         read_only: true\n"
        "demo.statuses  config    Job statuses (Demo API)\n"
        "                         values: ADDED, COMPLETED\n"
        "demo.wait      code      Wait for a job (example)\n"
        "                         file: examples/demo.py\n"
        "                         symbol: wait\n"
    )
    assert (code, err) == (0, "")


def test_sources_finds_facts_and_shows_all_of_the_records_facts(tmp_path, capsys) -> None:
    site = make_fixture_site(tmp_path)
    code, out, _ = run_cli(capsys, "sources", "--root", str(site), "completed")
    assert out == (
        "demo.statuses  config  Job statuses (Demo API)\n"
        "                       values: ADDED, COMPLETED\n"
    )
    code, out, _ = run_cli(capsys, "sources", "--root", str(site), "/demo/v1/")
    assert out.splitlines()[:3] == [
        "demo.get-job  endpoint  Get a job (Demo API)",
        "                        method: GET",
        "                        path: /demo/v1/jobs/{job_id}",
    ]
    assert len(out.splitlines()) == 6 and code == 0


def test_sources_shows_a_records_note_and_parameters(tmp_path, capsys) -> None:
    site = make_fixture_site(tmp_path)
    (site / "sources" / "demo" / "more.yml").write_text(
        "- id: demo.create-job\n  kind: endpoint\n  title: Create a job\n  method: POST\n"
        "  path: /demo/v1/jobs\n  host: api-domain\n  scopes: [Demo.jobs.CREATE]\n"
        "  read_only: false\n  parameters:\n    - name: module\n      in: body\n"
        "      required: true\n      description: Which module\n"
        "  url: https://example.com/create\n  verified_on: 2026-11-20\n"
        "  note: Zoho's two pages disagree.\n"
    )
    code, out, _ = run_cli(capsys, "sources", "--root", str(site), "create-job")
    assert out.splitlines()[-3:] == [
        "                           read_only: false",
        "                           parameters: name: module, in: body, required: true, "
        "description: Which module",
        "                           note: Zoho's two pages disagree.",
    ]


def test_sources_with_an_exact_id_prints_the_whole_record_and_where(tmp_path, capsys) -> None:
    site = make_fixture_site(tmp_path)
    code, out, err = run_cli(capsys, "sources", "--root", str(site), "demo.statuses")
    assert (code, err) == (0, "")
    assert out == (
        "sources/demo/records.yml:13:\n"
        "- id: demo.statuses\n"
        "  kind: config\n"
        "  title: Job statuses (Demo API)\n"
        "  values: [ADDED, COMPLETED]\n"
        "  url: https://example.com/docs/statuses.html\n"
        "  quote: A job is ADDED, then COMPLETED.\n"
        "  verified_on: 2026-11-20\n"
    )
    code, out, _ = run_cli(capsys, "sources", "--root", str(site), "demo.wait")
    assert out.splitlines()[0] == "sources/demo/records.yml:28:"
    assert out.splitlines()[-1] == "  verified_on: 2026-11-22"  # the file's last record


def test_sources_ignores_case_and_joins_words(tmp_path, capsys) -> None:
    site = make_fixture_site(tmp_path)
    code, out, _ = run_cli(capsys, "sources", "--root", str(site), "JOB", "STATUSES")
    assert (code, out) == (
        0,
        "demo.statuses  config  Job statuses (Demo API)\n                       values: ADDED, COMPLETED\n",
    )


def test_sources_without_text_lists_every_record(tmp_path, capsys) -> None:
    site = make_fixture_site(tmp_path)
    _, out, _ = run_cli(capsys, "sources", "--root", str(site))
    assert [line.split()[0] for line in out.splitlines()] == [
        "demo.get-job",
        "demo.overview",
        "demo.statuses",
        "demo.wait",
    ]


def test_sources_says_when_nothing_matches(tmp_path, capsys) -> None:
    site = make_fixture_site(tmp_path)
    code, out, err = run_cli(capsys, "sources", "--root", str(site), "invoice")
    assert (code, out) == (1, "")
    assert err == (
        "No source matches 'invoice'. The search looks in ids, titles and facts, ignoring case; "
        "try a shorter word.\n"
    )


# --- vendor-check ---------------------------------------------------------------------------------


def test_vendor_check_hands_its_arguments_to_the_vendor_module(
    tmp_path, capsys, monkeypatch
) -> None:
    site = make_fixture_site(tmp_path)
    calls = []

    def run(spec_paths, root, allow_list=None):
        calls.append((spec_paths, root, allow_list))
        return 1

    monkeypatch.setitem(sys.modules, "macros.vendor", types.SimpleNamespace(run=run))
    code = main(["vendor-check", "a.json", "b.json", "--allow-list", "ok.yml", "--root", str(site)])
    assert code == 1
    assert calls == [([Path("a.json"), Path("b.json")], site.resolve(), Path("ok.yml"))]

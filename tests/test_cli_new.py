"""`python -m macros new`: a how-to scaffold that fails `check` until it is filled in, and passes
once it is; it never replaces an existing file."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, make_fixture_site

from macros.checks import check_site
from macros.cli import main
from macros.frontmatter import read_front_matter
from macros.pages import PageRenderer
from macros.settings import read_settings

EXPECTED = FIXTURES / "cli" / "expected"
TITLE = "How to get a job: the demo way"
ALL_QUOTED = "Quotes: 3 of 3 records that state facts from a page (100 %).\n"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_fixture_site(tmp_path)


def test_new_writes_the_how_to_template(site, capsys) -> None:
    code, out, err = run_cli(capsys, "new", "demo/get-a-job", "--title", TITLE, "--root", str(site))
    assert (code, err) == (0, "")
    assert out == (
        "Wrote docs/demo/get-a-job.md from the how-to template.\n"
        'Next: write the summary and each section, replace every "replace-with-a-source-id" '
        "(python -m macros sources WORD finds ids), and run python -m macros check until it "
        "reports no errors.\n"
    )
    written = site / "docs" / "demo" / "get-a-job.md"
    assert written.read_text() == (EXPECTED / "new-how-to.md").read_text()
    matter, problems = read_front_matter(written.read_text(), "page.md")
    assert matter.values["title"] == TITLE  # quoted because of the colon, read back exactly
    assert [(p.location.line, p.code) for p in problems] == [(5, "empty-value")]  # to be filled


def test_the_unfilled_scaffold_fails_check_at_every_placeholder(site, capsys) -> None:
    run_cli(capsys, "new", "demo/get-a-job", "--title", TITLE, "--root", str(site))
    code, out, err = run_cli(capsys, "check", "--root", str(site), "--today", "2026-12-01")
    assert out == (EXPECTED / "check-new-page.txt").read_text()
    assert out.splitlines()[0] == (
        "docs/demo/get-a-job.md:5: 'summary' is empty. Give summary a value. [empty-value]"
    )
    assert out.count("unknown source 'replace-with-a-source-id' in cite()") == 5
    assert (code, err) == (1, f"4 records, 3 pages: 7 errors, 0 warnings, 0 notes. {ALL_QUOTED}")


def test_the_filled_in_scaffold_passes_check(site, capsys) -> None:
    run_cli(capsys, "new", "demo/get-a-job", "--title", TITLE, "--root", str(site))
    page = site / "docs" / "demo" / "get-a-job.md"
    text = page.read_text().replace('summary: ""', "summary: Fetch one job by its ID.")
    for record_id in (
        "demo.overview",
        "demo.get-job",
        "demo.statuses",
        "demo.get-job",
        "demo.wait",
    ):
        text = text.replace('"replace-with-a-source-id"', f'"{record_id}"', 1)
    page.write_text(text)
    landing = site / "docs" / "demo" / "index.md"  # the product's landing page links each page
    landing.write_text(landing.read_text() + "\n- [Get a job](get-a-job.md)\n")
    code, out, err = run_cli(capsys, "check", "--root", str(site), "--today", "2026-12-01")
    assert (code, out, err) == (
        0,
        "",
        f"4 records, 3 pages: 0 errors, 0 warnings, 0 notes. {ALL_QUOTED}",
    )
    # The notes are Jinja comments: none of them reaches the page readers get.
    report = check_site(site)
    page = "docs/demo/get-a-job.md"
    renderer = PageRenderer(report.records, read_settings(site).products)
    rendered = renderer.render(page, (site / page).read_text(encoding="utf-8"))
    assert "{##" not in rendered.markdown and "replace-with" not in rendered.markdown
    assert "Notes between these marks" not in rendered.markdown


def test_new_never_replaces_an_existing_page(site, capsys) -> None:
    page = site / "docs" / "demo" / "get-a-job.md"
    page.parent.mkdir(exist_ok=True)
    page.write_text("a writer's work\n")
    code, out, err = run_cli(capsys, "new", "demo/get-a-job", "--title", TITLE, "--root", str(site))
    assert (code, out) == (1, "")
    assert err == (
        "python -m macros new: docs/demo/get-a-job.md already exists; nothing was written. "
        "Choose another name, or edit that page.\n"
    )
    assert page.read_text() == "a writer's work\n"


def test_an_unknown_product_gets_a_suggestion(site, capsys) -> None:
    code, out, err = run_cli(capsys, "new", "dmeo/get-a-job", "--title", TITLE, "--root", str(site))
    assert (code, out) == (1, "")
    assert err == (
        "python -m macros new: unknown product 'dmeo'. Did you mean 'demo'? Products are listed "
        "under the beam plugin in mkdocs.yml (now: demo); to add one, run python -m macros "
        'new-product dmeo --name "Its Name" --docs-url https://... (CONTRIBUTING.md, '
        "'Adding a product').\n"
    )
    assert not (site / "docs" / "dmeo").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "get-a-job",
            "'get-a-job' names no product folder. Write it as PRODUCT/SLUG, such as "
            "demo/export-leads.",
        ),
        (
            "demo/Get_A_Job",
            "'Get_A_Job' cannot be part of a page name. Use lowercase letters, digits and single "
            "hyphens, such as export-leads.",
        ),
        (
            "demo/../../etc/x",
            "'..' cannot be part of a page name. Use lowercase letters, digits and single "
            "hyphens, such as export-leads.",
        ),
    ],
)
def test_a_bad_page_name_is_refused(site, capsys, name: str, message: str) -> None:
    code, out, err = run_cli(capsys, "new", name, "--title", TITLE, "--root", str(site))
    assert (code, out, err) == (1, "", f"python -m macros new: {message}\n")


def test_a_page_in_a_subfolder_and_a_nav_hint(tmp_path, capsys) -> None:
    site = make_fixture_site(tmp_path, FIXTURES / "cli" / "sites" / "nav")
    code, out, _ = run_cli(
        capsys, "new", "demo/jobs/get-a-job.md", "--title", TITLE, "--root", str(site)
    )
    assert code == 0
    assert (site / "docs" / "demo" / "jobs" / "get-a-job.md").is_file()
    assert out.splitlines()[-1] == (
        'Then add the page to nav in mkdocs.yml, as a line such as: - "Get a job: the demo '
        'way": demo/jobs/get-a-job.md'
    )

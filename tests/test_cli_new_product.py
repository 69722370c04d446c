"""`python -m macros new-product`: one command adds a product that passes `check --strict` and the
strict build as it stands, edits mkdocs.yml only by adding lines, and never replaces anything."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, build_in_process, make_fixture_site

from macros.checks import check_site
from macros.cli import main
from macros.records import load_records
from macros.settings import read_settings

URL = "https://www.zoho.com/desk/developer/docs/"
ARGS = ("new-product", "zoho-desk", "--name", "Zoho Desk", "--docs-url", URL)


def copy_of_the_repository(tmp_path: Path) -> Path:
    """What the site is made of: settings, pages, records, examples and the theme overrides."""
    copy = tmp_path / "repo"
    copy.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    for folder in ("docs", "sources", "examples", "overrides"):
        shutil.copytree(ROOT / folder, copy / folder)
    return copy


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def only_added(before: str, after: str) -> list[tuple[int, str]]:
    """The (1-based) lines added, asserting that nothing else changed."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    added, i = [], 0
    for number, line in enumerate(new, start=1):
        if i < len(old) and line == old[i]:
            i += 1
        else:
            added.append((number, line.rstrip("\n")))
    assert i == len(old), "a line of the original file was changed or removed"
    return added


def test_the_new_product_passes_check_strict_and_the_strict_build(tmp_path, capsys) -> None:
    repo = copy_of_the_repository(tmp_path)
    config_before = (repo / "mkdocs.yml").read_text()
    products_before = read_settings(repo).products
    home_before = (repo / "docs" / "index.md").read_text()
    today = dt.date.today()
    problems_before = check_site(repo, today=today).problems

    code, out, err = run_cli(capsys, *ARGS, "--root", str(repo))

    assert (code, err) == (0, "")
    assert out.startswith("Added the product zoho-desk (Zoho Desk):\n")
    added = only_added(config_before, (repo / "mkdocs.yml").read_text())
    assert [line for _, line in added] == [
        "        zoho-desk: Zoho Desk",
        "  - Zoho Desk:",
        "      - zoho-desk/index.md",
    ]
    assert f"mkdocs.yml: its products line and nav section (line {added[0][0]}, line " in out
    settings = read_settings(repo)
    assert settings.products == {**products_before, "zoho-desk": "Zoho Desk"}
    assert "zoho-desk/index.md" in settings.nav_pages
    home_added = only_added(home_before, (repo / "docs" / "index.md").read_text())
    assert "Start at the [Zoho Desk guides](zoho-desk/index.md)." in dict(home_added).values()
    records, _ = load_records(repo)
    starter = records["zoho-desk.docs.api"]
    assert (starter.product, starter.url, starter.verified_on) == ("zoho-desk", URL, today)

    report = check_site(repo, today=today)
    new = [p for p in report.problems if p not in problems_before]
    assert [p for p in report.problems if p.severity != "info"] == []  # check --strict passes
    # The one note: the starter record has no quote yet (only the writer can copy Zoho's words).
    assert [(p.location.path, p.code) for p in new] == [("sources/zoho-desk/docs.yml", "no-quote")]
    landing = next(p for p in report.pages if p.path == "docs/zoho-desk/index.md")
    assert landing.citations.record_ids == ["zoho-desk.docs.api"]

    built = build_in_process(repo)  # as `mkdocs build --strict` runs it
    assert built.returncode == 0, built.stdout
    assert "WARNING" not in built.stdout and "ERROR" not in built.stdout
    site = repo / "site"
    assert URL in (site / "zoho-desk" / "index.html").read_text()
    assert "Zoho Desk" in (site / "zoho-desk" / "sources" / "index.html").read_text()
    assert re.search(r"href=\"?zoho-desk/\"?[ >]", (site / "index.html").read_text())  # minified


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The fixture site with a nav and Zoho's pages among its hosts, as the real site has."""
    site = make_fixture_site(tmp_path)
    config = site / "mkdocs.yml"
    text = config.read_text().replace("hosts: [example.com]", "hosts: [example.com, www.zoho.com]")
    config.write_text(text + "nav:\n  - Home: index.md\n  - Demo Product:\n      - demo/index.md\n")
    return site


def test_the_fixture_site_gets_the_product_and_passes_check(site, capsys) -> None:
    code, _, err = run_cli(capsys, *ARGS, "--root", str(site))
    assert (code, err) == (0, "")
    text = (site / "mkdocs.yml").read_text()
    assert "        demo: Demo Product\n        zoho-desk: Zoho Desk\n" in text
    assert text.endswith("      - demo/index.md\n  - Zoho Desk:\n      - zoho-desk/index.md\n")
    home = (site / "docs" / "index.md").read_text()
    assert home.endswith("\n## Zoho Desk\n\nStart at the [Zoho Desk guides](zoho-desk/index.md).\n")
    problems = check_site(site, today=dt.date.today()).problems
    assert [(p.severity, p.code) for p in problems] == [("info", "no-quote")]  # the starter's


def test_a_file_without_a_final_line_break_and_with_crlf_lines(site, capsys) -> None:
    config = site / "mkdocs.yml"
    config.write_bytes(config.read_bytes().replace(b"\n", b"\r\n").rstrip(b"\r\n"))
    code, _, _ = run_cli(capsys, *ARGS, "--root", str(site))
    assert code == 0
    data = config.read_bytes()
    assert b"\r\n        zoho-desk: Zoho Desk\r\n" in data
    assert data.endswith(
        b"      - demo/index.md\r\n  - Zoho Desk:\r\n      - zoho-desk/index.md\r\n"
    )
    assert b"\n" not in data.replace(b"\r\n", b"")


@pytest.mark.parametrize(
    ("prepare", "args", "message"),
    [
        (
            lambda s: (s / "docs" / "zoho-desk").mkdir(),
            ARGS,
            "docs/zoho-desk/ already exists; nothing was written. Choose another key, or finish "
            "that product by hand (CONTRIBUTING.md, 'Adding a product').",
        ),
        (
            lambda s: (s / "sources" / "zoho-desk").mkdir(),
            ARGS,
            "sources/zoho-desk/ already exists; nothing was written. Choose another key, or "
            "finish that product by hand (CONTRIBUTING.md, 'Adding a product').",
        ),
        (
            None,
            ("new-product", "demo", "--name", "Demo Two", "--docs-url", URL),
            "the product 'demo' is already listed under the beam plugin in mkdocs.yml; nothing "
            "was written.",
        ),
        (
            None,
            ("new-product", "zoho-desk", "--name", "demo product", "--docs-url", URL),
            "another product is already called 'demo product'; choose another name.",
        ),
        (
            None,
            ("new-product", "Zoho_Desk", "--name", "Zoho Desk", "--docs-url", URL),
            "'Zoho_Desk' cannot be a product key. Use lowercase letters, digits and single "
            "hyphens, such as zoho-bigin.",
        ),
        (
            None,
            ("new-product", "zoho-desk", "--name", "<b>Desk</b>", "--docs-url", URL),
            'give the product a one-line name without < or >, such as --name "Zoho Bigin".',
        ),
        (
            None,
            ("new-product", "zoho-desk", "--name", "Zoho Desk", "--docs-url", "http://x.y/"),
            "--docs-url must be the https:// address of Zoho Desk's official API "
            "documentation: 'url' must be an https:// address, not 'http://x.y/'.",
        ),
        (
            None,
            ("new-product", "zoho-desk", "--name", "Zoho Desk", "--docs-url", "https://x.y/"),
            "--docs-url links to x.y, which is not one of the hosts records may link to "
            "(example.com, www.zoho.com). Give a page on one of them, or add the host under 'hosts' of the beam "
            "plugin in mkdocs.yml in a pull request of its own first.",
        ),
        (
            lambda s: (s / "mkdocs.yml").write_text(
                (s / "mkdocs.yml").read_text().replace("Demo Product:", "Zoho Desk:")
            ),
            ARGS,
            "the nav in mkdocs.yml already has a section 'Zoho Desk'.",
        ),
        (
            lambda s: (s / "mkdocs.yml").write_text(
                (s / "mkdocs.yml")
                .read_text()
                .replace(
                    "      products:\n        demo: Demo Product\n",
                    "      products: {demo: Demo Product}\n",
                )
            ),
            ARGS,
            "the beam plugin's products in mkdocs.yml are not written one per line; write them "
            "as 'products:' followed by lines such as '  zoho-crm: Zoho CRM', then run this again.",
        ),
    ],
)
def test_new_product_refuses_and_writes_nothing(site, capsys, prepare, args, message) -> None:
    if prepare is not None:
        prepare(site)
    before = snapshot(site)
    code, out, err = run_cli(capsys, *args, "--root", str(site))
    assert (code, out) == (1, "")
    assert err == f"python -m macros new-product: {message}\n"
    assert snapshot(site) == before
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == ["docs", "examples", "sources"]


def test_new_product_needs_the_documentation_address(site, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["new-product", "zoho-desk", "--name", "Zoho Desk", "--root", str(site)])
    assert stopped.value.code == 2
    assert "the following arguments are required: --docs-url" in capsys.readouterr().err


def test_new_names_new_product_for_an_unknown_product(site, capsys) -> None:
    code, out, err = run_cli(
        capsys,
        "new",
        "zoho-desk/get-records",
        "--title",
        "How to get records",
        "--root",
        str(site),
    )
    assert (code, out) == (1, "")
    assert "to add one, run python -m macros new-product zoho-desk --name" in err


@pytest.mark.parametrize(
    ("title", "label"),
    [
        ("How to create a bulk read job in Zoho CRM", "Create a bulk read job"),
        ("How to download a bulk read result from Zoho CRM", "Download a bulk read result"),
        ("How to stop waiting: the demo way", '"Stop waiting: the demo way"'),  # YAML quotes it
        ("Bulk read limits", "Bulk read limits"),
        ("How to", "How to"),
    ],
)
def test_new_suggests_a_short_nav_label(site, capsys, title, label) -> None:
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("demo: Demo Product", "demo: Zoho CRM"))
    code, out, _ = run_cli(capsys, "new", "demo/a-page", "--title", title, "--root", str(site))
    assert code == 0
    assert out.splitlines()[-1] == (
        f"Then add the page to nav in mkdocs.yml, as a line such as: - {label}: demo/a-page.md"
    )

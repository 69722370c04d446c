"""The site's settings in mkdocs.yml: check and the build refuse the same things at the same lines,
and read options as MkDocs reads them."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import build_in_process, check_in_process, make_fixture_site

from macros.checks import pages_outside_nav
from macros.rendered_page import RenderedPage
from macros.settings import layout_problems, read_settings, settings_problems


def both(site: Path, capsys, monkeypatch) -> tuple[str, str, int, int]:
    """The build's and the check's output and exit codes, both run in this process as their
    command lines run them (tests/test_fixture_sites.py runs each kind of failure through the
    real commands too)."""
    build = build_in_process(site)
    check = check_in_process(site, capsys, monkeypatch)
    return build.stdout, check.stdout, build.returncode, check.returncode


def test_an_empty_docs_folder_stops_build_and_check_alike(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    site = make_fixture_site(tmp_path)
    for page in (site / "docs").rglob("*.md"):
        page.unlink()
    message = "mkdocs.yml:1: the folder docs/ holds no pages. Add at least docs/index.md, the home page. [no-pages]"
    build, check, build_code, check_code = both(site, capsys, monkeypatch)
    assert build_code == 1 and message in build, build
    assert check_code == 1 and message in check.splitlines(), check


def test_a_missing_default_sources_folder_stops_build_and_check_alike(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    site = make_fixture_site(tmp_path)
    shutil.rmtree(site / "sources")
    message = (
        "mkdocs.yml:8: the source records' folder 'sources' does not exist. Make the folder "
        "sources/ beside mkdocs.yml, or name the folder with the beam option sources:. [settings]"
    )
    build, check, build_code, check_code = both(site, capsys, monkeypatch)
    assert build_code == 1 and message in build, build
    assert check_code == 1 and check.splitlines() == [message], check


def test_review_days_of_zero_is_refused_by_both(tmp_path: Path, capsys, monkeypatch) -> None:
    """Once the build took 0 and check refused it: one reader now decides for both."""
    site = make_fixture_site(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("      products:", "      review_days: 0\n      products:")
    )
    message = (
        "mkdocs.yml:9: the beam option 'review_days' must be a whole number of days above 0, "
        "not '0'. Write review_days: 180 (how many days a verified_on date stays fresh). [settings]"
    )
    build, check, build_code, check_code = both(site, capsys, monkeypatch)
    assert build_code == 1 and message in build, build
    assert check_code == 1 and check.splitlines() == [message], check


def test_not_in_nav_is_read_as_gitignore_lines_like_mkdocs(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path)
    (site / "docs" / "drafts").mkdir()
    (site / "docs" / "drafts" / "idea.md").write_text("# Idea\n")
    (site / "docs" / "other.md").write_text("# Other\n")
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text()
        + "validation:\n  omitted_files: warn\nnot_in_nav: |\n  drafts/\nnav:\n  - index.md\n"
    )
    settings = read_settings(site)
    pages = [
        RenderedPage(f"docs/{name}", {}, "", None, [])  # type: ignore[arg-type]
        for name in ("index.md", "drafts/idea.md", "other.md")
    ]
    assert [p.location.path for p in pages_outside_nav(settings, pages)] == ["docs/other.md"]
    build = build_in_process(site)
    assert "drafts/idea.md" not in build.stdout and "other.md" in build.stdout


def test_the_real_settings_have_no_problems() -> None:
    root = Path(__file__).resolve().parent.parent
    assert settings_problems(root / "mkdocs.yml") == []
    assert layout_problems(root / "mkdocs.yml", root / "docs") == []

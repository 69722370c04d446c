"""Golden pages: the rendered Markdown of a few fixture pages, kept in tests/goldens/ and compared
whole, so any change to what the engine writes shows as a diff a reviewer can read.

Only fixture pages (tests/fixtures/ and the hostile site of tests/hostile.py): a writer's change to
the real site's pages or records must never fail a test. For each page two files are kept: the
Markdown the site renders, generated HTML included (`NAME.md`; the build hands Markdown stand-ins
for that HTML, see macros/stash.py), and the plain Markdown copy published beside it
(`NAME.copy.md`). After an intended change, rewrite them and review the diff before committing:

    BEAM_UPDATE_GOLDENS=1 python3 dev.py test tests/test_goldens.py
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from hostile import lay_out_hostile_site

from macros import llms, page_info
from macros.pages import PageRenderer
from macros.records import load_records
from macros.settings import read_settings

GOLDENS = ROOT / "tests" / "goldens"
UPDATE = os.environ.get("BEAM_UPDATE_GOLDENS") == "1"

# golden name -> (the site it belongs to, the page under docs/)
PAGES = {
    "base-how-to": ("base", "index.md"),
    "base-landing": ("base", "demo/index.md"),
    "hostile-how-to": ("hostile", "index.md"),
    "hostile-shown-as-text": ("hostile", "shown-as-text.md"),
}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {
        "base": FIXTURES / "_base",
        "hostile": lay_out_hostile_site(tmp_path_factory.mktemp("golden-hostile")),
    }


def rendered_markdown(site: Path, uri: str) -> tuple[str, str]:
    """The page's Markdown as the build renders it (generated HTML written out), and its plain
    Markdown copy."""
    settings = read_settings(site)
    records, problems = load_records(site, settings.sources, hosts=settings.hosts)
    assert problems == [], problems
    renderer = PageRenderer(records, settings.products, docs_dir=settings.docs_dir)
    source = (site / settings.docs_dir / uri).read_text(encoding="utf-8")
    rendered = renderer.render(f"{settings.docs_dir}/{uri}", source)
    assert rendered.problems == [], rendered.problems
    stem = uri.removesuffix(".md")
    url = "" if stem == "index" else stem.removesuffix("/index") + "/"  # as MkDocs makes it
    title = page_info.page_title(rendered, uri)
    info = page_info.PageInfo(uri, url, url + "index.html", title, rendered, source)
    return rendered.markdown, llms.page_markdown(info, renderer, "https://golden.test/")


def same_as_golden(name: str, text: str) -> None:
    golden = GOLDENS / name
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
        return
    if not golden.is_file():
        pytest.fail(
            f"tests/goldens/{name} does not exist. Write it with "
            "BEAM_UPDATE_GOLDENS=1 python3 dev.py test tests/test_goldens.py, read it, and commit it",
            pytrace=False,
        )
    expected = golden.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"tests/goldens/{name} (kept)",
                f"{name} (rendered now)",
            )
        )
        pytest.fail(
            f"the rendered page differs from tests/goldens/{name}:\n{diff}\n"
            "If the change is intended, rewrite the goldens with "
            "BEAM_UPDATE_GOLDENS=1 python3 dev.py test tests/test_goldens.py and commit them "
            "with the change",
            pytrace=False,
        )


@pytest.mark.parametrize("name", PAGES)
def test_fixture_page_renders_as_its_golden_file(name: str, sites: dict[str, Path]) -> None:
    site, page = PAGES[name]
    markdown, copy = rendered_markdown(sites[site], page)
    same_as_golden(f"{name}.md", markdown)
    same_as_golden(f"{name}.copy.md", copy)

"""The theme's icons are written once per site and shown on pages with <use>: the written file
draws exactly Material's icon, only what the theme inserted is replaced, and the real built site
refers only to icon files it has (the browser test in tests/browser draws them)."""

from __future__ import annotations

import posixpath
import re
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import ROOT
from mkdocs.config import load_config
from selectolax.lexbor import LexborHTMLParser

from macros.shared_icons import ICONS_FOLDER, SYMBOL_ID, SharedIcons
from macros.theme_env import prepare_theme

SVG = "{http://www.w3.org/2000/svg}"
PAGE = """<header><label>{% include ".icons/material/magnify.svg" %}</label>
<a>{% include ".icons/fontawesome/brands/git-alt.svg" %}</a></header>
<pre><code>{{ shown | e }}</code></pre>
<p>{% include ".icons/material/magnify.svg" %}</p>"""


@pytest.fixture
def theme(tmp_path, monkeypatch):
    """The real theme's environment, telling a SharedIcons of every template it loads."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # Jinja's compiled-template cache
    config = load_config(str(ROOT / "mkdocs.yml"))
    icons = SharedIcons()
    prepare_theme(config.theme, icons.record)
    return config.theme.get_env(), icons, config


def material_icon(config, name: str) -> ElementTree.Element:
    for folder in config.theme.dirs:
        path = Path(folder) / ".icons" / f"{name}.svg"
        if path.exists():
            return ElementTree.fromstring(path.read_text(encoding="utf-8"))
    raise AssertionError(f"Material has no icon {name}")


def test_each_icon_is_shown_from_a_file_that_draws_materials_icon(theme, tmp_path) -> None:
    env, icons, config = theme
    magnify = env.get_template(".icons/material/magnify.svg").render()
    html = env.from_string(PAGE).render(shown=magnify)

    page = icons.shared(html, "../..")

    assert sorted(icons.icons) == ["fontawesome/brands/git-alt", "material/magnify"]
    uses = LexborHTMLParser(page).css("svg > use")
    assert [use.attributes["xlink:href"] for use in uses] == [
        f"../../{ICONS_FOLDER}/material/magnify.svg#{SYMBOL_ID}",
        f"../../{ICONS_FOLDER}/fontawesome/brands/git-alt.svg#{SYMBOL_ID}",
        f"../../{ICONS_FOLDER}/material/magnify.svg#{SYMBOL_ID}",
    ]
    assert "<path" not in page
    # Shown as code, the icon's text stays as the writer's page had it.
    assert LexborHTMLParser(page).css_first("pre code").text() == magnify

    icons.write(tmp_path)
    for name in icons.icons:
        written = ElementTree.parse(tmp_path / ICONS_FOLDER / f"{name}.svg").getroot()
        original = material_icon(config, name)
        (symbol,) = written
        assert symbol.tag == f"{SVG}symbol" and symbol.get("id") == SYMBOL_ID
        assert symbol.get("viewBox") == original.get("viewBox")
        assert [ElementTree.tostring(part) for part in symbol] == [
            ElementTree.tostring(part) for part in original
        ]
        # The page's <svg> keeps the icon's viewBox, so it is laid out as the inline one was.
        assert (
            f'viewBox="{original.get("viewBox")}"><use xlink:href="../../{ICONS_FOLDER}/{name}'
            in page
        )


def test_icons_the_stylesheet_carries_as_data_urls_stay_as_they_are(theme) -> None:
    env, icons, _ = theme
    template = (
        '{% import ".icons/material/magnify.svg" as icon %}'
        "<style>:root{--icon:url('data:image/svg+xml;charset=utf-8,"
        '{{ icon | replace("\\n", "") | urlencode }}\')}</style>'
    )
    html = env.from_string(template).render()
    assert "material/magnify" in icons.icons
    assert icons.shared(html, ".") == html


def test_only_single_svg_icon_templates_are_recorded() -> None:
    icons = SharedIcons()
    icons.record("partials/header.html", '<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>')
    icons.record(".icons/x/two.svg", '<svg viewBox="0 0 1 1"></svg><svg viewBox="0 0 1 1"></svg>')
    icons.record(".icons/x/no-box.svg", '<svg><path d="M0 0"/></svg>')
    icons.record(".icons/../x.svg", '<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>')
    icons.record(".icons/x/one.svg", '<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>\n')
    assert list(icons.icons) == ["x/one"]
    html = '<a><svg viewBox="0 0 1 1"></svg><svg viewBox="0 0 1 1"></svg></a>'
    assert icons.shared(html, ".") == html


def test_every_icon_the_built_site_uses_is_a_file_of_the_site(built_site: Path) -> None:
    used: set[Path] = set()
    pages = [path for path in built_site.rglob("*.html") if path.name != "404.html"]
    for path in pages:
        for use in LexborHTMLParser(path.read_bytes()).css("svg > use"):
            href, fragment = use.attributes["xlink:href"].split("#")
            target = Path(posixpath.normpath((path.parent / href).as_posix()))
            assert target.is_file(), f"{path} uses {href}, which the site does not have"
            assert fragment == SYMBOL_ID
            used.add(target)
    assert len(used) >= 5  # logo, search, palette, repository, edit, footer arrows, top
    # No page still carries a whole icon inline: every one the theme drew comes from its file.
    drawings = {
        re.search(r"<path d=\"[^\"]+\"", path.read_text(encoding="utf-8"))[0] for path in used
    }
    for path in pages:
        text = path.read_text(encoding="utf-8")
        for drawing in drawings:
            assert drawing.replace('"', "") not in text and drawing not in text, path

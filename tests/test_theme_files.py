"""The theme's files are listed without walking hidden folders, and MkDocs collects exactly the
same theme files as with jinja2's own loader."""

from __future__ import annotations

import jinja2
from conftest import ROOT
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from macros.theme_files import VisibleFilesLoader, list_visible_theme_files


def theme_files(env: jinja2.Environment, config) -> list[tuple[str, str]]:
    files = Files([])
    files.add_files_from_theme(env, config)
    return [(file.src_uri, file.abs_src_path) for file in files]


def test_the_real_theme_gives_mkdocs_the_same_files_as_jinjas_loader() -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    plain = config.theme.get_env()
    assert type(plain.loader) is jinja2.FileSystemLoader
    expected = theme_files(plain, config)

    list_visible_theme_files(config.theme)
    env = config.theme.get_env()

    assert isinstance(env.loader, VisibleFilesLoader)
    assert theme_files(env, config) == expected
    assert len(expected) > 20  # Material's stylesheets and scripts
    # Templates in hidden folders still load (Material includes its icons from `.icons/`).
    assert env.loader.list_templates() != plain.loader.list_templates()
    assert "<svg" in env.get_template(".icons/material/magnify.svg").render()


def test_only_hidden_folders_are_skipped(tmp_path) -> None:
    for name in ("a.css", "js/b.js", ".icons/x.svg", "js/.cache/c.js", ".top", "deep/er/d.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert VisibleFilesLoader([str(tmp_path)]).list_templates() == [
        ".top",
        "a.css",
        "deep/er/d.txt",
        "js/b.js",
    ]

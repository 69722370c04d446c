"""The theme's environment: its files are listed without walking hidden folders, MkDocs collects
exactly the same theme files as with jinja2's own loader, and compiled templates are kept in
Jinja's private per-user cache, so a second build process compiles none of them again."""

from __future__ import annotations

import os
import stat
import tempfile

import jinja2
import pytest
from conftest import ROOT
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from macros.theme_env import VisibleFilesLoader, prepare_theme


def theme_files(env: jinja2.Environment, config) -> list[tuple[str, str]]:
    files = Files([])
    files.add_files_from_theme(env, config)
    return [(file.src_uri, file.abs_src_path) for file in files]


@pytest.fixture
def private_temp(tmp_path, monkeypatch):
    """The system's temporary folder, as Jinja finds it, moved into this test's own folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_the_real_theme_gives_mkdocs_the_same_files_as_jinjas_loader(private_temp) -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    plain = config.theme.get_env()
    assert type(plain.loader) is jinja2.FileSystemLoader
    expected = theme_files(plain, config)

    prepare_theme(config.theme)
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


def test_a_second_environment_compiles_no_template_again(private_temp, monkeypatch) -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    prepare_theme(config.theme)
    first = config.theme.get_env()
    first.get_template("404.html")  # with every template it extends and includes
    icon = first.get_template(".icons/material/magnify.svg").render()

    compiled: list[str] = []
    real_compile = jinja2.Environment.compile

    def counting_compile(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return real_compile(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting_compile)
    second = config.theme.get_env()  # as the next build process would make it
    second.get_template("404.html")

    assert compiled == []
    assert second.get_template(".icons/material/magnify.svg").render() == icon
    folders = [p for p in private_temp.iterdir() if p.name.startswith("_jinja2-cache-")]
    assert len(folders) == 1 and any(folders[0].iterdir())
    assert stat.S_IMODE(os.lstat(folders[0]).st_mode) == stat.S_IRWXU  # the user's alone


def test_tojson_writes_no_spaces_and_still_escapes_markup(private_temp) -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    plain = config.theme.get_env().from_string("{{ value | tojson }}")
    prepare_theme(config.theme)
    compact = config.theme.get_env().from_string("{{ value | tojson }}")
    value = {"b": ["</script><x>", "it's & more"], "a": 1}

    assert plain.render(value=value) == (
        '{"a": 1, "b": ["\\u003c/script\\u003e\\u003cx\\u003e", "it\\u0027s \\u0026 more"]}'
    )
    assert compact.render(value=value) == (
        '{"a":1,"b":["\\u003c/script\\u003e\\u003cx\\u003e","it\\u0027s \\u0026 more"]}'
    )

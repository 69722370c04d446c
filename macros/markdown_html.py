"""Markdown to HTML as the site's build does it, for `check`, which runs without MkDocs.

Owns: one Python-Markdown converter set up from mkdocs.yml's `markdown_extensions` plus the three
MkDocs always adds. Does not own: the build's conversion (MkDocs does it there) or what the HTML
may hold (allowlist.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import markdown

# MkDocs adds these to every site's markdown_extensions (mkdocs.config.defaults).
MKDOCS_BUILTINS = ("toc", "tables", "fenced_code")


def extensions_of(config: Mapping[str, Any]) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The extension names and their options from mkdocs.yml's `markdown_extensions`."""
    names: list[str] = list(MKDOCS_BUILTINS)
    options: dict[str, dict[str, Any]] = {}
    for item in config.get("markdown_extensions") or []:
        if isinstance(item, str):
            name, settings = item, dict[str, Any]()
        elif isinstance(item, dict) and len(item) == 1:
            name, settings = next(iter(item.items()))
        else:
            continue  # MkDocs itself refuses such an entry, with its own message
        if name not in names:
            names.append(name)
        if isinstance(settings, dict):
            options[name] = settings
    return names, options


class Converter:
    """Converts pages one after another with one set-up Markdown instance (set-up is the slow part,
    so it waits for the first page to convert: a `check` that finds every page in its cache
    needs none)."""

    def __init__(self, config: Mapping[str, Any]):
        self._extensions = extensions_of(config)
        self._markdown: markdown.Markdown | None = None

    def html(self, text: str) -> str:
        if self._markdown is None:
            import markdown  # here, not above: a `check` answered from its cache needs none

            from .highlight_memo import install

            install()  # as in the build
            names, options = self._extensions
            self._markdown = markdown.Markdown(extensions=names, extension_configs=options)
        self._markdown.reset()
        return self._markdown.convert(text)

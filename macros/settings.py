"""The project's own settings in mkdocs.yml (the beam plugin's options), checked at their lines.

Owns: reading mkdocs.yml for every command (read_mkdocs_yml, read_settings: the one reader of the
beam options), finding the beam options in mkdocs.yml and reporting wrong types or a missing
sources folder as problems at the line that holds them. Does not own: MkDocs' own settings or what options mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import yamlnodes as yn
from .problems import Location, Problem, did_you_mean
from .record_urls import DEFAULT_HOSTS
from .repo_links import file_base

PLUGIN = "beam"
OPTIONS = ("sources", "products", "review_days", "hosts")
DEFAULT_SOURCES = "sources"
# Product keys name folders and URLs (sources/<key>/, docs/<key>/): a slug, nothing else.
PRODUCT_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# mkdocs.yml's node trees by text, while read_once() is active; None otherwise.
_composed: dict[tuple[str, str], tuple[yaml.Node | None, list[Problem]]] | None = None


@contextmanager
def read_once() -> Iterator[None]:
    """Within this block mkdocs.yml's node tree is composed once however many rules read it
    (check runs three; a site's nav of 1,000 pages takes 50 ms a parse). Outside it nothing is
    kept, so a build does not hold the node tree (megabytes at 3,000 pages) for its whole run."""
    global _composed
    _composed = {}
    try:
        yield
    finally:
        _composed = None


def _compose_config(text: str, path: str) -> tuple[yaml.Node | None, list[Problem]]:
    if _composed is None:
        return yn.compose(text, path)
    if (path, text) not in _composed:
        _composed[path, text] = yn.compose(text, path)
    return _composed[path, text]


def beam_options(root_node: yaml.Node) -> yaml.Node | None:
    """The node holding `beam:`'s options under `plugins:`, or None when there are none."""
    if not isinstance(root_node, yaml.MappingNode):
        return None
    plugins = next((v for k, v in root_node.value if k.value == "plugins"), None)
    entries = plugins.value if isinstance(plugins, (yaml.SequenceNode, yaml.MappingNode)) else []
    for entry in entries:
        # `plugins:` is a list of names or one-key mappings, or (rarely) a mapping of name: options.
        pairs = [entry] if isinstance(entry, tuple) else getattr(entry, "value", None)
        if isinstance(pairs, list):
            for key, value in pairs:
                if isinstance(key, yaml.ScalarNode) and key.value == PLUGIN:
                    return value
    return None


def settings_problems(config_file: Path) -> list[Problem]:
    """Every problem in the beam plugin's options; MkDocs' own settings are MkDocs' business."""
    return [problem for _, problem in problems_by_option(config_file)]


def problems_by_option(config_file: Path) -> list[tuple[str, Problem]]:
    """Like settings_problems, each with the option it is about ("" for the whole block)."""
    root = config_file.parent
    path = config_file.name
    try:
        text = config_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # MkDocs itself says why it cannot read its settings file
    node, problems = _compose_config(text, path)
    options = beam_options(node) if node is not None else None
    if problems or options is None or (isinstance(options, yaml.ScalarNode) and not options.value):
        return [("", problem) for problem in problems]
    try:
        items = yn.mapping_items(options, f"the {PLUGIN} plugin's options")
    except yn.Invalid as invalid:
        return [("", invalid.problem(path))]
    readers = {
        "sources": lambda node: _sources(node, root),
        "products": _products,
        "review_days": _review_days,
        "hosts": read_hosts,
    }
    found = []
    for name, (key_node, _) in items.items():
        if name not in readers:
            found.append(
                (
                    name,
                    Problem(
                        Location(path, yn.line_of(key_node)),
                        f"the {PLUGIN} plugin has no option '{name}'",
                        f"Use one of: {', '.join(OPTIONS)}.{did_you_mean(name, OPTIONS)}",
                        "settings",
                    ),
                )
            )
    for name, read in readers.items():
        if name in items:
            try:
                read(items[name][1])
            except yn.Invalid as invalid:
                found.append((name, invalid.problem(path)))
    if "sources" not in items and not (root / DEFAULT_SOURCES).is_dir():
        found.append(
            (
                "sources",
                Problem(
                    Location(path, max(1, yn.line_of(options) - 1)),  # the line of `- beam:`
                    f"the source records' folder '{DEFAULT_SOURCES}' does not exist",
                    f"Make the folder {DEFAULT_SOURCES}/ beside mkdocs.yml, or name the folder "
                    "with the beam option sources:",
                    "settings",
                ),
            )
        )
    return found


# One entry of `hosts`: a host name, ".suffix" for every host under it, or a host and a path.
_HOST_ENTRY = re.compile(r"\.?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[A-Za-z0-9._~/-]*)?")


def read_hosts(node: yaml.Node) -> tuple[str, ...]:
    """The hosts record URLs may link to: `hosts: [www.zoho.com, .zoho.eu, github.com/zoho/]`."""
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise yn.Invalid(
            node,
            "the beam option 'hosts' must be a list of host names",
            "Write hosts: [www.zoho.com, help.zoho.com]",
            "settings",
        )
    hosts = []
    for item in node.value:
        host = yn.text(item, "an item of hosts")
        if not _HOST_ENTRY.fullmatch(host):
            raise yn.Invalid(
                item,
                f"{host!r} in the beam option 'hosts' is not a lowercase host name",
                "Write a host such as www.zoho.com, .zoho.com for every host under zoho.com, "
                "or github.com/zoho/ for the pages under that path",
                "settings",
            )
        hosts.append(host)
    return tuple(hosts)


def _sources(node: yaml.Node, root: Path) -> None:
    if not isinstance(node, yaml.ScalarNode):
        raise yn.Invalid(
            node,
            "the beam option 'sources' must be one folder name, not a list or mapping",
            "Write sources: sources (the folder that holds the source records)",
            "settings",
        )
    folder = yn.text(node, "sources")
    if not (root / folder).resolve().is_relative_to(root.resolve()):
        raise yn.Invalid(
            node,
            f"the beam option 'sources' names '{folder}', which lies outside the repository",
            "Keep the source records in a folder of this repository, such as sources: sources",
            "settings",
        )
    if not (root / folder).is_dir():
        raise yn.Invalid(
            node,
            f"the beam option 'sources' names the folder '{folder}', which does not exist",
            "Name the folder that holds the source records, such as sources: sources",
            "settings",
        )


def _products(node: yaml.Node) -> None:
    if not isinstance(node, yaml.MappingNode):
        raise yn.Invalid(
            node,
            "the beam option 'products' must be a mapping of product key to product name",
            "Write one line per product under products:, such as 'zoho-crm: Zoho CRM'",
            "settings",
        )
    for key, (key_node, value) in yn.mapping_items(node, "the beam option 'products'").items():
        if not PRODUCT_KEY.fullmatch(key):
            raise yn.Invalid(
                key_node,
                f"the product key {key!r} is not a slug",
                "Use lowercase letters, digits and single hyphens, such as zoho-crm",
                "settings",
            )
        name = yn.text(value, f"products.{key}")
        if (
            "<" in name or ">" in name
        ):  # product names become page titles, which the theme prints raw
            raise yn.Invalid(
                value,
                f"the product name {name!r} holds < or >, which the theme would treat as HTML",
                "Write the product name as plain text",
                "settings",
            )


def _review_days(node: yaml.Node) -> None:
    value = node.value if isinstance(node, yaml.ScalarNode) else None
    quoted = isinstance(node, yaml.ScalarNode) and bool(node.style)
    if value is None or quoted or not re.fullmatch(r"[0-9]+", value) or int(value) < 1:
        shown = repr(value) if value is not None else "a list or mapping"
        raise yn.Invalid(
            node,
            f"the beam option 'review_days' must be a whole number of days above 0, not {shown}",
            "Write review_days: 180 (how many days a verified_on date stays fresh)",
            "settings",
        )


def layout_problems(config_file: Path, docs_dir: Path) -> list[Problem]:
    """Pages the nav names that do not exist, and a docs folder with no pages at all: MkDocs
    would only warn (or build an empty site), so say where in mkdocs.yml and what to do."""
    path = config_file.name
    root = config_file.parent
    shown_docs = (
        docs_dir.relative_to(root).as_posix() if docs_dir.is_relative_to(root) else str(docs_dir)
    )
    problems = []
    if not any(docs_dir.rglob("*.md")) if docs_dir.is_dir() else True:
        problems.append(
            Problem(
                Location(path, 1),
                f"the folder {shown_docs}/ holds no pages",
                f"Add at least {shown_docs}/index.md, the home page",
                "no-pages",
            )
        )
    try:
        node, broken = _compose_config(config_file.read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError):
        return problems
    if broken or not isinstance(node, yaml.MappingNode):
        return problems
    nav = next((value for key, value in node.value if key.value == "nav"), None)
    for page, line in _nav_entries(nav):
        if not (docs_dir / page).is_file():
            problems.append(
                Problem(
                    Location(path, line),
                    f"the nav names the page '{page}', which is not in {shown_docs}/",
                    f"Create {shown_docs}/{page}, or correct or remove this line of the nav",
                    "nav-missing-page",
                )
            )
    return problems


def _nav_entries(node: yaml.Node | None) -> Iterator[tuple[str, int]]:
    """(page path, line) for every page the nav names; links to other sites are not pages."""
    if isinstance(node, yaml.ScalarNode):
        if node.value.endswith(".md") and "://" not in node.value:
            yield node.value, yn.line_of(node)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _nav_entries(item)
    elif isinstance(node, yaml.MappingNode):
        for _, value in node.value:
            yield from _nav_entries(value)


def product_lines(config_file: Path) -> dict[str, int]:
    """The line of each product under the beam plugin's `products:` in mkdocs.yml."""
    try:
        node, problems = _compose_config(config_file.read_text(encoding="utf-8"), config_file.name)
    except (OSError, UnicodeDecodeError):
        return {}
    options = beam_options(node) if node is not None and not problems else None
    if not isinstance(options, yaml.MappingNode):
        return {}
    products = next((v for k, v in options.value if k.value == "products"), None)
    if not isinstance(products, yaml.MappingNode):
        return {}
    return {str(key.value): yn.line_of(key) for key, _ in products.value}


# --- the settings every command reads -------------------------------------------------------------


class _ConfigLoader(yn.FastSafeLoader):
    """Reads mkdocs.yml without running it: tags such as !!python/name are kept as plain text."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


# How old a record's verified_on may get before `check` asks for it to be checked again; the
# beam plugin's `review_days` option in mkdocs.yml overrides it.
DEFAULT_REVIEW_DAYS = 180


@dataclass(frozen=True)
class Settings:
    root: Path
    docs_dir: str
    sources: str
    products: dict[str, str]
    review_days: int = DEFAULT_REVIEW_DAYS
    hosts: tuple[str, ...] = DEFAULT_HOSTS
    # Pages named in `nav`, or None when the site has no nav (MkDocs then lists every page).
    nav_pages: frozenset[str] | None = None
    # True when MkDocs warns about pages left out of the nav (so a strict build stops).
    omitted_pages_stop_build: bool = False
    not_in_nav: tuple[str, ...] = ()
    # The scripts mkdocs.yml lists (extra_javascript): the only scripts under docs/ published.
    own_scripts: tuple[str, ...] = ()
    # markdown_extensions as written in mkdocs.yml, to convert pages as the build does.
    markdown_extensions: tuple[Any, ...] = ()
    # Where code records' files are read on the repository host (repo_links.file_base), or None.
    code_base: str | None = None
    # nav as written in mkdocs.yml (None without one), for the rules that read it in order.
    nav: Any = None


def read_mkdocs_yml(root: Path) -> dict[str, Any]:
    """mkdocs.yml as plain data, read without running it or importing MkDocs."""
    return yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}


def read_settings(root: Path) -> Settings:
    config = read_mkdocs_yml(root)
    options: dict[str, Any] = {}
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "beam" in plugin:
            options = plugin["beam"] or {}
    nav = config.get("nav")
    validation = config.get("validation") or {}
    omitted = (validation.get("nav") or {}).get("omitted_files", validation.get("omitted_files"))
    not_in_nav = config.get("not_in_nav") or ""
    return Settings(
        root,
        config.get("docs_dir", "docs"),
        options.get("sources", "sources"),
        dict(options.get("products") or {}),
        review_days=_review_days_or_default(options),
        hosts=tuple(options.get("hosts") or DEFAULT_HOSTS),
        nav_pages=frozenset(_nav_pages(nav)) if nav else None,
        omitted_pages_stop_build=omitted == "warn" and bool(config.get("strict")),
        not_in_nav=tuple(str(not_in_nav).splitlines()),
        own_scripts=tuple(
            str(s.get("path", "") if isinstance(s, dict) else s)
            for s in config.get("extra_javascript") or []
        ),
        markdown_extensions=tuple(config.get("markdown_extensions") or []),
        code_base=file_base(config.get("repo_url"), config.get("edit_uri")),
        nav=nav,
    )


def _review_days_or_default(options: Mapping[str, Any]) -> int:
    """review_days as settings_problems has checked it (a whole number above 0), or the default."""
    value = options.get("review_days", DEFAULT_REVIEW_DAYS)
    valid = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return value if valid else DEFAULT_REVIEW_DAYS


def nav_entries(nav: Any) -> list[str]:
    """Every entry of (part of) a MkDocs nav, pages and links alike, in reading order."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [entry for item in nav for entry in nav_entries(item)]
    if isinstance(nav, dict):
        return [entry for value in nav.values() for entry in nav_entries(value)]
    return []


def _nav_pages(nav: Any) -> Iterable[str]:
    """Every page path named in a MkDocs nav (nested lists of 'Title: path' entries)."""
    return (entry for entry in nav_entries(nav) if entry.endswith(".md") and "://" not in entry)

"""The project's own settings in mkdocs.yml (the beam plugin's options), checked at their lines.

Owns: finding the beam options in mkdocs.yml and reporting wrong types or a missing sources folder
as problems at the line that holds them. Does not own: MkDocs' own settings or what options mean.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from . import yamlnodes as yn
from .problems import Problem

PLUGIN = "beam"


def _beam_options(root_node: yaml.Node) -> yaml.Node | None:
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
    node, problems = yn.compose(text, path)
    options = _beam_options(node) if node is not None else None
    if problems or options is None or (isinstance(options, yaml.ScalarNode) and not options.value):
        return [("", problem) for problem in problems]
    try:
        items = yn.mapping_items(options, f"the {PLUGIN} plugin's options")
    except yn.Invalid as invalid:
        return [("", invalid.problem(path))]
    readers = {"sources": lambda node: _sources(node, root), "products": _products}
    found = []
    for name, read in readers.items():
        if name in items:
            try:
                read(items[name][1])
            except yn.Invalid as invalid:
                found.append((name, invalid.problem(path)))
    return found




def _sources(node: yaml.Node, root: Path) -> None:
    if not isinstance(node, yaml.ScalarNode):
        raise yn.Invalid(
            node,
            "the beam option 'sources' must be one folder name, not a list or mapping",
            "Write sources: sources (the folder that holds the source records)",
            "settings",
        )
    folder = yn.text(node, "sources")
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
    for key, (_, value) in yn.mapping_items(node, "the beam option 'products'").items():
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

"""The fields a record may have, each read from YAML and checked, and the typed facts they make.

Owns: one reader per kind of value (ids, choices, paths, scopes, parameters, text mappings), the
fields of every kind (required or not), reading a record's mapping against them with every broken
field reported, a config record's one shape, and building the typed facts. Does not own: files,
ids across records or the site's settings (records.py), or what the facts types are (kinds.py).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

import yaml

from . import yamlnodes as yn
from .kinds import (
    HOSTS,
    METHODS,
    PARAMETER_PLACES,
    CodeFacts,
    ConfigFields,
    ConfigValue,
    ConfigValues,
    DocFacts,
    EndpointFacts,
    Facts,
    Parameter,
)
from .problems import did_you_mean
from .record_urls import https_url

ID_PATTERN = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")
# A code record's language names a highlighter (python, c++, c#, shell-session): a plain word that
# cannot end the code fence it is written into.
LANGUAGE_PATTERN = re.compile(r"[a-z0-9+#-]+")
# A field's reader turns its YAML node into a value, or raises yn.Invalid; a schema gives each
# field name whether it is required and its reader.
Reader = Callable[[yaml.Node, str], Any]
Schema = Mapping[str, tuple[bool, Reader]]


def _language(node: yaml.Node, name: str) -> str:
    value = yn.text(node, name)
    if not LANGUAGE_PATTERN.fullmatch(value):
        raise yn.Invalid(
            node,
            f"'{name}' is {value!r}, which is not the name of a language",
            "Use a lowercase name such as python, javascript or shell",
            "bad-language",
        )
    return value


def _identifier(node: yaml.Node, name: str) -> str:
    value = yn.text(node, name)
    if not ID_PATTERN.fullmatch(value):
        raise yn.Invalid(
            node,
            f"the id {value!r} has characters ids may not use",
            "Use lowercase letters, digits, '.' and '-', such as zoho-crm.bulk-write.get-job",
            "bad-id",
        )
    return value


def _identifiers(node: yaml.Node, name: str) -> tuple[str, ...]:
    yn.text_list(node, name)  # a non-empty list of text, or the usual message
    return tuple(_identifier(item, f"an item of {name}") for item in node.value)


def _one_of(choices: tuple[str, ...]) -> Callable[[yaml.Node, str], str]:
    def read(node: yaml.Node, name: str) -> str:
        value = yn.text(node, name)
        if value not in choices:
            raise yn.Invalid(
                node,
                f"'{name}' is {value!r}, which is not one of {', '.join(choices)}",
                f"Use one of: {', '.join(choices)}.{did_you_mean(value, choices)}",
                "bad-choice",
            )
        return value

    return read


def _path(node: yaml.Node, name: str) -> str:
    value = yn.text(node, name)
    if not value.startswith("/"):
        raise yn.Invalid(
            node,
            f"'{name}' must start with '/', not {value!r}",
            "Write the path as Zoho documents it, such as /crm/bulk/v8/write/{job_id}",
            "bad-path",
        )
    return value


def _scopes(node: yaml.Node, name: str) -> tuple[tuple[str, ...], ...]:
    """A list whose items are a scope or a list of alternative scopes: one from each item is needed."""
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise yn.Invalid(
            node,
            f"'{name}' must be a list of scopes",
            f"Write {name}: [[ZohoCRM.bulk.CREATE, ZohoCRM.bulk.ALL]]",
            "wrong-type",
        )
    groups = []
    for item in node.value:
        if isinstance(item, yaml.SequenceNode):
            groups.append(yn.text_list(item, f"a scope group of {name}"))
        else:
            groups.append((yn.text(item, f"an item of {name}"),))
    return tuple(groups)


def _text_mapping(node: yaml.Node, name: str) -> Mapping[str, str]:
    items = yn.mapping_items(node, f"'{name}'")
    if not items:
        raise yn.Invalid(
            node,
            f"'{name}' is empty",
            f"Give {name} at least one 'name: value' line",
            "empty-value",
        )
    return MappingProxyType(
        {key: yn.text(value, f"{name}.{key}") for key, (_, value) in items.items()}
    )


_PARAMETER_FIELDS: Schema = {
    "name": (True, yn.text),
    "in": (True, _one_of(PARAMETER_PLACES)),
    "required": (True, yn.boolean),
    "description": (True, yn.paragraph),
}


def _parameters(node: yaml.Node, name: str) -> tuple[Parameter, ...]:
    if not isinstance(node, yaml.SequenceNode):
        raise yn.Invalid(
            node,
            f"'{name}' must be a list of parameters",
            "Write each parameter as '- name: ...' with in, required and description",
            "wrong-type",
        )
    parameters = []
    for item in node.value:
        written = _read_nested(item, _PARAMETER_FIELDS, "a parameter")
        parameters.append(
            Parameter(written["name"], written["in"], written["required"], written["description"])
        )
    return tuple(parameters)


# kind -> field -> (required, reader). Every kind also has the COMMON fields.
COMMON: Schema = {
    "id": (True, _identifier),
    "kind": (True, yn.text),
    "title": (True, yn.text),
    "url": (True, https_url),
    "verified_on": (True, yn.date),
    "note": (False, yn.paragraph),
    "quote": (False, yn.paragraph),
    "quote_prefix": (False, yn.text),
    "disagrees_with": (False, _identifiers),
}
# The fields of each kind, as written; the facts types in kinds.py hold what is read.
KIND_FIELDS: dict[str, Schema] = {
    "endpoint": {
        "method": (True, _one_of(METHODS)),
        "path": (True, _path),
        "host": (True, _one_of(HOSTS)),
        "scopes": (True, _scopes),
        "read_only": (True, yn.boolean),
        "parameters": (False, _parameters),
    },
    "config": {
        "value": (False, yn.text),
        "values": (False, yn.text_list),
        "fields": (False, _text_mapping),
    },
    "code": {
        "file": (True, yn.text),
        "symbol": (True, yn.text),
        "language": (False, _language),
    },
    "doc": {
        "publisher": (False, yn.text),
    },
}
CONFIG_SHAPE_FIELDS = ("value", "values", "fields")


def read_fields(
    node: yaml.Node,
    schema: Schema,
    what: str,
) -> tuple[dict[str, Any], dict[str, int], list[yn.Invalid]]:
    """Read a mapping against a schema, collecting every broken field rather than the first."""
    items = yn.mapping_items(node, what)
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    broken: list[yn.Invalid] = []
    for key, (key_node, value_node) in items.items():
        lines[key] = yn.line_of(key_node)
        if key not in schema:
            broken.append(
                yn.Invalid(
                    key_node,
                    f"{what} has an unknown field '{key}'",
                    f"Remove it or use one of: {', '.join(schema)}.{did_you_mean(key, schema)}",
                    "unknown-field",
                )
            )
            continue
        try:
            values[key] = schema[key][1](value_node, key)
        except yn.Invalid as invalid:
            broken.append(invalid)
    misspelt = misspelt_fields(lines, schema)
    missing = [
        key
        for key, (required, _) in schema.items()
        if required and key not in lines and key not in misspelt
    ]
    if missing:
        broken.append(
            yn.Invalid(
                node,
                f"{what} lacks the required field(s) {', '.join(missing)}",
                f"Add {missing[0]}: ... to it",
                "missing-field",
            )
        )
    return values, lines, broken


def misspelt_fields(written: Iterable[str], schema: Iterable[str]) -> set[str]:
    """Fields of the schema the writer seems to have written with a typo (`valuee:` for `value:`).
    Their unknown-field message says "Did you mean ...?", so they are not reported missing too."""
    written, schema = set(written), list(schema)
    return {
        close[0]
        for key in written - set(schema)
        if (close := difflib.get_close_matches(key, schema, n=1, cutoff=0.75))
        and close[0] not in written
    }


def _read_nested(
    node: yaml.Node,
    schema: Schema,
    what: str,
) -> Mapping[str, Any]:
    values, _, broken = read_fields(node, schema, what)
    if broken:
        raise broken[0]
    return MappingProxyType(values)


def config_shape_problem(node: yaml.Node, lines: Mapping[str, int]) -> yn.Invalid | None:
    """A config record holds exactly one of value, values or fields; a misspelt one alone (which
    its unknown-field message already names) is not reported again."""
    shapes = [name for name in CONFIG_SHAPE_FIELDS if name in lines]
    typo = misspelt_fields(lines, {**COMMON, **KIND_FIELDS["config"]}) & set(CONFIG_SHAPE_FIELDS)
    if len(shapes) == 1 or (typo and not shapes):
        return None
    return yn.Invalid(
        node,
        "a config record needs exactly one of value, values or fields "
        f"(it has {', '.join(shapes) if shapes else 'none'})",
        "Keep exactly one of value:, values: or fields:",
        "config-shape",
    )


def typed_facts(kind: str, values: Mapping[str, Any]) -> Facts:
    """The typed facts of a record whose fields were read without a problem."""
    if kind == "endpoint":
        return EndpointFacts(
            values["method"],
            values["path"],
            values["host"],
            values["scopes"],
            values["read_only"],
            values.get("parameters", ()),
        )
    if kind == "config":  # exactly one shape: config_shape_problem checked it
        if "value" in values:
            return ConfigValue(values["value"])
        if "values" in values:
            return ConfigValues(values["values"])
        return ConfigFields(values["fields"])
    if kind == "code":
        return CodeFacts(values["file"], values["symbol"], values.get("language"), values["source"])
    return DocFacts(values.get("publisher"))

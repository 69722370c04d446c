"""Source records: load every `sources/<product>/*.yml`, validate it, and keep where each value came from.

Owns: the record kinds and their fields, the checks on them, and the immutable Record values.
Does not own: how records are shown (render.py) or cited (citations.py).
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import functools
import re
import textwrap
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

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
    Record,
    fact_values,
)
from .problems import Location, Problem, did_you_mean

ID_PATTERN = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")
MAX_FILE_BYTES = 1_000_000
# A code record's language names a highlighter (python, c++, c#, shell-session): a plain word that
# cannot end the code fence it is written into.
LANGUAGE_PATTERN = re.compile(r"[a-z0-9+#-]+")
# Hosts records may link to when mkdocs.yml lists none (the beam option `hosts`): Zoho's sites,
# Zoho's own repositories on GitHub, and this project's. An entry is a host name ("zoho.com"),
# ".suffix" for every host under it (".zoho.com"), or a host and the path its links start with.
DEFAULT_HOSTS = ("zoho.com", ".zoho.com", "github.com/zoho/", "github.com/beam-help/")
# A URL as a browser and Python read it alike: https, a plain ASCII host, printable ASCII after it.
_URL_PARTS = re.compile(r"https://(?P<authority>[^/?#]*)(?P<rest>[/?#].*)?", re.S)
_HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
_URL_REST = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")


# --- field readers: node -> value, raising yn.Invalid -------------------------------------------


def _https(node: yaml.Node, name: str) -> str:
    url = yn.text(node, name)
    if (
        not url.startswith("https://")
        or len(url) <= len("https://")
        or any(c.isspace() for c in url)
    ):
        raise yn.Invalid(
            node,
            f"'{name}' must be an https:// address, not {url!r}",
            "Link the official page with its https:// address",
            "not-https",
        )
    parts = _URL_PARTS.fullmatch(url)
    authority = parts["authority"] if parts else ""
    rest = (parts["rest"] if parts else "") or ""
    if "@" in authority:
        raise yn.Invalid(
            node,
            f"'{name}' holds a user name before '@' ({url}): a browser would open "
            f"{authority.rpartition('@')[2] or 'another host'}, not the host written first",
            "Link the official page by its plain address, with nothing between https:// and the host",
            "bad-url",
        )
    if not authority.isascii():
        raise yn.Invalid(
            node,
            f"the host of '{name}' ({authority}) holds letters that are not plain ASCII, which can "
            "imitate another site's name",
            "Link the official page by its address as Zoho publishes it",
            "bad-url",
        )
    if not _HOST_NAME.fullmatch(authority.lower()):
        raise yn.Invalid(
            node,
            f"the host of '{name}' ({authority}) is not a plain host name",
            "Write the address as https://host/path, without a port, backslash or trailing dot",
            "bad-url",
        )
    if not _URL_REST.fullmatch(rest):
        raise yn.Invalid(
            node,
            f"'{name}' holds characters that an address cannot hold as they are ({url})",
            "Copy the address from the browser's address bar, where such characters are "
            "percent-encoded",
            "bad-url",
        )
    return url


def host_allowed(url: str, hosts: tuple[str, ...]) -> bool:
    """Whether an https URL (already checked by _https) links to a host the site allows."""
    parts = urlsplit(url)
    host, path = (parts.hostname or "").lower(), parts.path or "/"
    for entry in hosts:
        name, slash, prefix = entry.lower().partition("/")
        on_host = host.endswith(name) if name.startswith(".") else host == name
        if on_host and (not slash or path.startswith("/" + prefix)):
            return True
    return False


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


_PARAMETER_FIELDS: dict[str, tuple[bool, Callable[[yaml.Node, str], Any]]] = {
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
COMMON: dict[str, tuple[bool, Callable[[yaml.Node, str], Any]]] = {
    "id": (True, _identifier),
    "kind": (True, yn.text),
    "title": (True, yn.text),
    "url": (True, _https),
    "verified_on": (True, yn.date),
    "note": (False, yn.paragraph),
    "quote": (False, yn.paragraph),
    "quote_prefix": (False, yn.text),
    "disagrees_with": (False, _identifiers),
}
# The fields of each kind, as written; the facts types in kinds.py hold what is read.
KIND_FIELDS: dict[str, dict[str, tuple[bool, Callable[[yaml.Node, str], Any]]]] = {
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
CONFIG_SHAPES = ("value", "values", "fields")


def _read_fields(
    node: yaml.Node,
    schema: Mapping[str, tuple[bool, Callable]],
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
    misspelt = _misspelt_fields(lines, schema)
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


def _misspelt_fields(written: Iterable[str], schema: Iterable[str]) -> set[str]:
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
    schema: Mapping[str, tuple[bool, Callable]],
    what: str,
) -> Mapping[str, Any]:
    values, _, broken = _read_fields(node, schema, what)
    if broken:
        raise broken[0]
    return MappingProxyType(values)


# --- code records: the shown source comes from a real, tested file -----------------------------


@functools.lru_cache(maxsize=16)
def _parse(source: str) -> ast.Module:
    """Parse an example file once, however many code records show functions from it."""
    return ast.parse(source)


def symbol_lines(source: str, symbol: str) -> tuple[int, int] | None:
    """First and last line (1-based) of a top-level function or class (or `Class.method`),
    decorators included; None when the file has no such symbol."""
    body: list[ast.stmt] = _parse(source).body
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | None = None
    for part in symbol.split("."):
        node = next(
            (
                n
                for n in body
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and n.name == part
            ),
            None,
        )
        if node is None:
            return None
        body = node.body
    if node is None:  # split() gives at least one part; this tells the type checker
        return None
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return first, node.end_lineno or node.lineno


def _python_lines(source: str) -> list[str]:
    """Lines as Python numbers them: at \n, \r\n and \r only (splitlines() would also split
    at \f, U+2028 and others, and the symbol's lines would be off)."""
    return source.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def extract_symbol(source: str, symbol: str) -> str | None:
    """The source of a top-level function or class (or `Class.method`), decorators included."""
    found = symbol_lines(source, symbol)
    if found is None:
        return None
    first, last = found
    return textwrap.dedent("\n".join(_python_lines(source)[first - 1 : last]))


def _code_source(
    root: Path, nodes: Mapping[str, yaml.Node], values: dict[str, Any]
) -> tuple[str, tuple[int, int]]:
    """The symbol's source and its lines in the file; a problem points at the `file:` or
    `symbol:` line that causes it."""
    file_name, symbol = values["file"], values["symbol"]
    target = (root / file_name).resolve()
    if Path(file_name).is_absolute() or not target.is_relative_to(root.resolve()):
        raise yn.Invalid(
            nodes["file"],
            f"'file' points outside the repository ({file_name})",
            "Give a path inside the repository, such as examples/zoho_crm_bulk/client.py",
            "code-file",
        )
    if target.suffix != ".py" or not target.is_file():
        raise yn.Invalid(
            nodes["file"],
            f"'file' names {file_name}, which is not a Python file in the repository",
            "Check the path; it is relative to the repository root",
            "code-file",
        )
    try:
        text = target.read_text(encoding="utf-8")
        lines = symbol_lines(text, symbol)
    except (SyntaxError, UnicodeDecodeError, ValueError, RecursionError, MemoryError) as error:
        reason = (
            "it is nested too deeply" if isinstance(error, (RecursionError, MemoryError)) else error
        )
        raise yn.Invalid(
            nodes["file"],
            f"{file_name} cannot be read as Python ({reason})",
            "Fix that file so its tests pass",
            "code-file",
        ) from None
    if lines is None:
        raise yn.Invalid(
            nodes["symbol"],
            f"{file_name} has no function or class named '{symbol}'",
            "Check the spelling of 'symbol' (use Class.method for a method)",
            "code-symbol",
        )
    first, last = lines
    return textwrap.dedent("\n".join(_python_lines(text)[first - 1 : last])), lines


# --- loading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """The site's settings that records are checked against: the hosts their `url` may link to,
    and the day after which `verified_on` lies in the future."""

    # None: any host (the loader used alone); the build and check always pass the site's list.
    hosts: tuple[str, ...] | None = None
    today: dt.date = field(default_factory=dt.date.today)


def _site_rules(
    items: Mapping[str, tuple[yaml.Node, yaml.Node]], values: Mapping[str, Any], policy: Policy
) -> list[yn.Invalid]:
    """The checks that depend on the site's settings rather than on the record alone."""
    broken = []
    if (
        policy.hosts is not None
        and "url" in values
        and not host_allowed(values["url"], policy.hosts)
    ):
        broken.append(
            yn.Invalid(
                items["url"][1],
                f"'url' links to {urlsplit(values['url']).hostname}, which is not one of the hosts "
                f"records may link to ({', '.join(policy.hosts)})",
                "Link Zoho's official page; a new host is added under 'hosts' of the beam plugin "
                "in mkdocs.yml, in a pull request of its own",
                "unknown-host",
            )
        )
    # A day's grace: a writer east of the build machine may already be living on its tomorrow.
    if "verified_on" in values and values["verified_on"] > policy.today + dt.timedelta(days=1):
        broken.append(
            yn.Invalid(
                items["verified_on"][1],
                f"'verified_on' is {values['verified_on']}, a day that has not come yet",
                "Write the day you checked the fact on the official page",
                "future-date",
            )
        )
    return broken


def _read_record(
    node: yaml.Node,
    path: str,
    product: str,
    root: Path,
    policy: Policy,
) -> tuple[Record | None, list[yn.Invalid]]:
    items = yn.mapping_items(node, "a record")
    kind_entry = items.get("kind")
    if kind_entry is None:
        return None, [
            yn.Invalid(
                node,
                "this record has no 'kind'",
                f"Add kind: with one of {', '.join(KIND_FIELDS)}",
                "missing-field",
            )
        ]
    kind = yn.text(kind_entry[1], "kind")
    if kind not in KIND_FIELDS:
        return None, [
            yn.Invalid(
                kind_entry[1],
                f"unknown kind '{kind}'",
                f"Use one of: {', '.join(KIND_FIELDS)}.{did_you_mean(kind, KIND_FIELDS)}",
                "unknown-kind",
            )
        ]
    values, lines, broken = _read_fields(
        node, {**COMMON, **KIND_FIELDS[kind]}, f"this {kind} record"
    )
    broken += _site_rules(items, values, policy)
    if kind == "config":
        shapes = [name for name in CONFIG_SHAPES if name in lines]
        typo = _misspelt_fields(lines, {**COMMON, **KIND_FIELDS[kind]}) & set(CONFIG_SHAPES)
        if len(shapes) != 1 and not (typo and not shapes):
            broken.append(
                yn.Invalid(
                    node,
                    "a config record needs exactly one of value, values or fields "
                    f"(it has {', '.join(shapes) if shapes else 'none'})",
                    "Keep exactly one of value:, values: or fields:",
                    "config-shape",
                )
            )
    code_lines = None
    if "quote_prefix" in lines and "quote" not in lines:
        broken.append(
            yn.Invalid(
                items["quote_prefix"][0],
                "quote_prefix is only used with quote, and this record has no quote",
                "Add quote: with the words from the page, or remove quote_prefix",
                "missing-field",
            )
        )
    if kind == "code" and not broken:
        try:
            field_nodes = {name: value for name, (_, value) in items.items()}
            values["source"], code_lines = _code_source(root, field_nodes, values)
        except yn.Invalid as invalid:
            broken.append(invalid)
    if broken:
        return None, broken
    common = {name: values.pop(name) for name in list(COMMON) if name in values}
    return Record(
        id=common["id"],
        title=common["title"],
        url=common["url"],
        verified_on=common["verified_on"],
        note=common.get("note", ""),
        quote=common.get("quote", ""),
        quote_prefix=common.get("quote_prefix", ""),
        disagrees_with=common.get("disagrees_with", ()),
        product=product,
        location=Location(path, yn.line_of(node)),
        facts=_facts(kind, values),
        lines=MappingProxyType(lines),
        code_lines=code_lines,
    ), []


def _facts(kind: str, values: Mapping[str, Any]) -> Facts:
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
    if kind == "config":  # exactly one shape: _read_record checked it
        if "value" in values:
            return ConfigValue(values["value"])
        if "values" in values:
            return ConfigValues(values["values"])
        return ConfigFields(values["fields"])
    if kind == "code":
        return CodeFacts(values["file"], values["symbol"], values.get("language"), values["source"])
    return DocFacts(values.get("publisher"))


def _read_file(file: Path, path: str) -> tuple[str | None, list[Problem]]:
    data = file.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Problem(
                Location(path, 1),
                f"this file is {len(data):,} bytes, over the "
                f"{MAX_FILE_BYTES:,}-byte limit for one source file",
                "Split the records over several smaller files",
                "file-too-large",
            )
        ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [
            Problem(
                Location(path, line),
                "this line has bytes that are not UTF-8 text",
                "Save the file as UTF-8 (retype the odd character)",
                "not-utf8",
            )
        ]


def load_file(
    file: Path, root: Path, policy: Policy | None = None
) -> tuple[list[Record], list[Problem]]:
    """Every valid record of one file, and a problem for each record (or the file) that is not."""
    policy = policy or Policy()
    path = file.relative_to(root).as_posix()
    product = file.relative_to(root).parts[1] if len(file.relative_to(root).parts) > 2 else ""
    if not file.resolve().is_relative_to(root.resolve()) or not file.is_file():
        return [], [
            Problem(
                Location(path, 1),
                "this file is a link to something outside the repository, or to no file at all",
                "Put the records themselves in the repository instead of a link",
                "outside-repository",
            )
        ]
    text, problems = _read_file(file, path)
    if text is None:
        return [], problems
    node, problems = yn.compose(text, path)
    if problems:
        return [], problems
    if node is None:
        return [], [
            Problem(
                Location(path, 1),
                "this source file is empty",
                "Add records to it (a list of '- id: ...' entries) or delete it",
                "empty-file",
            )
        ]
    if not isinstance(node, yaml.SequenceNode):
        return [], [
            Problem(
                Location(path, yn.line_of(node)),
                "a source file must be a list of records",
                "Start each record with '- id: ...'",
                "wrong-type",
            )
        ]
    records, problems = [], []
    for item in node.value:
        try:
            record, broken = _read_record(item, path, product, root, policy)
        except yn.Invalid as invalid:
            record, broken = None, [invalid]
        if record is not None:
            records.append(record)
            problems += _outside_its_product(record)
        problems += [b.problem(path) for b in broken]
    return records, problems


def _outside_its_product(record: Record) -> list[Problem]:
    """A record's id starts with the product of its folder: sources/zoho-bigin/ holds zoho-bigin.*
    ids. The record stays usable, so pages citing it get no second message."""
    if not record.product or record.id.startswith(f"{record.product}."):
        return []
    rest = record.id.split(".", 1)[-1]
    return [
        Problem(
            record.at("id"),
            f"the id '{record.id}' does not start with '{record.product}.', the product of its "
            f"folder",
            f"Start it with the product, such as '{record.product}.{rest}', and change the pages "
            "that cite it",
            "id-product",
        )
    ]


def invalid_record_ids(
    root: Path, sources_dir: str, valid: Mapping[str, Record], problems: Iterable[Problem] = ()
) -> dict[str, Location]:
    """The ids of records that were written but could not be loaded, each with the place of its
    first problem (or its first line), so that a page citing one can say the record is invalid
    and where, rather than calling the id unknown."""
    lines_with_problems: dict[str, list[int]] = {}
    for problem in problems:
        lines_with_problems.setdefault(problem.location.path, []).append(problem.location.line)
    found: dict[str, Location] = {}
    for file in source_files(root, sources_dir):
        path = file.relative_to(root).as_posix()
        try:
            node, _ = yn.compose(file.read_text(encoding="utf-8"), path)
        except (OSError, UnicodeDecodeError):
            continue
        for item in node.value if isinstance(node, yaml.SequenceNode) else []:
            id_node = next(
                (v for k, v in getattr(item, "value", []) if getattr(k, "value", None) == "id"),
                None,
            )
            record_id = getattr(id_node, "value", None)
            if isinstance(record_id, str) and record_id not in valid:
                first, last = yn.line_of(item), item.end_mark.line + 1
                inside = [n for n in lines_with_problems.get(path, []) if first <= n <= last]
                found.setdefault(record_id, Location(path, min(inside, default=first)))
    return found


def source_files(root: Path, sources_dir: str = "sources") -> Iterator[Path]:
    base = root / sources_dir
    # Links are listed too, so that one leading out of the repository is refused, not skipped.
    yield from sorted(
        p
        for p in base.rglob("*")
        if p.suffix in (".yml", ".yaml") and (p.is_file() or p.is_symlink())
    )


def load_records(
    root: Path,
    sources_dir: str = "sources",
    cache: dict | None = None,
    *,
    hosts: tuple[str, ...] | None = None,
    today: dt.date | None = None,
) -> tuple[dict[str, Record], list[Problem]]:
    """All records by id, and every problem found in every file (duplicate ids included).

    `hosts` are those record URLs may link to: the build and check pass the site's list (the beam
    option, or DEFAULT_HOSTS); None checks no host, for the loader used on its own. `today` (the real date unless
    given) is the last day a record may say it was verified, give or take a day of time zones.
    With a cache (a dict the caller keeps between calls, as serve does), a file is read again only
    when it, or an example file that one of its code records shows, has changed.
    """
    policy = Policy(tuple(hosts) if hosts is not None else None, today or dt.date.today())
    if cache is not None and cache.get(Policy) != policy:
        cache.clear()  # records were checked against other settings
        cache[Policy] = policy
    by_id: dict[str, Record] = {}
    problems: list[Problem] = []
    for file in source_files(root, sources_dir):
        records, file_problems = (
            load_file(file, root, policy)
            if cache is None
            else _load_file_cached(file, root, cache, policy)
        )
        problems += file_problems
        for record in records:
            first = by_id.get(record.id)
            if first is not None:
                problems.append(
                    Problem(
                        record.at("id"),
                        f"the id '{record.id}' is already used at {first.at('id')}",
                        "Give one of the two records a new id",
                        "duplicate-id",
                    )
                )
            else:
                by_id[record.id] = record
    return by_id, sorted(problems)


def _load_file_cached(
    file: Path, root: Path, cache: dict, policy: Policy
) -> tuple[list[Record], list[Problem]]:
    entry = cache.get(file)
    if entry is not None and all(_file_state(path) == state for path, state in entry[0]):
        return entry[1], []
    records, problems = load_file(file, root, policy)
    read = [file, *(root / r.facts.file for r in records if isinstance(r.facts, CodeFacts))]
    states = [(path, _file_state(path)) for path in read]
    # A broken file is read again next time, whatever fixes it; so is one written just now,
    # which may have changed again while it was being read.
    settled = all(state and state[0] < time.time_ns() - 1_000_000_000 for _, state in states)
    if problems or not settled:
        cache.pop(file, None)
    else:
        cache[file] = (states, records)
    return records, problems


def _file_state(path: Path) -> tuple[int, int, int] | None:
    try:
        state = path.stat()
    except OSError:
        return None
    return state.st_mtime_ns, state.st_size, state.st_ino


def duplicate_records(records: Iterable[Record]) -> list[Problem]:
    """A problem for each record that repeats, in another product, a record with the same official
    page and the same facts: one fact belongs in one record that both products cite."""
    first_seen: dict[tuple[str, str, str], Record] = {}
    problems = []
    for record in sorted(records, key=lambda r: (r.location.path, r.location.line)):
        key = (record.url, record.kind, repr(sorted(fact_values(record).items())))
        first = first_seen.setdefault(key, record)
        if first is not record and first.product != record.product:
            problems.append(
                Problem(
                    record.at("id"),
                    f"'{record.id}' ({record.product}) has the same official page and the same "
                    f"facts as '{first.id}' ({first.product}) at {first.at('id')}, so it is "
                    "likely a duplicate",
                    "Keep one record where both products can cite it (a shared product such as "
                    "zoho-accounts), cite it from both, and delete the other",
                    "duplicate-record",
                )
            )
    return problems

"""Source records: load every `sources/<product>/*.yml`, validate it, and keep where each value came from.

Owns: the record kinds and their fields, the checks on them, and the immutable Record values.
Does not own: how records are shown (render.py) or cited (citations.py).
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import re
import textwrap
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from . import yamlnodes as yn
from .problems import Location, Problem, ProblemsFound, did_you_mean

ID_PATTERN = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")
MAX_FILE_BYTES = 1_000_000
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
HOSTS = ("api-domain", "upload", "accounts", "download-url")
PARAMETER_PLACES = ("path", "query", "header", "body")


@dataclass(frozen=True)
class Record:
    """One fact-bearing thing, as a writer wrote it, with the line of every field."""

    id: str
    kind: str
    title: str
    url: str
    verified_on: dt.date
    product: str
    location: Location
    facts: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    note: str = ""
    # Zoho's own words from the page at `url` that state the record's facts, copied as published.
    quote: str = ""
    # The words just before the quote on that page, only where its link would otherwise land on
    # an earlier passage that starts the same way (`python -m macros verify-sources` says when).
    quote_prefix: str = ""

    def at(self, name: str) -> Location:
        """Where a field was written (the record's first line when it has no such field)."""
        return Location(self.location.path, self.lines.get(name, self.location.line))


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
    return url


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
    "description": (True, yn.text),
}


def _parameters(node: yaml.Node, name: str) -> tuple[Mapping[str, Any], ...]:
    if not isinstance(node, yaml.SequenceNode):
        raise yn.Invalid(
            node,
            f"'{name}' must be a list of parameters",
            "Write each parameter as '- name: ...' with in, required and description",
            "wrong-type",
        )
    return tuple(_read_nested(item, _PARAMETER_FIELDS, "a parameter") for item in node.value)


# kind -> field -> (required, reader). Every kind also has the COMMON fields.
COMMON: dict[str, tuple[bool, Callable[[yaml.Node, str], Any]]] = {
    "id": (True, _identifier),
    "kind": (True, yn.text),
    "title": (True, yn.text),
    "url": (True, _https),
    "verified_on": (True, yn.date),
    "note": (False, yn.text),
    "quote": (False, yn.text),
    "quote_prefix": (False, yn.text),
}
KINDS: dict[str, dict[str, tuple[bool, Callable[[yaml.Node, str], Any]]]] = {
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
        "language": (False, yn.text),
    },
    "doc": {
        "publisher": (False, yn.text),
    },
}
CONFIG_SHAPES = ("value", "values", "fields")
# Kinds whose facts come from the page at their url, so they should quote it; a code record
# shows our own tested code.
QUOTED_KINDS = ("endpoint", "config", "doc")


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
    missing = [key for key, (required, _) in schema.items() if required and key not in lines]
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


def _read_nested(
    node: yaml.Node,
    schema: Mapping[str, tuple[bool, Callable]],
    what: str,
) -> dict[str, Any]:
    values, _, broken = _read_fields(node, schema, what)
    if broken:
        raise broken[0]
    return MappingProxyType(values)


# --- code records: the shown source comes from a real, tested file -----------------------------


@functools.lru_cache(maxsize=16)
def _parse(source: str) -> ast.Module:
    """Parse an example file once, however many code records show functions from it."""
    return ast.parse(source)


def extract_symbol(source: str, symbol: str) -> str | None:
    """The source of a top-level function or class (or `Class.method`), decorators included."""
    body: list[ast.stmt] = _parse(source).body
    node: ast.AST | None = None
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
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    lines = source.splitlines()[first - 1 : node.end_lineno]
    return textwrap.dedent("\n".join(lines))


def _code_source(root: Path, nodes: Mapping[str, yaml.Node], values: dict[str, Any]) -> str:
    """The symbol's source; a problem points at the `file:` or `symbol:` line that causes it."""
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
        source = extract_symbol(target.read_text(encoding="utf-8"), symbol)
    except (SyntaxError, UnicodeDecodeError, ValueError) as error:
        raise yn.Invalid(
            nodes["file"],
            f"{file_name} cannot be read as Python ({error})",
            "Fix that file so its tests pass",
            "code-file",
        ) from None
    if source is None:
        raise yn.Invalid(
            nodes["symbol"],
            f"{file_name} has no function or class named '{symbol}'",
            "Check the spelling of 'symbol' (use Class.method for a method)",
            "code-symbol",
        )
    return source


# --- loading ------------------------------------------------------------------------------------


def _read_record(
    node: yaml.Node,
    path: str,
    product: str,
    root: Path,
) -> tuple[Record | None, list[yn.Invalid]]:
    items = yn.mapping_items(node, "a record")
    kind_entry = items.get("kind")
    if kind_entry is None:
        return None, [
            yn.Invalid(
                node,
                "this record has no 'kind'",
                f"Add kind: with one of {', '.join(KINDS)}",
                "missing-field",
            )
        ]
    kind = yn.text(kind_entry[1], "kind")
    if kind not in KINDS:
        return None, [
            yn.Invalid(
                kind_entry[1],
                f"unknown kind '{kind}'",
                f"Use one of: {', '.join(KINDS)}.{did_you_mean(kind, KINDS)}",
                "unknown-kind",
            )
        ]
    values, lines, broken = _read_fields(node, {**COMMON, **KINDS[kind]}, f"this {kind} record")
    if kind == "config":
        shapes = [name for name in CONFIG_SHAPES if name in lines]
        if len(shapes) != 1:
            broken.append(
                yn.Invalid(
                    node,
                    "a config record needs exactly one of value, values or fields "
                    f"(it has {', '.join(shapes) if shapes else 'none'})",
                    "Keep exactly one of value:, values: or fields:",
                    "config-shape",
                )
            )
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
            values["source"] = _code_source(root, field_nodes, values)
        except yn.Invalid as invalid:
            broken.append(invalid)
    if broken:
        return None, broken
    common = {name: values.pop(name) for name in list(COMMON) if name in values}
    return Record(
        id=common["id"],
        kind=kind,
        title=common["title"],
        url=common["url"],
        verified_on=common["verified_on"],
        note=common.get("note", ""),
        quote=common.get("quote", ""),
        quote_prefix=common.get("quote_prefix", ""),
        product=product,
        location=Location(path, yn.line_of(node)),
        facts=MappingProxyType(values),
        lines=MappingProxyType(lines),
    ), []


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


def load_file(file: Path, root: Path) -> tuple[list[Record], list[Problem]]:
    """Every valid record of one file, and a problem for each record (or the file) that is not."""
    path = file.relative_to(root).as_posix()
    product = file.relative_to(root).parts[1] if len(file.relative_to(root).parts) > 2 else ""
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
            record, broken = _read_record(item, path, product, root)
        except yn.Invalid as invalid:
            record, broken = None, [invalid]
        if record is not None:
            records.append(record)
        problems += [b.problem(path) for b in broken]
    return records, problems


def source_files(root: Path, sources_dir: str = "sources") -> Iterator[Path]:
    base = root / sources_dir
    yield from sorted(p for p in base.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def load_records(
    root: Path, sources_dir: str = "sources", cache: dict | None = None
) -> tuple[dict[str, Record], list[Problem]]:
    """All records by id, and every problem found in every file (duplicate ids included).

    With a cache (a dict the caller keeps between calls, as serve does), a file is read again only
    when it, or an example file that one of its code records shows, has changed.
    """
    by_id: dict[str, Record] = {}
    problems: list[Problem] = []
    for file in source_files(root, sources_dir):
        records, file_problems = (
            load_file(file, root) if cache is None else _load_file_cached(file, root, cache)
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


def _load_file_cached(file: Path, root: Path, cache: dict) -> tuple[list[Record], list[Problem]]:
    entry = cache.get(file)
    if entry is not None and all(_file_state(path) == state for path, state in entry[0]):
        return entry[1], []
    records, problems = load_file(file, root)
    read = [file, *(root / r.facts["file"] for r in records if r.kind == "code")]
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


def require_records(root: Path, sources_dir: str = "sources") -> dict[str, Record]:
    """Like load_records, but raise ProblemsFound when anything is wrong."""
    records, problems = load_records(root, sources_dir)
    if problems:
        raise ProblemsFound(problems)
    return records

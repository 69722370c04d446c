"""The kinds of source record and their typed facts: what a loaded record is.

Owns: the Record value, one frozen facts type per kind (endpoint, config, code, doc; a config
record's facts are one of three shapes), the facts under the field names writers write, and the
table of kinds and fields that CONTRIBUTING.md shows writers (generated from these types).
Does not own: reading or checking YAML (records.py, record_fields.py) or showing facts (render.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

from .problems import Location

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
HOSTS = ("api-domain", "upload", "accounts", "download-url")
PARAMETER_PLACES = ("path", "query", "header", "body")
# Kinds whose facts come from the page at their url, so they should quote it; a code record
# shows our own tested code.
QUOTED_KINDS = ("endpoint", "config", "doc")


def _written(name: str = "", shown: str = "", *, written: bool = True) -> dict[str, Any]:
    """A facts field's metadata: the name writers write when it differs from the attribute's
    (`in` is a Python keyword), a few words for the kinds table, and whether writers write it."""
    return {"name": name, "shown": shown, "written": written}


@dataclass(frozen=True)
class Parameter:
    """One parameter of an endpoint."""

    name: str
    place: str = field(metadata=_written("in"))  # one of PARAMETER_PLACES
    required: bool
    description: str


@dataclass(frozen=True)
class EndpointFacts:
    KIND: ClassVar[str] = "endpoint"

    method: str  # one of METHODS
    path: str
    host: str = field(
        metadata=_written(shown=f"({', '.join(f'`{h}`' for h in HOSTS[:-1])} or `{HOSTS[-1]}`)")
    )
    # One scope from each group is needed; a group lists alternatives.
    scopes: tuple[tuple[str, ...], ...]
    read_only: bool
    parameters: tuple[Parameter, ...] = ()


@dataclass(frozen=True)
class ConfigValue:
    """A config record that states one value."""

    KIND: ClassVar[str] = "config"

    value: str


@dataclass(frozen=True)
class ConfigValues:
    """A config record that states a list of values."""

    KIND: ClassVar[str] = "config"

    values: tuple[str, ...] = field(metadata=_written(shown="(a list)"))


@dataclass(frozen=True)
class ConfigFields:
    """A config record that states named values (such as each data centre's API domain)."""

    KIND: ClassVar[str] = "config"

    fields: Mapping[str, str] = field(metadata=_written(shown="(name: value lines)"))


ConfigFacts = ConfigValue | ConfigValues | ConfigFields
CONFIG_SHAPES: tuple[type[ConfigFacts], ...] = (ConfigValue, ConfigValues, ConfigFields)


@dataclass(frozen=True)
class CodeFacts:
    KIND: ClassVar[str] = "code"

    file: str = field(metadata=_written(shown="(such as `examples/zoho_crm_bulk/client.py`)"))
    symbol: str = field(metadata=_written(shown="(the function's name)"))
    # The highlighter's name; None when the record names none (pages then highlight Python).
    language: str | None = None
    # The symbol's source, extracted from `file` when the record is loaded; not written.
    source: str = field(default="", metadata=_written(written=False))

    @property
    def highlight(self) -> str:
        return self.language or "python"


@dataclass(frozen=True)
class DocFacts:
    KIND: ClassVar[str] = "doc"

    publisher: str | None = None


Facts = EndpointFacts | ConfigFacts | CodeFacts | DocFacts
# Each kind's facts types, in the order writers meet them.
KINDS: dict[str, tuple[type[Facts], ...]] = {
    "endpoint": (EndpointFacts,),
    "config": CONFIG_SHAPES,
    "code": (CodeFacts,),
    "doc": (DocFacts,),
}
# What a record of each kind holds, in the words of the kinds table.
HOLDS = {
    "endpoint": "an API call",
    "config": "a named fact: a limit, a header, a list of values",
    "code": "a function in a tested example file; its Sources cited entry links that function in "
    "this repository, and `url` (the official page it follows) comes second",
    "doc": "an official page cited as a whole",
}


@dataclass(frozen=True)
class Record:
    """One fact-bearing thing, as a writer wrote it, with the line of every field."""

    id: str
    title: str
    url: str
    verified_on: dt.date
    product: str
    location: Location
    facts: Facts = field(default_factory=DocFacts)
    lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    note: str = ""
    # Zoho's own words from the page at `url` that state the record's facts, copied as published.
    quote: str = ""
    # A code record's symbol: its first and last line in `file` (for a link to the repository).
    code_lines: tuple[int, int] | None = None
    # The words just before the quote on that page, only where its link would otherwise land on
    # an earlier passage that starts the same way (`python -m macros verify-sources` says when).
    quote_prefix: str = ""
    # Records whose official source says otherwise: a page citing this one must cite them too.
    disagrees_with: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return self.facts.KIND

    def at(self, name: str) -> Location:
        """Where a field was written (the record's first line when it has no such field)."""
        return Location(self.location.path, self.lines.get(name, self.location.line))


# --- facts under the names writers write ---------------------------------------------------------


def written_name(spec: dataclasses.Field[Any]) -> str:
    return spec.metadata.get("name") or spec.name


def written_fields(facts_type: type[Facts]) -> list[dataclasses.Field[Any]]:
    """The fields of a facts type that writers write (a code record's source is extracted)."""
    return [f for f in dataclasses.fields(facts_type) if f.metadata.get("written", True)]


def _as_written(value: Any) -> Any:
    if isinstance(value, Parameter):
        return MappingProxyType(
            {written_name(f): getattr(value, f.name) for f in dataclasses.fields(value)}
        )
    if isinstance(value, tuple):
        return tuple(_as_written(item) for item in value)
    return value


def fact_values(record: Record) -> dict[str, Any]:
    """A record's facts by the field names writers write, in the order they wrote them, then a
    code record's extracted `source`: for sources.json, search, comparisons and claims."""
    by_name = {written_name(f): f.name for f in written_fields(type(record.facts))}
    values = {
        name: _as_written(getattr(record.facts, by_name[name]))
        for name in record.lines
        if name in by_name
    }
    if isinstance(record.facts, CodeFacts):
        values["source"] = record.facts.source
    return values


# --- the table writers read in CONTRIBUTING.md --------------------------------------------------


def _field_words(spec: dataclasses.Field[Any]) -> str:
    shown = spec.metadata.get("shown")
    return f"`{written_name(spec)}`" + (f" {shown}" if shown else "")


def _fields_cell(kind: str) -> str:
    types = KINDS[kind]
    if len(types) > 1:  # config: one shape of several
        words = [_field_words(written_fields(shape)[0]) for shape in types]
        return f"exactly one of {', '.join(words[:-1])} or {words[-1]}"
    specs = written_fields(types[0])
    has_default = [
        f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        for f in specs
    ]
    required = [_field_words(f) for f, d in zip(specs, has_default, strict=True) if not d]
    optional = [f"optional {_field_words(f)}" for f, d in zip(specs, has_default, strict=True) if d]
    return ", ".join(required + optional)


def kinds_table() -> str:
    """The kinds table of CONTRIBUTING.md ("Source records"), from the facts types."""
    rows = ["| kind | holds | fields |", "|---|---|---|"]
    for kind in KINDS:
        rows.append(f"| `{kind}` | {HOLDS[kind]} | {_fields_cell(kind)} |")
    return "\n".join(rows) + "\n"

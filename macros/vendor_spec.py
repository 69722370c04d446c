"""The vendor's side of the vendor check: operations and their scopes, read from OpenAPI 3.x files.

Owns: reading an OpenAPI file (JSON, or YAML by its name) into the operations it describes, the
scopes that apply to each, and the API versions its paths name. Does not own: comparing them
with records (vendor_compare.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import yamlnodes as yn
from .problems import Location, Problem

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
VERSION_SEGMENT = re.compile(r"v\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Operation:
    """One operation of a spec file, with every scope its security requirements name."""

    method: str
    path: str
    scopes: frozenset[str]
    spec: str  # the spec file's name, for messages


@dataclass(frozen=True)
class Spec:
    name: str
    versions: frozenset[str]  # version segments such as "v8" that this spec speaks for
    operations: tuple[Operation, ...]


def _scope_names(security: Any) -> frozenset[str]:
    """Every scope named by a list of OpenAPI security requirement objects."""
    names: set[str] = set()
    for requirement in security if isinstance(security, list) else []:
        if isinstance(requirement, Mapping):
            for scopes in requirement.values():
                names.update(s for s in scopes or [] if isinstance(s, str))
    return frozenset(names)


def spec_from_data(data: Any, name: str) -> tuple[Spec | None, list[Problem]]:
    """A Spec from an already parsed OpenAPI document; a problem when it is not OpenAPI 3.x."""
    version = str(data.get("openapi", "")) if isinstance(data, Mapping) else ""
    if not version.startswith("3.") or not isinstance(data.get("paths"), Mapping):
        return None, [
            Problem(
                Location(name, 1),
                "this file is not an OpenAPI 3.x description (no 'openapi: 3.x' or no 'paths')",
                "Give the path of one of Zoho's OpenAPI files, such as v8.0/bulk_read.json "
                "from Zoho's crm-oas repository",
                "vendor-spec",
            )
        ]
    # Zoho declares scopes once at the top; an operation's own 'security' replaces them.
    default_scopes = _scope_names(data.get("security"))
    operations = []
    for path, item in data["paths"].items():
        for method, operation in item.items() if isinstance(item, Mapping) else ():
            if method not in HTTP_METHODS or not isinstance(operation, Mapping):
                continue
            scopes = (
                _scope_names(operation["security"]) if "security" in operation else default_scopes
            )
            operations.append(Operation(method.upper(), path, scopes, name))
    info = data.get("info") if isinstance(data.get("info"), Mapping) else {}
    # Only a 'v8.0'-style version names the API's version; '1.0.0' may be the document's own.
    versions = {f"v{m.group(1)}" for m in [re.match(r"v(\d+)", str(info.get("version", "")))] if m}
    versions |= {s for op in operations for s in op.path.split("/") if VERSION_SEGMENT.fullmatch(s)}
    return Spec(name, frozenset(versions), tuple(operations)), []


def read_spec(file: Path) -> tuple[Spec | None, list[Problem]]:
    """Read one OpenAPI file (JSON, or YAML when it is named .yml or .yaml)."""
    name = file.name
    try:
        text = file.read_text(encoding="utf-8")
        if file.suffix in (".yml", ".yaml"):
            data = yaml.load(text, Loader=yn.FastSafeLoader)
        else:
            data = json.loads(text)
    except OSError as error:
        return None, [
            Problem(
                Location(str(file), 1),
                f"the spec file cannot be read ({error.strerror or error})",
                "Check the path; download the file from Zoho's crm-oas repository if needed",
                "vendor-spec",
            )
        ]
    except (ValueError, yaml.YAMLError) as error:
        return None, [
            Problem(
                Location(str(file), 1),
                f"the spec file is not valid JSON or YAML ({str(error).splitlines()[0]})",
                "Download it again from Zoho's crm-oas repository, unchanged",
                "vendor-spec",
            )
        ]
    spec, problems = spec_from_data(data, name)
    return spec, [
        Problem(Location(str(file), p.location.line), p.what, p.todo, p.code) for p in problems
    ]

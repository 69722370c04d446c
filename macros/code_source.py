"""The source a code record shows: a function or class cut from a real, tested example file.

Owns: finding a top-level symbol (or `Class.method`) in Python source, its lines as Python
numbers them, and the checks on a code record's `file` and `symbol`. Does not own: the other
record fields (record_fields.py) or how the source is shown (render.py).
"""

from __future__ import annotations

import ast
import functools
import textwrap
from collections.abc import Mapping
from pathlib import Path

import yaml

from . import yamlnodes as yn


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


def code_source(
    root: Path, nodes: Mapping[str, yaml.Node], file_name: str, symbol: str
) -> tuple[str, tuple[int, int]]:
    """The symbol's source and its lines in the file; a problem points at the `file:` or
    `symbol:` line that causes it."""
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

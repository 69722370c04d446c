"""`python -m macros vendor-check SPEC.json ...`: compare endpoint records with a vendor's OpenAPI files.

Owns: the command's arguments only. Does not own: the comparison (macros/vendor.py, imported when
the command runs so that every other command works without it).
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path


def add_parser(commands: argparse._SubParsersAction, parents: list) -> None:
    vendor = commands.add_parser(
        "vendor-check",
        parents=parents,
        help="compare endpoint records with a vendor's OpenAPI files",
        description="Compare the endpoint records with the operations and scopes in the given "
        "OpenAPI files; differences must be explained in the reviewed allow-list.",
    )
    vendor.add_argument("specs", nargs="+", type=Path, metavar="SPEC.json", help="OpenAPI files")
    vendor.add_argument(
        "--allow-list",
        type=Path,
        default=None,
        metavar="FILE",
        help="the allow-list of intended differences (default: the project's own)",
    )
    vendor.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported when the command runs, so that every other command starts without it.
    vendor = importlib.import_module("macros.vendor")
    return int(vendor.run(list(args.specs), args.root, args.allow_list))

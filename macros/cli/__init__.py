"""The command line for writers and reviewers: `python -m macros <command>`.

Owns: the argument parser, choosing the repository root, and turning every failure into a message
and an exit code (0 fine, 1 problems found, 2 the command could not run), never a traceback.
Does not own: any command's work (check.py, scaffold.py, new_product.py, sources.py, impact.py,
vendor_check.py, verify_sources.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from ..problems import sentence
from . import check, impact, new_product, scaffold, sources, vendor_check, verify_sources
from .base import CommandError, find_root

PROG = "python -m macros"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Check, start and review Beam Help pages and source records.",
        epilog="Run '%(prog)s COMMAND --help' for a command's options. CONTRIBUTING.md explains "
        "every message.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root",
        type=Path,
        default=None,
        help="the repository folder (default: the nearest folder with mkdocs.yml)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (check, scaffold, new_product, sources, impact, vendor_check, verify_sources):
        module.add_parser(commands, [common])
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.root is None:
            args.root = find_root(Path.cwd())
        elif not (args.root / "mkdocs.yml").is_file():
            raise CommandError(f"{args.root} has no mkdocs.yml; give the repository folder", 2)
        args.root = args.root.resolve()
        return args.run(args)
    except CommandError as error:
        print(f"{PROG} {args.command}: {sentence(error.message)}", file=sys.stderr)
        return error.exit_code
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        print(
            f"mkdocs.yml:{line}: YAML cannot read this file: {error.problem or error.context}. "
            "Fix the YAML syntax on this line.",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - a writer must never see a traceback
        print(
            f"{PROG} {args.command}: stopped by an unexpected error ({type(error).__name__}: "
            f"{error}). This is a bug in Beam Help; please report it with the command you ran.",
            file=sys.stderr,
        )
        return 2

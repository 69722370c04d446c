"""Command line for writers: `python -m macros check` (more commands are documented in README)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .checks import check_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="report every problem in records and pages")
    check.add_argument("--root", type=Path, default=Path.cwd(), help="the repository root")
    args = parser.parse_args(argv)
    report = check_site(args.root)
    for problem in report.problems:
        print(problem)
    errors = sum(1 for p in report.problems if p.severity == "error")
    print(
        f"{len(report.records)} records, {len(report.pages)} pages, {errors} error(s).",
        file=sys.stderr,
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

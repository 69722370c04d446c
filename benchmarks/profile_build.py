#!/usr/bin/env python3
"""Profile one `mkdocs build --strict` of a benchmark site: where does the time go?

Owns: running the build in-process under cProfile and summarising it by package and by function.
Does not own: the benchmark figures (run.py); profiling slows the build, so use shares, not times.

    python3 benchmarks/profile_build.py benchmarks/out/1000/ours
    python3 benchmarks/profile_build.py benchmarks/out/1000/ours --top 40 --focus macros
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import sysconfig
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

if not Path(sys.prefix, "bin", "mkdocs").exists() and VENV_PYTHON.exists():
    os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])


STDLIB = Path(sysconfig.get_paths()["stdlib"])


def _package(filename: str) -> str:
    """Who owns a code file: a site-packages package, a standard-library module, or this repo."""
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    if path.suffix == ".html":
        return "theme overrides (templates)"
    if path.is_relative_to(ROOT):
        return path.relative_to(ROOT).parts[0]
    if path.is_relative_to(STDLIB):  # name the module: html.parser is worth seeing on its own
        return "stdlib " + ".".join(path.relative_to(STDLIB).with_suffix("").parts)
    return "builtins (C code)" if filename == "~" else filename


def build_profile(site: Path) -> pstats.Stats:
    from mkdocs.__main__ import cli

    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    for name in ("site", "site.building", "site.old"):
        shutil.rmtree(site / name, ignore_errors=True)
    os.chdir(site)
    profile = cProfile.Profile()
    profile.enable()
    try:
        cli.main(["build", "--strict", "--quiet"], standalone_mode=False)
    finally:
        profile.disable()
    return pstats.Stats(profile)


def by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time (tottime) summed per package: which code the build actually spends time in."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        totals[_package(filename)] += tottime
    return sorted(totals.items(), key=lambda item: -item[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a folder holding mkdocs.yml")
    parser.add_argument("--top", type=int, default=25, help="functions to list")
    parser.add_argument("--focus", default="", help="list only functions whose file contains this")
    args = parser.parse_args(argv)
    # The profiler sees one process: keep the pages' indexing and minifying in it, where the
    # profile can show them, rather than in the page worker (macros/page_worker.py).
    os.environ.setdefault("BEAM_WORKER", "0")
    stats = build_profile(args.site.resolve())
    total = sum(t for _, t in by_package(stats))
    print(f"\nOwn time by package (profiled build, {total:.1f} s in all):")
    for package, seconds in by_package(stats)[:15]:
        print(f"  {package:28} {seconds:7.2f} s  {seconds / total:6.1%}")
    print(
        f"\nTop {args.top} functions by cumulative time{' in ' + args.focus if args.focus else ''}:"
    )
    stats.sort_stats("cumulative")
    stats.print_stats(args.focus, args.top) if args.focus else stats.print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())

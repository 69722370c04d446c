#!/usr/bin/env python3
"""Benchmark Beam Help's build against plain MkDocs with hand-written footnotes, and its preview.

Owns: the benchmark procedure and its printed report. Does not own: the sites (gen_site.py),
process measurement (measure.py), the serve measurement (preview.py) or the sorting of a site's
bytes into parts (breakdown.py, printed for the largest size).

    python3 benchmarks/run.py                                  # sizes 100 300 1000 3000
    python3 benchmarks/run.py --sizes 100 300 --rounds 3 --no-preview

For each size N it writes both sites into benchmarks/out/N/, then builds `ours` and `plain` in
alternating rounds (ours first in odd rounds, plain first in even ones), each build a fresh
`mkdocs build --strict` process, and times `python -m macros check` on `ours` three ways per
round: with no cache (`--no-cache`, as on a fresh clone or in CI), again with nothing changed
(answered from the cache a first run filled), and after one how-to was edited (the edit is undone
after). The check cache lives in benchmarks/out/cache, not in the user's cache folder.
Figures are medians over the rounds. Then it times the writer's preview on the
--preview-pages site. Run it on a quiet machine; other work on the machine shows up as noise.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

# Started with a python3 that lacks MkDocs: use the project's .venv (made by `python3 dev.py`).
if importlib.util.find_spec("mkdocs") is None and VENV_PYTHON.exists():
    os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])

sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

from breakdown import breakdown, print_breakdown  # noqa: E402
from corpus import plan_site  # noqa: E402
from gen_site import write_site  # noqa: E402
from measure import PYTHON, must_succeed, run, site_size  # noqa: E402
from preview import measure_preview  # noqa: E402

from dev import SERVE_FLAGS  # noqa: E402  (the preview target is timed as dev.py serve runs)

VARIANTS = ("ours", "plain")
CHECK_WAYS = ("cold", "unchanged", "one edit")
TARGETS = {  # the performance issue's targets, each checked by print_targets
    "ratio": 1.05,  # ours / plain build time at every size
    "growth": 1.1,  # per-page build time and output at 3,000 over 300
    "kb_per_how_to": 50,  # output per how-to at 3,000
    "site_mb": 150,  # whole site at 3,000 pages
    "check_s": 1.0,  # check at 1,000
    "peak_mb": 400,  # peak memory at 3,000
    "preview_s": 2.0,  # edit-to-visible at 1,000, with the serve command dev.py runs
}


@dataclass
class SizeResult:
    pages: int
    records: int
    seconds: dict[str, list[float]] = field(default_factory=lambda: {v: [] for v in VARIANTS})
    peak_mb: dict[str, list[float]] = field(default_factory=lambda: {v: [] for v in VARIANTS})
    cpu_seconds: dict[str, list[float]] = field(default_factory=lambda: {v: [] for v in VARIANTS})
    # check's seconds by how it ran: no cache, unchanged, one page edited
    check_seconds: dict[str, list[float]] = field(
        default_factory=lambda: {way: [] for way in CHECK_WAYS}
    )
    sizes: dict = field(default_factory=dict)

    def ms_per_page(self, variant: str) -> float:
        return statistics.median(self.seconds[variant]) / self.pages * 1000

    def cpu(self, variant: str) -> float:
        return statistics.median(self.cpu_seconds[variant])

    def ratio(self) -> float:
        return statistics.median(self.seconds["ours"]) / statistics.median(self.seconds["plain"])

    def kb_per_page(self, variant: str) -> float:
        return self.sizes[variant].total_bytes / self.pages / 1024

    def site_mb(self, variant: str) -> float:
        return self.sizes[variant].total_bytes / 1024**2

    def peak(self, variant: str) -> float:
        return max(self.peak_mb[variant])


def _clean(site: Path) -> None:
    for name in ("site", "site.building", "site.old"):
        shutil.rmtree(site / name, ignore_errors=True)


def bench_size(pages: int, rounds: int, out: Path) -> SizeResult:
    plan = plan_site(pages)
    how_tos = [f"{p.product.slug}/{p.topic_slug}/{p.slug}" for p in plan.pages]
    folder = out / str(pages)
    sites = {variant: write_site(plan, variant, folder, ROOT) for variant in VARIANTS}
    result = SizeResult(len(plan.pages), len(plan.records))
    print(f"\nN = {pages}: {len(plan.records)} records, in {folder}", flush=True)
    for number in range(rounds):
        order = VARIANTS if number % 2 == 0 else VARIANTS[::-1]
        for variant in order:
            _clean(sites[variant])
            build = must_succeed(
                run([PYTHON, "-m", "mkdocs", "build", "--strict"], sites[variant]),
                f"mkdocs build of {sites[variant]}",
            )
            result.seconds[variant].append(build.seconds)
            result.peak_mb[variant].append(build.peak_mb)
            result.cpu_seconds[variant].append(build.cpu_seconds)
            print(
                f"  round {number + 1} {variant:5}: {build.seconds:7.2f} s, "
                f"CPU {build.cpu_seconds:7.2f} s, peak {build.peak_mb:4.0f} MB",
                flush=True,
            )
        edited = sites["ours"] / "docs" / f"{how_tos[number * 7 % len(how_tos)]}.md"
        for way, seconds in time_check(sites["ours"], edited, out / "cache").items():
            result.check_seconds[way].append(seconds)
            print(f"  round {number + 1} check, {way:9}: {seconds:7.2f} s", flush=True)
    result.sizes = {v: site_size(sites[v] / "site", how_tos) for v in VARIANTS}
    return result


def time_check(site: Path, page: Path, cache_home: Path) -> dict[str, float]:
    """Seconds of `check` with no cache, unchanged after a run that filled it, and after one
    edit to `page` (undone afterwards)."""
    env = {"XDG_CACHE_HOME": str(cache_home)}

    def check(*options: str) -> float:
        command = [PYTHON, "-m", "macros", "check", "--root", str(site), *options]
        return must_succeed(run(command, ROOT, env), "python -m macros check").seconds

    seconds = {"cold": check("--no-cache")}
    check()  # fills the cache for this site's current files
    seconds["unchanged"] = check()
    original = page.read_bytes()
    try:
        page.write_bytes(original + b"\nOne more sentence from the writer.\n")
        seconds["one edit"] = check()
    finally:
        page.write_bytes(original)
    return seconds


def _check(result: SizeResult, way: str) -> float:
    return statistics.median(result.check_seconds[way])


def print_table(results: list[SizeResult]) -> None:
    print(
        "\n| pages | ours ms/page | plain ms/page | ours/plain | CPU s ours / plain | peak MB ours / plain "
        "| output KB/page ours / plain | site MB ours / plain | page HTML KB | "
        "search index KB/page | check s: cold / unchanged / one edit |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.pages:,} | {r.ms_per_page('ours'):.1f} | {r.ms_per_page('plain'):.1f} "
            f"| {r.ratio():.3f} | {r.cpu('ours'):.1f} / {r.cpu('plain'):.1f} "
            f"| {r.peak('ours'):.0f} / {r.peak('plain'):.0f} "
            f"| {r.kb_per_page('ours'):.1f} / {r.kb_per_page('plain'):.1f} "
            f"| {r.site_mb('ours'):.1f} / {r.site_mb('plain'):.1f} "
            f"| {r.sizes['ours'].median_page_bytes / 1024:.1f} "
            f"| {r.sizes['ours'].search_index_bytes / r.pages / 1024:.1f} "
            f"| {' / '.join(f'{_check(r, way):.2f}' for way in CHECK_WAYS)} |"
        )


def _verdict(name: str, value: float, limit: float, shown: str) -> None:
    print(f"  {'met   ' if value <= limit else 'MISSED'}  {name}: {shown}")


def print_targets(results: list[SizeResult], previews: list) -> None:
    t = TARGETS
    by_pages = {r.pages: r for r in results}
    print("\nTargets (ours):")
    for r in results:
        _verdict(
            f"build time ours/plain at {r.pages:,} <= {t['ratio']}",
            r.ratio(),
            t["ratio"],
            f"{r.ratio():.3f}",
        )
    if 1000 in by_pages:
        r = by_pages[1000]
        for way in ("unchanged", "one edit"):
            check = _check(r, way)
            _verdict(
                f"check at 1,000 < {t['check_s']:g} s ({way})",
                check,
                t["check_s"],
                f"{check:.2f} s",
            )
        print(f"          check at 1,000 with no cache (for comparison): {_check(r, 'cold'):.2f} s")
    if 300 in by_pages and 3000 in by_pages:
        small, large = by_pages[300], by_pages[3000]
        for variant in VARIANTS:
            growth = large.ms_per_page(variant) / small.ms_per_page(variant)
            label = "" if variant == "ours" else " (plain, for comparison)"
            _verdict(
                f"ms/page at 3,000 over 300 <= {t['growth']}{label}",
                growth,
                t["growth"],
                f"{large.ms_per_page(variant):.1f} / {small.ms_per_page(variant):.1f} "
                f"= {growth:.2f}",
            )
        growth = large.kb_per_page("ours") / small.kb_per_page("ours")
        _verdict(
            f"output/page at 3,000 over 300 <= {t['growth']}",
            growth,
            t["growth"],
            f"{large.kb_per_page('ours'):.1f} / {small.kb_per_page('ours'):.1f} KB = {growth:.2f}",
        )
    if 3000 in by_pages:
        r = by_pages[3000]
        kb = r.kb_per_page("ours")
        _verdict(
            f"output per how-to at 3,000 <= {t['kb_per_how_to']} KB",
            kb,
            t["kb_per_how_to"],
            f"{kb:.1f} KB",
        )
        mb = r.site_mb("ours")
        _verdict(f"site at 3,000 < {t['site_mb']} MB", mb, t["site_mb"], f"{mb:.1f} MB")
        peak = r.peak("ours")
        _verdict(f"peak memory at 3,000 < {t['peak_mb']} MB", peak, t["peak_mb"], f"{peak:.0f} MB")
    for preview in previews:
        shown = (
            f"{preview.median:.2f} s (edits: "
            + ", ".join(f"{s:.2f}" for s in preview.edit_seconds)
            + f"; first build {preview.first_build_seconds:.1f} s)"
        )
        if tuple(preview.command.split()[2:]) == SERVE_FLAGS:
            _verdict(
                f"preview after one edit < {t['preview_s']:g} s with `{preview.command}` (dev.py serve)",
                preview.median,
                t["preview_s"],
                shown,
            )
        else:
            print(f"          preview with `{preview.command}` (for comparison): {shown}")


def bench_preview(pages: int, out: Path, edits: int) -> list:
    plan = plan_site(pages)
    folder = out / str(pages)
    site = write_site(plan, "ours", folder, ROOT)
    page = plan.pages[len(plan.pages) // 2]
    relative = f"{page.product.slug}/{page.topic_slug}/{page.slug}.md"
    previews = []
    # --dirty rebuilds only the edited page; MkDocs warns that it does, so a strict site needs
    # --no-strict for it. A plain `serve`, timed for comparison, rebuilds every page.
    for flags, times in ((list(SERVE_FLAGS), edits), (["--livereload"], 2)):
        print(f"\npreview at N = {pages}: mkdocs serve {' '.join(flags)}", flush=True)
        preview = measure_preview(site, relative, flags, times)
        print(
            f"  first build {preview.first_build_seconds:.1f} s; after an edit: "
            + ", ".join(f"{s:.2f} s" for s in preview.edit_seconds),
            flush=True,
        )
        previews.append(preview)
    return previews


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000, 3000])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per size")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where the sites go")
    parser.add_argument("--preview-pages", type=int, default=1000, help="site size for preview")
    parser.add_argument("--preview-edits", type=int, default=3, help="edits timed per command")
    parser.add_argument("--no-preview", action="store_true", help="skip the serve measurement")
    args = parser.parse_args(argv)
    versions = {
        name: _version(name) for name in ("mkdocs", "mkdocs-material", "jinja2", "markdown")
    }
    print(
        f"Python {platform.python_version()}, "
        + ", ".join(f"{k} {v}" for k, v in versions.items())
        + f"; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start"
    )
    results = [bench_size(pages, args.rounds, args.out) for pages in args.sizes]
    previews = (
        [] if args.no_preview else bench_preview(args.preview_pages, args.out, args.preview_edits)
    )
    print_table(results)
    largest = max(results, key=lambda result: result.pages)
    for variant in VARIANTS:  # where the bytes go, at the largest size
        site = args.out / str(largest.pages) / variant / "site"
        print_breakdown(breakdown(site, largest.pages), f"{variant}, {largest.pages:,} how-tos")
    print_targets(results, previews)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    return 0


def _version(distribution: str) -> str:
    from importlib.metadata import version

    return version(distribution)


if __name__ == "__main__":
    sys.exit(main())

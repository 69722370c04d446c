"""Run one command as a fresh process and measure it: wall time, peak memory, exit status, output.

Owns: timing and memory of child processes (os.wait4 gives each child's own peak RSS) and the
size of a built site. Does not own: what is run or how figures are printed (run.py, preview.py).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dev import command_env  # noqa: E402

# Every command runs as `python3 dev.py` runs it: Python's compiled files are kept in
# .venv/pycache, made once, not compiled again at each start.
ENV = command_env()


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float  # the child's own peak resident memory
    # CPU time of the child and the worker processes it waited for: unlike wall time, barely
    # moved by other work on the machine.
    cpu_seconds: float
    returncode: int
    output: str


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Start `command` in `cwd` (with `env` added to the environment), wait for it, and measure
    only that child."""
    with tempfile.TemporaryFile(mode="w+") as log:
        start = time.perf_counter()
        child = subprocess.Popen(
            command, cwd=cwd, env={**ENV, **(env or {})}, stdout=log, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        log.seek(0)
        return Run(
            seconds,
            usage.ru_maxrss / 1024,
            usage.ru_utime + usage.ru_stime,
            child.returncode,
            log.read(),
        )


def must_succeed(result: Run, what: str) -> Run:
    if result.returncode != 0:
        sys.exit(f"{what} failed (exit {result.returncode}):\n{result.output[-4000:]}")
    return result


@dataclass(frozen=True)
class SiteSize:
    total_bytes: int
    html_pages: int
    search_index_bytes: int
    median_page_bytes: int  # the median how-to page's index.html


def site_size(site_dir: Path, how_to_dirs: list[str]) -> SiteSize:
    total, pages = 0, 0
    for path in site_dir.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            pages += path.name.endswith(".html")
    search = site_dir / "search" / "search_index.json"
    sizes = [(site_dir / d / "index.html").stat().st_size for d in how_to_dirs]
    return SiteSize(
        total,
        pages,
        search.stat().st_size if search.exists() else 0,
        int(statistics.median(sizes)) if sizes else 0,
    )

#!/usr/bin/env python3
"""One entry point for people: set up, build, serve, check and test Beam Help.

    python3 dev.py build    # set up, then build the site strictly into site/
    python3 dev.py serve    # set up, then preview at http://127.0.0.1:8000/beam-help/ (reloads)
    python3 dev.py test     # set up, then run every test
    python3 dev.py check    # set up, then report every problem in records and pages, fast
    python3 dev.py new|new-product|sources|impact|vendor-check|verify-sources ...   # (README)

Set-up creates .venv/ beside this file and installs the project into it; it runs again only when
pyproject.toml changes. Extra arguments pass through (e.g. `python3 dev.py test -k citations`).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".beam-installed"
# --dirty rebuilds only the saved page (about 1.5 s on 1,000 pages instead of 29 s); MkDocs warns
# on every dirty build, hence --no-strict. Page problems still stop the preview, and `build` (and
# CI) always build everything strictly. benchmarks/run.py times the preview with these flags.
SERVE_FLAGS = ("--livereload", "--dirty", "--no-strict")


def set_up() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file may be run by an older python3
        sys.exit("Beam Help needs Python 3.11 or newer; run this file with a newer python3.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installing Beam Help and its test tools into .venv ...", flush=True)
    # pip compiles what it installs; in the commands' environment those compiled files land in
    # .venv/pycache, where every command looks for them, so the first test run compiles nothing.
    subprocess.run(
        [str(BIN / "python"), "-m", "pip", "install", "--quiet", "-e", ".[test]"],
        cwd=ROOT,
        env=command_env(),
        check=True,
    )
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    command, extra = (argv[0], argv[1:]) if argv else ("help", [])
    commands = {
        "build": [str(BIN / "mkdocs"), "build", "--strict", *extra],
        "serve": [str(BIN / "mkdocs"), "serve", *SERVE_FLAGS, *extra],
        "test": [str(BIN / "python"), "-m", "pytest", *extra],
    }
    # The writers' commands of `python -m macros` pass straight through, inside the venv.
    for writer_command in (
        "check",
        "new",
        "new-product",
        "sources",
        "impact",
        "vendor-check",
        "verify-sources",
    ):
        commands[writer_command] = [str(BIN / "python"), "-m", "macros", writer_command, *extra]
    if command not in commands:
        print(__doc__)
        return 0 if command in ("help", "-h", "--help") else 2
    set_up()
    return run(commands[command], command_env())


def command_env() -> dict[str, str]:
    """The environment of every command. Python's compiled files go to .venv/pycache: made once
    instead of at every start (a test run starts Python about a hundred times), and never beside
    the sources, which is what PYTHONDONTWRITEBYTECODE is usually set for."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPYCACHEPREFIX": str(VENV / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(command: list[str], env: dict[str, str]) -> int:
    """Run a command and return its exit status (128 + N when signal N ended it).

    Stopping this process stops the command: SIGTERM (`kill`), and SIGINT sent to this process
    alone, are passed on to it. A Ctrl-C typed in the terminal reaches both processes already, so
    it is not sent a second time (mkdocs serve would stop with a traceback)."""
    started: list[subprocess.Popen[bytes]] = []

    def pass_on(signum: int, _frame: object) -> None:
        if signum == signal.SIGINT and _typed_in_this_terminal():
            return
        if started and started[0].poll() is None:
            started[0].send_signal(signum)

    previous = {}
    if os.name != "nt":  # Windows sends Ctrl-C to the whole console and has no SIGTERM to pass on
        # Handled before the command starts: a signal this process was started ignoring (as
        # background jobs and some test runners start it) then reaches the command, which begins
        # with the default handling of a signal its parent handles.
        previous = {sig: signal.signal(sig, pass_on) for sig in (signal.SIGINT, signal.SIGTERM)}
    child = subprocess.Popen(command, cwd=ROOT, env=env)
    started.append(child)
    try:
        while True:
            try:
                status = child.wait()
                break
            except KeyboardInterrupt:  # Windows: the command got the Ctrl-C too; wait for it
                continue
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status if status >= 0 else 128 - status


def _typed_in_this_terminal() -> bool:
    """Whether a SIGINT most likely came from Ctrl-C in the terminal: this process is in the
    terminal's foreground process group, which the terminal signals as a whole."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Shared test helpers: build a site with the real MkDocs, in a subprocess as a writer would or
in this process with the same output; the tiny fixture sites; one build of the real site."""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MKDOCS = [sys.executable, "-m", "mkdocs"]
# The hosts test records link to (the fixture site's mkdocs.yml lists example.com too).
TEST_HOSTS = ("example.com", ".example")


def pytest_configure(config: pytest.Config) -> None:
    """`check` keeps its cache in the user's cache folder: tests keep theirs in a folder of their
    own, emptied when they end, so no run sees another's."""
    config.beam_cache_home = tempfile.mkdtemp(prefix="beam-test-cache-")  # type: ignore[attr-defined]
    os.environ["XDG_CACHE_HOME"] = config.beam_cache_home  # type: ignore[attr-defined]
    # Whether a build uses the page worker depends on the site, as for writers, unless a test says.
    os.environ.pop("BEAM_WORKER", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(getattr(config, "beam_cache_home", ""), ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `starts_a_worker` go second. pytest-xdist hands the first tests out in turn,
    so the second worker starts on them (long, and needing neither the real site nor a browser)
    while the first builds the real site, instead of both waiting for that one build."""
    early = [item for item in items if item.get_closest_marker("starts_a_worker")]
    rest = [item for item in items if not item.get_closest_marker("starts_a_worker")]
    items[:] = rest[:1] + early + rest[1:]


def run_mkdocs(site_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs <args>` in site_root; output is stdout and stderr together."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [*MKDOCS, *args],
        cwd=site_root,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=300,
    )


class _Lines(logging.Handler):
    """Keeps each log record as `mkdocs build` prints it: 'LEVEL    -  message'."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def build_in_process(
    site_root: Path, site_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict [-d site_dir]` in site_root, run here as MkDocs' command line runs it
    (same events, same log lines, same exit code), without starting a Python: about ten times
    faster. An exception the command line would show as a traceback is printed as one."""
    from click import ClickException
    from mkdocs.commands import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    logger = logging.getLogger("mkdocs")
    handler, level = _Lines(), logger.level
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)  # as the command line sets it
    code = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")  # as outside pytest: warnings are printed, not raised
            overrides = {} if site_dir is None else {"site_dir": str(site_dir)}
            config = load_config(str(site_root / "mkdocs.yml"), strict=True, **overrides)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build.build(config, dirty=False)
            finally:
                config.plugins.on_shutdown()
    except Abort as stop:
        handler.lines += ["", stop.format_message()]
        code = stop.exit_code
    except ClickException as error:
        handler.lines.append(f"Error: {error.format_message()}")
        code = error.exit_code
    except Exception:  # noqa: BLE001 - printed as the command line would, for the tests to see
        handler.lines += traceback.format_exc().splitlines()
        code = 1
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        # The build sets SOURCE_DATE_EPOCH when it is unset; it must not leak into other tests.
        if epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
    command = ["mkdocs", "build", "--strict", *([] if site_dir is None else ["-d", str(site_dir)])]
    return subprocess.CompletedProcess(command, code, "\n".join(handler.lines) + "\n")


def check_in_process(
    site: Path, capsys, monkeypatch, *args: str
) -> subprocess.CompletedProcess[str]:
    """`python -m macros check` in the site's folder, run here: same output, same exit code."""
    monkeypatch.chdir(site)
    capsys.readouterr()
    from macros.cli import main

    code = main(["check", *args])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["check"], code, out, err)


@functools.cache
def built_page(path: Path) -> BeautifulSoup:
    """A built HTML file, parsed once per test process (tests only read it): the real site's
    pages are read by many tests, and parsing is most of their time."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def make_fixture_site(tmp_path: Path, case: Path | None = None) -> Path:
    """A copy of the base fixture site with one case's files laid over it."""
    site = tmp_path / "site-src"
    shutil.copytree(FIXTURES / "_base", site)
    if case is not None:
        for file in case.rglob("*"):
            target = site / file.relative_to(case)
            if file.is_symlink():  # a case about links keeps its link, not a copy of the target
                target.parent.mkdir(parents=True, exist_ok=True)
                target.unlink(missing_ok=True)
                target.symlink_to(os.readlink(file))
            elif file.is_file() and file.name != "expected.txt":
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, target)
    return site


def made_once_per_run(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    make: Callable[[Path], subprocess.CompletedProcess[str]],
) -> Path:
    """`make(folder)` run once per test run, into a folder named `name`: parallel workers
    (pytest-xdist) share what the first worker that needs it made, and all see its failure."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    shared = tmp_path_factory.getbasetemp().parent if worker else tmp_path_factory.getbasetemp()
    out, done, claim = shared / name, shared / f"{name}.done", shared / f"{name}.claim"
    try:
        os.close(os.open(claim, os.O_CREAT | os.O_EXCL))  # only one process gets to make it
    except FileExistsError:
        deadline = time.monotonic() + 300
        while not done.exists():
            assert time.monotonic() < deadline, f"another worker never finished {name}"
            time.sleep(0.2)
    else:
        result = make(out)
        done.write_text(str(result.returncode) + "\n" + result.stdout, encoding="utf-8")
    code, output = done.read_text(encoding="utf-8").split("\n", 1)
    assert code == "0", output
    return out


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built with `mkdocs build --strict` once per test run (in the process that
    needs it first; test_reproducible builds it again with the real command and compares)."""
    return made_once_per_run(tmp_path_factory, "real-site", lambda out: build_in_process(ROOT, out))


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of tests/hostile.py, built once per test run with `mkdocs build --strict`."""
    from hostile import lay_out_hostile_site

    def build(out: Path) -> subprocess.CompletedProcess[str]:
        return run_mkdocs(lay_out_hostile_site(out), "build", "--strict")

    return made_once_per_run(tmp_path_factory, "hostile-site", build) / "site-src" / "site"

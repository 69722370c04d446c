"""Shared test helpers: build a site with the real MkDocs in a subprocess, as a writer would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MKDOCS = [sys.executable, "-m", "mkdocs"]
# The hosts test records link to (the fixture site's mkdocs.yml lists example.com too).
TEST_HOSTS = ("example.com", ".example")


def run_mkdocs(site_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs <args>` in site_root; output is stdout and stderr together."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [*MKDOCS, *args],
        cwd=site_root,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=300,
    )


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


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per test session with `mkdocs build --strict`."""
    out = tmp_path_factory.mktemp("real-site") / "site"
    result = run_mkdocs(ROOT, "build", "--strict", "--site-dir", str(out))
    assert result.returncode == 0, result.stdout
    return out


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of tests/hostile.py, built once per session with `mkdocs build --strict`."""
    from hostile import lay_out_hostile_site

    site = lay_out_hostile_site(tmp_path_factory.mktemp("hostile"))
    result = run_mkdocs(site, "build", "--strict")
    assert result.returncode == 0, result.stdout
    return site / "site"

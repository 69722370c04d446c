"""Atomic builds: a failed or interrupted build never leaves a half-written site where the last good
one was, whichever way it was started and wherever its output goes.

A build writes into `<site>.building` beside the output folder and swaps it in only at the very end.
A build that fails removes that folder; a build that is killed leaves it behind, and the next build
removes it before it starts writing.

Builds run in this process as MkDocs' command line runs them (`build_in_process`), except where the
test needs a real process: to interrupt it with a signal, or to run the README's command.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MKDOCS, ROOT, build_in_process, make_fixture_site

BROKEN_LINK_PAGE = "Intro.\n\nSee [the missing page](missing.md).\n"
BAD_RECORD = "- id: demo.extra\n  kind: dok\n  title: x\n"


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Each file's inode and bytes: builds are reproducible, so only inodes tell a rebuilt copy
    from the untouched original."""
    files = {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.read_bytes())
        for p in folder.rglob("*")
        if p.is_file()
    }
    return {".": (folder.stat().st_ino, b""), **files}


@pytest.fixture(scope="module")
def first_builds(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """The fixture site with two more pages, built once per output place (and worker)."""
    made: dict[str, Path] = {}

    def built(output: str) -> Path:
        if output not in made:
            site = make_fixture_site(tmp_path_factory.mktemp("good"))
            (site / "docs" / "two.md").write_text("# Two\n\nSecond page.\n")
            (site / "docs" / "three.md").write_text("# Three\n\nThird page.\n")
            result = build_in_process(site, site / output)
            assert result.returncode == 0, result.stdout
            made[output] = site
        return made[output]

    return built


@pytest.fixture
def good_site(tmp_path: Path, first_builds) -> Callable[..., tuple[Path, Path, dict]]:
    """A fixture site with a real last good build in it: (source folder, output, its files).
    The build is a copy of one made earlier in the module: what these tests watch is how the
    next build replaces whatever good output is there."""

    def copy(output_name: str = "site") -> tuple[Path, Path, dict]:
        site = tmp_path / "site-source"
        shutil.copytree(first_builds(output_name), site, symlinks=True)
        output = site / output_name
        files = snapshot(output)
        assert "index.html" in files and "two/index.html" in files
        return site, output, files

    return copy


def assert_untouched(output: Path, files: dict) -> None:
    assert snapshot(output) == files, "the last good site changed"
    assert not output.with_name(output.name + ".old").exists()


# --- failing builds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "output",
    ["site", "elsewhere", "out/nested/public"],
    ids=["default", "dash-d-sibling", "dash-d-nested"],
)
def test_a_failing_build_keeps_the_last_good_output_wherever_it_goes(
    good_site, tmp_path: Path, output: str
) -> None:
    site, out, files = good_site(output)
    (site / "sources" / "demo" / "bad.yml").write_text(BAD_RECORD)

    result = build_in_process(site, out)

    assert result.returncode == 1
    assert "sources/demo/bad.yml:2: unknown kind 'dok'" in result.stdout
    assert_untouched(out, files)
    assert not out.with_name(out.name + ".building").exists()


def test_a_page_problem_found_after_rendering_keeps_the_last_good_site(
    good_site, tmp_path: Path
) -> None:
    site, out, files = good_site()
    (site / "docs" / "two.md").write_text('# Two\n\nSee {{ cite("demo.nope") }}.\n')

    result = build_in_process(site, site / "site")

    assert result.returncode == 1
    assert "docs/two.md:3: unknown source 'demo.nope' in cite()." in result.stdout
    assert_untouched(out, files)
    assert not (site / "site.building").exists()


@pytest.mark.parametrize("strict_from", ["mkdocs.yml", "command line"])
def test_a_strict_warning_after_pages_are_written_keeps_the_last_good_site(
    good_site, tmp_path: Path, strict_from: str
) -> None:
    site, out, files = good_site()
    if strict_from == "command line":
        config = site / "mkdocs.yml"
        config.write_text(config.read_text().replace("strict: true", "strict: false"))
    (site / "docs" / "two.md").write_text(BROKEN_LINK_PAGE)

    result = build_in_process(site)

    assert result.returncode == 1
    assert "contains a link 'missing.md', but the target is not found" in result.stdout
    assert "Aborted with 1 warnings in strict mode!" in result.stdout
    assert_untouched(out, files)
    assert not (site / "site.building").exists()


def test_a_warning_logged_before_the_plugin_starts_still_stops_a_strict_build(
    good_site,
    tmp_path: Path,
) -> None:
    """MkDocs counts every warning of the build; publishing must not miss one that came early."""
    site, out, files = good_site()
    (site / "early.py").write_text(
        "import logging\n"
        "from mkdocs.plugins import event_priority\n\n"
        "@event_priority(100)\n"
        "def on_config(config):\n"
        "    logging.getLogger('mkdocs.hooks.early').warning('an early warning')\n"
    )
    config = site / "mkdocs.yml"
    config.write_text(config.read_text() + "hooks:\n  - early.py\n")

    result = build_in_process(site)

    assert result.returncode == 1
    assert "an early warning" in result.stdout
    assert_untouched(out, files)


def test_the_readme_build_command_keeps_the_last_good_site_when_it_fails(
    good_site, tmp_path: Path
) -> None:
    """`python3 dev.py build` runs the same strict build; its install step is skipped here only."""
    site, out, files = good_site()
    (site / "docs" / "two.md").write_text(BROKEN_LINK_PAGE)
    run_dev = (
        "import sys, dev; dev.set_up = lambda: None; "
        f"sys.exit(dev.main(['build', '-f', {str(site / 'mkdocs.yml')!r}]))"
    )

    result = subprocess.run(
        [sys.executable, "-c", run_dev],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Aborted with 1 warnings in strict mode!" in result.stdout + result.stderr
    assert_untouched(out, files)


# --- interrupted builds -------------------------------------------------------------------------

SLOW_HOOK = """\
import os
import time
from pathlib import Path

from mkdocs.plugins import event_priority


def on_post_page(output, page, config):
    if os.environ.get("BEAM_TEST_PAUSE") == "pages" and page.file.src_uri == "two.md":
        pause()
    return output


@event_priority(50)  # before the beam plugin's own post-build step, which publishes
def on_post_build(config):
    if os.environ.get("BEAM_TEST_PAUSE") == "publish":
        pause()


def pause():
    Path(os.environ["BEAM_TEST_MARKER"]).write_text(os.environ["BEAM_TEST_PAUSE"])
    time.sleep(120)
"""


def start_paused_build(site: Path, pause_at: str, marker: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "BEAM_TEST_PAUSE": pause_at,
        "BEAM_TEST_MARKER": str(marker),
    }
    return subprocess.Popen(
        [*MKDOCS, "build", "--strict"],
        cwd=site,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        # A test runner may start us with Ctrl-C ignored; the build must see it as a reader would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.parametrize("pause_at", ["pages", "publish"])
@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_an_interrupted_build_keeps_the_last_good_site(
    good_site, tmp_path: Path, pause_at: str, signal_name: str
) -> None:
    site, out, files = good_site()
    (site / "hooks_slow.py").write_text(SLOW_HOOK)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text() + "hooks:\n  - hooks_slow.py\n")
    marker = tmp_path / "paused"

    build = start_paused_build(site, pause_at, marker)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), build.stdout.read() if build.poll() is not None else "no pause"
        staged = snapshot(site / "site.building")  # the new build is half (or all) written
        assert ("two/index.html" in staged) == (pause_at == "publish"), sorted(staged)
        assert any(name.startswith("assets/") for name in staged)
        build.send_signal(getattr(signal, signal_name))
        output, _ = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()

    assert build.returncode != 0, output
    assert "Traceback" not in output  # Ctrl-C prints MkDocs' "Aborted!"; a kill prints nothing
    assert_untouched(out, files)

    # The killed build's staging folder may remain; the next build clears it and publishes.
    (site / "hooks_slow.py").write_text("")
    result = build_in_process(site)
    assert result.returncode == 0, result.stdout
    assert not (site / "site.building").exists()
    assert snapshot(out).keys() == files.keys()


def test_a_publish_cut_short_between_its_two_renames_is_repaired(good_site, tmp_path: Path) -> None:
    """Killed after moving the old site aside but before moving the new one in: only
    `site.old` exists. The next build, even a failing one, puts it back first."""
    site, out, files = good_site()
    out.rename(site / "site.old")
    (site / "sources" / "demo" / "bad.yml").write_text(BAD_RECORD)

    result = build_in_process(site)

    assert result.returncode == 1
    assert_untouched(out, files)

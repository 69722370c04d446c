"""dev.py, the writers' entry point: stopping it stops what it runs, it exits as that did, and the
preview address the README gives is the one serve uses."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, make_fixture_site

from macros.settings import read_mkdocs_yml

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")


def dev_py(*args: str, setup: str = "") -> subprocess.Popen[str]:
    """`python3 dev.py ARGS` with its install step skipped (this interpreter has everything)."""
    code = (
        "import sys, dev; from pathlib import Path; dev.set_up = lambda: None; "
        f"dev.BIN = Path(sys.executable).parent; {setup}sys.exit(dev.main({list(args)!r}))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,  # no terminal: a SIGINT can only come from kill
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so leftovers can be cleaned up
        # Started as a background job is, with Ctrl-C ignored: a SIGINT must still stop it all.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )


def clean_up(process: subprocess.Popen[str]) -> None:
    """Kill whatever a failed test left running in the process's group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_served(url: str, process: subprocess.Popen[str], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    clean_up(process)
    pytest.fail(f"{url} was never served: {process.communicate()[0]}")


def refuses_connections(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["kill", "interrupt"])
def test_stopping_dev_py_serve_stops_mkdocs_serve(tmp_path: Path, stop: signal.Signals) -> None:
    site = make_fixture_site(tmp_path)
    port = free_port()
    serve = dev_py("serve", "-f", str(site / "mkdocs.yml"), "-a", f"127.0.0.1:{port}")
    wait_until_served(f"http://127.0.0.1:{port}/", serve)

    serve.send_signal(stop)
    try:
        output, _ = serve.communicate(timeout=60)
        stopped = refuses_connections(port)
    finally:
        clean_up(serve)

    assert stopped, "mkdocs serve kept serving after dev.py was stopped"
    # mkdocs serve ends on SIGINT by itself (status 0) and is ended by SIGTERM (143 = 128 + 15).
    assert serve.returncode == (0 if stop == signal.SIGINT else 128 + signal.SIGTERM), output
    assert "Traceback" not in output


CHILD = """\
import signal, sys, time
from pathlib import Path
def stop(signum, frame):
    Path(sys.argv[1]).write_text(f"got {signum}")
    sys.exit(3)
signal.signal(signal.SIGTERM, stop)
Path(sys.argv[1]).write_text("ready")
time.sleep(60)
"""


def test_dev_py_passes_sigterm_on_and_exits_with_the_commands_status(tmp_path: Path) -> None:
    child, said = tmp_path / "child.py", tmp_path / "said.txt"
    child.write_text(CHILD)
    setup = (
        f"dev.main = lambda argv: dev.run([sys.executable, {str(child)!r}, {str(said)!r}], "
        "dict(__import__('os').environ)); "
    )
    runner = dev_py("anything", setup=setup)
    deadline = time.monotonic() + 30
    while not (said.exists() and said.read_text() == "ready") and time.monotonic() < deadline:
        time.sleep(0.05)

    runner.send_signal(signal.SIGTERM)
    try:
        runner.communicate(timeout=30)
    finally:
        clean_up(runner)

    assert said.read_text() == f"got {signal.SIGTERM.value}"
    assert runner.returncode == 3


def test_the_readme_gives_the_address_serve_really_uses() -> None:
    """mkdocs serve serves the site under the path of site_url (for GitHub Pages, /beam-help/)."""
    path = urlsplit(read_mkdocs_yml(ROOT)["site_url"]).path
    address = f"http://127.0.0.1:8000{path}"
    assert path not in ("", "/")
    for document in ("README.md", "CONTRIBUTING.md", "dev.py"):
        text = (ROOT / document).read_text(encoding="utf-8")
        assert address in text, document
        assert "http://127.0.0.1:8000>" not in text and "http://127.0.0.1:8000 " not in text


def test_dev_py_runs_new_product() -> None:
    runner = dev_py("new-product", "--help")
    output, _ = runner.communicate(timeout=60)
    assert runner.returncode == 0, output
    assert output.startswith("usage: python -m macros new-product")


def test_set_up_installs_with_the_commands_compiled_file_folder(
    tmp_path: Path, monkeypatch
) -> None:
    """pip compiles what it installs: in the commands' environment those files land in
    .venv/pycache, where the commands look, instead of beside the sources, where none looks."""
    import dev

    calls: list[dict] = []
    monkeypatch.setattr(dev, "STAMP", tmp_path / ".beam-installed")
    monkeypatch.setattr(dev, "BIN", Path(sys.executable).parent)  # python exists: no venv made
    monkeypatch.setattr(dev.subprocess, "run", lambda command, **options: calls.append(options))
    dev.set_up()
    assert len(calls) == 1
    assert calls[0]["env"]["PYTHONPYCACHEPREFIX"] == str(dev.VENV / "pycache")
    assert "PYTHONDONTWRITEBYTECODE" not in calls[0]["env"]

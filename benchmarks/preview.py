"""The writer's preview: how long after saving a page `mkdocs serve` shows the change.

Owns: starting serve on a free port, editing one page, polling its URL until the new words appear,
and restoring the page. Does not own: the sites (gen_site.py) or the report (run.py).

How it measures: serve is started and left to finish its first build; then a unique sentence is
inserted into one page and the clock starts when the file is written. The page's URL is fetched
every 50 ms until the served HTML holds that sentence. This is what a writer sees in a browser
(live reload adds only the page fetch). Each edit is timed separately; the page is restored after.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from gen_site import read_real_config
from measure import ENV, PYTHON

POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Preview:
    command: str
    first_build_seconds: float
    edit_seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.edit_seconds)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _wait_for(url: str, text: str, timeout: float, server: subprocess.Popen) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"serve exited with {server.returncode}")
        if text in _fetch(url):
            return time.perf_counter() - start
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"{text!r} did not appear at {url} within {timeout:.0f} s")


def _with_sentence(source: str, sentence: str) -> str:
    """The page with one sentence added as the first body paragraph (after the front matter)."""
    if source.startswith("---\n"):
        end = source.index("\n---\n", 4) + len("\n---\n")
        return f"{source[:end]}\n{sentence}\n{source[end:]}"
    return f"{sentence}\n\n{source}"


def measure_preview(
    site: Path, page: str, flags: list[str], edits: int = 3, settle: float = 2.0
) -> Preview:
    """Serve `site` with `mkdocs serve <flags>`, edit docs/`page` `edits` times, time each."""
    config = read_real_config(site / "mkdocs.yml")
    mount = urlsplit(config.get("site_url") or "/").path.rstrip("/") + "/"
    port = _free_port()
    url = f"http://127.0.0.1:{port}{mount}{page.removesuffix('.md')}/"
    command = ["mkdocs", "serve", *flags, "--dev-addr", f"127.0.0.1:{port}"]
    source_file = site / "docs" / page
    original = source_file.read_text(encoding="utf-8")
    times = []
    with tempfile.TemporaryFile(mode="w+") as log:
        server = subprocess.Popen(
            [PYTHON, "-m", *command], cwd=site, env=ENV, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            first = _wait_for(url, "</html>", 1800, server)
            time.sleep(settle)  # let the file watcher take its first snapshot of every folder
            for number in range(edits):
                sentence = f"Preview check number {number} at {time.time_ns()}."
                source_file.write_text(_with_sentence(original, sentence), encoding="utf-8")
                times.append(_wait_for(url, sentence, 600, server))
                time.sleep(settle)
        except (RuntimeError, TimeoutError) as error:
            log.seek(0)
            raise RuntimeError(f"{error}\n{log.read()[-3000:]}") from None
        finally:
            source_file.write_text(original, encoding="utf-8")
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return Preview(" ".join(command[:-2]), first, times)

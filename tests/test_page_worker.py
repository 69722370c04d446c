"""The page worker (macros/page_worker.py): when a build uses it, and what a build sees when it
fails. That a site built with it is byte for byte the site built without it is shown by
test_reproducible.py, which builds the real site both ways."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from conftest import ROOT

from macros import page_worker
from macros.minify import page as minified
from macros.page_worker import Batches, PageWorker, WorkerFailed

PAGE = '<!doctype html>\n<html>\n  <head>\n    <title>T</title>\n  </head>\n  <body>\n    <p class="a">Hi</p>\n  </body>\n</html>\n'


@pytest.mark.parametrize(
    ("setting", "pages", "cpus", "used"),
    [
        ("", 1000, 2, True),  # a large site on a machine with a CPU to spare
        ("", 1000, 1, False),  # one CPU: a second process would only take turns with the first
        ("", page_worker.MIN_PAGES - 1, 4, False),  # small: starting it costs more than it saves
        ("0", 1000, 4, False),
        ("1", 3, 1, True),
        ("yes", 3, 4, False),  # not 0 or 1: decided by the site, as when unset
    ],
)
def test_the_worker_is_used_on_large_sites_with_a_cpu_to_spare(
    monkeypatch: pytest.MonkeyPatch, setting: str, pages: int, cpus: int, used: bool
) -> None:
    monkeypatch.setenv(page_worker.ENV, setting)
    monkeypatch.setattr(page_worker, "_cpus", lambda: cpus)
    assert page_worker.wanted(pages) is used


def test_a_machine_that_cannot_start_the_worker_builds_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_semaphores() -> None:
        raise OSError("[Errno 38] Function not implemented")

    monkeypatch.setenv(page_worker.ENV, "1")
    monkeypatch.setattr(page_worker, "_process", no_semaphores)
    worker = PageWorker()
    worker.start(pages=1000)
    assert not worker.active
    assert worker.minified("<p>  a </p>", "unused") == minified("<p>  a </p>")


def test_without_the_worker_jobs_run_at_once() -> None:
    worker = PageWorker()
    worker.start(pages=1)
    assert not worker.active
    assert worker.run(str.upper, "abc").result() == "abc".upper()


def test_the_worker_minifies_written_pages_and_names_those_it_could_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(page_worker.ENV, "1")
    written, missing = tmp_path / "written.html", tmp_path / "gone" / "index.html"
    worker = PageWorker()
    worker.start(pages=2)
    assert worker.active
    for path in (written, missing):
        worker.minify_once_written(str(path))  # the page before is written by now, as in MkDocs
        if path == written:
            written.write_text(PAGE, encoding="utf-8")
    with pytest.raises(WorkerFailed) as failed:
        worker.finish()
    assert written.read_text(encoding="utf-8") == minified(PAGE) != PAGE
    message = str(failed.value)
    assert message.startswith("1 page(s) could not be minified, so nothing was published")
    assert str(missing) in message and "Traceback" not in message
    worker.start(pages=1)  # the next build starts a new worker, which works
    assert worker.run(len, "four").result() == 4


def test_a_worker_that_dies_stops_the_build_with_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(page_worker.ENV, "1")
    worker = PageWorker()
    worker.start(pages=2)
    with pytest.raises(BrokenProcessPool):
        worker.run(os._exit, 1).result()  # as if the system had killed it
    with pytest.raises(WorkerFailed, match="stopped; nothing was published. Build again"):
        worker.run(len, "four")
    worker.start(pages=1)
    dying = worker.run(os._exit, 1)
    with pytest.raises(WorkerFailed, match="stopped; nothing was published. Build again") as why:
        worker.result(dying)  # as the build waits for its page checks
    assert why.value.__cause__ is None and why.value.__suppress_context__
    worker.start(pages=1)
    with pytest.raises(WorkerFailed, match=r"failed on a page \(ValueError: invalid literal"):
        worker.result(worker.run(int, "four"))  # a job that raises: a bug, said plainly
    with pytest.raises(WorkerFailed, match=r"failed on docs/a\.md or a page after it \(Value"):
        worker.result(worker.run(int, "four"), "docs/a.md or a page after it")
    assert worker.result(worker.run(int, "4")) == 4  # and the worker is still there
    worker.start(pages=1)  # the next build starts a new worker, which works
    assert worker.run(len, "four").result() == 4


def test_the_worker_ends_when_the_build_is_killed(tmp_path: Path) -> None:
    """A build killed mid-way (`kill -9`, a closed terminal) cannot stop its worker; the worker
    must not wait for pages for ever."""
    script = tmp_path / "build.py"
    script.write_text(
        "import os, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from macros.page_worker import PageWorker\n"
        "if __name__ == '__main__':\n"
        "    worker = PageWorker()\n"
        "    worker.start(pages=1)\n"
        "    print(worker.run(os.getpid).result(), flush=True)\n"
        "    os._exit(0)  # as a killed build: no clean-up at all\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(script)],
        env={**os.environ, page_worker.ENV: "1"},
        capture_output=True,
        text=True,
        timeout=20,
    )
    worker_pid = int(result.stdout)
    deadline = time.monotonic() + 10
    while _running(worker_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(worker_pid), "the worker outlived its build"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _lengths(texts: list[bytes]) -> list[int]:
    return [len(text.decode("utf-8", "surrogatepass")) for text in texts]


@pytest.mark.parametrize("setting", ["1", "0"])
def test_batches_come_back_in_the_order_their_pages_went_in(
    monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    monkeypatch.setenv(page_worker.ENV, setting)
    worker = PageWorker()
    worker.start(pages=1)
    batches = Batches(worker, _lengths)
    texts = ["é" * n for n in range(page_worker.BATCH + 4)]  # not ASCII: sent as UTF-8
    for number, text in enumerate(texts):
        batches.add(text, number)
    if worker.active:
        assert len(batches.sent) == 1 and len(batches.waiting) == 4  # one full batch went
    else:
        assert len(batches.sent) == len(texts) and not batches.waiting  # each done at once
        assert all(job.done() for job, _ in batches.sent)
    batches.send()
    taken = [
        (number, length)
        for job, numbers in batches.taken(wait=True)
        for number, length in zip(numbers, worker.result(job), strict=True)
    ]
    assert taken == [(number, number) for number in range(len(texts))]
    assert not batches.sent and not batches.waiting


def test_a_search_job_that_fails_names_the_first_page_of_its_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    from macros.search_index import LexborSearchIndex

    monkeypatch.setenv(page_worker.ENV, "1")
    worker = PageWorker()
    worker.start(pages=2)
    index = LexborSearchIndex(lang=["en"], separator=" ")
    index.use(worker)
    index.pages = Batches(worker, int)  # int() of a list of pages raises: a job that fails
    for name in ("a.md", "b.md"):
        page = SimpleNamespace(content="<p>x</p>", meta={}, file=SimpleNamespace(src_uri=name))
        index.add_entry_from_context(page)
    with pytest.raises(WorkerFailed, match=r"failed on a\.md or a page after it \(TypeError"):
        index.generate_search_index(None)
    assert not index.pages.sent and not index.pages.waiting
    assert worker.result(worker.run(len, "four")) == 4  # the worker is still there

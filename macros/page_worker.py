"""A second process for the work a converted page still needs: checking its body against the
allowlist, cutting it into search sections and minifying its file, done beside the build when the
machine has a CPU to spare.

Owns: whether a build uses the worker, handing it pages in page order, and waiting for all of it
before the build publishes. Does not own: what checking, indexing or minifying does (allowlist.py,
search_index.py and minify.py; the worker runs those same functions, so the site and its problems
are the same with it or without it) or how a build sends bodies to check (body_checks.py).

Why: MkDocs builds pages one after another in one process. Indexing a page for search and
minifying it took about a seventh of a 1,000-page build (5.8 of 40 s) and need nothing from later
pages, so a second CPU can do them while the first builds the next page; the allowlist's reading
of each page body (about 2 s of a 37 s build at 1,000 how-tos) went the same way. Starting the
process costs a few tenths of a second of CPU, so small sites (and machines with one CPU) do the
work in place.

BEAM_WORKER=1 always uses the worker, BEAM_WORKER=0 never does; unset, the build uses it with two
or more CPUs and at least MIN_PAGES pages.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar

from mkdocs.exceptions import PluginError

from . import minify
from .build_log import log

ENV = "BEAM_WORKER"
MIN_PAGES = 200
# Pages go to the worker in batches. A job crosses between the processes through threads that
# must each take this process's GIL from the busy build, a few milliseconds a crossing; with one
# job per page the worker fell behind (a second of waiting at the end of a 300-page build).
BATCH = 16

T = TypeVar("T")
R = TypeVar("R")


STOPPED = (
    "the second process that checks, indexes and minifies pages stopped; nothing was "
    f"published. Build again, or set {ENV}=0 to do that work in the build's process"
)


class WorkerFailed(PluginError):
    """The worker could not finish a page; MkDocs stops the build with this message, no traceback."""


def wanted(pages: int) -> bool:
    setting = os.environ.get(ENV, "").strip()
    if setting in ("0", "1"):
        return setting == "1"
    return pages >= MIN_PAGES and _cpus() >= 2


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # what this process may use, as in a container
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@functools.cache
def _process() -> ProcessPoolExecutor:
    # One process for the life of this one: `mkdocs serve` rebuilds reuse it. Spawned, not forked,
    # since serve runs threads, and forking a process with threads can copy a held lock.
    return ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_in_the_worker
    )


def _in_the_worker() -> None:
    # A Ctrl-C typed in the terminal reaches the worker too; the build, which owns it, stops it,
    # so the writer sees no traceback from the worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A build that is killed (`kill`, a closed terminal) cannot tell its worker to stop, and the
    # worker would wait for pages for ever: it ends when the build's process does.
    build = multiprocessing.parent_process()
    if build is not None:
        threading.Thread(target=_end_with, args=(build,), daemon=True).start()


def _end_with(build: multiprocessing.process.BaseProcess) -> None:
    build.join()
    os._exit(0)


def minify_file(path: str) -> None:
    """Minify the page MkDocs wrote to `path`, in place (MkDocs writes pages the same way)."""
    with open(path, encoding="utf-8") as page:
        html = page.read()
    with open(path, "w", encoding="utf-8", newline="") as page:
        page.write(minify.page(html))


def minify_files(paths: list[str]) -> list[str]:
    """Minify each page in place; "path: why" for each one that could not be."""
    failed = []
    for path in paths:
        try:
            minify_file(path)
        except (OSError, UnicodeError) as error:
            failed.append(f"{path}: {error}")
    return failed


class Batches(Generic[R]):
    """Pages' text sent to the worker in batches for `function`, which returns one result per
    page; the results come back in the order the pages went in, each with what the caller
    attached to its page. Without a worker, each page is done here as it is added."""

    def __init__(self, worker: PageWorker, function: Callable[[list[bytes]], list[R]]):
        self.worker, self.function = worker, function
        self.waiting: list[tuple[bytes, Any]] = []  # (text, attached) not sent yet
        self.sent: deque[tuple[Future[list[R]], list[Any]]] = deque()

    def add(self, text: str, attached: Any) -> None:
        # Bytes, not str: pickling a str that is not all ASCII leaves a UTF-8 copy on the str
        # for its life, and MkDocs keeps every page's content (28 KB more a page at 1,000 pages).
        self.waiting.append((text.encode("utf-8", "surrogatepass"), attached))
        if len(self.waiting) >= self.worker.batch:
            self.send()

    def send(self) -> None:
        """Send the pages added since the last batch went, however few."""
        if self.waiting:
            texts = [text for text, _ in self.waiting]
            attached = [item for _, item in self.waiting]
            self.waiting = []
            self.sent.append((self.worker.run(self.function, texts), attached))

    def taken(self, wait: bool) -> Iterator[tuple[Future[list[R]], list[Any]]]:
        """The batches sent, oldest first, while their results are in (all of them when wait)."""
        while self.sent and (wait or self.sent[0][0].done()):
            yield self.sent.popleft()

    def clear(self) -> None:
        self.waiting, self.sent = [], deque()


class PageWorker:
    """One build's use of the worker, or of this process when the build does not use it."""

    def __init__(self) -> None:
        self.process: ProcessPoolExecutor | None = None
        self.jobs: list[Future[list[str]]] = []  # minify jobs not waited for yet
        self.written: list[str] = []  # pages written, for the next minify job
        self.written_next: str | None = None  # the page MkDocs writes once on_post_page returns

    @property
    def active(self) -> bool:
        return self.process is not None

    def start(self, pages: int, warm_up: Callable[[], object] | None = None) -> None:
        """Before the pages are built: use the worker for this build if it pays. `warm_up` runs
        in it at once, so that it has started and imported what its jobs need by the time MkDocs
        hands over the first page (a third of a second, otherwise waited for at the end)."""
        self.process = None
        if wanted(pages):
            try:
                self.process = _process()
            except (OSError, ImportError, NotImplementedError) as why:
                # No working semaphores (some sandboxes lack /dev/shm): do the work in place.
                log.info(f"Checking, indexing and minifying pages in the build's process: {why}")
        self.jobs, self.written, self.written_next = [], [], None
        if self.process is not None:
            if warm_up is not None:
                self._submit(warm_up)
            log.info(
                f"Checking, indexing and minifying {pages} pages in a second process ({ENV}=0 keeps it in this one)"
            )

    def run(self, function: Callable[..., T], *args: Any) -> Future[T]:
        """function(*args) in the worker, or here and now without one."""
        if self.process is not None:
            return self._submit(function, *args)
        done: Future[T] = Future()
        done.set_result(function(*args))
        return done

    def minified(self, output: str, path: str) -> str:
        """A finished page as MkDocs should write it to `path`: minified here without the worker;
        as it is with one, to be minified once written."""
        if self.process is None:
            return minify.page(output)
        if output.strip():  # MkDocs writes no file for an empty page
            self.minify_once_written(path)
        return output

    def minify_once_written(self, path: str) -> None:
        """Minify the page MkDocs is about to write to `path`. MkDocs writes it after the last
        on_post_page handler returns, so the file is handed over at the next page, or at finish."""
        self._hand_over()
        self.written_next = path

    @property
    def batch(self) -> int:
        """How many pages to send the worker at once (one at a time without a worker)."""
        return BATCH if self.process is not None else 1

    def _hand_over(self, all_written: bool = False) -> None:
        if self.written_next is not None:
            self.written.append(self.written_next)
        self.written_next = None
        if (
            self.process is not None
            and self.written
            and (all_written or len(self.written) >= self.batch)
        ):
            self.jobs.append(self._submit(minify_files, self.written))
            self.written = []

    def _submit(self, function: Callable[..., T], *args: Any) -> Future[T]:
        assert self.process is not None
        try:
            return self.process.submit(function, *args)
        except BrokenProcessPool:  # it stopped (killed, or out of memory): say so, no traceback
            raise self._stopped() from None

    def _stopped(self) -> WorkerFailed:
        """Forget a worker that stopped, with its jobs, and the message that says so."""
        forget_broken()
        self.process, self.jobs, self.written, self.written_next = None, [], [], None
        return WorkerFailed(STOPPED)

    def result(self, job: Future[T], pages: str = "a page") -> T:
        """What job returned; WorkerFailed, with no traceback, if it failed or the worker stopped.
        `pages` names the job's pages for the message."""
        try:
            return job.result()
        except BrokenProcessPool:  # killed, or out of memory
            raise self._stopped() from None
        except Exception as error:  # the job itself failed: a bug, said without a traceback
            raise WorkerFailed(
                f"the second process failed on {pages} ({type(error).__name__}: {error}); "
                f"nothing was published. Set {ENV}=0 to do that work in the build's process"
            ) from None

    def finish(self) -> None:
        """Wait until every page is minified; raise WorkerFailed naming the pages that were not."""
        self._hand_over(all_written=True)
        jobs, self.jobs = self.jobs, []
        failed = []
        for job in jobs:
            try:
                failed += job.result()
            except Exception as error:  # whatever stopped the worker, such as BrokenProcessPool
                failed.append(str(error))
        if failed:
            forget_broken()
            raise WorkerFailed(
                f"{len(failed)} page(s) could not be minified, so nothing was published: "
                + "; ".join(failed[:3])
            )

    def abandon(self) -> None:
        """After a failed build: let running jobs end before their folder goes; keep nothing."""
        self.written, self.written_next = [], None
        jobs, self.jobs = self.jobs, []
        for job in jobs:
            if not job.cancel():
                job.exception()  # waits for it to end


def forget_broken() -> None:
    """A worker that failed is not used again; the next build starts a new one."""
    if _process.cache_info().currsize:
        _process().shutdown(wait=False, cancel_futures=True)
    _process.cache_clear()

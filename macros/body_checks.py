"""The allowlist's check of every page body in a build, in the page worker when the build has one.

Owns: sending page bodies to the worker in batches, and turning what it found into problems at
page lines, in page order. Does not own: the allowlist (allowlist.py), the worker
(page_worker.py) or when the build stops for a problem (plugin.py, in on_env).

Why: reading each body with lexbor took about 2 s of a 37 s build at 1,000 how-tos, all of it in
the build's process while the worker sat idle. The check still ends before any page is written:
MkDocs converts every page first, then calls on_env, then writes the pages, and the build asks
for the problems in on_env.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

from . import allowlist
from .allowlist import Finding
from .page_worker import PageWorker
from .problems import Problem


@dataclass(frozen=True)
class _Body:
    """Where a body sent to the worker came from: enough to place its findings on lines."""

    path: str
    source: str
    first_line: int


class BodyChecks:
    """One build's page-body checks."""

    def __init__(self, worker: PageWorker):
        self.worker = worker
        self.waiting: list[tuple[bytes, _Body]] = []
        self.sent: list[tuple[Future[list[list[Finding]]], list[_Body]]] = []

    def check(self, body_html: str, path: str, source: str, first_line: int) -> list[Problem]:
        """The page's problems now without a worker; with one, [] now and the rest in problems()."""
        if not self.worker.active:
            return allowlist.page_problems(body_html, path, source, first_line)
        # Bytes, not str: pickling a str that is not all ASCII leaves a UTF-8 copy on it.
        body = body_html.encode("utf-8", "surrogatepass")
        self.waiting.append((body, _Body(path, source, first_line)))
        if len(self.waiting) >= self.worker.batch:
            self._send()
        return []

    def _send(self) -> None:
        bodies = [body for body, _ in self.waiting]
        sources = [source for _, source in self.waiting]
        self.waiting = []
        self.sent.append((self.worker.run(allowlist.findings_of, bodies), sources))

    def problems(self) -> list[Problem]:
        """What the worker found in the pages checked so far, in the order they were checked."""
        if self.waiting:
            self._send()
        sent, self.sent = self.sent, []
        problems: list[Problem] = []
        for job, sources in sent:
            found_in_each: list[list[Finding]] = self.worker.result(job)
            for found, body in zip(found_in_each, sources, strict=True):
                problems += allowlist.problems_at_lines(
                    found, body.path, body.source, body.first_line
                )
        return problems

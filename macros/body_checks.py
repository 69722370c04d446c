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

from dataclasses import dataclass

from . import allowlist
from .allowlist import Finding
from .page_worker import Batches, PageWorker
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
        self.bodies: Batches[list[Finding]] = Batches(worker, allowlist.findings_of)

    def check(self, body_html: str, path: str, source: str, first_line: int) -> list[Problem]:
        """The page's problems now without a worker; with one, [] now and the rest in problems()."""
        if not self.worker.active:
            return allowlist.page_problems(body_html, path, source, first_line)
        self.bodies.add(body_html, _Body(path, source, first_line))
        return []

    def problems(self) -> list[Problem]:
        """What the worker found in the pages checked so far, in the order they were checked."""
        self.bodies.send()
        problems: list[Problem] = []
        for job, bodies in self.bodies.taken(wait=True):
            found_in_each: list[list[Finding]] = self.worker.result(job)
            for found, body in zip(found_in_each, bodies, strict=True):
                problems += allowlist.problems_at_lines(
                    found, body.path, body.source, body.first_line
                )
        return problems

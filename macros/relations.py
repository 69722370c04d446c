"""Relations between pages of different products: `same_task` in a how-to's front matter.

Owns: what a `same_task` value may be, the link it becomes, and the site-wide rule that both ends
name each other. Does not own: reading front matter (frontmatter.py) or rendering (pages.py).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .problems import Location, Problem, did_you_mean
from .rendered_page import RenderedPage

FIELD = "same_task"
EXAMPLE = "same_task: zoho-crm/bulk-write/create-bulk-write-job.md"


@dataclass(frozen=True)
class Target:
    path: str  # relative to the docs folder, as written: zoho-crm/bulk-write/x.md
    product: str  # its first folder


def same_task_target(value: object, products: Mapping[str, str]) -> Target | None:
    """The page a `same_task` value names, or None when it names none a link can be made to."""
    if not isinstance(value, str) or not value.endswith(".md") or value.startswith("/"):
        return None
    path = posixpath.normpath(value)
    product = path.split("/", 1)[0]
    if path.startswith("..") or "/" not in path or product not in products:
        return None
    return Target(path, product)


def relative_link(page_path: str, target: str, docs_dir: str = "docs") -> str:
    """The Markdown link from a page (docs/a/b.md) to a page named from the docs folder."""
    here = posixpath.dirname(page_path.removeprefix(docs_dir.rstrip("/") + "/"))
    return posixpath.relpath(target, here or ".")


def relation_problems(
    pages: Iterable[RenderedPage], products: Mapping[str, str], docs_dir: str = "docs"
) -> list[Problem]:
    """Every `same_task` that names no page of another product, or whose page does not name it
    back: a one-sided relation would send readers one way only."""
    prefix = docs_dir.rstrip("/") + "/"
    by_path = {page.path.removeprefix(prefix): page for page in pages}
    problems = []
    for here, page in by_path.items():
        value = page.meta.get(FIELD)
        if value is None:
            continue
        at = Location(page.path, page.meta_lines.get(FIELD, 1))
        target = same_task_target(value, products)
        if target is None:
            problems.append(
                Problem(
                    at,
                    f"same_task is {value!r}, which is not a page of a product in mkdocs.yml",
                    f"Name the page from the docs folder, such as {EXAMPLE}",
                    "same-task",
                )
            )
            continue
        own_product = page.meta.get("product", here.split("/", 1)[0])
        other = by_path.get(target.path)
        if target.product == own_product:
            todo, what = "Name the matching page of the other product", "this page's own product"
        elif other is None:
            candidates = [p for p in by_path if p.startswith(target.product + "/")]
            todo = f"Check the path.{did_you_mean(target.path, candidates)}"
            what = "no page (there is no such file under docs/)"
        elif other.meta.get(FIELD) is None:
            todo = f"Add 'same_task: {here}' to the front matter of {other.path}"
            what = "a page that does not name this page back (it has no same_task)"
        elif posixpath.normpath(str(other.meta[FIELD])) != here:
            todo = f"Make its same_task '{here}', or point this one at the page it names"
            what = f"a page whose same_task names another page ({other.meta[FIELD]})"
        else:
            continue
        problems.append(Problem(at, f"same_task names {what}", todo, "same-task"))
    return problems

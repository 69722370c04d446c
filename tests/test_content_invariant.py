"""A content change that passes `check --strict` and the strict build passes the content tests.

In a copy of the repository, a writer adds a how-to with two new records and its nav entry, and a
whole new product (its line under `products`, records, landing page, a how-to, a nav section and
a link from the home page). Then `check --strict` must pass, and so must the tests that read the
real content (which also build the copy strictly), run by pytest inside the copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, check_in_process

# The tests that read the real content: pages, records, nav and the strictly built site. The
# test that runs the example tests under a tracer reads only `code` records and examples/, which
# this change leaves alone; it is left out here to keep the suite fast.
CONTENT_TESTS = ["tests/test_content.py", "tests/test_site.py", "tests/test_outputs.py"]
UNCHANGED_BY_CONTENT = "not runs_in_the_example_tests"

NEW_RECORDS = """\
- id: zoho-crm.bulk-read.invariant-doc
  kind: doc
  title: "Bulk Read API overview (a page added by a writer)"
  url: https://www.zoho.com/crm/developer/docs/api/v8/bulk-read/overview.html
  verified_on: 2026-11-29

- id: zoho-crm.bulk-read.invariant-limit
  kind: config
  title: "A limit added by a writer"
  value: "200000"
  url: https://www.zoho.com/crm/developer/docs/api/v8/bulk-read/overview.html
  verified_on: 2026-11-29
"""

HOW_TO = """\
---
title: How to {what}
type: how-to
product: {product}
summary: A page a writer added, to prove that valid content passes the tests.
---

## Why this matters

It matters {{{{ cite("{doc}") }}}}.

## Step-by-step

1. Keep under {{{{ fact("{limit}") }}}}.

## Common pitfalls

- **Too many.** Stay under the limit {{{{ cite("{limit}") }}}}.

## What to check

- **The overview.** Read it again {{{{ cite("{doc}") }}}}.
"""

# The new product's own records: its own page, so they are not duplicates of the CRM ones.
DESK_RECORDS = NEW_RECORDS.replace("zoho-crm.bulk-read.invariant", "zoho-desk.invariant").replace(
    "https://www.zoho.com/crm/developer/docs/api/v8/bulk-read/overview.html",
    "https://www.zoho.com/desk/developer/docs/",
)

DESK_LANDING = """\
---
title: Zoho Desk
type: landing
product: zoho-desk
summary: Guides for Zoho Desk.
---

# Zoho Desk

- [Start with Desk](start.md)
"""


def copy_repository(target: Path) -> Path:
    """The repository's files as git sees them (tracked and new, ignored ones left out)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def replace_once(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {file.name} exactly once"
    file.write_text(text.replace(old, new), encoding="utf-8")


def add_a_how_to(repo: Path) -> None:
    """A new how-to in the Zoho CRM section, citing two new records, in the nav and landing page."""
    (repo / "sources/zoho-crm/invariant.yml").write_text(NEW_RECORDS, encoding="utf-8")
    page = HOW_TO.format(
        what="stay under a bulk read limit",
        product="zoho-crm",
        doc="zoho-crm.bulk-read.invariant-doc",
        limit="zoho-crm.bulk-read.invariant-limit",
    )
    (repo / "docs/zoho-crm/bulk-read/stay-under-a-limit.md").write_text(page, encoding="utf-8")
    replace_once(
        repo / "mkdocs.yml",
        "      - Bulk read:\n",
        "      - Bulk read:\n          - Stay under a limit: zoho-crm/bulk-read/stay-under-a-limit.md\n",
    )
    replace_once(
        repo / "docs/zoho-crm/index.md",
        "## For every bulk call\n",
        "## For every bulk call\n\n- [Stay under a limit](bulk-read/stay-under-a-limit.md).\n",
    )


def add_a_product(repo: Path) -> None:
    """Zoho Desk, by hand: products line, records, landing page, a how-to, nav and home link."""
    replace_once(
        repo / "mkdocs.yml",
        "        zoho-crm: Zoho CRM\n",
        "        zoho-crm: Zoho CRM\n        zoho-desk: Zoho Desk\n",
    )
    (repo / "sources/zoho-desk").mkdir()
    (repo / "sources/zoho-desk/records.yml").write_text(DESK_RECORDS, encoding="utf-8")
    (repo / "docs/zoho-desk").mkdir()
    (repo / "docs/zoho-desk/index.md").write_text(DESK_LANDING, encoding="utf-8")
    page = HOW_TO.format(
        what="start with Desk",
        product="zoho-desk",
        doc="zoho-desk.invariant-doc",
        limit="zoho-desk.invariant-limit",
    )
    (repo / "docs/zoho-desk/start.md").write_text(page, encoding="utf-8")
    config = repo / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").rstrip("\n")
        + "\n  - Zoho Desk:\n      - zoho-desk/index.md\n      - Start: zoho-desk/start.md\n",
        encoding="utf-8",
    )
    home = repo / "docs/index.md"
    home.write_text(
        home.read_text(encoding="utf-8")
        + "\n## Zoho Desk\n\nSee the [Zoho Desk guides](zoho-desk/index.md).\n",
        encoding="utf-8",
    )


def run(repo: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [sys.executable, *command],
        cwd=repo,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=300,
    )


@pytest.mark.starts_a_worker
def test_a_valid_new_how_to_and_a_new_product_pass_the_content_tests(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    repo = copy_repository(tmp_path / "repo")
    add_a_how_to(repo)
    add_a_product(repo)

    check = check_in_process(repo, capsys, monkeypatch, "--strict")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 errors, 0 warnings" in check.stderr

    tests = run(
        repo,
        *("-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0"),
        *("--basetemp", str(tmp_path / "run"), "-k", UNCHANGED_BY_CONTENT, *CONTENT_TESTS),
    )
    assert tests.returncode == 0, tests.stdout
    assert " failed" not in tests.stdout and " passed" in tests.stdout, tests.stdout

"""`python -m macros impact --base REF`: the pages whose cited records changed since a git ref.

Owns: reading the records as they were at REF (from `git archive`, into a temporary folder),
comparing them field by field with today's, and listing the macro calls that cite a changed one.
Does not own: loading records (records.py) or finding macro calls (page_scan.find_macro_calls).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..kinds import Record, fact_values
from ..page_scan import find_macro_calls
from ..record_urls import DEFAULT_HOSTS
from ..records import load_records
from ..settings import read_settings
from .base import CommandError, plural

# What a record says; its location and line numbers are where it is written, not what it says.
_COMMON_FIELDS = ("kind", "title", "url", "verified_on", "note", "product")


def add_parser(commands: argparse._SubParsersAction, parents: list) -> None:
    impact = commands.add_parser(
        "impact",
        parents=parents,
        help="list the pages whose cited records changed since a git ref",
        description="For reviewers: every macro call in a page that cites a record which changed "
        "(any field, or the tested code it shows) or was removed since REF.",
    )
    impact.add_argument(
        "--base", required=True, metavar="REF", help="a branch, tag or commit, such as origin/main"
    )
    impact.set_defaults(run=run)


@dataclass(frozen=True)
class Change:
    record_id: str
    fields: tuple[str, ...]  # the fields that differ; empty when the record was removed
    removed: bool = False


def record_changes(before: Mapping[str, Record], after: Mapping[str, Record]) -> dict[str, Change]:
    """Each record of `before` that was removed or differs in any field in `after`."""
    changes = {}
    for record_id, old in before.items():
        new = after.get(record_id)
        if new is None:
            changes[record_id] = Change(record_id, (), removed=True)
            continue
        fields = [name for name in _COMMON_FIELDS if getattr(old, name) != getattr(new, name)]
        old_facts, new_facts = fact_values(old), fact_values(new)
        fields += sorted(
            name
            for name in old_facts.keys() | new_facts.keys()
            if old_facts.get(name) != new_facts.get(name)
        )
        if fields:
            changes[record_id] = Change(record_id, tuple(fields))
    return changes


def _git(root: Path, ref: str, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        raise CommandError(
            "git is not installed; impact needs it to read the older records", 2
        ) from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CommandError(
            f"git cannot read {ref!r} ({reason[-1] if reason else 'no reason given'}). "
            "Give a branch, tag or commit of this repository, such as origin/main",
            2,
        )
    return done.stdout


def records_at(
    root: Path, ref: str, sources_dir: str, hosts: tuple[str, ...] = DEFAULT_HOSTS
) -> dict[str, Record]:
    """The valid records as they were at `ref` (code records read the example files of `ref`)."""
    commit = _git(root, ref, "rev-parse", "--verify", "--end-of-options", f"{ref}^{{commit}}")
    with tempfile.TemporaryDirectory(prefix="beam-impact-") as folder:
        archive = Path(folder) / "tree.tar"
        archive.write_bytes(_git(root, ref, "archive", "--format=tar", commit.decode().strip()))
        tree = Path(folder) / "tree"
        with tarfile.open(archive) as tar:
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
                tar.extractall(tree, filter="data")
            else:  # the archive is this repository's own tree
                tar.extractall(tree)  # noqa: S202
        # Broken records at REF are REF's business.
        records, _ = load_records(tree, sources_dir, hosts=hosts)
    return records


def run(args: argparse.Namespace) -> int:
    settings = read_settings(args.root)
    before = records_at(args.root, args.base, settings.sources, settings.hosts)
    after, _ = load_records(args.root, settings.sources, hosts=settings.hosts)
    changes = record_changes(before, after)
    pages_hit = set()
    for page in sorted((args.root / settings.docs_dir).rglob("*.md")):
        path = page.relative_to(args.root).as_posix()
        try:
            calls = find_macro_calls(page.read_text(encoding="utf-8"))
        except jinja2.TemplateSyntaxError:
            print(
                f"{path}: skipped, its template is broken ('python -m macros check' says where).",
                file=sys.stderr,
            )
            continue
        cited_at = dict.fromkeys((call.line, record_id) for call in calls for record_id in call.ids)
        for line, record_id in cited_at:  # one line per id and page line, in page order
            change = changes.get(record_id)
            if change is None:
                continue
            pages_hit.add(path)
            if change.removed:
                print(
                    f"{path}:{line}: cites '{record_id}', which was removed since {args.base}. "
                    "Cite another source, or take out the claim."
                )
            else:
                print(
                    f"{path}:{line}: cites '{record_id}', which changed since {args.base} "
                    f"({', '.join(change.fields)}). Check that the page still says what the "
                    "record says."
                )
    removed = sum(1 for c in changes.values() if c.removed)
    print(
        f"{plural(len(changes), 'record')} changed since {args.base} ({removed} removed); "
        f"{plural(len(pages_hit), 'page')} {'cites' if len(pages_hit) == 1 else 'cite'} them.",
        file=sys.stderr,
    )
    return 0

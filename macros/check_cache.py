"""What `check` keeps between runs, so that a run after a small edit redoes only what it changed.

Owns: where the cache lives, the fingerprints that decide whether a stored result still holds,
and reading and writing the cache safely. Does not own: the checks (checks.py) or the rules for
when a record file must be read again (records.load_records, shared with serve).

A stored result is used only when everything it was made from is the same: the page's text, the
bytes of every record file and example file, the settings, the date, and the code (this
package's source and the versions of the libraries it runs on). So a cached run reports exactly
what a cold run would; the tests compare the two.

The cache is a pickle, and unpickling runs code, so it lives in the user's own cache folder,
never in the repository: a pull request cannot hand `check` a cache to read. A cache that cannot
be read is ignored and written again; one that cannot be written costs only time.
"""

from __future__ import annotations

import contextlib
import copyreg
import datetime as dt
import gc
import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .kinds import CodeFacts, Record
from .problems import Problem

FORMAT = 2  # raised whenever what is stored changes shape
FORGET_AFTER_DAYS = 30


def cache_folder() -> Path:
    """The user's cache folder for Beam Help ($XDG_CACHE_HOME, else ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "beam-help"


def _digest() -> Any:
    return hashlib.blake2b(digest_size=16)


def _installed() -> list[str]:
    """The name and version of every installed library, as the folders pip records them in
    (jinja2-3.1.4.dist-info): reading them costs a directory listing, not an import."""
    found = []
    for entry in sys.path:
        try:
            found += [name for name in os.listdir(entry or ".") if name.endswith(".dist-info")]
        except OSError:
            continue
    return sorted(found)


def code_fingerprint() -> str:
    """This package's source, Python's version and every installed library's version (templates,
    Markdown, YAML and HTML reading all shape a page's result), as one digest."""
    digest = _digest()
    digest.update(sys.version.encode())
    digest.update("\0".join(_installed()).encode())
    package = Path(__file__).resolve().parent
    for file in sorted(package.rglob("*.py")):
        digest.update(f"\0{file.relative_to(package).as_posix()}\0".encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _file_bytes(file: Path, root: Path) -> bytes:
    """A file's bytes for a fingerprint; a link out of the repository is never followed."""
    try:
        if not file.resolve().is_relative_to(root.resolve()):
            return b"\0outside"
        return file.read_bytes()
    except OSError:
        return b"\0unreadable"


def inputs_fingerprint(
    root: Path,
    record_files: Iterable[Path],
    records: Mapping[str, Record],
    record_problems: Iterable[Problem],
    settings: tuple[Any, ...],
    today: dt.date,
) -> str:
    """Everything a page's result depends on besides its own text: the record files' bytes, the
    example files the records show, the records' problems, the settings that pages use and the
    date. A record whose example file is missing has a problem, so that is in here too."""
    digest = _digest()
    digest.update(repr((settings, today.isoformat())).encode())
    code_files = sorted({r.facts.file for r in records.values() if isinstance(r.facts, CodeFacts)})
    for name, file in [
        *((f.relative_to(root).as_posix(), f) for f in record_files),
        *((name, root / name) for name in code_files),
    ]:
        digest.update(f"\0{name}\0".encode())
        digest.update(_file_bytes(file, root))
    digest.update(repr(sorted(record_problems)).encode())
    return digest.hexdigest()


def page_key(inputs: str, path: str, text: str) -> str:
    digest = _digest()
    digest.update(f"{inputs}\0{path}\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


# Records hold read-only mappings, which pickle cannot store by itself.
def _mapping_proxy(items: dict) -> MappingProxyType:
    return MappingProxyType(items)


def _reduce_mapping_proxy(proxy: MappingProxyType) -> tuple[Any, tuple[dict]]:
    return _mapping_proxy, (dict(proxy),)


def _private(file: Path) -> bool:
    """True when only this user could have written the file: it and its folder are this user's
    and no one else may write to them (a pickle from anyone else is never read)."""
    try:
        states = [file.stat(), file.parent.stat()]
    except OSError:
        return False
    return all(s.st_uid == os.getuid() and not s.st_mode & 0o022 for s in states)


class CheckCache:
    """Record files (as load_records keeps them) and rendered pages (by page_key) of one site,
    each in a file of its own: an edit to a page rewrites only the pages' file."""

    def __init__(self, file: Path | None, code: str = ""):
        self.file, self.code = file, code  # file: the cache's name, with .records or .pages added
        self.records: dict = {}  # load_records' own cache of record files
        self._pages: dict[str, Any] = {}  # what earlier runs stored
        self._used: dict[str, Any] = {}  # what this run used or made: all that is kept
        self._records_at_load: dict = {}

    @classmethod
    def for_site(cls, root: Path) -> CheckCache:
        name = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
        cache = cls(cache_folder() / "check" / name, code_fingerprint())
        cache.records = cache._read("records") or {}
        cache._records_at_load = dict(cache.records)
        cache._pages = cache._read("pages") or {}
        return cache

    def _part(self, part: str) -> Path:
        assert self.file is not None
        return self.file.with_name(f"{self.file.name}.{part}.pickle")

    def _read(self, part: str) -> dict | None:
        file = self._part(part)
        if not _private(file):
            return None
        # The collector would walk the growing heap again and again while the objects are
        # made, for nothing: none of them is garbage yet.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with file.open("rb") as handle:
                key, stored = pickle.load(handle)
        except Exception:  # missing, cut short or from another version: start again
            return None
        finally:
            if collecting:
                gc.enable()
        return stored if key == (FORMAT, self.code) and isinstance(stored, dict) else None

    def page(self, key: str) -> Any:
        found = self._pages.get(key)
        if found is not None:
            self._used[key] = found
        return found

    def store_page(self, key: str, value: Any) -> None:
        self._used[key] = value

    def save(self) -> None:
        """Write what this run used, where it differs from what was read (pages no longer there
        are dropped, so the cache stays the size of the site)."""
        if self.file is None:
            return
        same_records = self.records.keys() == self._records_at_load.keys() and all(
            self.records[k] is v for k, v in self._records_at_load.items()
        )
        for part, stored, same in (
            ("records", self.records, same_records),
            ("pages", self._used, self._used.keys() == self._pages.keys()),
        ):
            if same:
                with contextlib.suppress(OSError):
                    os.utime(self._part(part))  # read today: not one to forget (_forget_unused)
            else:
                self._write(self._part(part), stored)
        _forget_unused(self.file.parent)

    def _write(self, file: Path, stored: dict) -> None:
        try:
            file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as out:
                pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
                pickler.dispatch_table = copyreg.dispatch_table.copy()
                pickler.dispatch_table[MappingProxyType] = _reduce_mapping_proxy
                pickler.dump(((FORMAT, self.code), stored))
            os.replace(temporary, file)
        except (OSError, pickle.PicklingError):
            Path(temporary).unlink(missing_ok=True)


def _forget_unused(folder: Path) -> None:
    """Delete the caches of sites no check has read for a month (a clone deleted long ago, a
    benchmark's folder), so the folder does not grow for ever."""
    month_ago = time.time() - FORGET_AFTER_DAYS * 86_400
    try:
        files = list(folder.iterdir())
    except OSError:
        return
    for file in files:
        try:
            if file.suffix in (".pickle", ".tmp") and file.stat().st_mtime < month_ago:
                file.unlink()
        except OSError:
            continue

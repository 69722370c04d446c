"""The files beside the pages in docs/: which may be published, checked where they enter the site.

Owns: the allowlist of file kinds under docs/, refusing files that resolve outside the repository,
scripts the site does not list, HTML documents, and SVG drawings or stylesheets that could run
script or load from elsewhere. Does not own: pages (allowlist.py checks their HTML) or the theme,
which is trusted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from .problems import Location, Problem

CODE = "unsafe-file"
PAGE_SUFFIX = ".md"
# Kinds a browser shows as data, never as a document that runs script.
PLAIN_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".txt", ".csv", ".json"}
    | {".zip", ".woff", ".woff2"}
)
CHECKED_SUFFIXES = frozenset({".svg", ".css", ".js"})

# SVG drawings: shapes, text and paint only. No script, foreignObject (HTML inside), image
# (loads), a (links) or animation elements (SMIL can set an href to javascript: at run time).
SVG_ELEMENTS = frozenset(
    "svg g defs desc title symbol use path rect circle ellipse line polyline polygon text tspan "
    "textpath marker lineargradient radialgradient stop clippath mask pattern style metadata "
    "filter feblend fecolormatrix fecomposite feflood fegaussianblur femerge femergenode "
    "feoffset fedropshadow".split()
)
_DECLARATION = re.compile(r"<!(?!--)|<\?(?!xml\s)", re.I)  # DOCTYPE/ENTITY, processing instructions
_CSS_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'", re.S)
_CSS_URL = re.compile(r"url\(\s*([^)]*)\)", re.I)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)
_ABSOLUTE = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\)")
# A quoted string outside url() loads only in image-set() and the like, and only as an address
# with a host: "Note:" in a content string is text.
_REMOTE = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?(?://|\\\\)")


def docs_files(docs_dir: Path, root: Path) -> Iterator[tuple[Path, bool]]:
    """Every file under docs/ as MkDocs finds them, hidden ones excepted (MkDocs leaves out names
    starting with a dot), each with whether it lies outside the repository. Linked folders inside
    the repository are followed, once each; a linked folder outside it is yielded itself, not
    entered."""
    real_root = root.resolve()
    seen: set[Path] = set()
    for folder, dirs, files in os.walk(docs_dir, followlinks=True):
        real = Path(folder).resolve()
        if real in seen:  # a link back to a folder already walked
            dirs[:] = []
            continue
        seen.add(real)
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            if _outside(Path(folder) / name, real_root):
                yield Path(folder) / name, True
            else:
                kept.append(name)
        dirs[:] = kept
        folder_outside = not real.is_relative_to(real_root)
        for name in sorted(files):
            if not name.startswith("."):
                file = Path(folder) / name
                # A file that is not a link lies where its folder does: resolving each of a
                # thousand pages again cost most of a preview's rebuild.
                linked = folder_outside or file.is_symlink()
                yield file, _outside(file, real_root) if linked else False


def _outside(path: Path, real_root: Path) -> bool:
    """True when the file, read through any symlink on its way, lies outside the repository."""
    try:
        return not path.resolve(strict=True).is_relative_to(real_root)
    except (OSError, RuntimeError):  # a broken link or a symlink loop
        return True


def docs_problems(docs_dir: Path, root: Path, own_scripts: Iterable[str]) -> list[Problem]:
    """Every file under docs/ that may not be published, each at its path."""
    own = {script.lstrip("/") for script in own_scripts}
    # Every path os.walk gives starts with docs_dir as written: the names writers see are cut
    # from the text, which at a thousand pages is most of this function's time as Path methods.
    in_root, in_docs_dir = _prefix(root), _prefix(docs_dir)
    problems = []
    for file, outside in docs_files(docs_dir, root):
        text = str(file)
        shown = text[len(in_root) :] if text.startswith(in_root) else text
        in_docs = text[len(in_docs_dir) :]
        problems += file_problems(
            file, shown.replace(os.sep, "/"), in_docs.replace(os.sep, "/"), outside, own
        )
    return sorted(problems)


def _prefix(folder: Path) -> str:
    return str(folder).rstrip(os.sep) + os.sep


def file_problems(
    file: Path, shown: str, in_docs: str, outside: bool, own: set[str]
) -> list[Problem]:
    """What is wrong with one file under docs/ (shown: its path as writers name it; outside:
    whether it lies outside the repository)."""
    if outside:
        return [
            _problem(
                shown,
                1,
                "this file lies outside the repository (through a link or a path)",
                "Copy the file into the repository instead of linking to it",
            )
        ]
    suffix = file.suffix.lower()
    if suffix == PAGE_SUFFIX or suffix in PLAIN_SUFFIXES:
        return []
    if suffix == ".js":
        if in_docs in own:
            return []
        return [
            _problem(
                shown,
                1,
                "this script is not one of the site's own scripts",
                "Remove it; a script runs only when mkdocs.yml lists it under "
                "extra_javascript, which a maintainer reviews",
            )
        ]
    if suffix not in CHECKED_SUFFIXES:
        return [
            _problem(
                shown,
                1,
                f"files of type {suffix or '(none)'} are not published",
                "Remove it, or use a page (.md), an image (.png, .jpg, .gif, .webp, "
                ".svg) or a data file (.csv, .json, .txt, .zip)",
            )
        ]
    text = file.read_text(encoding="utf-8", errors="replace")
    found = svg_findings(text) if suffix == ".svg" else css_findings(text)
    return [
        _problem(
            shown,
            line,
            what,
            "Remove it: drawings and stylesheets may hold shapes, "
            "text and styles, but nothing that runs or loads from elsewhere",
        )
        for line, what in found
    ]


def _problem(path: str, line: int, what: str, todo: str) -> Problem:
    return Problem(Location(path, line), what, todo, CODE)


def _line_of(text: str, clue: str) -> int:
    at = text.lower().find(clue.lower())
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def svg_findings(text: str) -> list[tuple[int, str]]:
    """(line, what) for everything in an SVG drawing that could run script or load content."""
    found = []
    declaration = _DECLARATION.search(text)
    if declaration:
        # An XML reader (how a browser opens an .svg file) would act on DOCTYPE entities and
        # processing instructions, which an HTML reader skips: refuse what the two read apart.
        line = text.count("\n", 0, declaration.start()) + 1
        found.append((line, "the drawing holds a <!DOCTYPE>, <!ENTITY> or <?...?> declaration"))
    tree = LexborHTMLParser(text)
    for node in tree.body.traverse(include_text=False) if tree.body else ():
        tag = (node.tag or "").lower()
        if tag in ("body", "-comment"):
            continue
        if tag not in SVG_ELEMENTS:
            found.append((_line_of(text, f"<{tag}"), f"<{node.tag}> is not allowed in drawings"))
            continue
        for name, value in node.attributes.items():
            value = value or ""
            if name.lower().startswith("on"):
                found.append((_line_of(text, name), f"<{node.tag}> has an event handler ({name}=)"))
            elif name.lower().endswith("href") and not value.strip().startswith("#"):
                found.append(
                    (
                        _line_of(text, name),
                        f"<{node.tag}> refers to {value[:60]!r} outside the drawing",
                    )
                )
            elif name.lower() == "style":
                found += [(_line_of(text, "style="), what) for _, what in _css_loads(value)]
        if tag == "style":
            found += [(_line_of(text, clue), what) for clue, what in _css_loads(node.text())]
    return found


def css_findings(text: str) -> list[tuple[int, str]]:
    """(line, what) for every way a stylesheet could load something from outside the site."""
    return [(_line_of(text, clue), what) for clue, what in _css_loads(text)]


def _css_loads(css: str) -> list[tuple[str, str]]:
    """(clue to find its line, what) for each load; CSS escapes are decoded first, since
    `u\\72l(` is url( to a browser."""
    decoded = _CSS_ESCAPE.sub(_unescape, css)
    found = []
    if "@import" in decoded.lower():
        found.append(("@import", "the styles use @import"))
    urls = [m.group(1).strip().strip("'\"") for m in _CSS_URL.finditer(decoded)]
    strings = [s[1:-1] for s in _CSS_STRING.findall(_CSS_URL.sub("", decoded))]
    loads = [a for a in urls if _ABSOLUTE.match(a) and not a.lower().startswith("data:image/")]
    loads += [a for a in strings if _REMOTE.match(a)]
    for address in loads:
        clue = address if address in css else "url("
        found.append((clue, f"the styles load {address[:60]!r} from outside the site"))
    return found


def _unescape(match: re.Match[str]) -> str:
    if match.group(1):
        code = int(match.group(1), 16)
        return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
    return match.group(2)

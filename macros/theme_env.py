"""The theme's Jinja environment, made cheaper for every build and lighter in every page.

Two costs MkDocs pays on every build, most of a small site's build time:

- Listing the theme's static files. MkDocs lists every file under every theme folder, then drops
  each name that starts with a dot or sits under a folder that does ('.*', '*/.*'). Material keeps
  its 14,000 icons under `.icons/`, so every build walked and pattern-matched all of them for
  nothing (about a third of a second). The loader here lists the same files without descending
  into hidden folders; templates (icons included) still load exactly as before.
- Compiling Material's templates (about a third of a second per build process). Jinja's own
  bytecode cache keeps them compiled between builds, keyed by each template's source, so an
  edited or upgraded template is compiled afresh. The cache lives in Jinja's per-user folder in
  the system's temporary folder, which Jinja creates private to the user and refuses to use
  otherwise; never in the repository, where a pull request could plant compiled code.

And one cost every page pays: Jinja's `tojson` writes ", " and ": " between items, in the JSON
Material puts in every page (its configuration) and in our JSON-LD. The environment's
`json.dumps_kwargs` policy drops those spaces; keys stay sorted, as Jinja's default has them, and
`tojson` still escapes <, >, & and ' whatever the policy says, so the JSON stays safe inside
<script>.

Owns: the theme environment's loader listing, bytecode cache and JSON separators. Does not own:
which theme files MkDocs keeps (MkDocs' own patterns), the theme's templates and filters (MkDocs
and Material) or what is done with the templates it loads (told through `on_load`).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import jinja2


class VisibleFilesLoader(jinja2.FileSystemLoader):
    """jinja2's FileSystemLoader whose listing skips hidden folders (and so everything in them),
    and which tells `on_load` (if given) the name and text of every template it loads."""

    def __init__(self, searchpath, on_load: Callable[[str, str], None] | None = None) -> None:
        super().__init__(searchpath)
        self.on_load = on_load

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, is_current = super().get_source(environment, template)
        if self.on_load is not None:
            self.on_load(template, source)
        return source, filename, is_current

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for searchpath in self.searchpath:
            for folder, subfolders, names in os.walk(searchpath, followlinks=self.followlinks):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                relative = os.path.relpath(folder, searchpath)
                prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
                found.update(prefix + name for name in names)
        return sorted(found)


def compiled_template_cache() -> jinja2.BytecodeCache | None:
    """Jinja's per-user bytecode cache, or None where no private folder can be had."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (RuntimeError, OSError):
        return None


# Jinja's own default is {"sort_keys": True}; only the separators change.
COMPACT_JSON = {"sort_keys": True, "separators": (",", ":")}


def prepare_theme(theme, on_load: Callable[[str, str], None] | None = None) -> None:
    """Make the theme's Jinja environments list files with VisibleFilesLoader (telling `on_load`
    of every template loaded), keep their compiled templates in Jinja's bytecode cache and write
    `tojson` without spaces."""
    make_env: Callable[[], jinja2.Environment] = theme.get_env
    cache = compiled_template_cache()

    def get_env() -> jinja2.Environment:
        env = make_env()
        env.loader = VisibleFilesLoader(theme.dirs, on_load)
        env.bytecode_cache = cache
        env.policies["json.dumps_kwargs"] = COMPACT_JSON
        return env

    theme.get_env = get_env

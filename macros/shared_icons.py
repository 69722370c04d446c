"""The theme's icons written once per site instead of once per use on every page.

Material writes each icon it shows (logo, search, palette, repository, edit, footer arrows, back
to top) into every page as a full inline <svg>: about 15 of them, 4 KB of every page, the same
bytes on all of them. Here each icon becomes a file of the site, assets/icons/<name>.svg, holding
the icon's drawing as an SVG <symbol>, and every page keeps only a short <svg> that shows it
with <use xlink:href>. The page's <svg> keeps the icon's viewBox, so it is laid out and coloured
(fill: currentcolor, from Material's stylesheet) exactly as before; browsers draw a <use>d symbol
from another file of the same site, with or without JavaScript, and cache the file across pages.
The reference is written as `xlink:href`, which every browser reads, not SVG 2's `href`: for
instant navigation Material rewrites every element matching [href] with `element.href = ...`,
which throws on an SVG <use> (its href is read-only) and stops the rewriting of later links.

How icons are found: the theme includes icons as templates under `.icons/`. The theme's loader
reports each one it loads (`record`), so only icons the theme really used are written, and the
exact text it inserted is known. A page's own text can never match that text by accident: a
writer's raw <svg> is refused at the trust boundary, and text in code is escaped (&lt;svg).
Icons the theme turns into stylesheet data (admonition icons, as data: URLs) are URL-encoded
where they are used, so they never match and stay as they were.

Owns: which icons become shared files, the short <svg> that replaces them, and the files.
Does not own: the icons (Material), when pages are finished (the MkDocs adapter) or the theme's
loader (theme_env).
"""

from __future__ import annotations

import re
from pathlib import Path

ICONS_FOLDER = "assets/icons"
SYMBOL_ID = "icon"
_TEMPLATE = re.compile(r"\.icons/(?P<name>[A-Za-z0-9_/-]+)\.svg")
# An icon file is one <svg> element: its attributes, then its drawing. Anything else is left
# inline, as the theme wrote it.
_ICON = re.compile(r"<svg\b(?P<attributes>[^>]*)>(?P<drawing>.*)</svg>", re.DOTALL)
_VIEW_BOX = re.compile(r'\sviewBox="(?P<box>[-0-9. ]+)"')


class SharedIcons:
    """The icons one build's theme used: {name: (text the theme inserts, viewBox, drawing)}."""

    def __init__(self) -> None:
        self.icons: dict[str, tuple[str, str, str]] = {}

    def record(self, template_name: str, source: str) -> None:
        """Called by the theme's loader for every template it loads."""
        name = _TEMPLATE.fullmatch(template_name)
        if name is None:  # not an icon: no need to read the template's text
            return
        icon = _ICON.fullmatch(source.strip())
        if icon is None or "<svg" in icon["drawing"]:  # one <svg>, not two
            return
        view_box = _VIEW_BOX.search(icon["attributes"])
        if view_box is None:
            return
        # What an {% include %} of the template inserts: Jinja drops one trailing newline.
        inserted = source[:-1] if source.endswith("\n") else source
        self.icons[name["name"]] = (inserted, view_box["box"], icon["drawing"])

    def shared(self, html: str, root: str) -> str:
        """The page with every recorded icon shown from its file; `root` is the relative path
        from the page to the site's root (e.g. "../..")."""
        for name, (inserted, view_box, _) in self.icons.items():
            if inserted in html:
                reference = (
                    f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}">'
                    f'<use xlink:href="{root}/{ICONS_FOLDER}/{name}.svg#{SYMBOL_ID}"></use></svg>'
                )
                html = html.replace(inserted, reference)
        return html

    def write(self, site_dir: Path) -> None:
        """One file per recorded icon, its drawing in a <symbol> the pages <use>."""
        for name, (_, view_box, drawing) in sorted(self.icons.items()):
            path = site_dir / ICONS_FOLDER / f"{name}.svg"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                '<svg xmlns="http://www.w3.org/2000/svg">'
                f'<symbol id="{SYMBOL_ID}" viewBox="{view_box}">{drawing}</symbol></svg>\n',
                encoding="utf-8",
            )

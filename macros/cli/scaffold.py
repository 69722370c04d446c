"""`python -m macros new <product>/<slug> --title "..."`: start a how-to page from the template.

Owns: checking the target name and product, filling templates/how-to.md, and writing the new file
without ever replacing an existing one. Does not own: what a how-to must contain (pages.py checks
that, and the template's placeholders fail `check` until a writer fills them in).
"""

from __future__ import annotations

import argparse
import re
import string
from pathlib import Path

from ..checks import yaml_text
from ..problems import did_you_mean
from ..settings import Settings, read_settings
from .base import CommandError

PLACEHOLDER_ID = "replace-with-a-source-id"
TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "how-to.md"
_NAME_PART = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def add_parser(commands: argparse._SubParsersAction, parents: list) -> None:
    new = commands.add_parser(
        "new",
        parents=parents,
        help="start a new how-to page from the template",
        description="Write docs/<product>/<slug>.md from the how-to template. It never replaces "
        "an existing file.",
    )
    new.add_argument("name", metavar="PRODUCT/SLUG", help="such as zoho-crm/bulk-read/export-leads")
    new.add_argument("--title", required=True, help='the page title, such as "How to ..."')
    new.set_defaults(run=run)


def page_path(name: str, settings: Settings) -> tuple[str, str]:
    """(product, path of the new page relative to the repository root) for a PRODUCT/SLUG name."""
    parts = name.strip().strip("/").removesuffix(".md").split("/")
    if parts and parts[0] == settings.docs_dir:
        parts = parts[1:]
    if len(parts) < 2:
        raise CommandError(
            f"'{name}' names no product folder. Write it as PRODUCT/SLUG, such as "
            f"{next(iter(settings.products), 'zoho-crm')}/export-leads"
        )
    product = parts[0]
    if product not in settings.products:
        known = ", ".join(settings.products) or "none yet"
        raise CommandError(
            f"unknown product '{product}'.{did_you_mean(product, settings.products)} "
            f"Products are listed under the beam plugin in mkdocs.yml (now: {known}); to add "
            f'one, run python -m macros new-product {product} --name "Its Name" --docs-url '
            "https://... (CONTRIBUTING.md, 'Adding a product')"
        )
    for part in parts[1:]:
        if not _NAME_PART.fullmatch(part):
            raise CommandError(
                f"'{part}' cannot be part of a page name. Use lowercase letters, digits and "
                "single hyphens, such as export-leads"
            )
    return product, "/".join([settings.docs_dir, *parts]) + ".md"


def page_text(title: str, product: str) -> str:
    template = TEMPLATE.read_text(encoding="utf-8")
    return string.Template(template).substitute(title=yaml_text(title), product=product)


def nav_label(title: str, product_name: str) -> str:
    """A short label for the nav: the title without "How to" and without "in <product>", which
    the nav already shows ("How to create a bulk read job in Zoho CRM" -> "Create a bulk read
    job")."""
    label = re.sub(r"^how to\s+", "", title.strip(), flags=re.IGNORECASE)
    for joiner in ("in", "from", "to", "with", "for", "on"):
        suffix = f" {joiner} {product_name}"
        if label.casefold().endswith(suffix.casefold()) and len(label) > len(suffix):
            label = label[: -len(suffix)]
            break
    label = label.rstrip(" .:")
    return (label[:1].upper() + label[1:]) if label else title


def run(args: argparse.Namespace) -> int:
    settings = read_settings(args.root)
    title = args.title.strip()
    if not title or "\n" in title:
        raise CommandError('give the page a one-line title, such as --title "How to ..."')
    product, relative = page_path(args.name, settings)
    text = page_text(title, product)  # before the file exists, so a failure leaves nothing behind
    target = args.root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # "x" creates the file only if it does not exist, so an existing page is never replaced.
        with open(target, "x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except FileExistsError:
        raise CommandError(
            f"{relative} already exists; nothing was written. Choose another name, or edit "
            "that page"
        ) from None
    print(f"Wrote {relative} from the how-to template.")
    print(
        f'Next: write the summary and each section, replace every "{PLACEHOLDER_ID}" '
        "(python -m macros sources WORD finds ids), and run python -m macros check until it "
        "reports no errors."
    )
    if settings.nav_pages is not None:
        in_docs = Path(relative).relative_to(settings.docs_dir).as_posix()
        label = nav_label(title, settings.products[product])
        print(
            "Then add the page to nav in mkdocs.yml, as a line such as: "
            f"- {yaml_text(label)}: {in_docs}"
        )
    return 0

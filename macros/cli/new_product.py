"""`python -m macros new-product <key> --name "<Name>" --docs-url URL`: add a product in one step.

Owns: checking the key and name, and writing what a product needs to pass `check --strict` and
the strict build: its line under the beam plugin's `products:` and its nav section in
mkdocs.yml (inserted at the right lines, the rest of the file untouched), a starter record in
`sources/<key>/`, its landing page `docs/<key>/index.md`, and its entry on the home page. Refuses,
writing nothing, when any of them exists. Does not own: the rules a product must then follow
(products.py, contract.py, records.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import string
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .. import yamlnodes as yn
from ..checks import yaml_text
from ..products import landing_page
from ..record_urls import host_allowed, https_url
from ..settings import PRODUCT_KEY, beam_options, read_settings
from .base import CommandError

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# docs/index.md may hold this note; new products' entries go just above it (else at the end).
HOME_MARKER = "{## python -m macros new-product adds each product's entry above this note. ##}"
RECORDS_FILE = "docs.yml"


def add_parser(commands: argparse._SubParsersAction, parents: list) -> None:
    new = commands.add_parser(
        "new-product",
        parents=parents,
        help="add a product: settings, nav, starter record, landing page, home page entry",
        description="Add a product to mkdocs.yml (products and nav), with sources/KEY/ holding "
        "a starter record for the product's official API documentation, docs/KEY/index.md "
        "citing it, and an entry on the home page. Nothing that exists is ever replaced.",
    )
    new.add_argument("key", metavar="KEY", help="the product's key, such as zoho-bigin")
    new.add_argument("--name", required=True, help='the name readers see, such as "Zoho Bigin"')
    new.add_argument(
        "--docs-url",
        required=True,
        metavar="URL",
        help="the https:// address of the product's official API documentation, which the "
        "starter record cites",
    )
    new.set_defaults(run=run)


@dataclass(frozen=True)
class Product:
    key: str
    name: str
    docs_url: str

    @property
    def record_id(self) -> str:
        return f"{self.key}.docs.api"


def run(args: argparse.Namespace) -> int:
    root: Path = args.root
    settings = read_settings(root)
    product = _product(args.key, args.name, args.docs_url, settings.products, settings.hosts)
    docs = root / settings.docs_dir
    files = {
        Path(settings.sources) / product.key / RECORDS_FILE: _fill("product-sources.yml", product),
        Path(settings.docs_dir) / landing_page(product.key): _fill("product-index.md", product),
    }
    for existing in (Path(settings.sources) / product.key, Path(settings.docs_dir) / product.key):
        if (root / existing).exists():
            raise CommandError(
                f"{existing.as_posix()}/ already exists; nothing was written. Choose another "
                "key, or finish that product by hand (CONTRIBUTING.md, 'Adding a product')"
            )
    config = root / "mkdocs.yml"
    # Read as bytes: text mode would turn \r\n into \n, and write the whole file back changed.
    config_text, config_lines = _edited_mkdocs_yml(config.read_bytes().decode("utf-8"), product)
    home = docs / "index.md"
    home_text = _edited_home(home.read_bytes().decode("utf-8"), product) if home.is_file() else None

    # Everything is worked out; now write, new files first ("x": never over an existing one).
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True)
        with open(root / relative, "x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    config.write_text(config_text, encoding="utf-8", newline="")
    if home_text is not None:
        home.write_text(home_text, encoding="utf-8", newline="")

    where = ", ".join(f"line {n}" for n in config_lines)
    print(f"Added the product {product.key} ({product.name}):")
    print(f"  mkdocs.yml: its products line and nav section ({where})")
    print(
        f"  {settings.sources}/{product.key}/{RECORDS_FILE}: a starter record, {product.record_id}"
    )
    print(f"  {settings.docs_dir}/{landing_page(product.key)}: its landing page, which cites it")
    if home_text is not None:
        print(f"  {settings.docs_dir}/index.md: its entry on the home page")
    print(
        f"Next: open {product.docs_url}, make the starter record's title match the page and "
        "add its quote: (the page's own words, copied exactly), then start a how-to with "
        f'python -m macros new {product.key}/SLUG --title "How to ...".'
    )
    return 0


def _product(
    key: str, name: str, docs_url: str, products: dict[str, str], hosts: tuple[str, ...]
) -> Product:
    if not PRODUCT_KEY.fullmatch(key):
        raise CommandError(
            f"'{key}' cannot be a product key. Use lowercase letters, digits and single hyphens, "
            "such as zoho-bigin"
        )
    if key in products:
        raise CommandError(
            f"the product '{key}' is already listed under the beam plugin in mkdocs.yml; nothing "
            "was written"
        )
    name = name.strip()
    if not name or "\n" in name or "<" in name or ">" in name:
        raise CommandError(
            'give the product a one-line name without < or >, such as --name "Zoho Bigin"'
        )
    if name.casefold() in (other.casefold() for other in products.values()):
        raise CommandError(f"another product is already called '{name}'; choose another name")
    _check_url(docs_url, name, hosts)
    return Product(key, name, docs_url)


def _check_url(url: str, name: str, hosts: tuple[str, ...]) -> None:
    """The starter record must load: its url passes the records' own rules and allowed hosts."""
    try:
        https_url(yaml.ScalarNode(yn.STR_TAG, url), "url")
    except yn.Invalid as invalid:
        raise CommandError(
            f"--docs-url must be the https:// address of {name}'s official API documentation: "
            f"{invalid.what}"
        ) from None
    if not host_allowed(url, hosts):
        raise CommandError(
            f"--docs-url links to {urlsplit(url).hostname}, which is not one of the hosts records "
            f"may link to ({', '.join(hosts)}). Give a page on one of them, or add the host under "
            "'hosts' of the beam plugin in mkdocs.yml in a pull request of its own first"
        )


def _fill(template: str, product: Product) -> str:
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    return string.Template(text).substitute(
        key=product.key,
        product=product.key,
        name=product.name,
        title=yaml_text(
            product.name if template.endswith(".md") else f"{product.name} API documentation"
        ),
        summary=yaml_text(
            f"How-to guides for {product.name}'s APIs, with every fact linked to the official "
            "page it was checked against."
        ),
        record_id=product.record_id,
        url=yaml_text(product.docs_url),
        today=dt.date.today().isoformat(),
    )


# --- editing mkdocs.yml as text, at the lines YAML says, so comments and layout stay ------------


def _edited_mkdocs_yml(text: str, product: Product) -> tuple[str, list[int]]:
    """mkdocs.yml with the product's line and nav section added, and the (1-based) lines added."""
    root, problems = yn.compose(text, "mkdocs.yml")
    if problems or not isinstance(root, yaml.MappingNode):
        raise CommandError("mkdocs.yml cannot be read; run python -m macros check to see why")
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    inserts = [_products_insert(root, product)]
    nav = next((v for k, v in root.value if k.value == "nav"), None)
    if nav is not None:
        inserts.append(_nav_insert(nav, product))
    added: list[int] = []
    # From the bottom up, so each insert's line number still holds when it is made.
    for after, new_lines in sorted(inserts, key=lambda insert: insert[0], reverse=True):
        if after > 0 and not lines[after - 1].endswith(("\n", "\r")):
            lines[after - 1] += newline
        lines[after:after] = [line + newline for line in new_lines]
        added = [after + 1 + n for n in range(len(new_lines))] + [n + len(new_lines) for n in added]
    return "".join(lines), sorted(added)


def _products_insert(root: yaml.MappingNode, product: Product) -> tuple[int, list[str]]:
    options = beam_options(root)
    entry = f"{product.key}: {yaml_text(product.name)}"
    if isinstance(options, yaml.MappingNode) and not options.flow_style and options.value:
        products = next((v for k, v in options.value if k.value == "products"), None)
        if products is None:
            indent = " " * options.value[0][0].start_mark.column
            return _last_line(options), [f"{indent}products:", f"{indent}  {entry}"]
        if isinstance(products, yaml.MappingNode) and not products.flow_style and products.value:
            indent = " " * products.value[0][0].start_mark.column
            return _last_line(products), [f"{indent}{entry}"]
    raise CommandError(
        "the beam plugin's products in mkdocs.yml are not written one per line; write them as "
        "'products:' followed by lines such as '  zoho-crm: Zoho CRM', then run this again"
    )


def _nav_insert(nav: yaml.Node, product: Product) -> tuple[int, list[str]]:
    if not isinstance(nav, yaml.SequenceNode) or nav.flow_style or not nav.value:
        raise CommandError(
            "the nav in mkdocs.yml is not a list written one item per line; add the product's "
            "section by hand (CONTRIBUTING.md, 'Adding a product')"
        )
    if any(
        isinstance(item, yaml.MappingNode)
        and any(str(k.value).casefold() == product.name.casefold() for k, _ in item.value)
        for item in nav.value
    ):
        raise CommandError(f"the nav in mkdocs.yml already has a section '{product.name}'")
    dash = " " * nav.start_mark.column
    return _last_line(nav), [
        f"{dash}- {yaml_text(product.name)}:",
        f"{dash}    - {landing_page(product.key)}",
    ]


def _last_line(node: yaml.Node) -> int:
    """The (1-based) last line that holds some of the node's text."""
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark
        return end.line + 1 if end.column > 0 else end.line
    children = (
        node.value
        if isinstance(node, yaml.SequenceNode)
        else [part for pair in node.value for part in pair]
    )
    return max(_last_line(child) for child in children)


def _edited_home(text: str, product: Product) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    entry = (
        f"## {product.name}{newline}{newline}"
        f"Start at the [{product.name} guides]({landing_page(product.key)}).{newline}{newline}"
    )
    if HOME_MARKER in text:
        return text.replace(HOME_MARKER, entry + HOME_MARKER, 1)
    return text.rstrip("\r\n") + newline + newline + entry.rstrip("\r\n") + newline

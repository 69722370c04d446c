"""Products: every product listed under the beam plugin in mkdocs.yml has a landing page.

Owns: the rule that a product has pages, starting with its landing page `<docs>/<key>/index.md`,
reported at the product's line in mkdocs.yml. Does not own: reading the settings (settings.py),
the rules tying a page or a record to the product of its folder (contract.py, records.py), or
making a product (cli/new_product.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from .problems import Location, Problem
from .settings import product_lines


def landing_page(product: str) -> str:
    """A product's landing page, relative to the docs folder."""
    return f"{product}/index.md"


def products_without_pages(
    config_file: Path, products: Mapping[str, str], docs_dir: str, pages: Iterable[str]
) -> list[Problem]:
    """An error for each product without a landing page: without one, the build would publish a
    tab holding nothing but the product's generated sources page. `pages` are relative to the
    docs folder, as MkDocs names them."""
    pages = set(pages)
    lines = product_lines(config_file)
    problems = []
    for product in products:
        if landing_page(product) in pages:
            continue
        landing = f"{docs_dir}/{landing_page(product)}"
        has_pages = any(page.startswith(f"{product}/") for page in pages)
        what = (
            f"the product '{product}' has no landing page ({landing})"
            if has_pages
            else f"the product '{product}' has no pages, so its tab would be empty"
        )
        problems.append(
            Problem(
                Location(config_file.name, lines.get(product, 1)),
                what,
                f"Write {landing} with type: landing and product: {product}, and add it to nav "
                "(CONTRIBUTING.md, 'Adding a product'); or remove this line",
                "product-pages",
            )
        )
    return problems

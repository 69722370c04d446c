#!/usr/bin/env python3
"""Write two benchmark sites with the same words and facts: DIR/ours and DIR/plain.

Owns: the files of both sites (pages, index pages, records, example modules, mkdocs.yml derived
from the real site's settings). Does not own: the words (corpus.py), page Markdown (howto.py) or
any measurement (run.py).

    python3 benchmarks/gen_site.py --pages 1000 --out benchmarks/out/1000

`ours` is in the project's own format: records in sources/<product>/*.yml, pages calling the
macros, the beam plugin. `plain` has the facts typed in and citations as Markdown footnotes.
Both copy theme, Markdown extensions, validation and other plugins from the real mkdocs.yml, so
the benchmark follows the real site's settings as they change.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import URL_HOST, HowTo, ProductPlan, SitePlan, Topic, plan_site  # noqa: E402
from howto import OursWriter, PlainWriter, how_to  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MARKER = ".beam-benchmark-site"  # only folders holding this file are ever deleted


# --- the real site's settings, tags and all ------------------------------------------------------


class Tagged:
    """A YAML value with a tag we must not run, such as !!python/name:...; written back as read."""

    def __init__(self, tag: str, value: Any):
        self.tag, self.value = tag, value


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.MappingNode):
        value: Any = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)
    return Tagged(node.tag, value)


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_Loader.add_multi_constructor("", _construct_tagged)
_Dumper.add_representer(Tagged, _represent_tagged)


def read_real_config(path: Path) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}


def _plugin_name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def site_config(real: dict[str, Any], plan: SitePlan, variant: str) -> dict[str, Any]:
    """The real settings with our nav; ours gets the beam plugin, plain gets footnotes instead."""
    config = {k: v for k, v in real.items() if k not in ("nav", "docs_dir", "site_dir")}
    config["site_name"] = (
        f"{real.get('site_name', 'Beam Help')} benchmark ({len(plan.pages)} pages)"
    )
    plugins = []
    for entry in real.get("plugins") or ["search"]:
        if _plugin_name(entry) != "beam":
            plugins.append(entry)
        elif variant == "ours":
            options = dict(entry["beam"] or {})
            options["products"] = {p.product.slug: p.product.name for p in plan.products}
            options.pop("sources", None)  # the default, sources/
            options["hosts"] = [URL_HOST]  # synthetic records link to the synthetic host only
            plugins.append({"beam": options})
    if variant == "ours" and "beam" not in map(_plugin_name, plugins):
        products = {p.product.slug: p.product.name for p in plan.products}
        plugins.append({"beam": {"products": products, "hosts": [URL_HOST]}})
    config["plugins"] = plugins
    extensions = list(real.get("markdown_extensions") or [])
    if variant == "plain" and "footnotes" not in map(_plugin_name, extensions):
        extensions.append("footnotes")
    config["markdown_extensions"] = extensions
    config["nav"] = navigation(plan)
    return config


# --- navigation: product > area > topic > page ------------------------------------------------


def _areas(product_plan: ProductPlan) -> dict[str, list[Topic]]:
    areas: dict[str, list[Topic]] = {}
    for topic in product_plan.topics:
        areas.setdefault(topic.area, []).append(topic)
    return areas


def navigation(plan: SitePlan) -> list[Any]:
    """Products at the top (tabs in the real theme), then areas, topics and pages.

    With `navigation.tabs` and `navigation.sections`, the current product's areas are open headings
    on every page of it, and `navigation.prune` leaves each topic under them as one link until the
    reader is in it. So a page carries its product's topic links and its own topic's pages, never
    the whole site: at most TOPIC_SIZE pages and a topic count that grows by one per TOPIC_SIZE
    pages of a product.
    """
    nav: list[Any] = [{"Home": "index.md"}]
    for product_plan in plan.products:
        product = product_plan.product
        entries: list[Any] = [f"{product.slug}/index.md"]
        for area, topics in _areas(product_plan).items():
            entries.append(
                {
                    area: [
                        {
                            topic.name: [
                                f"{product.slug}/{topic.slug}/index.md",
                                *({page.nav_title: _page_path(page)} for page in topic.pages),
                            ]
                        }
                        for topic in topics
                    ]
                }
            )
        nav.append({product.name: entries})
    return nav


def _page_path(page: HowTo) -> str:
    return f"{page.product.slug}/{page.topic_slug}/{page.slug}.md"


# --- files ---------------------------------------------------------------------------------------


def _index_pages(plan: SitePlan) -> dict[str, str]:
    """Home, product and topic index pages: short lists readers browse by."""
    pages: dict[str, str] = {}
    home = ["# Beam Help benchmark", "", "Synthetic how-to pages, by product family.", ""]
    family = ""
    for product_plan in plan.products:
        product = product_plan.product
        if product.family != family:
            family = product.family
            home += ["", f"## {family}", ""]
        count = sum(len(t.pages) for t in product_plan.topics)
        home.append(f"- [{product.name}]({product.slug}/index.md): {count} how-tos")
        pages[f"{product.slug}/index.md"] = _product_index(product_plan)
        for topic in product_plan.topics:
            pages[f"{product.slug}/{topic.slug}/index.md"] = _topic_index(product_plan, topic)
    pages["index.md"] = "\n".join(home) + "\n"
    return pages


def _product_index(product_plan: ProductPlan) -> str:
    product = product_plan.product
    front_matter = [
        "---",
        f"title: {product.name}",
        "type: landing",
        f"product: {product.slug}",
        f"summary: How-tos for the {product.name} API, by topic.",
        "---",
        "",
    ]
    lines = [
        *front_matter,
        f"# {product.name}",
        "",
        f"How-tos for the {product.name} API, by topic.",
    ]
    for area, topics in _areas(product_plan).items():
        lines += ["", f"## {area}", ""]
        for topic in topics:
            # A landing page links every page of its product, as `check` asks of the real site.
            lines.append(f"- [{topic.name}]({topic.slug}/index.md): {len(topic.pages)} how-tos")
            lines += [f"    - [{p.title}]({topic.slug}/{p.slug}.md)" for p in topic.pages]
    return "\n".join(lines) + "\n"


def _topic_index(product_plan: ProductPlan, topic: Topic) -> str:
    lines = [f"# {topic.name} in {product_plan.product.name}", ""]
    lines += [f"- [{page.title}]({page.slug}.md): {page.summary}" for page in topic.pages]
    return "\n".join(lines) + "\n"


def _yaml_scalar(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "verified_on":
        return str(value)  # a plain date, as writers type it
    return json.dumps(value)  # a JSON string is a valid double-quoted YAML string


def _yaml_record(record_id: str, fields: dict[str, Any]) -> str:
    lines = [f"- id: {json.dumps(record_id)}"]
    for key, value in fields.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"  {key}:")
            for item in value:
                first = True
                for k, v in item.items():
                    lines.append(f"    {'- ' if first else '  '}{k}: {_yaml_scalar(k, v)}")
                    first = False
        elif isinstance(value, list) and value and isinstance(value[0], list):
            lines.append(f"  {key}:")
            lines += [f"    - [{', '.join(json.dumps(v) for v in group)}]" for group in value]
        elif isinstance(value, list):
            lines.append(f"  {key}: [{', '.join(json.dumps(v) for v in value)}]")
        else:
            lines.append(f"  {key}: {_yaml_scalar(key, value)}")
    return "\n".join(lines)


def _fresh_folder(folder: Path) -> None:
    if folder.exists():
        if not (folder / MARKER).exists():
            sys.exit(f"{folder} exists and is not a benchmark site; choose another --out")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / MARKER).write_text("written by benchmarks/gen_site.py; safe to delete\n")


def _write(folder: Path, relative: str, text: str) -> None:
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _copy_real_assets(real: dict[str, Any], real_root: Path, site: Path) -> None:
    """Files the copied settings point at: extra CSS/JS, theme overrides, hooks."""
    docs = real_root / real.get("docs_dir", "docs")
    for asset in [*(real.get("extra_css") or []), *(real.get("extra_javascript") or [])]:
        name = asset if isinstance(asset, str) else asset.get("path", "")
        if (docs / name).is_file():
            (site / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(docs / name, site / "docs" / name)
    theme = real.get("theme") or {}
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    if custom_dir and (real_root / custom_dir).is_dir():
        shutil.copytree(real_root / custom_dir, site / custom_dir)
    for hook in real.get("hooks") or []:
        if (real_root / hook).is_file():
            (site / hook).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(real_root / hook, site / hook)


def write_site(plan: SitePlan, variant: str, out: Path, real_root: Path) -> Path:
    real = read_real_config(real_root / "mkdocs.yml")
    site = out / variant
    _fresh_folder(site)
    _copy_real_assets(real, real_root, site)
    config = site_config(real, plan, variant)
    _write(site, "mkdocs.yml", yaml.dump(config, Dumper=_Dumper, sort_keys=False, width=1000))
    for relative, text in _index_pages(plan).items():
        _write(site, f"docs/{relative}", text)
    code_sources = {f.record_id: f.source for p in plan.products for f in p.functions}
    for page in plan.pages:
        writer = OursWriter() if variant == "ours" else PlainWriter(plan.records, code_sources)
        _write(site, f"docs/{_page_path(page)}", how_to(page, writer))
    if variant == "ours":
        for relative, ids in plan.record_files.items():
            head = f"# Synthetic records for the Beam Help benchmark ({relative}).\n\n"
            body = "\n\n".join(_yaml_record(i, plan.records[i]) for i in ids)
            _write(site, relative, head + body + "\n")
        for product_plan in plan.products:
            package = f"examples/{product_plan.product.slug.replace('-', '_')}_bench"
            _write(site, f"{package}/__init__.py", "")
            _write(site, f"{package}/client.py", product_plan.module_text)
    return site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, required=True, help="how-to pages to write")
    parser.add_argument("--out", type=Path, required=True, help="folder for ours/ and plain/")
    parser.add_argument("--seed", type=int, default=7, help="same seed, same site")
    parser.add_argument(
        "--real-root", type=Path, default=ROOT, help="where the real mkdocs.yml lives"
    )
    args = parser.parse_args(argv)
    plan = plan_site(args.pages, args.seed)
    for variant in ("ours", "plain"):
        write_site(plan, variant, args.out, args.real_root)
    print(
        f"wrote {len(plan.pages)} how-tos and {len(plan.records)} records "
        f"into {args.out}/ours and {args.out}/plain"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

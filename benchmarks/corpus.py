"""The benchmark's synthetic content: products, topics, how-to pages, their words and their records.

Owns: a deterministic plan (same seed, same site) that both benchmark sites are written from, so
they carry the same words and facts. Does not own: Markdown syntax (howto.py) or files (gen_site.py).
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field

# Pages per topic section. Bounded so the expanded part of the navigation stays the same size
# however many pages the site has (see the Performance section of the README).
TOPIC_SIZE = 20
VERIFIED_ON = "2026-11-29"
URL_HOST = "docs.example.com"  # synthetic facts: never point at a real Zoho page
URL_BASE = f"https://{URL_HOST}"

# slug, name, family, short API prefix, OAuth scope prefix
PRODUCTS = (
    ("zoho-crm", "Zoho CRM", "Sales and marketing", "crm", "ZohoCRM"),
    ("zoho-bigin", "Zoho Bigin", "Sales and marketing", "bigin", "ZohoBigin"),
    ("zoho-campaigns", "Zoho Campaigns", "Sales and marketing", "campaigns", "ZohoCampaigns"),
    ("zoho-books", "Zoho Books", "Finance", "books", "ZohoBooks"),
    ("zoho-inventory", "Zoho Inventory", "Finance", "inventory", "ZohoInventory"),
    ("zoho-invoice", "Zoho Invoice", "Finance", "invoice", "ZohoInvoice"),
    ("zoho-desk", "Zoho Desk", "Service", "desk", "Desk"),
    ("zoho-projects", "Zoho Projects", "Work and people", "projects", "ZohoProjects"),
    ("zoho-people", "Zoho People", "Work and people", "people", "ZohoPeople"),
    ("zoho-recruit", "Zoho Recruit", "Work and people", "recruit", "ZohoRecruit"),
)

# name, plural noun, the area that groups it in the navigation
TOPICS = (
    ("Bulk write", "bulk write jobs", "Data"),
    ("Bulk read", "bulk read jobs", "Data"),
    ("Webhooks", "webhooks", "Automation"),
    ("OAuth tokens", "access tokens", "Administration"),
    ("Records", "records", "Data"),
    ("Attachments", "attachments", "Data"),
    ("Search", "search queries", "Data"),
    ("Notifications", "notification channels", "Automation"),
    ("Reports", "reports", "Administration"),
    ("Users", "user accounts", "Administration"),
    ("Files", "files", "Data"),
    ("Settings", "organisation settings", "Administration"),
    ("Layouts", "page layouts", "Administration"),
    ("Tags", "tags", "Data"),
    ("Notes", "notes", "Data"),
    ("Workflows", "workflow rules", "Automation"),
    ("Custom fields", "custom fields", "Administration"),
    ("Currencies", "currency rates", "Administration"),
    ("Taxes", "tax rules", "Administration"),
    ("Comments", "comments", "Data"),
    ("Approvals", "approval requests", "Automation"),
    ("Templates", "email templates", "Automation"),
    ("Audit logs", "audit entries", "Administration"),
    ("Roles", "roles", "Administration"),
    ("Territories", "territories", "Administration"),
    ("Pipelines", "pipelines", "Data"),
    ("Contacts", "contacts", "Data"),
    ("Invoices", "invoices", "Data"),
    ("Tickets", "tickets", "Data"),
    ("Time logs", "time logs", "Data"),
)

VERBS = (
    "create", "retrieve", "update", "delete", "list", "export", "import", "schedule", "cancel",
    "search", "archive", "restore", "validate", "paginate", "filter", "sync", "batch", "audit",
    "monitor", "retry",
)  # fmt: skip
ADJECTIVES = (
    "draft", "recurring", "archived", "shared", "custom", "pending", "failed", "large",
    "scheduled", "linked", "deleted", "imported", "exported", "tagged", "signed",
)  # fmt: skip
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# Clauses the prose is built from; {product} and {noun} are filled in per page.
CLAUSES = (
    "the access token expires after an hour and must be refreshed",
    "each request carries the organisation ID of the account it acts on",
    "{product} answers with a JSON body that names the error code",
    "the data centre of the account decides which API domain you call",
    "a refresh token keeps working until the user revokes it",
    "the list of {noun} is returned one page at a time",
    "the response holds a cursor that points at the next page",
    "rate limits are counted per organisation rather than per user",
    "a request that arrives too fast is refused with a clear status",
    "the job runs in the background and finishes minutes later",
    "the same call made twice should not create two copies",
    "field names in the API differ from the labels in the web interface",
    "dates are written in ISO format with the time zone of the account",
    "large uploads go to a separate upload host before the job starts",
    "every change is written to an audit entry that administrators can read",
    "a missing scope shows up as an authorisation error, not as empty data",
    "the sandbox account behaves like production but keeps its own data",
    "webhook deliveries are retried a few times when your server is down",
    "a deleted item stays in the recycle bin for a while before it is purged",
    "custom fields carry an API name that never changes after creation",
    "the {noun} you read may already be stale when you act on them",
    "the API version is part of the path and changes only with notice",
    "a batch call accepts up to one hundred items in one request",
    "errors inside a batch are reported item by item in the response",
    "long-running exports produce a file you download with a second call",
    "{product} keeps the result file only for a limited time",
    "the client should log the request ID that each response returns",
    "retrying with exponential back-off keeps you inside the limits",
    "a user who lacks permission in the web interface lacks it in the API too",
    "the token belongs to a user, so the actions appear under that user's name",
    "time zones matter when you filter {noun} by their modified time",
    "the search endpoint reads an index that updates a few seconds late",
    "currency amounts come back as text so that no precision is lost",
    "layouts decide which fields are required when you create {noun}",
    "a workflow rule may change the record right after your call",
    "the callback URL must accept a POST request over HTTPS",
    "a test with a small file shows problems before you send a large one",
    "the response status alone does not tell you whether every row worked",
    "keeping the job ID lets you come back to the result later",
    "the documentation lists the limits next to each endpoint",
)
CONNECTORS = (
    "{a}, so {b}.",
    "When {a}, {b}.",
    "{a}; {b}.",
    "Remember that {a}, and {b}.",
    "{a}. In practice {b}.",
    "Because {a}, {b}.",
)


@dataclass(frozen=True)
class Product:
    slug: str
    name: str
    family: str
    api: str
    scope_prefix: str


@dataclass
class CodeFunction:
    """A function of a product's example module; a `code` record points at it."""

    record_id: str
    name: str
    source: str  # the function's exact text, as the `code` macro will extract it


@dataclass
class HowTo:
    """One how-to page: where it sits, its words, and the records it cites."""

    product: Product
    topic_slug: str
    slug: str
    title: str
    nav_title: str
    summary: str
    endpoint_id: str
    config_id: str
    doc_id: str
    code_id: str
    neighbour_ids: tuple[str, ...]  # records of nearby pages and the product guide, cited in items
    intro: list[str]
    why: list[list[str]]  # paragraphs of sentences
    steps: list[tuple[str, str]]  # (bold lead-in, explanation) for steps without a macro
    pitfalls: list[tuple[str, str]]
    checks: list[tuple[str, str]]
    options: dict[str, bool] = field(default_factory=dict)  # which optional citations it makes


@dataclass
class Topic:
    slug: str
    name: str
    noun: str
    area: str
    pages: list[HowTo] = field(default_factory=list)


@dataclass
class ProductPlan:
    product: Product
    topics: list[Topic]
    functions: list[CodeFunction]
    module_text: str
    guide_id: str


@dataclass
class SitePlan:
    products: list[ProductPlan]
    records: dict[str, dict]  # id -> the record's fields, in the order a writer would write them
    record_files: dict[str, list[str]]  # "sources/<product>/<file>.yml" -> record ids

    @property
    def pages(self) -> list[HowTo]:
        return [page for p in self.products for topic in p.topics for page in topic.pages]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _sentence(rng: random.Random, product: Product, noun: str) -> str:
    a, b = rng.sample(CLAUSES, 2)
    text = rng.choice(CONNECTORS).format(a=a, b=b).format(product=product.name, noun=noun)
    return text[0].upper() + text[1:]


def _sentences(rng: random.Random, product: Product, noun: str, words: int) -> list[str]:
    """Sentences until about `words` words are written."""
    out: list[str] = []
    while sum(len(s.split()) for s in out) < words:
        out.append(_sentence(rng, product, noun))
    return out


def _items(rng: random.Random, product: Product, noun: str, count: int) -> list[tuple[str, str]]:
    items = []
    for _ in range(count):
        lead = rng.choice(CLAUSES).format(product=product.name, noun=noun)
        lead = " ".join(lead.split()[:6]).rstrip(",;")
        lead = lead[0].upper() + lead[1:] + "."
        items.append((lead, " ".join(_sentences(rng, product, noun, 30))))
    return items


def _page_counts(pages: int, parts: int) -> list[int]:
    return [pages // parts + (1 if i < pages % parts else 0) for i in range(parts)]


def _code_module(product: Product, topics: list[Topic]) -> tuple[str, list[CodeFunction]]:
    """A small, importable client module with one listing function per topic (at most five)."""
    header = (
        f'"""A small standard-library client for the {product.name} API (benchmark example).\n\n'
        "Each function sends one request through a transport: a plain function from Request to\n"
        'Response, so tests can pass a stub instead of the network.\n"""\n\n'
        "from __future__ import annotations\n\n"
        "import json\n"
        "from collections.abc import Callable\n"
        "from dataclasses import dataclass\n\n\n"
        "@dataclass(frozen=True)\n"
        "class Request:\n"
        "    method: str\n"
        "    url: str\n"
        "    headers: dict[str, str]\n\n\n"
        "@dataclass(frozen=True)\n"
        "class Response:\n"
        "    status: int\n"
        "    body: bytes\n\n\n"
        "class ApiError(Exception):\n"
        '    """The API answered with a status outside 2xx."""\n\n\n'
        "Transport = Callable[[Request], Response]\n"
    )
    functions = []
    for topic in topics[:5]:
        key = topic.slug.replace("-", "_")
        name = f"list_{key}"
        source = (
            f"def {name}(\n"
            "    transport: Transport, api_domain: str, token: str, page: int = 1\n"
            ") -> list[dict]:\n"
            f'    """One page of {topic.noun} from {product.name}; raises ApiError on failure."""\n'
            "    response = transport(\n"
            "        Request(\n"
            '            "GET",\n'
            f'            f"{{api_domain}}/{product.api}/v3/{topic.slug}?page={{page}}&per_page=200",\n'
            '            {"Authorization": f"Zoho-oauthtoken {token}"},\n'
            "        )\n"
            "    )\n"
            "    if not 200 <= response.status < 300:\n"
            '        raise ApiError(response.status, response.body.decode("utf-8", "replace"))\n'
            f'    return json.loads(response.body)["{key}"]'
        )
        functions.append(
            CodeFunction(f"{product.slug}.examples.{name.replace('_', '-')}", name, source)
        )
    text = header + "".join(f"\n\n{f.source}\n" for f in functions)
    return text, functions


def _endpoint_record(product: Product, topic: Topic, slug: str, rng: random.Random) -> dict:
    method = rng.choice(METHODS)
    object_part = slug.split("-", 1)[-1]
    scope_area = topic.slug.replace("-", "")
    return {
        "kind": "endpoint",
        "title": f"{slug.replace('-', ' ').capitalize()} ({product.name} API v3)",
        "url": f"{URL_BASE}/{product.slug}/api/v3/{topic.slug}/{slug}.html",
        "verified_on": VERIFIED_ON,
        "quote": f"Use this API to {slug.replace('-', ' ')} in {product.name}. The request must "
        "carry a valid OAuth token with the required scope, and the response returns the "
        "details in JSON format.",
        "method": method,
        "path": f"/{product.api}/v3/{topic.slug}/{object_part}/{{id}}",
        "host": "api-domain",
        "read_only": method == "GET",
        "scopes": [
            [
                f"{product.scope_prefix}.{scope_area}.READ",
                f"{product.scope_prefix}.{scope_area}.ALL",
            ]
        ],
        "parameters": [
            {
                "name": "Authorization",
                "in": "header",
                "required": True,
                "description": "Zoho-oauthtoken {access_token}",
            },
            {
                "name": "id",
                "in": "path",
                "required": True,
                "description": f"The ID of the item, as returned when it was created in {product.name}.",
            },
        ],
    }


def _config_record(product: Product, topic: Topic, slug: str, rng: random.Random) -> dict:
    record = {
        "kind": "config",
        "title": f"Limits for {slug.replace('-', ' ')} in {product.name}",
        "url": f"{URL_BASE}/{product.slug}/api/v3/{topic.slug}/limits.html",
        "verified_on": VERIFIED_ON,
        "quote": f"The limit for {slug.replace('-', ' ')} applies to each organization; requests "
        "beyond it are rejected with an error code until the current window ends.",
    }
    if rng.random() < 0.5:
        record["value"] = f"{rng.choice((100, 200, 1000, 5000, 25000))} per request"
    else:
        record["values"] = ["ADDED", "IN PROGRESS", "COMPLETED", "FAILED"][: rng.randint(2, 4)]
    return record


def _doc_record(product: Product, topic: Topic, slug: str) -> dict:
    return {
        "kind": "doc",
        "title": f"{product.name} help: {slug.replace('-', ' ')}",
        "url": f"{URL_BASE}/{product.slug}/help/{topic.slug}/{slug}.html",
        "verified_on": VERIFIED_ON,
        "quote": f"This page explains how to {slug.replace('-', ' ')} in {product.name}: the "
        "steps, the permissions you need and the errors you may see.",
        "publisher": "Zoho (synthetic benchmark record)",
    }


def plan_site(pages: int, seed: int = 7) -> SitePlan:
    """The whole synthetic site: `pages` how-tos spread evenly over the products."""
    rng = random.Random(seed)
    records: dict[str, dict] = {}
    files: dict[str, list[str]] = {}
    plans = []
    for (slug, name, family, api, scopes), count in zip(
        PRODUCTS, _page_counts(pages, len(PRODUCTS)), strict=True
    ):
        if count == 0:
            continue
        product = Product(slug, name, family, api, scopes)
        topic_count = math.ceil(count / TOPIC_SIZE)
        topics = []
        for i in range(topic_count):
            topic_name, noun, area = TOPICS[i % len(TOPICS)]
            if i >= len(TOPICS):
                topic_name = f"{topic_name} {i // len(TOPICS) + 1}"
            topics.append(Topic(slugify(topic_name), topic_name, noun, area))
        module_text, functions = _code_module(product, topics)
        guide_id = f"{slug}.docs.developer-guide"
        records[guide_id] = {
            "kind": "doc",
            "title": f"{name} API developer guide",
            "url": f"{URL_BASE}/{slug}/api/v3/index.html",
            "verified_on": VERIFIED_ON,
            "quote": f"The {name} API lets you read and change the data of your organization "
            "from your own applications over HTTPS.",
        }
        files[f"sources/{slug}/docs.yml"] = [guide_id]
        for function in functions:
            records[function.record_id] = {
                "kind": "code",
                "title": f"Example: {function.name.replace('_', ' ')} (Python, tested)",
                "url": f"{URL_BASE}/{slug}/api/v3/index.html",
                "verified_on": VERIFIED_ON,
                "file": f"examples/{slug.replace('-', '_')}_bench/client.py",
                "symbol": function.name,
            }
        files[f"sources/{slug}/examples.yml"] = [f.record_id for f in functions]
        for topic, in_topic in zip(topics, _page_counts(count, topic_count), strict=True):
            combos = [(v, a) for v in VERBS for a in ADJECTIVES]
            topic_ids: list[str] = []
            for verb, adjective in rng.sample(combos, in_topic):
                page_slug = slugify(f"{verb} {adjective} {topic.noun}")
                base = f"{slug}.{topic.slug}.{verb}-{adjective}"
                ids = (f"{base}.request", f"{base}.limits", f"{base}.guide")
                records[ids[0]] = _endpoint_record(product, topic, page_slug, rng)
                records[ids[1]] = _config_record(product, topic, page_slug, rng)
                records[ids[2]] = _doc_record(product, topic, page_slug)
                topic_ids += ids
                words = f"{verb} {adjective} {topic.noun}"
                topic.pages.append(
                    HowTo(
                        product=product,
                        topic_slug=topic.slug,
                        slug=page_slug,
                        title=f"How to {words} in {name}",
                        nav_title=words[0].upper() + words[1:],
                        summary=f"Use the {name} API to {words}, and avoid the usual mistakes.",
                        endpoint_id=ids[0],
                        config_id=ids[1],
                        doc_id=ids[2],
                        code_id=rng.choice(functions).record_id,
                        neighbour_ids=(),
                        intro=_sentences(rng, product, topic.noun, 70),
                        why=[_sentences(rng, product, topic.noun, n) for n in (110, 90)],
                        steps=_items(rng, product, topic.noun, 3),
                        pitfalls=_items(rng, product, topic.noun, rng.randint(2, 3)),
                        checks=_items(rng, product, topic.noun, rng.randint(2, 3)),
                        options={
                            "why_cite": rng.random() < 0.6,
                            "scopes": rng.random() < 0.7,
                            "fact": rng.random() < 0.7,
                        },
                    )
                )
            files[f"sources/{slug}/{topic.slug}.yml"] = topic_ids
            for page in topic.pages:  # 6 to 10 citations a page, as the issue asks
                markers = 2 + sum(page.options.values()) + len(page.pitfalls) + len(page.checks)
                if markers > 10:
                    page.options["why_cite"] = False
            # Items cite records of the pages around them and the product guide, as real pages do.
            for i, page in enumerate(topic.pages):
                nearby = [
                    topic_ids[(3 * (i + d)) % len(topic_ids) + rng.randint(0, 2)] for d in (1, 2)
                ]
                page.neighbour_ids = (*nearby, guide_id, page.doc_id, page.config_id)
        plans.append(ProductPlan(product, topics, functions, module_text, guide_id))
    return SitePlan(plans, records, files)

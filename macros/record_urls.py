"""What a record's `url` may be: an https address with a plain host, on a host the site allows.

Owns: reading a `url` field (https only, a plain ASCII host, no user name, printable ASCII after
the host), the hosts records may link to by default, and matching a URL against the site's list.
Does not own: the site's list itself (settings.py) or other record fields (record_fields.py).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import yaml

from . import yamlnodes as yn

# Hosts records may link to when mkdocs.yml lists none (the beam option `hosts`): Zoho's sites,
# Zoho's own repositories on GitHub, and this project's. An entry is a host name ("zoho.com"),
# ".suffix" for every host under it (".zoho.com"), or a host and the path its links start with.
DEFAULT_HOSTS = ("zoho.com", ".zoho.com", "github.com/zoho/", "github.com/beam-help/")
# A URL as a browser and Python read it alike: https, a plain ASCII host, printable ASCII after it.
_URL_PARTS = re.compile(r"https://(?P<authority>[^/?#]*)(?P<rest>[/?#].*)?", re.S)
_HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
_URL_REST = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")


def https_url(node: yaml.Node, name: str) -> str:
    url = yn.text(node, name)
    if (
        not url.startswith("https://")
        or len(url) <= len("https://")
        or any(c.isspace() for c in url)
    ):
        raise yn.Invalid(
            node,
            f"'{name}' must be an https:// address, not {url!r}",
            "Link the official page with its https:// address",
            "not-https",
        )
    parts = _URL_PARTS.fullmatch(url)
    authority = parts["authority"] if parts else ""
    rest = (parts["rest"] if parts else "") or ""
    if "@" in authority:
        raise yn.Invalid(
            node,
            f"'{name}' holds a user name before '@' ({url}): a browser would open "
            f"{authority.rpartition('@')[2] or 'another host'}, not the host written first",
            "Link the official page by its plain address, with nothing between https:// and the host",
            "bad-url",
        )
    if not authority.isascii():
        raise yn.Invalid(
            node,
            f"the host of '{name}' ({authority}) holds letters that are not plain ASCII, which can "
            "imitate another site's name",
            "Link the official page by its address as Zoho publishes it",
            "bad-url",
        )
    if not _HOST_NAME.fullmatch(authority.lower()):
        raise yn.Invalid(
            node,
            f"the host of '{name}' ({authority}) is not a plain host name",
            "Write the address as https://host/path, without a port, backslash or trailing dot",
            "bad-url",
        )
    if not _URL_REST.fullmatch(rest):
        raise yn.Invalid(
            node,
            f"'{name}' holds characters that an address cannot hold as they are ({url})",
            "Copy the address from the browser's address bar, where such characters are "
            "percent-encoded",
            "bad-url",
        )
    return url


def host_allowed(url: str, hosts: tuple[str, ...]) -> bool:
    """Whether an https URL (already checked by https_url) links to a host the site allows."""
    parts = urlsplit(url)
    host, path = (parts.hostname or "").lower(), parts.path or "/"
    for entry in hosts:
        name, slash, prefix = entry.lower().partition("/")
        on_host = host.endswith(name) if name.startswith(".") else host == name
        if on_host and (not slash or path.startswith("/" + prefix)):
            return True
    return False

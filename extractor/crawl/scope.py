"""Where a crawl may go: the seed's own site, public addresses, what robots.txt allows.

The registrable domain comes from ``tldextract`` with its bundled Public Suffix
List snapshot and no suffix-list URL, so it never fetches anything at run
time: ``www.pingtan.gov.cn`` and ``pingtan.gov.cn`` are one site, while
``www.fujian.gov.cn`` is another (``gov.cn`` is a public suffix). An IP address
or a bare host name is its own site.

The address check resolves the host and refuses loopback, private, link-local
and reserved addresses unless the crawl allows them (tests do); the HTTP client
resolves again when it connects, which is an accepted gap for a polite crawler.
"""
from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

from .outcome import Outcome

__all__ = ["registrable_domain", "same_site", "address_refusal", "Refusal"]

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

#: Why a URL was not fetched: the manifest outcome and a reason in words.
Refusal = tuple[Outcome, str]


def registrable_domain(url: str) -> str:
    """The part of a URL's host that one owner controls (``sh.gov.cn`` for ``zwgk.sh.gov.cn``)."""
    host = (urlsplit(url).hostname or "").lower()
    parts = _EXTRACT(host)
    return parts.top_domain_under_public_suffix or host


def same_site(url: str, seed_url: str) -> bool:
    """Whether ``url`` belongs to the same registrable domain as the seed."""
    return registrable_domain(url) == registrable_domain(seed_url)


@lru_cache(maxsize=1024)
def _addresses(host: str) -> tuple[str, ...]:
    return tuple(sorted({info[4][0] for info in socket.getaddrinfo(host, None)}))


def address_refusal(url: str, allow_private: bool) -> Refusal | None:
    """Why ``url`` must not be fetched for its address, or None when it may be."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = _addresses(host)
    except (socket.gaierror, UnicodeError) as exc:
        return Outcome.ERROR, f"cannot resolve {host}: {exc}"
    if allow_private:
        return None
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        if not address.is_global:
            return Outcome.ERROR, f"refused: {host} is a non-public address ({address}); see --allow-private"
    return None

"""``xxgk crawl``: collect annual reports from government sites, politely and resumably.

Modules, in the order a URL meets them: :mod:`.seeds` (what to crawl),
:mod:`.discover` (listing pages, entries, attachments), :mod:`.scope` and
:mod:`.robots` (whether a URL may be asked for), :mod:`.fetch` (asking),
:mod:`.storage` (the stored bytes and ``manifest.csv``, whose format its
docstring documents), :mod:`.warc` (optional archive) and :mod:`.crawler`,
which runs them.
"""
from __future__ import annotations

from .crawler import CrawlSummary, crawl
from .outcome import FINISHED, Outcome
from .seeds import Seed, read_seeds
from .settings import CrawlSettings
from .storage import COLUMNS, MANIFEST_NAME, ManifestRow

__all__ = [
    "crawl", "CrawlSummary", "CrawlSettings", "Seed", "read_seeds",
    "Outcome", "FINISHED", "ManifestRow", "COLUMNS", "MANIFEST_NAME",
]

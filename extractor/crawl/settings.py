"""How politely and how far a crawl goes: one frozen dataclass, validated on creation."""
from __future__ import annotations

from dataclasses import dataclass

from .. import __version__
from ..errors import CrawlError

__all__ = ["CrawlSettings", "USER_AGENT"]

#: Named so that site operators can see who is asking and why.
USER_AGENT = f"xxgk/{__version__} (government information-disclosure annual-report crawler)"


@dataclass(frozen=True)
class CrawlSettings:
    """Every knob of a crawl; the defaults are the polite ones for real government sites.

    ``years`` keeps only reports about those years (all when empty);
    ``limit`` stops the run after that many documents were fetched (a resumed
    run picks up the rest); ``refresh`` re-asks finished documents with
    conditional requests instead of skipping them.
    """

    delay: float = 1.0
    max_bytes: int = 50 * 1024 * 1024
    years: tuple[int, ...] = ()
    allow_private: bool = False
    timeout: float = 30.0
    retries: int = 2
    backoff: float = 1.0
    max_redirects: int = 5
    max_pages: int = 50
    limit: int | None = None
    refresh: bool = False
    warc: bool = False
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        for name in ("delay", "timeout", "backoff"):
            if getattr(self, name) < 0:
                raise CrawlError(f"{name} must not be negative")
        for name in ("max_bytes", "max_pages"):
            if getattr(self, name) < 1:
                raise CrawlError(f"{name} must be at least 1")
        if self.retries < 0 or self.max_redirects < 0:
            raise CrawlError("retries and max_redirects must not be negative")
        if self.limit is not None and self.limit < 1:
            raise CrawlError("limit must be at least 1")

    def wants_year(self, year: int) -> bool:
        """Whether a report for ``year`` is inside the requested range."""
        return not self.years or year in self.years

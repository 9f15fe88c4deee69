"""robots.txt, read once per host and run, parsed by ``urllib.robotparser``.

A missing robots.txt (404 and other 4xx) allows everything; 401/403 and a
robots.txt that cannot be read at all (5xx, timeouts, a challenge page) forbid
the whole host for this run, because a polite crawler does not guess.
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from .fetch import CHALLENGE_STATUSES, Fetcher, Gate
from .outcome import Outcome
from .scope import Refusal

__all__ = ["Robots"]

log = logging.getLogger(__name__)


class Robots:
    """The robots.txt rules of every host a crawl touches, fetched on first use."""

    def __init__(self, fetcher: Fetcher, user_agent: str) -> None:
        self._fetcher = fetcher
        self._agent = user_agent.split("/")[0]
        self._parsers: dict[str, RobotFileParser] = {}
        self._why_closed: dict[str, str] = {}

    def refusal(self, url: str, address_gate: Gate) -> Refusal | None:
        """Why robots.txt forbids ``url``, or None when it is allowed."""
        parts = urlsplit(url)
        parser = self._parser(parts.scheme, parts.netloc, address_gate)
        if parser.can_fetch(self._agent, url):
            return None
        reason = self._why_closed.get(parts.netloc) or f"robots.txt disallows {parts.path or '/'}"
        return Outcome.DISALLOWED, reason

    def _parser(self, scheme: str, host: str, address_gate: Gate) -> RobotFileParser:
        if host not in self._parsers:
            robots_url = urlunsplit((scheme, host, "/robots.txt", "", ""))
            self._parsers[host] = self._load(robots_url, host, address_gate)
        return self._parsers[host]

    def _load(self, robots_url: str, host: str, address_gate: Gate) -> RobotFileParser:
        parser = RobotFileParser(robots_url)
        response = self._fetcher.get(robots_url, address_gate)
        if response.outcome is Outcome.FETCHED and response.body is not None:
            parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
        elif _absent(response.status):
            parser.allow_all = True
        else:
            parser.disallow_all = True
            self._why_closed[host] = f"robots.txt unreadable ({response.reason}): host skipped"
            log.warning("%s: %s", robots_url, self._why_closed[host])
        delay = parser.crawl_delay(self._agent)
        if delay:
            self._fetcher.set_delay(host, float(delay))
        return parser


def _absent(status: int | None) -> bool:
    """Whether the server says there is no robots.txt (a 4xx that is not a refusal or a challenge)."""
    return status is not None and 400 <= status < 500 and status not in (401, 403, *CHALLENGE_STATUSES)

"""robots.txt: obeyed when present, permissive when missing, closed when unreadable.

``urllib.robotparser`` reads whole-second Crawl-delay values only, hence the one-second test.
"""
from __future__ import annotations

import time

import httpx

from extractor.crawl.fetch import Fetcher
from extractor.crawl.outcome import Outcome
from extractor.crawl.robots import Robots
from extractor.crawl.settings import CrawlSettings

SITE = "http://www.example.gov.cn"


def robots_for(answer: httpx.Response, delay: float = 0) -> tuple[Robots, Fetcher]:
    """Robots over a server that answers ``answer`` for /robots.txt and 200 for the rest."""
    def handler(request: httpx.Request) -> httpx.Response:
        return answer if request.url.path == "/robots.txt" else httpx.Response(200, content=b"ok")
    settings = CrawlSettings(delay=delay, retries=0)
    fetcher = Fetcher(settings, httpx.MockTransport(handler))
    return Robots(fetcher, settings.user_agent), fetcher


def allow_all(url: str) -> None:
    return None


def test_disallowed_path_is_refused_with_the_rule_named() -> None:
    robots, _ = robots_for(httpx.Response(200, text="User-agent: *\nDisallow: /private/\n"))
    assert robots.refusal(f"{SITE}/private/2021.html", allow_all) == (
        Outcome.DISALLOWED, "robots.txt disallows /private/2021.html")
    assert robots.refusal(f"{SITE}/nb/2021.html", allow_all) is None


def test_missing_robots_txt_allows_everything() -> None:
    robots, _ = robots_for(httpx.Response(404))
    assert robots.refusal(f"{SITE}/private/2021.html", allow_all) is None


def test_unreadable_robots_txt_closes_the_host() -> None:
    robots, _ = robots_for(httpx.Response(503))
    assert robots.refusal(f"{SITE}/nb/2021.html", allow_all) == (
        Outcome.DISALLOWED, "robots.txt unreadable (HTTP 503 after 1 attempt): host skipped")


def test_crawl_delay_spaces_requests_to_the_host() -> None:
    robots, fetcher = robots_for(httpx.Response(200, text="User-agent: *\nCrawl-delay: 1\n"))
    robots.refusal(f"{SITE}/nb/", allow_all)
    started = time.monotonic()
    fetcher.get(f"{SITE}/nb/", allow_all)
    assert time.monotonic() - started >= 1.0

"""The fetcher alone, on an injected httpx transport: retries, challenges, size limits, redirects."""
from __future__ import annotations

from collections.abc import Callable

import httpx

from extractor.crawl.fetch import Fetcher, Validators
from extractor.crawl.outcome import Outcome
from extractor.crawl.settings import CrawlSettings

URL = "http://www.example.gov.cn/nb/report.pdf"
SETTINGS = CrawlSettings(delay=0, backoff=0, retries=2, max_bytes=1000)


def fetcher(answers: list[httpx.Response], seen: list[httpx.Request]) -> Fetcher:
    """A fetcher whose server gives ``answers`` in turn and logs each request into ``seen``."""
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers[min(len(seen), len(answers)) - 1]
    return Fetcher(SETTINGS, httpx.MockTransport(handler))


def allow_all(url: str) -> None:
    return None


def test_server_errors_are_retried_until_an_answer() -> None:
    seen: list[httpx.Request] = []
    response = fetcher([httpx.Response(503), httpx.Response(200, content=b"%PDF-1.7")], seen).get(URL, allow_all)
    assert (response.outcome, response.body, len(seen)) == (Outcome.FETCHED, b"%PDF-1.7", 2)


def test_persistent_server_errors_end_as_an_error_after_every_retry() -> None:
    seen: list[httpx.Request] = []
    response = fetcher([httpx.Response(502)], seen).get(URL, allow_all)
    assert (response.outcome, response.reason, len(seen)) == (Outcome.ERROR, "HTTP 502 after 3 attempts", 3)


def test_challenge_is_blocked_and_not_retried() -> None:
    seen: list[httpx.Request] = []
    response = fetcher([httpx.Response(521, content=b"<script>document.cookie=1</script>")], seen).get(URL, allow_all)
    assert (response.outcome, len(seen)) == (Outcome.BLOCKED, 1)


def test_declared_length_over_the_limit_is_too_large() -> None:
    response = fetcher([httpx.Response(200, headers={"Content-Length": "5000"}, content=b"x" * 5000)], []).get(
        URL, allow_all)
    assert (response.outcome, response.body) == (Outcome.TOO_LARGE, None)


def test_undeclared_length_over_the_limit_is_too_large() -> None:
    chunks = httpx.ByteStream(b"x" * 5000)
    response = fetcher([httpx.Response(200, stream=chunks)], []).get(URL, allow_all)
    assert response.outcome is Outcome.TOO_LARGE


def test_each_redirect_hop_passes_the_gate() -> None:
    elsewhere = "http://www.example.com/copy.pdf"
    gate: Callable[[str], tuple[Outcome, str] | None] = (
        lambda url: (Outcome.OFF_SITE, "elsewhere") if url == elsewhere else None)
    seen: list[httpx.Request] = []
    response = fetcher([httpx.Response(302, headers={"Location": elsewhere})], seen).get(URL, gate)
    assert (response.outcome, response.final_url, len(seen)) == (Outcome.OFF_SITE, elsewhere, 1)


def test_validators_become_conditional_headers_and_304_is_not_modified() -> None:
    seen: list[httpx.Request] = []
    validators = Validators(etag='"abc"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    response = fetcher([httpx.Response(304)], seen).get(URL, allow_all, validators)
    assert response.outcome is Outcome.NOT_MODIFIED
    assert (seen[0].headers["If-None-Match"], seen[0].headers["If-Modified-Since"]) == (
        '"abc"', "Wed, 01 Jan 2025 00:00:00 GMT")


def test_charset_comes_from_the_content_type_header() -> None:
    answer = httpx.Response(200, headers={"Content-Type": 'text/html; charset="GBK"'}, content=b"<html></html>")
    response = fetcher([answer], []).get(URL, allow_all)
    assert (response.content_type, response.charset) == ("text/html", "GBK")


def test_a_body_that_cannot_be_decoded_is_an_error_not_a_crash() -> None:
    answer = httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(b"not gzip at all"))
    seen: list[httpx.Request] = []
    response = fetcher([answer], seen).get(URL, allow_all)
    assert (response.outcome, len(seen)) == (Outcome.ERROR, 1)
    assert response.reason.startswith("request failed (DecodingError")

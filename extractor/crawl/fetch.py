"""Polite HTTP: one request at a time per host, retries with backoff, bounded size.

The :class:`Fetcher` wraps an ``httpx.Client`` whose transport can be injected
(``httpx.MockTransport`` in unit tests), follows redirects itself so that
every hop passes the same gate as the first URL (off-site, address, robots),
and turns every answer into a :class:`Response` carrying one manifest
:class:`~extractor.crawl.outcome.Outcome`. Anti-bot challenges (HTTP 521 from
JS-cookie shields, 412 from Ruishu-style shields) are reported as blocked and
never solved; timeouts, connection failures and other 5xx answers are retried,
and any other failure of a request (a malformed URL, a body that cannot be
decoded) is that URL's error, never the crawl's end. A response is bounded in
bytes (``max_bytes``) and in total time (``response_seconds`` of
:mod:`extractor.limits`): the read timeout alone would let a server drip a
body a byte at a time for as long as it likes.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from ..limits import LIMITS, Limits
from .outcome import Outcome
from .scope import Refusal
from .settings import CrawlSettings

__all__ = ["Fetcher", "Response", "Validators", "Gate", "CHALLENGE_STATUSES"]

log = logging.getLogger(__name__)

#: Statuses that anti-bot shields on Chinese government sites answer with.
CHALLENGE_STATUSES = frozenset({412, 521})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

#: Decides whether a URL may be requested; None means yes.
Gate = Callable[[str], Refusal | None]


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said about a stored copy, to ask it "has this changed?" next time."""

    etag: str = ""
    last_modified: str = ""

    def headers(self) -> dict[str, str]:
        """The conditional request headers these validators allow."""
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True, slots=True)
class Response:
    """The end of one fetch: what was asked, where it ended, and what came back."""

    url: str
    final_url: str
    outcome: Outcome
    reason: str = ""
    status: int | None = None
    reason_phrase: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None

    def header(self, name: str) -> str:
        """One response header's value ('' when absent), matched case-insensitively."""
        return _header(self.headers, name)

    @property
    def content_type(self) -> str:
        """The media type without parameters (``text/html``)."""
        return self.header("content-type").split(";")[0].strip().lower()

    @property
    def charset(self) -> str:
        """The charset the server declared in Content-Type ('' when it declared none)."""
        for parameter in self.header("content-type").split(";")[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "charset":
                return value.strip().strip("\"'")
        return ""

    @property
    def validators(self) -> Validators:
        """The ETag and Last-Modified to send on the next request for this URL."""
        return Validators(self.header("etag"), self.header("last-modified"))


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    reason_phrase: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    too_large: bool = False
    too_slow: bool = False


class Fetcher:
    """Sequential, delayed, size-bounded GETs; one instance per crawl run."""

    def __init__(self, settings: CrawlSettings, transport: httpx.BaseTransport | None = None,
                 limits: Limits = LIMITS) -> None:
        self._settings = settings
        self._limits = limits
        self._client = httpx.Client(
            transport=transport,
            timeout=settings.timeout,
            headers={"User-Agent": settings.user_agent},
            follow_redirects=False,
        )
        self._last_request: dict[str, float] = {}
        self._delays: dict[str, float] = {}

    def close(self) -> None:
        """Release the connection pool."""
        self._client.close()

    def set_delay(self, host: str, seconds: float) -> None:
        """Wait at least ``seconds`` between requests to ``host`` (robots.txt Crawl-delay)."""
        self._delays[host] = max(seconds, self._settings.delay)

    def get(self, url: str, gate: Gate, validators: Validators | None = None) -> Response:
        """Fetch ``url``, following redirects through ``gate``, at most ``max_bytes`` long."""
        headers = validators.headers() if validators else {}
        current = url
        for _ in range(self._settings.max_redirects + 1):
            refusal = gate(current)
            if refusal:
                return Response(url, current, refusal[0], refusal[1])
            answer = self._with_retries(current, headers)
            if isinstance(answer, str):
                return Response(url, current, Outcome.ERROR, answer)
            location = _header(answer.headers, "location")
            if answer.status in _REDIRECTS and location:
                current = urljoin(current, location)
                continue
            return _classify(url, current, answer, self._settings.max_bytes, self._limits.response_seconds)
        return Response(url, current, Outcome.ERROR, f"more than {self._settings.max_redirects} redirects")

    def _with_retries(self, url: str, headers: dict[str, str]) -> _Answer | str:
        """The server's answer, or why there was none after every retry."""
        attempts = self._settings.retries + 1
        problem = ""
        for attempt in range(attempts):
            if attempt:
                pause = self._settings.backoff * 2 ** (attempt - 1)
                log.info("retrying %s in %.2fs (%s)", url, pause, problem)
                time.sleep(pause)
            try:
                answer = self._attempt(url, headers)
            except httpx.TimeoutException as exc:
                problem = f"timed out ({type(exc).__name__})"
                continue
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__}: {exc})"
                continue
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                return f"request failed ({type(exc).__name__}: {exc})"
            if answer.status >= 500 and answer.status not in CHALLENGE_STATUSES:
                problem = f"HTTP {answer.status}"
                continue
            return answer
        return f"{problem} after {attempts} attempt{'s' if attempts > 1 else ''}"

    def _attempt(self, url: str, headers: dict[str, str]) -> _Answer:
        host = urlsplit(url).netloc
        self._wait(host)
        try:
            log.debug("GET %s", url)
            with self._client.stream("GET", url, headers=headers) as response:
                pairs = tuple(response.headers.multi_items())
                if not response.is_success:
                    return _Answer(response.status_code, response.reason_phrase, pairs, None)
                body, too_large, too_slow = _read_bounded(response, self._settings.max_bytes,
                                                          time.monotonic() + self._limits.response_seconds)
                return _Answer(response.status_code, response.reason_phrase, pairs, body, too_large, too_slow)
        finally:
            self._last_request[host] = time.monotonic()

    def _wait(self, host: str) -> None:
        delay = self._delays.get(host, self._settings.delay)
        last = self._last_request.get(host)
        if last is not None:
            remaining = last + delay - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str:
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), "")


def _read_bounded(response: httpx.Response, limit: int, deadline: float) -> tuple[bytes | None, bool, bool]:
    """``(body, too_large, too_slow)``: the body, or None as soon as it is known to exceed ``limit`` bytes
    or to arrive after ``deadline`` (``time.monotonic``).

    The body is taken as the network gives it, not in fixed chunks, so that
    a trickle is seen at each read.
    """
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None, True, False
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            return None, True, False
        if time.monotonic() > deadline:
            return None, False, True
        chunks.append(chunk)
    return b"".join(chunks), False, False


def _classify(url: str, final_url: str, answer: _Answer, limit: int, seconds: float) -> Response:
    """The manifest outcome of a final (non-redirect) answer."""
    status = answer.status
    if answer.too_large:
        outcome, reason = Outcome.TOO_LARGE, f"larger than --max-bytes {limit}"
    elif answer.too_slow:
        outcome, reason = Outcome.ERROR, f"the response took more than {seconds:g} s to arrive (a trickle)"
    elif status == 304:
        outcome, reason = Outcome.NOT_MODIFIED, ""
    elif status in CHALLENGE_STATUSES:
        outcome, reason = Outcome.BLOCKED, f"anti-bot challenge (HTTP {status}), not bypassed"
    elif 200 <= status < 300:
        outcome, reason = Outcome.FETCHED, ""
    else:
        outcome, reason = Outcome.ERROR, f"HTTP {status}"
    return Response(url, final_url, outcome, reason, status, answer.reason_phrase, answer.headers, answer.body)

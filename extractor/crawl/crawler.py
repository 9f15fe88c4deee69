"""One crawl run: seeds in, documents and a manifest out, resumable at any point.

For each seed the listing pages are walked (see :mod:`.discover`), report
entries chosen by title and year, each entry fetched, and every detail
page's attachments fetched after it. Every URL passes one gate in this order:
same registrable domain as the seed, a public address, robots.txt. A document
already finished in ``DIR/manifest.csv`` is never requested again (its stored
copy is re-read instead, so the attachments of a page fetched before an
interruption are still found); listing pages are always re-read, with
conditional requests, because that is where new reports appear.
"""
from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import httpx

from .discover import Link, attachments, is_attachment_url, page_meta, page_text, parse_listing, report_year
from .fetch import Fetcher, Gate, Response, Validators
from .outcome import Outcome
from .robots import Robots
from .scope import Refusal, address_refusal, registrable_domain, same_site
from .seeds import Seed
from .settings import CrawlSettings
from .storage import LISTINGS_NAME, MANIFEST_NAME, Manifest, ManifestRow, Store, suffix_for
from .warc import WARC_NAME, WarcArchive

__all__ = ["crawl", "CrawlSummary"]

log = logging.getLogger(__name__)

_FAILED = frozenset({Outcome.ERROR, Outcome.BLOCKED})


@dataclass
class CrawlSummary:
    """What a run did: document outcomes, what it kept from before, whether it stopped early.

    ``failures`` are what a user has to look at after the run: documents that
    ended in error or were blocked, and listing pages that could not be read.
    """

    out_dir: Path
    outcomes: Counter[str] = field(default_factory=Counter)
    resumed: int = 0
    stopped: bool = False
    failures: list[ManifestRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Got:
    """A row for a URL and its bytes; ``reused`` when both came from an earlier run."""

    row: ManifestRow
    body: bytes | None
    reused: bool = False


def crawl(
    seeds: Iterable[Seed],
    out_dir: str | Path,
    settings: CrawlSettings | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    on_row: Callable[[ManifestRow], None] | None = None,
) -> CrawlSummary:
    """Crawl every seed into ``out_dir`` and describe the result in ``out_dir/manifest.csv``.

    ``transport`` replaces the network (tests); ``on_row`` hears of every
    document row as it is recorded (progress display).
    """
    settings = settings or CrawlSettings()
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    run = _Run(root, settings, transport, on_row or (lambda row: None))
    try:
        return run.crawl(seeds)
    finally:
        run.close()


class _Run:
    """The state of one run: its fetcher, robots cache, store and manifests."""

    def __init__(self, root: Path, settings: CrawlSettings, transport: httpx.BaseTransport | None,
                 on_row: Callable[[ManifestRow], None]) -> None:
        self.settings = settings
        self.fetcher = Fetcher(settings, transport)
        self.robots = Robots(self.fetcher, settings.user_agent)
        self.store = Store(root)
        self.documents = Manifest(root / MANIFEST_NAME)
        self.listings = Manifest(root / LISTINGS_NAME)
        self.archive = WarcArchive(root / WARC_NAME) if settings.warc else None
        self.summary = CrawlSummary(root)
        self.on_row = on_row

    def close(self) -> None:
        self.fetcher.close()
        self.documents.close()
        self.listings.close()
        if self.archive:
            self.archive.close()

    def crawl(self, seeds: Iterable[Seed]) -> CrawlSummary:
        fetched = 0
        for seed in seeds:
            log.info("crawling %s (%s)", seed.body, seed.url)
            for row in self._seed_rows(seed):
                fetched += row.outcome == Outcome.FETCHED
                if self.settings.limit is not None and fetched >= self.settings.limit:
                    self.summary.stopped = True
                    return self.summary
        return self.summary

    def _gate(self, seed_url: str) -> Gate:
        """The checks every URL of this seed passes before it is requested."""
        def gate(url: str) -> Refusal | None:
            if not same_site(url, seed_url):
                return Outcome.OFF_SITE, f"outside the seed's site {registrable_domain(seed_url)}"
            return self._address(url) or self.robots.refusal(url, self._address)
        return gate

    def _address(self, url: str) -> Refusal | None:
        return address_refusal(url, self.settings.allow_private)

    def _seed_rows(self, seed: Seed) -> Iterator[ManifestRow]:
        gate = self._gate(seed.url)
        for link in self._entries(seed, gate):
            yield from self._entry_rows(seed, link, gate)

    def _entries(self, seed: Seed, gate: Gate) -> Iterator[Link]:
        """Report entries of the seed's listing, walking its pages breadth-first."""
        queue, seen, offered = deque([seed.url]), set(), set()
        while queue and len(seen) < self.settings.max_pages:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            got = self._fetch(ManifestRow(seed.body, seed.region, url, kind="listing"), gate, self.listings,
                              revalidate=True)
            self._record(self.listings, got, got.row)
            if got.body is None:
                self.summary.failures.append(got.row)
                log.warning("listing %s: %s (%s)", url, got.row.outcome, got.row.reason)
                continue
            listing = parse_listing(page_text(url, got.body, got.row.charset), got.row.final_url or url)
            queue.extend(page for page in listing.pages if page not in seen)
            for link in listing.entries:
                year = report_year(link.text)
                if year is not None and self.settings.wants_year(year) and link.url not in offered:
                    offered.add(link.url)
                    yield link

    def _entry_rows(self, seed: Seed, link: Link, gate: Gate) -> Iterator[ManifestRow]:
        """The entry's own row and, for a detail page, one row per attachment."""
        kind = "attachment" if is_attachment_url(link.url) else "page"
        base = ManifestRow(seed.body, seed.region, link.url, title=link.text, publish_date=link.date, kind=kind)
        got = self._fetch(base, gate, self.documents, revalidate=self.settings.refresh)
        if got.body is None or "html" not in got.row.content_type:
            yield self._document(got, got.row if got.body is None else replace(got.row, kind="attachment"))
            return
        text = page_text(got.row.url, got.body, got.row.charset)
        meta = page_meta(text)
        page = replace(got.row, kind="page", title=meta.title or got.row.title,
                       publish_date=meta.publish_date or got.row.publish_date, source=meta.source)
        yield self._document(got, page)
        for url in attachments(text, page.final_url or page.url):
            child = ManifestRow(seed.body, seed.region, url, title=page.title, publish_date=page.publish_date,
                                kind="attachment", parent_url=page.url, source=page.source)
            attachment = self._fetch(child, gate, self.documents, revalidate=self.settings.refresh)
            yield self._document(attachment, attachment.row)

    def _document(self, got: _Got, row: ManifestRow) -> ManifestRow:
        """Record a document row and count it in the summary."""
        self._record(self.documents, got, row)
        if got.reused:
            self.summary.resumed += 1
        else:
            self.summary.outcomes[row.outcome] += 1
        if row.outcome in _FAILED:
            self.summary.failures.append(row)
        self.on_row(row)
        return row

    @staticmethod
    def _record(manifest: Manifest, got: _Got, row: ManifestRow) -> None:
        if not got.reused or row != got.row:
            manifest.add(row)

    def _fetch(self, base: ManifestRow, gate: Gate, manifest: Manifest, *, revalidate: bool) -> _Got:
        """The bytes for ``base.url``: reused when finished before, else asked for (conditionally)."""
        previous = manifest.get(base.url)
        stored = self.store.read(previous.path) if previous and previous.finished else None
        if previous and stored is not None and not revalidate:
            return _Got(previous, stored, reused=True)
        validators = Validators(previous.etag, previous.last_modified) if previous and stored is not None else None
        response = self.fetcher.get(base.url, gate, validators)
        if response.outcome is Outcome.NOT_MODIFIED and previous and stored is not None:
            row = replace(previous, fetched_at=_now(), http_status="304", outcome=Outcome.NOT_MODIFIED.value, reason="")
            return _Got(row, stored)
        return self._keep(base, response)

    def _keep(self, base: ManifestRow, response: Response) -> _Got:
        """Store a fresh response's bytes and describe it in a row."""
        row = replace(
            base, final_url=response.final_url, fetched_at=_now(),
            http_status=str(response.status) if response.status is not None else "",
            outcome=response.outcome.value, reason=response.reason,
            content_type=response.content_type, charset=response.charset,
            etag=response.header("etag"), last_modified=response.header("last-modified"),
        )
        if response.outcome is not Outcome.FETCHED or response.body is None:
            if response.outcome is not Outcome.OFF_SITE:
                log.info("%s: %s %s", base.url, response.outcome, response.reason)
            return _Got(row, None)
        digest, path = self.store.put(response.body, suffix_for(response.final_url, response.content_type))
        if self.archive:
            self.archive.write(response)
        return _Got(replace(row, sha256=digest, path=path), response.body)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

"""Crawl output on disk: content-addressed originals and the manifest that describes them.

Layout of a crawl directory ``DIR``::

    DIR/manifest.csv     one row per document found (detail pages and attachments)
    DIR/listings.csv     the same columns for the listing pages walked (kind "listing")
    DIR/files/ab/<sha256>.<ext>   the original bytes, exactly as served
    DIR/crawl.warc.gz    optional WARC archive of every response kept (--warc)

``manifest.csv`` is UTF-8 CSV with a byte-order mark (so that Excel on a Chinese
Windows reads the names right instead of guessing GBK; read it with
``encoding="utf-8-sig"``), a header row and these columns, in order:

=============  ==============================================================
body           the government body, from the seeds file
region         its region, from the seeds file
url            the URL the document was found under (listing entry or link)
final_url      where that URL ended after redirects
title          ArticleTitle meta of the page, else the listing's words;
               attachments carry their page's title
publish_date   YYYY-MM-DD from the PubDate meta, else the date beside the
               listing entry; attachments carry their page's date
fetched_at     UTC time of the last request, ISO 8601 (``2026-11-27T05:10:00Z``)
http_status    the final HTTP status ('' when no request was made)
sha256         hex digest of the stored bytes ('' when nothing is stored)
path           the stored file, relative to DIR ('' when nothing is stored)
outcome        fetched | not-modified | disallowed-by-robots | off-site |
               blocked | too-large | error
reason         why, in words, for every outcome but fetched and not-modified
content_type   media type the server declared (``application/pdf``)
charset        charset the server declared in Content-Type ('' when none);
               pass it to ``extractor.readers.read_document(charset=...)``
kind           page (an HTML detail page) or attachment (a file)
parent_url     for attachments of a page, that page's URL; '' otherwise
source         ContentSource meta of the page (the publishing office)
etag           validators for conditional requests on later runs
last_modified
=============  ==============================================================

Rows with outcome ``fetched`` or ``not-modified`` have a stored file; every
other outcome has none. The file is appended to row by row as the crawl goes,
so an interrupted crawl leaves a valid manifest; when a URL appears twice the
later row wins, and a finished crawl rewrites the file with one row per URL.
"""
from __future__ import annotations

import csv
import hashlib
import mimetypes
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path, PurePosixPath
from typing import IO
from urllib.parse import urlsplit

from ..errors import CrawlError
from ..readers import SUFFIXES
from .outcome import FINISHED, Outcome

__all__ = ["ManifestRow", "Manifest", "Store", "MANIFEST_NAME", "LISTINGS_NAME", "COLUMNS", "read_manifest",
           "suffix_for"]

MANIFEST_NAME = "manifest.csv"
LISTINGS_NAME = "listings.csv"


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """One URL the crawl met, and what became of it (see the module docstring)."""

    body: str
    region: str
    url: str
    final_url: str = ""
    title: str = ""
    publish_date: str = ""
    fetched_at: str = ""
    http_status: str = ""
    sha256: str = ""
    path: str = ""
    outcome: str = Outcome.ERROR.value
    reason: str = ""
    content_type: str = ""
    charset: str = ""
    kind: str = ""
    parent_url: str = ""
    source: str = ""
    etag: str = ""
    last_modified: str = ""

    @property
    def finished(self) -> bool:
        """Whether a stored copy exists, so the URL need not be fetched again."""
        return self.outcome in FINISHED and bool(self.path)


COLUMNS = tuple(field.name for field in fields(ManifestRow))


class Manifest:
    """A manifest file: the rows of earlier runs, and appending rows as they happen."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: dict[str, ManifestRow] = _load(path)
        self._handle: IO[str] | None = None

    def get(self, url: str) -> ManifestRow | None:
        """The latest row recorded for ``url``, from this run or an earlier one."""
        return self.rows.get(url)

    def add(self, row: ManifestRow) -> None:
        """Record ``row`` now (flushed), so that an interruption loses nothing finished."""
        if self._handle is None:
            fresh = not self.path.exists() or self.path.stat().st_size == 0
            # utf-8-sig writes the byte-order mark only at the start of an empty file
            self._handle = open(self.path, "a", newline="", encoding="utf-8-sig")
            if fresh:
                csv.writer(self._handle).writerow(COLUMNS)
        csv.DictWriter(self._handle, COLUMNS).writerow(asdict(row))
        self._handle.flush()
        self.rows[row.url] = row

    def close(self) -> None:
        """Rewrite the file with one row per URL, atomically."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if not self.rows:
            return
        temporary = self.path.with_suffix(".csv.tmp")
        with open(temporary, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.DictWriter(handle, COLUMNS)
            writer.writeheader()
            writer.writerows(asdict(row) for row in self.rows.values())
        os.replace(temporary, self.path)


def read_manifest(path: Path, required: tuple[str, ...] = ("url", "outcome")) -> list[ManifestRow]:
    """The rows of a ``manifest.csv`` or ``listings.csv`` (what a resumed crawl and a build read), or a
    CrawlError naming the file: unreadable, or lacking one of the ``required`` columns."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [name for name in required if name not in (reader.fieldnames or required)]
            if missing:
                raise CrawlError(f"crawl manifest lacks column(s) {', '.join(missing)}", path)
            return [ManifestRow(**{name: row.get(name) or "" for name in COLUMNS}) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CrawlError(f"cannot read crawl manifest: {exc}", path) from exc


def _load(path: Path) -> dict[str, ManifestRow]:
    return {row.url: row for row in read_manifest(path)} if path.exists() else {}


class Store:
    """Original bytes under ``DIR/files``, named by their SHA-256 so duplicates are kept once."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes, suffix: str) -> tuple[str, str]:
        """Store ``data``; its digest and its path relative to the crawl directory."""
        digest = hashlib.sha256(data).hexdigest()
        relative = Path("files") / digest[:2] / f"{digest}{suffix}"
        target = self.root / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(target.name + ".tmp")
            temporary.write_bytes(data)
            os.replace(temporary, target)
        return digest, relative.as_posix()

    def read(self, relative: str) -> bytes | None:
        """The stored bytes at ``relative``, or None when the file went missing."""
        try:
            return (self.root / relative).read_bytes()
        except OSError:
            return None


#: Suffixes kept as a URL gives them: those a reader exists for.
_KNOWN_SUFFIXES = frozenset(SUFFIXES)


def suffix_for(url: str, content_type: str) -> str:
    """The file suffix to store a download under: the URL's own when it is telling, else the type's.

    Readers sniff the bytes first, but a right suffix keeps the store browsable.
    """
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    if suffix in _KNOWN_SUFFIXES:
        return suffix
    guessed = mimetypes.guess_extension(content_type) if content_type else None
    return guessed or ".bin"

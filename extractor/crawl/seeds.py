"""The seeds file: one government body per row, with the URL of its annual-report column."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import CrawlError

__all__ = ["Seed", "read_seeds", "REQUIRED_COLUMNS"]

REQUIRED_COLUMNS = ("body", "region", "url")


@dataclass(frozen=True, slots=True)
class Seed:
    """A body and the listing page where its annual reports are published."""

    body: str
    region: str
    url: str


def read_seeds(path: str | Path) -> list[Seed]:
    """Seeds from a CSV with a header row holding at least ``body,region,url``.

    Extra columns are ignored so that users can keep notes beside the seeds.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
            header = rows[0].keys() if rows else []
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CrawlError(f"cannot read seeds: {exc}", path) from exc
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if not rows or missing:
        raise CrawlError(f"seeds need a header and rows with columns {', '.join(REQUIRED_COLUMNS)}"
                         + (f" (missing: {', '.join(missing)})" if rows else " (no rows)"), path)
    return [_seed(row, number, path) for number, row in enumerate(rows, start=2)]


def _seed(row: dict[str, str], line: int, path: str | Path) -> Seed:
    url = (row["url"] or "").strip()
    if urlsplit(url).scheme not in ("http", "https"):
        raise CrawlError(f"line {line}: url must be an http(s) address, not {url!r}", path)
    return Seed(body=(row["body"] or "").strip(), region=(row["region"] or "").strip(), url=url)

"""One exception tree for everything xxgk raises on purpose.

    XxgkError
    ├── ReaderError          a file cannot be read (broken, unsupported, missing tool)
    │   └── UnsupportedFormat
    ├── DatasetError         the dataset cannot be opened or written
    ├── CrawlError           a crawl cannot start (bad seeds file, bad options)
    └── MissingExtra         a feature needs an optional dependency (names the extra)

Every error carries the file it is about (``.path``) so that a batch can report
one clear line per failed file and carry on. Readers wrap whatever a parsing
library raises (``from exc``): a broken file is never a crash.
"""
from __future__ import annotations

from pathlib import Path

__all__ = [
    "XxgkError",
    "ReaderError",
    "UnsupportedFormat",
    "DatasetError",
    "CrawlError",
    "MissingExtra",
]


class XxgkError(Exception):
    """Base of every error xxgk raises deliberately."""

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ReaderError(XxgkError):
    """The file could not be turned into a Document."""


class UnsupportedFormat(ReaderError):
    """No reader knows this kind of file."""


class DatasetError(XxgkError):
    """The dataset (database or export) could not be read or written."""


class CrawlError(XxgkError):
    """A crawl could not be set up."""


class MissingExtra(XxgkError):
    """A feature needs an optional dependency that is not installed; the message names the extra."""

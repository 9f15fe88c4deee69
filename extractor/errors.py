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

import re
from pathlib import Path

__all__ = [
    "one_line",
    "readable_name",
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


#: Characters that would break a one-line message or drive the terminal (newlines, escapes, C1 controls).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Object addresses in library messages (``<_io.BytesIO object at 0x7f…>``), different on every run.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def readable_name(name: str) -> str:
    """A file name as valid UTF-8: the bytes a non-UTF-8 name could not decode (``\\udcff``, Python's
    surrogate escapes) shown as ``\\xff``, so that JSON and terminals never receive invalid text."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def one_line(message: str) -> str:
    """A message as one stable, harmless terminal line: names made readable, control characters shown
    escaped (``\\n``, ``\\x1b``), object addresses dropped so that two runs print the same line."""
    text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), readable_name(message))
    return _ADDRESS.sub("", text)

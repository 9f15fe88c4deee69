"""Readers: one per file format, each turning bytes into the one :class:`Document` form.

A reader is a module in this package with a function
``read(path: str, data: bytes, *, charset: str | None = None, settings: ReadSettings | None = None)
-> Document``. It raises :class:`~extractor.errors.ReaderError` naming the
file when the bytes cannot be read; whatever a parsing library raises is
wrapped, never leaked. The format is chosen from the bytes when they say it
(``%PDF``, a zip holding ``word/document.xml``, an OLE2 compound file,
markup) and from the suffix otherwise, because real sites serve PDFs named
``.htm`` and pages named ``.jsp``.

``settings`` (:mod:`.settings`) holds the tolerances of the layout engine and
of OCR, which the PDF and image readers use and the others ignore;
:func:`read_document` makes the defaults when given none, and no setting is
global.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from ..document import Document
from ..errors import ReaderError, UnsupportedFormat
from .settings import ReadSettings

__all__ = ["DOCUMENT_FORMATS", "FORMATS", "SUFFIXES", "suffixes_of", "detect_format", "read_bytes", "read_document", "reader_modules"]

#: format -> reader module (imported only when a file of that format comes)
FORMATS: dict[str, str] = {
    "html": "html",
    "txt": "text",
    "docx": "docx",
    "pdf": "pdf",
    "doc": "legacy",
    "wps": "legacy",
    "image": "image",
}

#: file suffix -> format, for files whose bytes do not say
SUFFIXES = {
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
    ".txt": "txt", ".md": "txt", ".text": "txt",
    ".docx": "docx", ".pdf": "pdf", ".doc": "doc", ".wps": "wps",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image", ".tif": "image", ".tiff": "image",
}
#: The formats a report is published in as a file of its own, beside or instead of its web page.
DOCUMENT_FORMATS = frozenset({"docx", "pdf", "doc", "wps"})


def suffixes_of(formats: frozenset[str] | set[str]) -> tuple[str, ...]:
    """The file suffixes of some formats (``.pdf``…): what the crawler downloads and stores is what a
    reader exists for, from this one list."""
    return tuple(suffix for suffix, fmt in SUFFIXES.items() if fmt in formats)


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Leading bytes of the image formats sites post tables (or scanned reports) as, read with OCR.
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")


def detect_format(path: str | Path, data: bytes) -> str:
    """The format of a file, from its leading bytes first and its suffix second."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    suffix = SUFFIXES.get(Path(path).suffix.lower())
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536] or suffix == "docx":
            return "docx"
        raise UnsupportedFormat("a zip archive that is not a Word (.docx) document", path)
    if head.startswith(_OLE2):
        return "wps" if suffix == "wps" else "doc"
    lowered = head[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered or b"<table" in lowered:
        return "html"
    if data.startswith(_IMAGES):
        return "image"
    if suffix:
        return suffix
    raise UnsupportedFormat(f"unsupported file type {Path(path).suffix or '(no suffix)'!r}", path)


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, or a ReaderError that says why not."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ReaderError(f"cannot open file: {exc.strerror or exc}", path) from exc


def read_document(path: str | Path, data: bytes | None = None, *, charset: str | None = None,
                  settings: ReadSettings | None = None) -> Document:
    """Read one report file (or its bytes) into a Document.

    ``charset`` is the encoding an HTTP server declared, when the file was
    crawled; it outranks what the page itself says. ``settings`` are the
    reader's tolerances (:class:`~.settings.ReadSettings`; the defaults when
    None), handed to the reader and by it to every step that uses them.
    """
    path = str(path)
    if data is None:
        data = read_bytes(path)
    if not data:
        raise ReaderError("empty file", path)
    fmt = detect_format(path, data)
    module = importlib.import_module(_module_name(FORMATS[fmt]))
    document: Document = module.read(path, data, charset=charset, settings=settings or ReadSettings())
    document.format = fmt
    return document


def reader_modules() -> list[str]:
    """Every reader module's full name: what a process that will read files of any format imports up front
    (a build's fork server, so that each file's process starts with them loaded: pdfium, lxml, numpy)."""
    return [_module_name(module) for module in sorted(set(FORMATS.values()))]


def _module_name(module: str) -> str:
    return f"{__name__}.{module}"

"""Image reader: a table (or a whole report) posted as a picture, read with OCR.

PNG, JPEG, GIF and TIFF files are read page by page (a TIFF or GIF may
hold several) the way a scanned PDF is (:func:`.pdf.read_images`). An image
in which OCR finds no text at all (a logo, a photo, a blank) is not a report
and fails as such, rather than passing as a report without tables.
"""
from __future__ import annotations

from ..document import Document
from ..errors import ReaderError
from .titles import guess_title
from .pdf import read_images
from .pictures import check_size, ocr
from .settings import ReadSettings

__all__ = ["read"]


def read(path: str, data: bytes, *, charset: str | None = None, settings: ReadSettings | None = None) -> Document:
    """Read an image file with OCR and the tolerances of ``settings`` (the defaults when None; ``charset`` is
    unused: an image has no text encoding)."""
    check_size(path, data)
    paragraphs, tables, title = read_images(path, ocr().open_images(path, data), settings or ReadSettings())
    if not tables and not any(p.text for p in paragraphs):
        raise ReaderError("an image without text: OCR found nothing to read", path)
    return Document(path, "image", paragraphs, tables, title=title or guess_title(paragraphs))

"""How much one hostile input may cost, checked before the cost is paid.

A report is a few MB of XML, a few hundred table cells, a few dozen pages.
A zip bomb, a 60 000-pixel-wide PNG, a blank page 5 m on a side, a table whose
``colspan``×``rowspan`` multiply to billions or a pager that announces 200
million pages are not reports, and each would take gigabytes or hours if read
the normal way. Every limit here is checked from what the input *declares*
(zip headers, image headers, page boxes, span attributes, script arguments)
before anything is inflated, decoded, rendered, laid out or built, and again
where a declaration could lie (an inflated part is read at most one byte past
its limit). Each limit is far above any real report, so hitting one means the
file is not a report and it fails with one line saying which limit it broke.

The time and memory one file may take are the parsing pool's
(:class:`~extractor.isolation.PoolSettings`); the bytes one crawled response
may hold are the crawl's ``--max-bytes``.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["LIMITS", "Limits", "mib"]


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits, validated on creation (each must be positive)."""

    #: Bytes the main part of a .docx (``word/document.xml``) may inflate to; a long report's is ~5 MB.
    docx_bytes: int = 256 * 1024 * 1024
    #: Members a .docx archive may hold; a report with its images holds tens.
    docx_members: int = 10_000
    #: Pixels an image file may hold over all its frames, known from its header before decoding (a 600 dpi
    #: A3 scan is 70 million).
    image_pixels: int = 200_000_000
    #: Frames (pages) an image file or a scanned PDF may have to be read with OCR.
    ocr_pages: int = 500
    #: Pictures of one .docx or web page read with OCR for the tables they show (a logo, a drawing or a
    #: picture too small for a table not counted): a report pastes its few tables, a long one a few dozen photos.
    ocr_pictures: int = 60
    #: Area (square points) of a PDF page that may be rendered for OCR: twice A0 (A0 is 2384 × 3370 pt).
    page_area: float = 2 * 2384 * 3370
    #: Grid positions a table may cover once its merged cells are laid out (a report's tables hold hundreds).
    grid_cells: int = 500_000
    #: Seconds a crawl may spend on one response, however slowly its body trickles in.
    response_seconds: float = 300.0
    #: Pages of one listing a pager script may announce (TRS ``createPageHTML(total, …)``).
    listing_pages: int = 1000

    def __post_init__(self) -> None:
        for limit in fields(self):
            if getattr(self, limit.name) <= 0:
                raise ValueError(f"{limit.name} must be positive, not {getattr(self, limit.name)}")


#: The limits every reader and the crawler apply.
LIMITS = Limits()


def mib(size: float) -> str:
    """A byte count as people read it in a message (``256 MiB``)."""
    return f"{size / (1024 * 1024):g} MiB"

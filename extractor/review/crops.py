"""The source beside the numbers: a crop of the PDF page around each standard table, flagged cells boxed.

The dataset keeps where each value was read ("page 4 table 3 row 4 col 5"),
not the cells' boxes, so the PDF is read again here (``readers``, a fraction of
a second) to find the table by that name and its cells' boxes. A table cut by a
page break is one table whose rows run on the next page: its rows are split
where their top edge jumps back up, one crop per page. A table read from lines
of text has no boxes: its whole page is shown instead.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from ..document import BBox, Cell, Table
from ..errors import XxgkError
from ..readers import read_document
from ..readers.pdfium_calls import PDFIUM_LOCK

__all__ = ["Crop", "Mark", "table_crops"]

log = logging.getLogger(__name__)

#: Pixels per PDF point: sharp enough to read small digits, small enough to mail.
_SCALE = 2.0
#: Points of page kept around a table: more above, for the heading printed over it.
_MARGIN = (6.0, 30.0, 6.0, 6.0)
_BOX = {"error": (200, 40, 30), "warning": (224, 140, 0)}


@dataclass(frozen=True, slots=True)
class Crop:
    """One picture of (part of) a table: the page it shows and where the image was written."""

    page: int
    path: Path


@dataclass(frozen=True, slots=True)
class Mark:
    """How to box a cell: in its worst finding's colour, thick when a finding is about it (``lead``), thin when
    it only takes part in the check."""

    severity: str
    lead: bool


def table_crops(pdf: Path, boxes: Mapping[str, Mapping[tuple[int, int], Mark]], out: Path) -> dict[str, list[Crop]]:
    """For each table named in ``boxes`` (name -> (row, col) -> how to box the cell), its crops
    written as ``out``-1.png, ``out``-2.png…; none when the file cannot be read (logged, the page goes on)."""
    try:
        document = read_document(pdf)
    except XxgkError as exc:
        log.warning("%s: no crops: %s", pdf, exc)
        return {}
    crops: dict[str, list[Crop]] = {}
    with PDFIUM_LOCK:
        try:
            source = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as exc:
            log.warning("%s: no crops: %s", pdf, exc)
            return {}
        try:
            parts = [(table.name, page, cells) for table in document.tables if table.name in boxes
                     for page, cells in _pages(table)]
            for number, (name, page, cells) in enumerate(parts, start=1):
                path = out.with_name(f"{out.name}-{number}.png")
                _crop(source, page, cells, boxes[name]).save(path, optimize=True)
                crops.setdefault(name, []).append(Crop(page, path))
        finally:
            source.close()
    return crops


def _pages(table: Table) -> Iterator[tuple[int, list[Cell]]]:
    """The table's cells by page: a row whose top is above the previous row's starts the next page."""
    page, previous, cells = table.page or 1, None, []
    for row in table.rows():
        tops = [c.bbox[1] for c in row if c.bbox is not None]
        if tops and previous is not None and min(tops) < previous and cells:
            yield page, cells
            page, cells = page + 1, []
        previous = min(tops) if tops else previous
        cells += row
    if cells:
        yield page, cells


def _crop(source: pdfium.PdfDocument, page_number: int, cells: list[Cell],
          boxes: Mapping[tuple[int, int], Mark]) -> Image.Image:
    """The page around these cells, the boxed ones outlined in their severity's colour."""
    page = source[page_number - 1]
    try:
        image = page.render(scale=_SCALE).to_pil().convert("RGB")
    finally:
        page.close()
    placed = [c.bbox for c in cells if c.bbox is not None]
    if not placed:
        return image
    draw = ImageDraw.Draw(image)
    for cell in cells:
        mark = boxes.get((cell.row, cell.col))
        if mark and cell.bbox is not None:
            draw.rectangle(_pixels(_around(cell.bbox, (1.5,) * 4)), outline=_BOX[mark.severity],
                           width=5 if mark.lead else 2)
    left, top, right, bottom = _pixels(_around(_union(placed), _MARGIN))
    return image.crop((max(0, left), max(0, top), min(image.width, right), min(image.height, bottom)))


def _union(boxes: list[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _around(box: BBox, margin: BBox) -> BBox:
    return box[0] - margin[0], box[1] - margin[1], box[2] + margin[2], box[3] + margin[3]


def _pixels(box: BBox) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = (round(v * _SCALE) for v in box)
    return x0, y0, x1, y1

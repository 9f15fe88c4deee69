"""Ruled tables on a PDF page as pieces of the one Document form, running text around them.

The grids the ruling lines draw (:mod:`.ruling`) are filled with the
text printed in each cell (by the PDF page reader or OCR), so a merged cell appears
once with its spans and a label printed one character per line down a merged
cell ("三、/本/年/度/…") stays one label cell at the left.

Word frames running text in rectangles too; rows of a found "table" that are
one full-width cell of prose are given back as running text, so headings stay
paragraphs ahead of the table they introduce.

A table continued on the next page comes as a second piece, which
:mod:`.stitch` joins to the first.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...document import BBox, Cell
from .geometry import PageText, TextLine
from .labels import block_items, label_key
from .ruling import Grid

__all__ = ["Piece", "text_pieces"]


@dataclass(slots=True)
class Piece:
    """One ruled table as found on one page (or several pages once stitched)."""

    cells: list[Cell]
    page: int
    bbox: BBox | None

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)


def text_pieces(found: PageText, grids: list[Grid], number: int) -> tuple[list[Piece], list[TextLine]]:
    """The ruled tables of page ``number`` from the text found in their cells, and the running text around them.

    The text comes from the page's text layer (:func:`page_pieces`) or from OCR of its image.
    """
    pieces: list[Piece] = []
    lines = found.lines
    confidences = found.confidences or [[None] * len(texts) for texts in found.cells]
    for grid, texts, sure in zip(grids, found.cells, confidences):
        piece, prose = _peel_prose(_piece(grid, texts, sure, number), grid.bbox)
        lines.extend(prose)
        if piece is not None:
            pieces.append(piece)
    lines.sort(key=lambda line: line.top)
    return pieces, lines


def _piece(grid: Grid, texts: list[str], confidences: Sequence[float | None], page: int) -> Piece:
    """A grid's cells, each with the text printed inside it (and how sure OCR was of it)."""
    cells = [Cell(text, row, col, rowspan, colspan, rect, sure)
             for (row, col, rowspan, colspan), text, rect, sure in zip(grid.spans, texts, grid.rects(), confidences)]
    return Piece(cells, page, grid.bbox)


def _is_prose_row(row: list[Cell], width: int) -> bool:
    """A row that is one full-width cell of running text, not a row of the form."""
    if len(row) != 1 or row[0].colspan < width:
        return False
    return label_key(row[0].text) not in block_items()


def _peel_prose(piece: Piece, grid_box: BBox) -> tuple[Piece | None, list[TextLine]]:
    """Give the prose rows at the top and bottom of a found table (drawn in ``grid_box``) back as running text."""
    width = max((c.col + c.colspan for c in piece.cells), default=0)
    rows: list[list[Cell]] = [[] for _ in range(piece.n_rows)]
    for cell in piece.cells:
        rows[cell.row].append(cell)
    start, end = 0, len(rows)
    while start < end and (not rows[start] or _is_prose_row(rows[start], width)):
        start += 1
    while end > start and (not rows[end - 1] or _is_prose_row(rows[end - 1], width)
                           or all(not c.text for c in rows[end - 1])):
        end -= 1
    prose = [TextLine(row[0].text, row[0].bbox[1], row[0].bbox[3] - row[0].bbox[1]) for row in rows[:start] + rows[end:]
             if row and row[0].text and row[0].bbox is not None]
    if start == end:
        return None, prose
    if (start, end) == (0, len(rows)):
        return piece, prose
    kept = [Cell(c.text, c.row - start, c.col, min(c.rowspan, end - c.row), c.colspan, c.bbox, c.confidence)
            for row in rows[start:end] for c in row]
    boxes = [c.bbox for c in kept if c.bbox is not None]
    x0, _, x1, _ = grid_box
    return Piece(kept, piece.page, (x0, min(b[1] for b in boxes), x1, max(b[3] for b in boxes))), prose

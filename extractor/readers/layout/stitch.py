"""One table from its pieces on consecutive PDF pages.

A page break cuts a table anywhere: between rows (a group label spanning rows
on both pages, "（四）无" above the break and "法提供" below it; a vertical
label's blank remainder), or through a row (a label "5.属于三类内部事务" on
one page and "信息" on the next, with the values on one side only; a header
"结果" / "维持"). Pieces are put on one column grid by position — a page
break does not move the ruling — and the cut cells are joined back, so the
locator sees every row of the form whole, once.

What is a continuation is decided by the labels, not by position alone: a
fragment continues the cell above it unless it reads as a row label of its own
(a numbered item "2.没有现成信息…", or a label the form prints, "行政强制", even
misread by OCR: "、上年结转政府信息公开申请数量").
"""
from __future__ import annotations

from bisect import bisect_left

from ...document import Cell, table_from_rows
from ...values import looks_like_value
from ...text import clean_text
from .labels import header_labels, is_form_label, is_numbered, label_key
from .settings import LayoutSettings
from .tables import Piece
from .words import join_rows

__all__ = ["stitch"]


def stitch(upper: Piece, lower: Piece, settings: LayoutSettings) -> Piece:
    """``lower`` (the top of the next page) appended to ``upper``, cut cells joined.

    Cell edges within ``settings.stitch_tolerance`` on the two pages are one column line.

    Pieces read from lines of text (no cell boxes) are joined row by row
    (:func:`.words.join_rows`).
    """
    if upper.bbox is None or lower.bbox is None:
        rows = join_rows(_texts(upper), _texts(lower))
        return Piece(table_from_rows(rows, "").cells, upper.page, None)
    offset = upper.n_rows
    cells = _common_columns(upper.cells + [_shifted(c, offset) for c in lower.cells], settings.stitch_tolerance)
    ending = {(c.col, c.colspan): i for i, c in enumerate(cells[: len(upper.cells)]) if c.row + c.rowspan == offset}
    first_row = [j for j in range(len(upper.cells), len(cells)) if cells[j].row == offset]
    pairs = _continued_labels(cells, ending, first_row)
    if _row_was_cut(cells, pairs, first_row, offset):
        for j in first_row:
            i = ending.get((cells[j].col, cells[j].colspan))
            if j not in pairs and i is not None and cells[i].row == offset - 1:
                pairs[j] = i
    dropped = all(j in pairs for j in first_row)
    joined = list(cells)
    for j, i in pairs.items():
        above, below = cells[i], cells[j]
        rowspan = above.rowspan + below.rowspan - (1 if dropped else 0)
        joined[i] = Cell(clean_text(above.text + below.text), above.row, above.col, rowspan, above.colspan, above.bbox,
                         _least_sure(above.confidence, below.confidence))
    kept = [c for k, c in enumerate(joined) if k not in pairs]
    if dropped:
        kept = [_shifted(c, -1) if c.row > offset else c for c in kept]
    return Piece(kept, upper.page, upper.bbox)


def _texts(piece: Piece) -> list[list[str]]:
    rows: list[list[str]] = [[] for _ in range(piece.n_rows)]
    for cell in sorted(piece.cells, key=lambda c: (c.row, c.col)):
        rows[cell.row].append(cell.text)
    return rows


def _shifted(cell: Cell, rows: int) -> Cell:
    return Cell(cell.text, cell.row + rows, cell.col, cell.rowspan, cell.colspan, cell.bbox, cell.confidence)


def _least_sure(*confidences: float | None) -> float | None:
    """The OCR confidence of a cell joined from parts: its least sure part's (None when none was OCR'd)."""
    return min((c for c in confidences if c is not None), default=None)


def _common_columns(cells: list[Cell], tolerance: float) -> list[Cell]:
    """Cells re-laid on one column grid drawn from all their x edges (edges within ``tolerance`` are one)."""
    xs: list[float] = []
    for x in sorted(v for c in cells if c.bbox for v in (c.bbox[0], c.bbox[2])):
        if not xs or x - xs[-1] > tolerance:
            xs.append(x)
    out = []
    for c in cells:
        if c.bbox is None:
            out.append(c)
            continue
        first = bisect_left(xs, c.bbox[0] - tolerance)
        span = max(1, bisect_left(xs, c.bbox[2] - tolerance) - first)
        out.append(c if (first, span) == (c.col, c.colspan) else c._replace(col=first, colspan=span))
    return out


def _continued_labels(cells: list[Cell], ending: dict[tuple[int, int], int], first_row: list[int]) -> dict[int, int]:
    """Label cells of the continuation's first row that finish a cell cut above: index below -> above."""
    first_value = min((cells[j].col for j in first_row if cells[j].text and looks_like_value(cells[j].text)),
                      default=None)
    pairs = {}
    for j in first_row:
        i = ending.get((cells[j].col, cells[j].colspan))
        if i is not None and _continues(cells[i], cells[j], first_value):
            pairs[j] = i
    return pairs


def _continues(above: Cell, below: Cell, first_value_col: int | None) -> bool:
    """Whether ``below`` (top row of a continuation) is the rest of label cell ``above``.

    A blank cell continues a row label (a group label's blank remainder) but
    not a column header: under a header it is a blank value of the next row.
    Nor does text continue a header printed whole ("信息内容"): it is the
    next row's label, however misspelt.
    """
    if not above.text or looks_like_value(above.text):
        return False
    if first_value_col is not None and below.col >= first_value_col:
        return False
    if label_key(above.text) in header_labels():
        return False
    if not below.text:
        return True
    key = label_key(below.text)
    return not looks_like_value(below.text) and not is_numbered(key) and not is_form_label(key)


def _row_was_cut(cells: list[Cell], pairs: dict[int, int], first_row: list[int], offset: int) -> bool:
    """Whether the break went through a row: its row label (the last label before the values) was cut."""
    labels = [j for j in first_row if cells[j].text and not looks_like_value(cells[j].text)]
    if not labels:
        return False
    last = max(labels, key=lambda j: cells[j].col)
    return last in pairs and cells[pairs[last]].row == offset - 1

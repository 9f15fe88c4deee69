"""The one intermediate form every reader produces and the locator consumes.

A report, whatever its file format, becomes a :class:`Document`: its running
text as paragraphs in reading order, and its tables as grids of :class:`Cell`.
A merged cell appears once, at its top-left position, with its spans, so that a
value is never counted twice. Nothing after the readers knows the file format:
a new format is one new reader producing this form.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Iterable, NamedTuple, Sequence

__all__ = ["Cell", "Table", "Paragraph", "Document", "OCR_META", "place_cells", "table_from_rows"]

BBox = tuple[float, float, float, float]
#: The key of ``Document.meta`` a reader sets when it read the pages with OCR (a scanned PDF), or the tables of
#: a Word file's or web page's pictures.
OCR_META = "xxgk:ocr"


class Cell(NamedTuple):
    """One cell of a table grid: its text and where it sits (0-based).

    ``confidence`` is set only on a cell read with OCR: how sure the
    recogniser was of its text (0–1, the least sure of its lines), so that a
    value accepted on a doubtful reading says so. Other readers leave it None.

    A named tuple, as the other values readers make by the thousand: it is
    made several times faster than a frozen dataclass.
    """

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    bbox: BBox | None = None
    confidence: float | None = None


#: A cell's row and column, to sort by (the named tuple's fields, read in C).
_POSITION = attrgetter("row", "col")


@dataclass(slots=True)
class Table:
    """A table as a grid of cells.

    ``name`` says where the table is in its file ("table 2", "page 3 table 1"),
    ``paragraph_index`` how many paragraphs of the running text come before it,
    which is how the locator finds the section heading a table sits under.
    """

    cells: list[Cell]
    name: str
    paragraph_index: int = 0
    page: int | None = None

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def rows(self) -> list[list[Cell]]:
        """The cells that start in each row, left to right (merged cells once); empty rows kept."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for cell in sorted(self.cells, key=_POSITION):
            out[cell.row].append(cell)
        return out

    def where(self, cell: Cell) -> str:
        """A human-readable location of a cell, 1-based as people count."""
        return f"{self.name} row {cell.row + 1} col {cell.col + 1}"


class Paragraph(NamedTuple):
    """A block of running text (a heading, a paragraph, a line of a text file)."""

    text: str
    page: int | None = None


@dataclass(slots=True)
class Document:
    """A parsed report: running text plus tables, with where it came from.

    ``lines`` are a text file's lines as written, blank ones kept: where a
    text prints its tables without structure (one cell per line, no TAB), the
    locator aligns them to the form itself (:mod:`extractor.stream`).
    """

    path: str
    format: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


def place_cells(
    rows: Sequence[Sequence[tuple[str, int, int]]],
    bboxes: Sequence[Sequence[BBox | None]] | None = None,
) -> list[Cell]:
    """Lay out rows of ``(text, rowspan, colspan)`` on the true grid.

    This is the HTML table model, which Word's gridSpan/vMerge reduce to as
    well: a cell takes the first column not already covered by a rowspan from a
    row above. Header rows and data rows that use different colspans therefore
    land on consistent columns.
    """
    covered: set[tuple[int, int]] = set()  # only positions rowspans reach in later rows are ever asked
    cells: list[Cell] = []
    for r, row in enumerate(rows):
        col = 0
        for i, (text, rowspan, colspan) in enumerate(row):
            while (r, col) in covered:
                col += 1
            rowspan, colspan = max(1, rowspan), max(1, colspan)
            bbox = bboxes[r][i] if bboxes is not None else None
            cells.append(Cell(text, r, col, rowspan, colspan, bbox))
            if rowspan > 1:
                covered.update((r + dr, col + dc) for dr in range(1, rowspan) for dc in range(colspan))
            col += colspan
    return cells


def table_from_rows(
    rows: Iterable[Sequence[str]], name: str, paragraph_index: int = 0, page: int | None = None
) -> Table:
    """A table from plain rows of cell text (no merged cells known)."""
    cells = [Cell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return Table(cells, name, paragraph_index, page)

"""Helpers of the reader tests: rows of a read table by their label, a PDF without its ruling."""
from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractor.document import Document, Table
from extractor.text import squeeze


def find_row(table: Table, label: str) -> list[str]:
    """The texts of the cells right of the cell whose text is ``label`` (compared without spaces)."""
    wanted = squeeze(label)
    for row in table.rows():
        for i, cell in enumerate(row):
            if squeeze(cell.text) == wanted:
                return [c.text for c in row[i + 1:]]
    raise AssertionError(f"no row labelled {label!r} in {table.name}")


def table_under(document: Document, heading: str) -> Table:
    """The first table whose nearest paragraph before it is ``heading``."""
    for table in document.tables:
        if table.paragraph_index and document.paragraphs[table.paragraph_index - 1].text == heading:
            return table
    raise AssertionError(f"no table right under {heading!r}")


def cell_with(table: Table, text: str):
    """The cell whose text is ``text``."""
    return next(c for c in table.cells if c.text == text)


def without_ruling(path: Path) -> bytes:
    """A PDF's bytes with every drawn path removed, so its tables must be read without lines
    (pdfium rewrites the content: fine for 淮安's fonts)."""
    document = pdfium.PdfDocument(str(path))
    for page in document:
        for obj in list(page.get_objects(max_depth=0)):
            if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
                page.remove_obj(obj)
        page.gen_content()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

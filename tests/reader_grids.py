"""Looking up rows of a read table by their label, for the reader tests."""
from __future__ import annotations

from extractor.document import Document, Table
from extractor.values import clean_text


def find_row(table: Table, label: str) -> list[str]:
    """The texts of the cells right of the cell whose text is ``label`` (compared without spaces)."""
    wanted = clean_text(label)
    for row in table.rows():
        for i, cell in enumerate(row):
            if clean_text(cell.text) == wanted:
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

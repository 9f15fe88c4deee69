"""The official form as the plain text people copy out of Word: fixtures for the stream locator.

    python scripts/form_as_text.py fixtures/samples/official_template_2021.docx fixtures/text

writes, from the official 2021 form (国办公开办函〔2021〕30号):

- ``official_form_2021_libreoffice.txt``: the blank form as LibreOffice exports it as text
  (one cell per line, no TAB, an empty line for an empty cell and for each
  cell a merged label column covers); its expected record is the form's own,
  ``../samples/official_template_2021.expected.json``.
- the form filled in with consistent numbers (``gencorpus.values``, seed 2021)
  and printed three ways: ``official_form_2021_filled_tabs.txt`` (one cell per
  line after a TAB, a blank line after each row: Word's text dump),
  ``official_form_2021_filled_no_tabs.txt`` (one cell per line, nothing else)
  and ``official_form_2021_filled_rows.txt`` (one line per row, cells apart by
  a space); with ``official_form_2021_filled.expected.json``.

The filled values go where the locator finds the form's value cells in the
Word file, so the text files hold the same numbers in the same cells.
LibreOffice is needed for the first file (Debian: libreoffice-writer-nogui).
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractor.document import Cell, Document, Table  # noqa: E402
from extractor.locate import locate  # noqa: E402
from extractor.readers import read_document  # noqa: E402
from gencorpus.values import draw_tables, error_codes  # noqa: E402

NAME = "official_form_2021"
SEED = 2021
#: A cell's text as a layout prints it; None for a place a rowspan from above covers.
Slot = str | None


def filled_texts(document: Document, values: dict[str, dict[str, object]]) -> dict[str, str]:
    """Each located value cell's place ("table 2 row 5 col 3") -> the number it is filled with."""
    located = locate(document)
    return {match.where: _printed(values[table][key])
            for table, cells in located.tables.items() for key, match in cells.items()}


def _printed(value: object) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def table_slots(table: Table, fill: dict[str, str]) -> list[list[Slot]]:
    """A table's rows as printed left to right: each cell's text (filled where located), None where
    a rowspan from above covers the place; places a colspan covers print nothing."""
    starts = {(c.row, c.col): c for c in table.cells}
    covered = {(c.row + dr, c.col) for c in table.cells for dr in range(1, c.rowspan)}
    rows: list[list[Slot]] = []
    for r in range(table.n_rows):
        row: list[Slot] = []
        for col in range(table.n_cols):
            cell: Cell | None = starts.get((r, col))
            if cell is not None:
                row.append(fill.get(table.where(cell), cell.text))
            elif (r, col) in covered:
                row.append(None)
        rows.append(row)
    return rows


def tab_dump(rows: list[list[Slot]]) -> Iterator[str]:
    """Word's text dump: each cell after a TAB, a blank line after each row, two after the table."""
    for row in rows:
        yield from (f"\t{text or ''}" for text in row)
        yield ""
    yield ""


def cell_per_line(rows: list[list[Slot]]) -> Iterator[str]:
    """One cell per line and nothing else: an empty cell, or a covered one, is an empty line."""
    yield from (text or "" for row in rows for text in row)


def row_per_line(rows: list[list[Slot]]) -> Iterator[str]:
    """One line per row, its cells apart by a space; covered places print nothing."""
    yield from (" ".join(text for text in row if text is not None) for row in rows)


def as_text(document: Document, fill: dict[str, str], layout: Callable[[list[list[Slot]]], Iterator[str]]) -> str:
    """The document's paragraphs with its tables, laid out, where they stand."""
    lines: list[str] = []
    for index in range(len(document.paragraphs) + 1):
        for table in (t for t in document.tables if t.paragraph_index == index):
            lines.extend(layout(table_slots(table, fill)))
        if index < len(document.paragraphs):
            lines.append(document.paragraphs[index].text)
    return "\n".join(lines) + "\n"


def libreoffice_text(docx: Path, out: Path) -> None:
    """The Word file exported as text by LibreOffice, UTF-8."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["soffice", "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", tmp,
                        str(docx)], check=True, capture_output=True)
        shutil.move(Path(tmp) / f"{docx.stem}.txt", out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("form", type=Path, help="the official form, .docx")
    parser.add_argument("out", type=Path, help="folder to write the text files into")
    args = parser.parse_args()
    document = read_document(args.form)
    libreoffice_text(args.form, args.out / f"{NAME}_libreoffice.txt")
    values = draw_tables(random.Random(SEED), "2021", True, False)
    fill = filled_texts(document, values)
    layouts = {"tabs": tab_dump, "no_tabs": cell_per_line, "rows": row_per_line}
    for name, layout in layouts.items():
        (args.out / f"{NAME}_filled_{name}.txt").write_text(as_text(document, fill, layout), encoding="utf-8")
    expected = {"agency": None, "year": None, "template": "2021", "tables": values, "error_codes": error_codes(values)}
    (args.out / f"{NAME}_filled.expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

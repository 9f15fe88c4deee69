"""The baseline of the benchmark: what a user would script without xxgk.

pdfplumber ``extract_tables`` on every page of a PDF, python-docx
``row.cells`` for a Word file, a BeautifulSoup (``html.parser``) walk of every
``<table>`` for a web page; then the rows that look like data (a text label,
numbers after it) mapped to the form's keys in the form's order. Labels and
keys come from :mod:`extractor.template`, as a careful user would copy them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import docx
import pdfplumber
from bs4 import BeautifulSoup

from extractor import template
from extractor.record import Value

__all__ = ["READERS", "baseline_tables", "rows_to_tables"]

Rows = list[list[str]]
Tables = dict[str, dict[str, Value]]
_ZERO_MARKS = {"—", "-", "/", "无"}


def pdf_rows(path: Path) -> Rows:
    """Every row of every table pdfplumber finds, merged-cell placeholders (None) dropped."""
    with pdfplumber.open(path) as pdf:
        return [[c for c in row if c is not None] for page in pdf.pages
                for table in page.extract_tables() for row in table]


def docx_rows(path: Path) -> Rows:
    """python-docx ``row.cells``: a merged cell repeats in every grid column it covers."""
    return [[cell.text for cell in row.cells] for table in docx.Document(str(path)).tables for row in table.rows]


def html_rows(path: Path) -> Rows:
    soup = BeautifulSoup(path.read_bytes(), "html.parser")
    return [[td.get_text(strip=True) for td in tr.find_all(["td", "th"])]
            for table in soup.find_all("table") for tr in table.find_all("tr")]


READERS: dict[str, Callable[[Path], Rows]] = {".pdf": pdf_rows, ".docx": docx_rows, ".html": html_rows}


def _number(text: str) -> Value:
    """A cell as a number: blank is None, a dash or 无 is 0 (raises ValueError on text)."""
    text = "".join(text.split())
    if not text:
        return None
    if text in _ZERO_MARKS:
        return 0
    try:
        return int(text)
    except ValueError:
        return float(text)


def _is_number(text: str) -> bool:
    try:
        _number(text)
    except ValueError:
        return False
    return True


def _is_data_row(row: Sequence[str]) -> bool:
    return len(row) >= 2 and bool(row[0].strip()) and not _is_number(row[0]) and _is_number(row[-1])


def rows_to_tables(rows: Rows) -> Tables:
    """Map data rows to keys in the form's order: active rows, then requests rows; the 15-number row is appeals."""
    text = "".join("".join(c.split()) for row in rows for c in row)
    marker = next(c.text for c in template.ACTIVE.columns if c.key == template.TEMPLATE_MARKERS["2021"][0])
    tmpl = "2021" if marker in text else "2019"
    slots = [(row, block.columns) for block in template.ACTIVE.blocks[tmpl] for row in block.rows]
    n_active = len(slots)
    slots += [(row.key, [c.key for c in template.REQUEST_COLUMNS])
              for row in template.request_rows(tmpl, split_other=tmpl == "2021")]
    data = [row for row in rows if _is_data_row(row)]
    tables: Tables = {"active": {}, "requests": {}}
    for i, (row, (key, columns)) in enumerate(zip(data, slots)):
        table = "active" if i < n_active else "requests"
        for column, cell in zip(columns, row[-len(columns):]):
            tables[table][f"{key}.{column}"] = _number(cell)
    appeal_keys = template.table_keys("appeals", tmpl)
    appeals = next((row for row in rows if len(row) >= len(appeal_keys) and all(map(_is_number, row))), None)
    if appeals:
        tables["appeals"] = {k: _number(c) for k, c in zip(appeal_keys, appeals[-len(appeal_keys):])}
    return tables


def baseline_tables(path: Path) -> Tables:
    return rows_to_tables(READERS[path.suffix.lower()](path))

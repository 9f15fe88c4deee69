"""A generated report as a Word file laid out like the official form.

Merged cells are real Word merges (``w:gridSpan`` across, ``w:vMerge`` down),
made by python-docx from the layout's spans; header rows repeat on a new page
(``w:tblHeader``) as they do in the distributed form and rows do not break
across pages (``w:cantSplit``) nor numbers across lines (``w:noWrap``); the ``split`` drift puts a
page break between the two parts of table 三.
"""
from __future__ import annotations

import io
import zipfile

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from extractor.document import place_cells

from .layout import TableLayout
from .printed import is_printed_value
from .report import Report

__all__ = ["render_docx"]

CJK_FONT = "宋体"
TEXT_WIDTH_CM = 17.0
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _set_fonts(document: docx.document.Document) -> None:
    style = document.styles["Normal"]
    style.font.name = CJK_FONT
    style.font.size = Pt(10.5)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)


def _write_cell(cell: _Cell, text: str) -> None:
    """Cell text, one Word paragraph per printed line (as the form's wrapped headers are)."""
    first, *rest = text.split("\n")
    cell.paragraphs[0].text = first
    for line in rest:
        cell.add_paragraph(line)


def _column_widths(n_cols: int, label_columns: int) -> list[Cm]:
    """Label columns widening towards the numbers (三、… | （三）… | 1.属于…), value columns equal."""
    weights = [1.0 + i for i in range(label_columns)] + [1.0] * (n_cols - label_columns)
    return [Cm(TEXT_WIDTH_CM * w / sum(weights)) for w in weights]


def _add_table(document: docx.document.Document, layout: TableLayout) -> None:
    """Write the grid as Word stores a merged form: a spanning ``w:tc`` per merged cell.

    Built row by row from the placed cells rather than with python-docx's
    ``Cell.merge``, which rebuilds the whole grid on every call (a second per report).
    """
    cells = place_cells(layout.rows)
    n_rows = max(c.row + c.rowspan for c in cells)
    n_cols = max(c.col + c.colspan for c in cells)
    table = document.add_table(rows=0, cols=n_cols)
    table.style = "Table Grid"
    for column, width in zip(table.columns, _column_widths(n_cols, layout.label_columns)):
        column.width = width
    starts = {(c.row, c.col): c for c in cells}
    below = {(c.row + dr, c.col): c for c in cells for dr in range(1, c.rowspan)}
    for r in range(n_rows):
        tr = table._tbl.add_tr()
        tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if r < layout.header_rows:
            tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        col = 0
        while col < n_cols:
            cell = starts.get((r, col)) or below[(r, col)]
            tc = tr.add_tc()
            tc.grid_span = cell.colspan
            if cell.rowspan > 1:
                tc.vMerge = "restart" if cell.row == r else "continue"
            if is_printed_value(cell.text):
                tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
            if cell.row == r:
                _write_cell(_Cell(tc, table), cell.text)
            col += cell.colspan


def render_docx(report: Report) -> bytes:
    """The .docx bytes: title, sections with their narrative, the tables."""
    document = docx.Document()
    _set_fonts(document)
    for page in document.sections:
        page.left_margin = page.right_margin = Cm(2)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(report.title).bold = True
    for section in report.sections:
        document.add_paragraph().add_run(section.heading).bold = True
        for text in section.paragraphs:
            document.add_paragraph(text).paragraph_format.first_line_indent = Pt(21)
        for i, layout in enumerate(section.tables):
            if i:
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            _add_table(document, layout)
    document.add_paragraph(report.agency).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(f"{report.year + 1}年1月20日").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    document.save(out)
    return _fixed_timestamps(out.getvalue())


def _fixed_timestamps(package: bytes) -> bytes:
    """The same package with every zip entry dated 1980-01-01, so a seed gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH), source.read(info),
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()

"""Make fixtures/pictures/: a real report whose tables are pictures, as a Word file and as a saved web page.

The report is 洪泽区 2023 (fixtures/samples/hongze_qzf_2023.pdf, a text PDF
with a hand-verified expected file). Its pages are rendered at 150 dpi and
the ruled tables of two of its tables (主动公开, which runs over pages 2 and 3,
and 行政复议 行政诉讼) cut out of their pages as pictures, a picture a page, as
people paste them:

- ``hongze_2023_pictures.docx``: the report's running text, paragraph by
  paragraph, with the table pictures where the tables stood (shown at the
  width they print at) and the requests table between them as a Word table
  of text (its merged cells merged);
- ``hongze_2023_pictures.html``: the running text with the first picture of
  主动公开 inline as a ``data:`` URI and the 复议 诉讼 picture as a file in the
  page's ``_files`` folder, as a browser saves a page.

Run: ``python scripts/make_picture_fixtures.py [OUT_DIR]`` (default fixtures/pictures);
needs python-docx (the ``bench`` extra).
"""
from __future__ import annotations

import base64
import html
import io
import sys
from pathlib import Path

import docx
import pypdfium2 as pdfium
from docx.shared import Inches

from extractor.document import Document, Table
from extractor.readers import read_document
from extractor.readers.layout.ruling import page_grids
from extractor.readers.layout.settings import LayoutSettings
from extractor.readers.pdf_page import page_ruling
from extractor.readers.pdfium_calls import close_page, open_page

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "fixtures" / "samples" / "hongze_qzf_2023.pdf"
NAME = "hongze_2023_pictures"
#: Resolution the pages are rendered at: a screenshot of a page shown at its size is coarser still.
DPI = 150
#: Points of page kept round a table's ruling when it is cut out.
MARGIN = 6
#: Shades of grey a PNG picture keeps (a screenshot tool's palette PNG).
GREYS = 8
#: The report's tables (by place, 0-based) pasted as pictures: each of its ruled pieces, as (page, which of
#: the page's ruled grids, format).
PICTURES = {0: [(2, 0, "png"), (3, 0, "png")], 2: [(4, 1, "jpeg")]}
#: The pictures the web page shows: the first of table 0 (inline) and table 2's (a file beside the page).
PAGE_PICTURES = {0: "data", 2: "file"}

#: A picture: its bytes, format, and how many inches wide it prints.
Picture = tuple[bytes, str, float]


def table_picture(pdf: pdfium.PdfDocument, table: Table, page_number: int, grid: int, fmt: str) -> Picture:
    """A ruled grid cut out of its rendered page, as ``fmt`` bytes (no resolution stated, as web images); on
    the table's first page, from its first row down (Word frames the text above it in the same ruling)."""
    page = open_page(pdf, page_number - 1)
    try:
        x0, top, x1, bottom = page_grids(page_ruling(page, LayoutSettings()), LayoutSettings())[grid].bbox
    finally:
        close_page(page)
    if page_number == table.page:
        top = max(top, min(cell.bbox[1] for cell in table.cells if cell.row == 0 and cell.bbox))
    scale = DPI / 72
    image = pdf[page_number - 1].render(scale=scale).to_pil().convert("L")
    crop = image.crop(tuple(round(v * scale) for v in (x0 - MARGIN, top - MARGIN, x1 + MARGIN, bottom + MARGIN)))
    out = io.BytesIO()
    if fmt == "jpeg":
        crop.save(out, fmt, quality=80)
    else:
        crop.quantize(GREYS).save(out, fmt, optimize=True)
    return out.getvalue(), fmt, (x1 - x0 + 2 * MARGIN) / 72


def word_table(document: docx.Document, table: Table) -> None:
    """A table of text with the report table's cells, merged ones merged."""
    out = document.add_table(rows=table.n_rows, cols=table.n_cols)
    out.style = "Table Grid"
    for cell in table.cells:
        target = out.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(out.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        target.text = cell.text


def make_docx(report: Document, pictures: dict[int, list[Picture]], out: Path) -> None:
    document = docx.Document()
    placed = {table.paragraph_index: n for n, table in enumerate(report.tables)}
    for index in range(len(report.paragraphs) + 1):
        if index in placed:
            n = placed[index]
            for data, _, width in pictures.get(n, []):
                document.add_picture(io.BytesIO(data), width=Inches(width))
            if n not in pictures:
                word_table(document, report.tables[n])
        if index < len(report.paragraphs):
            document.add_paragraph(report.paragraphs[index].text)
    document.save(out)


def make_html(report: Document, pictures: dict[int, list[Picture]], out: Path) -> None:
    folder = out.with_name(f"{out.stem}_files")
    folder.mkdir(exist_ok=True)
    placed = {table.paragraph_index: n for n, table in enumerate(report.tables) if n in PAGE_PICTURES}
    body = []
    for index in range(len(report.paragraphs) + 1):
        if index in placed:
            n = placed[index]
            data, fmt, _ = pictures[n][0]
            if PAGE_PICTURES[n] == "data":
                src = f"data:image/{fmt};base64," + base64.b64encode(data).decode()
            else:
                (folder / f"table{n + 1}.{fmt}").write_bytes(data)
                src = f"{folder.name}/table{n + 1}.{fmt}"
            body.append(f'<p style="text-align:center"><img src="{src}" alt=""></p>')
        if index < len(report.paragraphs):
            body.append(f"<p>{html.escape(report.paragraphs[index].text)}</p>")
    title = html.escape(report.paragraphs[0].text)
    out.write_text(f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>\n'
                   '<body><div class="article">\n' + "\n".join(body) + "\n</div></body></html>\n", encoding="utf-8")


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    report = read_document(REPORT)
    pdf = pdfium.PdfDocument(REPORT)
    try:
        pictures = {n: [table_picture(pdf, report.tables[n], *piece) for piece in pieces] for n, pieces in PICTURES.items()}
    finally:
        pdf.close()
    make_docx(report, pictures, out_dir / f"{NAME}.docx")
    make_html(report, pictures, out_dir / f"{NAME}.html")
    for path in sorted(out_dir.rglob("*.*")):
        print(f"{path.relative_to(out_dir)}\t{path.stat().st_size} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fixtures" / "pictures")

"""Tables drawn without ruling lines, rebuilt from the positions of their words (layout.words.words_to_flow).

The fixtures under fixtures/pdf/unruled/ are table pages of generated
reports (scripts/make_corpus.py, LibreOffice: each cell's text written on
its own) with every path taken out of the content streams; 淮安 2024 is
stripped here as in test_read_pdf.py.
"""
import re

import pypdfium2 as pdfium
import pytest
from conftest import FIXTURES, SAMPLES
from pdf_builder import pdf_with_pages, text_once
from reader_grids import without_ruling

from extractor.readers.pdf_page import page_words
from extractor.readers.layout.settings import LayoutSettings
from extractor.readers.layout.words import words_to_flow
from extractor.readers.pdfium_calls import close_page, open_page, page_text
from extractor.text import squeeze

UNRULED = FIXTURES / "pdf" / "unruled"
#: g0005 (--count 36 --seed 1): zeros left blank, the appeals table one row of values under a wrapped header.
BLANK_CELLS = UNRULED / "blank_cells_libreoffice.pdf"
#: g0032 (--count 36 --seed 1): labels and numbers written cell by cell, zeros as "无", "/", "-" or "—".
CELLS_APART = UNRULED / "cells_written_apart_libreoffice.pdf"
#: g0014 (--count 36 --seed 1) page 3: the total "１４８" wraps in its narrow cell ("１４" / "８").
NUMBER_WRAPPED = UNRULED / "number_wrapped_in_its_cell_libreoffice.pdf"
HUAIAN = SAMPLES / "huaian_szf_2024.pdf"
#: A page number ("- 4 -") as pdf.py tells page furniture.
PAGE_NUMBER = re.compile(r"^[-\s]*\d+[-\s]*$")


def unruled(path) -> pdfium.PdfDocument:
    """A PDF with every drawn path removed, opened."""
    return pdfium.PdfDocument(without_ruling(path))


def page_rows(document: pdfium.PdfDocument, number: int) -> list[list[str]]:
    """The rows of every table words_to_flow finds on a page, read word by word over the whole page."""
    page = open_page(document, number - 1)
    try:
        flow = words_to_flow(page_words(page, page_text(page)), PAGE_NUMBER.match, LayoutSettings())
    finally:
        close_page(page)
    return [row for part in flow if not isinstance(part, str) for row in part]


def row_after(rows: list[list[str]], label: str) -> list[str]:
    """The cells right of the cell whose text is ``label``."""
    for row in rows:
        keys = [squeeze(cell) for cell in row]
        if squeeze(label) in keys:
            return row[keys.index(squeeze(label)) + 1:]
    raise AssertionError(f"no row labelled {label!r}")


@pytest.fixture(scope="module")
def huaian_page4():
    return page_rows(unruled(HUAIAN), 4)


@pytest.fixture(scope="module")
def blank_cells_page2():
    return page_rows(pdfium.PdfDocument(str(BLANK_CELLS)), 2)


@pytest.fixture(scope="module")
def cells_apart():
    document = pdfium.PdfDocument(str(CELLS_APART))
    return page_rows(document, 1), page_rows(document, 2)


def test_blank_cells_stay_empty_cells_in_their_columns(blank_cells_page2):
    assert row_after(blank_cells_page2, "四、结转下年度继续办理") == ["", "1", "", "", "", "3", "4"]


def test_one_row_of_values_takes_its_columns_from_the_header(blank_cells_page2):
    values = next(row for row in blank_cells_page2 if len(row) == 15)
    assert values == ["0", "", "0", "", "0", "2", "", "3", "0", "5", "3", "0", "", "0", "3"]


def test_label_written_apart_from_its_numbers_is_one_row(cells_apart):
    assert row_after(cells_apart[1], "一、本年新收政府信息公开申请数量") == ["13", "15", "10", "13", "16", "11", "78"]


def test_wrapped_header_cell_comes_in_column_order(cells_apart):
    header = next(row for row in cells_apart[0] if "本年制发件数" in row)
    assert header[-3:] == ["本年制发件数", "本年废止件数", "现行有效件数"]


def test_label_wrapped_on_the_next_page_line_is_finished_not_a_new_row(cells_apart):
    assert row_after(cells_apart[1], "2.其他法律行政法规禁止公开") == ["无", "2", "/", "1", "2", "/", "5"]


def test_label_wrapped_around_its_numbers_is_one_row(huaian_page4):
    row = row_after(huaian_page4, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    assert row == ["447", "7", "0", "0", "0", "0", "454"]


def test_group_label_printed_beside_a_row_is_not_part_of_its_label(huaian_page4):
    assert row_after(huaian_page4, "4.保护第三方合法权益") == ["6", "0", "0", "0", "0", "0", "6"]


def test_digits_read_one_by_one_are_one_number(huaian_page4):
    assert row_after(huaian_page4, "一、本年新收政府信息公开申请数量")[0] == "3001"


def test_page_number_under_a_table_adds_no_column(huaian_page4):
    assert row_after(huaian_page4, "1.本机关不掌握相关政府信息") == ["746", "12", "0", "0", "10", "1", "769"]


def test_group_label_printed_down_the_side_is_one_label(huaian_page4):
    assert any(squeeze(row[0]) == squeeze("（三）不予公开") for row in huaian_page4 if row)


def test_number_wrapped_in_its_cell_is_one_number():
    rows = page_rows(pdfium.PdfDocument(str(NUMBER_WRAPPED)), 1)
    assert row_after(rows, "（七）总计") == ["80", "33", "５", "７", "１６", "7", "１４８"]


def _rows_printed(content: str) -> list[list[str]]:
    """The rows words_to_flow reads from a page drawn by ``content`` (PDF operators, see pdf_builder)."""
    return page_rows(pdfium.PdfDocument(pdf_with_pages([content])), 1)


def _row(label: str, numbers: list[str], y: float, columns: list[float]) -> str:
    return text_once(label, 40, y) + "".join(text_once(n, x, y) for n, x in zip(numbers, columns) if n)


#: Where the numbers of the requests table's seven columns start (pt from the left), the last one narrow.
_COLUMNS = [330.0, 360.0, 390.0, 420.0, 450.0, 480.0, 530.0]


def test_number_wrapped_and_centred_on_its_row_is_one_number():
    """Browsers centre a cell's lines on its row: the total "１３" wraps as "１" above the row and "３" under it."""
    content = text_once("１", _COLUMNS[-1], 709)
    content += _row("一、本年新收政府信息公开申请数量", ["1", "2", "3", "3", "2", "2"], 700, _COLUMNS)
    content += text_once("３", _COLUMNS[-1], 691)
    content += _row("二、上年结转政府信息公开申请数量", ["0", "1", "0", "0", "0", "0", "1"], 660, _COLUMNS)
    rows = _rows_printed(content)
    assert row_after(rows, "一、本年新收政府信息公开申请数量") == ["1", "2", "3", "3", "2", "2", "１３"]
    assert row_after(rows, "二、上年结转政府信息公开申请数量") == ["0", "1", "0", "0", "0", "0", "1"]


def test_last_row_of_a_table_alone_atop_a_page_is_a_table_row():
    content = _row("四、结转下年度继续办理", ["0", "0", "0", "0", "0", "1", "1"], 780, _COLUMNS)
    content += text_once("四、政府信息公开行政复议、行政诉讼情况", 40, 740)
    assert row_after(_rows_printed(content), "四、结转下年度继续办理") == ["0", "0", "0", "0", "0", "1", "1"]

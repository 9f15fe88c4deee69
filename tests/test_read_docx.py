"""The DOCX reader: real Word forms, and the WordprocessingML shapes real files come in."""
import io
import zipfile

import pytest
from conftest import SAMPLES
from reader_grids import cell_with, find_row, table_under

from extractor.errors import ReaderError
from extractor.readers import docx

FORM = SAMPLES / "huaian_szf_2024_form.docx"
BLANK = SAMPLES / "official_template_2021.docx"
REQUESTS = "三、收到和处理政府信息公开申请情况"
APPEALS = "四、政府信息公开行政复议、行政诉讼情况"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def read_file(path):
    return docx.read(str(path), path.read_bytes())


def make_docx(body: str) -> bytes:
    """A minimal .docx whose body is ``body`` (WordprocessingML)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", f"<w:document {W}><w:body>{body}</w:body></w:document>")
    return buffer.getvalue()


def p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text)}</w:tc>"


def tbl(*rows: list[str]) -> str:
    return "<w:tbl>" + "".join("<w:tr>" + "".join(row) + "</w:tr>" for row in rows) + "</w:tbl>"


def test_form_requests_row_has_its_seven_values():
    table = table_under(read_file(FORM), REQUESTS)
    assert find_row(table, "（一）予以公开") == ["1288", "21", "0", "0", "50", "3", "1362"]


def test_form_appeals_values_are_fifteen_cells_in_one_row():
    table = table_under(read_file(FORM), APPEALS)
    assert [c.text for c in table.rows()[-1]] == [
        "72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"]


def test_vertical_merge_is_one_cell_with_its_rowspan():
    table = table_under(read_file(FORM), REQUESTS)
    group = cell_with(table, "三、本年度办理结果")
    assert (group.col, group.rowspan) == (0, 22)


def test_horizontal_merge_is_one_cell_with_its_colspan():
    table = table_under(read_file(FORM), REQUESTS)
    assert cell_with(table, "一、本年新收政府信息公开申请数量").colspan == 3


def test_header_cell_line_breaks_are_joined():
    table = table_under(read_file(FORM), REQUESTS)
    assert cell_with(table, "社会公益组织").row == 2


def test_blank_template_value_cells_are_empty():
    table = table_under(read_file(BLANK), REQUESTS)
    assert find_row(table, "（七）总计") == [""] * 7


def test_section_headings_are_paragraphs_in_order():
    document = read_file(FORM)
    headings = [document.paragraphs[t.paragraph_index - 1].text for t in document.tables]
    assert headings == ["二、主动公开政府信息情况", REQUESTS, APPEALS]


def test_label_split_across_runs_is_one_text():
    body = tbl(["<w:tc><w:p><w:r><w:t>（一）予以</w:t></w:r><w:r><w:t>公开</w:t></w:r></w:p></w:tc>", tc("5")])
    document = docx.read("runs.docx", make_docx(body))
    assert find_row(document.tables[0], "（一）予以公开") == ["5"]


def test_tables_separated_by_blank_paragraphs_are_one_table():
    body = p(APPEALS) + tbl([tc("行政复议")]) + "<w:p/>" + tbl([tc("1"), tc("2")])
    document = docx.read("split.docx", make_docx(body))
    assert [c.text for c in document.tables[0].cells] == ["行政复议", "1", "2"]


def test_vmerge_continues_across_split_tables():
    restart, more = '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    body = tbl([tc("（三）不予公开", restart), tc("1")]) + "<w:p/>" + tbl([tc("", more), tc("2")])
    document = docx.read("split.docx", make_docx(body))
    assert cell_with(document.tables[0], "（三）不予公开").rowspan == 2


def test_text_box_paragraphs_are_read_once():
    box = "<w:txbxContent>" + p(REQUESTS) + "</w:txbxContent>"
    anchored = f'<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">' \
               f"<mc:Choice>{box}</mc:Choice><mc:Fallback>{box}</mc:Fallback></mc:AlternateContent></w:r></w:p>"
    document = docx.read("box.docx", make_docx(anchored + tbl([tc("（一）予以公开"), tc("7")])))
    assert [p.text for p in document.paragraphs] == [REQUESTS]
    assert document.tables[0].paragraph_index == 1


def test_nested_table_follows_the_text_of_its_layout_cell():
    inner = tbl([tc("（一）予以公开"), tc("9")])
    body = tbl([f"<w:tc>{p(REQUESTS)}{inner}</w:tc>"])
    document = docx.read("nested.docx", make_docx(body))
    nested = document.tables[-1]
    assert document.paragraphs[nested.paragraph_index - 1].text == REQUESTS
    assert find_row(nested, "（一）予以公开") == ["9"]


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", make_docx("<w:p>")], ids=["not-a-zip", "bad-xml"])
def test_corrupt_docx_raises_reader_error_naming_the_file(data):
    with pytest.raises(ReaderError, match="broken.docx"):
        docx.read("broken.docx", data)


def test_a_content_control_elsewhere_does_not_change_how_tables_are_read():
    """A document with wrappers is read cell by cell, a plain one in one pass per row: same grid."""
    archive = zipfile.ZipFile(FORM)
    xml = archive.read("word/document.xml").decode("utf-8")
    wrapped = xml.replace("<w:body>", '<w:body><w:sdt><w:sdtContent><w:p/></w:sdtContent></w:sdt>', 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as copy:
        copy.writestr("word/document.xml", wrapped)
    assert docx.read("wrapped.docx", buffer.getvalue()).tables == read_file(FORM).tables

"""The PDF reader on real reports: table pages found, grids right, tables stitched across pages."""
import io
import subprocess
import sys

import pypdfium2 as pdfium
import pytest
from conftest import FIXTURES, SAMPLES
from pdf_builder import grid_lines, pdf_with_pages, text_glyphs_twice, text_once, text_run_twice, text_then
from reader_grids import cell_with, find_row, table_under, without_ruling

from extractor.errors import ReaderError
from extractor.readers import pdf
from extractor.readers.layout.labels import is_form_label, label_key

HUAIAN = SAMPLES / "huaian_szf_2024.pdf"
HONGZE = SAMPLES / "hongze_qzf_2023.pdf"
#: A generated report (scripts/make_corpus.py --count 450 --seed 3, g0188) whose page 5 opens with
#: table 四's values row, blank cells left out of its text.
APPEALS_CUT = FIXTURES / "pdf" / "appeals_values_on_next_page.pdf"
ACTIVE = "二、主动公开政府信息情况"
REQUESTS = "三、收到和处理政府信息公开申请情况"
APPEALS = "四、政府信息公开行政复议、行政诉讼情况"


@pytest.fixture(scope="module")
def huaian():
    return pdf.read(str(HUAIAN), HUAIAN.read_bytes())


@pytest.fixture(scope="module")
def hongze():
    return pdf.read(str(HONGZE), HONGZE.read_bytes())


@pytest.fixture(scope="module")
def huaian_unruled():
    """淮安 2024 with every drawn line removed: its tables have to be read from the words' positions."""
    return pdf.read("unruled.pdf", without_ruling(HUAIAN))


def test_requests_table_split_over_pages_is_one_table(huaian):
    table = table_under(huaian, REQUESTS)
    assert find_row(table, "（一）予以公开") == ["1288", "21", "0", "0", "50", "3", "1362"]
    assert find_row(table, "四、结转下年度继续办理") == ["103", "0", "0", "0", "0", "0", "103"]


def test_group_label_cut_by_the_page_break_is_rejoined(huaian):
    group = cell_with(table_under(huaian, REQUESTS), "（四）无法提供")
    assert group.rowspan == 3


def test_vertical_label_is_one_merged_cell_at_the_left(huaian):
    group = cell_with(table_under(huaian, REQUESTS), "三、本年度办理结果")
    assert (group.col, group.rowspan) == (0, 22)


def test_label_wrapped_around_its_numbers_is_one_cell(huaian):
    row = find_row(table_under(huaian, REQUESTS), "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    assert row == ["447", "7", "0", "0", "0", "0", "454"]


def test_header_cut_mid_word_is_joined(huaian):
    assert cell_with(table_under(huaian, REQUESTS), "商业企业").row == 2


def test_appeals_values_are_fifteen_cells_in_one_row(huaian):
    table = table_under(huaian, APPEALS)
    assert [c.text for c in table.rows()[-1]] == [
        "72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"]


def test_active_table_split_over_pages_keeps_every_block(huaian):
    table = table_under(huaian, ACTIVE)
    assert find_row(table, "行政许可") == ["447228"]
    assert find_row(table, "行政事业性收费") == ["96171.6"]


def test_section_headings_come_before_their_tables(huaian):
    headings = [huaian.paragraphs[t.paragraph_index - 1].text for t in huaian.tables]
    assert headings == [ACTIVE, REQUESTS, APPEALS]


def test_other_handling_printed_as_one_row_keeps_its_seven_values(hongze):
    assert find_row(table_under(hongze, REQUESTS), "（六）其他处理")[-7:] == ["0"] * 7


def test_heading_framed_with_running_text_is_a_paragraph(hongze):
    assert table_under(hongze, ACTIVE).rows()[0][0].text == "第二十条第（一）项"


def test_inconsistent_appeals_row_is_read_as_printed(hongze):
    assert [c.text for c in table_under(hongze, APPEALS).rows()[-1]][:5] == ["10", "1", "0", "0", "0"]


def test_page_furniture_is_not_a_paragraph(huaian):
    assert not any(p.text.strip("- ").isdigit() for p in huaian.paragraphs)


def rotated_copy(source, index: int) -> bytes:
    """A one-page PDF showing page ``index`` of ``source`` upright on a page stored rotated (/Rotate 90).

    The page is drawn as a form XObject turned a quarter left, as a landscape
    table page is stored by some producers.
    """
    original, copy = pdfium.PdfDocument(str(source)), pdfium.PdfDocument.new()
    width, height = original[index].get_size()
    page = copy.new_page(height, width)
    drawing = original.page_as_xobject(index, copy).as_pageobject()
    drawing.transform(pdfium.PdfMatrix().rotate(90, ccw=True).translate(height, 0))
    page.insert_obj(drawing)
    page.gen_content()
    page.set_rotation(90)
    buffer = io.BytesIO()
    copy.save(buffer)
    return buffer.getvalue()


def test_rotated_page_is_read_upright():
    document = pdf.read("rotated.pdf", rotated_copy(HONGZE, 3))
    assert [c.text for c in table_under(document, APPEALS).rows()[-1]] == [
        "10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"]


def test_title_is_the_large_print_of_the_first_page(huaian):
    assert huaian.title == "淮安市人民政府2024年政府信息公开工作年度报告"


def test_table_without_ruling_lines_is_read_from_its_lines(huaian_unruled):
    table = table_under(huaian_unruled, REQUESTS)
    assert find_row(table, "（七）总计") == ["2932", "53", "0", "0", "61", "4", "3050"]


def test_unruled_label_wrapped_around_its_numbers_is_one_row(huaian_unruled):
    row = find_row(table_under(huaian_unruled, REQUESTS), "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    assert row == ["447", "7", "0", "0", "0", "0", "454"]


def test_unruled_appeals_values_are_one_row(huaian_unruled):
    table = table_under(huaian_unruled, APPEALS)
    assert [c.text for c in table.rows()[-1]] == [
        "72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"]


def test_unruled_group_label_written_down_the_side_is_one_label(huaian_unruled):
    assert find_row(table_under(huaian_unruled, REQUESTS), "（三）不予公开") == []


@pytest.fixture(scope="module")
def appeals_cut():
    return pdf.read(str(APPEALS_CUT), APPEALS_CUT.read_bytes())


def test_values_row_alone_on_the_next_page_is_stitched_under_its_header(appeals_cut):
    assert [c.text for c in table_under(appeals_cut, APPEALS).rows()[-1]] == [
        "", "", "", "0", "", "", "0", "0", "", "", "0", "0", "", "", "0"]


def test_blank_cells_under_a_header_cut_by_the_page_break_stay_values(appeals_cut):
    assert cell_with(table_under(appeals_cut, APPEALS), "结果维持").rowspan == 2


@pytest.fixture(scope="module")
def faux_bold():
    """A table of 二、 whose every text is printed twice (glyph by glyph, or run by run), a fraction of a point
    apart, as producers without a bold CJK face do."""
    xs, ys = [80.0, 240.0, 330.0, 420.0, 510.0], [700.0, 680.0, 660.0, 640.0]
    rows = [("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"), ("规章", "11", "0", "100"),
            ("行政规范性文件", "2", "1", "33")]
    content = text_glyphs_twice(ACTIVE, 80, 730) + grid_lines(xs, ys)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            print_twice = text_glyphs_twice if (r + c) % 2 else text_run_twice
            content += print_twice(text, xs[c] + 4, ys[r] - 15)
    content += text_once("（以下无正文）", 80, 600)
    return pdf.read("faux_bold.pdf", pdf_with_pages([content]))


def test_faux_bold_text_is_read_once(faux_bold):
    assert [p.text for p in faux_bold.paragraphs] == [ACTIVE, "（以下无正文）"]
    assert find_row(faux_bold.tables[0], "规章") == ["11", "0", "100"]
    assert find_row(faux_bold.tables[0], "行政规范性文件") == ["2", "1", "33"]


def test_number_set_right_after_a_label_filling_its_cell_stays_in_its_own_cell():
    """pdfium puts no space between a label that runs up to its cell's border and a number printed just past
    it in the same text object ("…相关政府信息0", as Chromium prints tables)."""
    xs, ys = [80.0, 251.0, 291.0, 331.0], [700.0, 680.0, 660.0]
    content = text_once(REQUESTS, 80, 730) + grid_lines(xs, ys)
    content += text_then("1.本机关不掌握相关政府信息", "0", 82, 685, gap=1.5) + text_once("2", 293, 685)
    content += text_then("2.没有现成信息需要另行制作", "3", 82, 665, gap=1.5) + text_once("5", 293, 665)
    table = pdf.read("glued.pdf", pdf_with_pages([content])).tables[0]
    assert find_row(table, "1.本机关不掌握相关政府信息") == ["0", "2"]
    assert find_row(table, "2.没有现成信息需要另行制作") == ["3", "5"]


def test_row_broken_over_a_page_without_borders_at_the_break_is_stitched_whole():
    """Browsers print a row cut by the page break with no border where it is cut: the column lines run on."""
    xs = [40.0, 300.0, 340.0, 380.0]
    upper = text_once(REQUESTS, 40, 760) + grid_lines(xs, [740.0, 720.0, 700.0], columns=(740.0, 80.0))
    upper += _printed_row("一、本年新收政府信息公开申请数量", ["3", "4"], xs, 725)
    upper += _printed_row("二、上年结转政府信息公开申请数量", ["0", "2"], xs, 705)
    upper += _printed_row("1.本机关不掌握相关政府", ["1", "5"], xs, 90)
    lower = grid_lines(xs, [740.0, 720.0], columns=(780.0, 720.0)) + text_once("信息", 42, 765)
    lower += _printed_row("2.没有现成信息需要另行制作", ["7", "8"], xs, 725)
    document = pdf.read("open_row.pdf", pdf_with_pages([upper, lower]))
    assert len(document.tables) == 1
    assert find_row(document.tables[0], "1.本机关不掌握相关政府信息") == ["1", "5"]
    assert find_row(document.tables[0], "2.没有现成信息需要另行制作") == ["7", "8"]


def test_misspelt_row_atop_a_page_is_not_read_as_the_rest_of_the_header_above():
    """The last block of table 二 breaks after its header; "行政业性收费" (a typo) is the next row, not the
    header's cut remainder."""
    xs = [40.0, 300.0, 480.0]
    upper = text_once(ACTIVE, 40, 760) + grid_lines(xs, [740.0, 720.0, 700.0, 680.0, 660.0])
    upper += _printed_row("行政处罚", ["5"], xs, 725) + _printed_row("行政强制", ["3"], xs, 705)
    upper += text_once("第二十条第（八）项", 42, 685) + _printed_row("信息内容", ["本年收费金额（单位：万元）"], xs, 665)
    lower = grid_lines(xs, [780.0, 760.0]) + _printed_row("行政业性收费", ["3"], xs, 765)
    lower += text_once(REQUESTS, 40, 700) + grid_lines([40.0, 300.0, 340.0, 380.0], [680.0, 660.0, 640.0])
    lower += _printed_row("一、本年新收政府信息公开申请数量", ["3", "4"], [40.0, 300.0, 340.0], 665)
    lower += _printed_row("二、上年结转政府信息公开申请数量", ["0", "2"], [40.0, 300.0, 340.0], 645)
    table = table_under(pdf.read("typo.pdf", pdf_with_pages([upper, lower])), ACTIVE)
    assert find_row(table, "信息内容") == ["本年收费金额（单位：万元）"]
    assert find_row(table, "行政业性收费") == ["3"]


def test_page_opening_inside_a_ruled_table_after_a_table_continues_it():
    """What a page break leaves of table 四 may be header cells wrapped a word per line over a row of numbers
    with blanks: nothing a table page is told by from its text, but it opens inside a ruled table."""
    xs = [40.0, 100.0, 160.0, 220.0]
    upper = grid_lines([40.0, 300.0, 340.0], [800.0, 780.0, 760.0])
    upper += _printed_row("（七）总计", ["9"], [40.0, 300.0], 785) + _printed_row("四、结转下年度继续办理", ["1"], [40.0, 300.0], 765)
    upper += text_once(APPEALS, 40, 745) + grid_lines(xs, [740.0, 720.0])
    upper += "".join(text_once(label, x + 2, 725) for label, x in zip(["行政复议", "行政诉讼", "复议后起诉"], xs))
    lower = grid_lines(xs, [780.0, 740.0, 720.0])
    lower += "".join(text_once("结果", x + 2, 765) + text_once("维持", x + 2, 750) for x in xs[:-1])
    lower += text_once("0", 42, 725) + text_once("3", 162, 725) + text_once("五、存在的主要问题及改进情况", 40, 680)
    document = pdf.read("cut_appeals.pdf", pdf_with_pages([upper, lower]))
    assert [p.text for p in document.paragraphs] == [APPEALS, "五、存在的主要问题及改进情况"]
    assert [c.text for c in document.tables[-1].rows()[-1]] == ["0", "", "3"]


def _printed_row(label: str, numbers: list[str], xs: list[float], y: float) -> str:
    """A row's texts, each just inside the left of its cell (``xs``: the column lines)."""
    return "".join(text_once(text, x + 2, y) for text, x in zip([label, *numbers], xs))


@pytest.mark.parametrize("text, expected", [
    ("（一）予以公开 1288 21\n（二）部分公开 447 7", True),
    ("全市共受理政府信息公开申请 3119 件，答复 3050 件", False),
    ("第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行\n规章 0 25 2598", True),
    ("申请人情况\n法人或其他组织 总计\n（五）不予处\n理\n9 ２ １ - 1 13", True),
    ("第二十条第（一）项\n规章制度不断完善 2024 年", False),
], ids=["rows", "narrative", "short-row-before-break", "requests-header-and-one-row", "label-in-prose"])
def test_table_pages_are_told_from_their_text(text, expected):
    assert pdf.is_table_page(text) is expected


@pytest.mark.parametrize("data", [b"%PDF-1.7\n garbage", HUAIAN.read_bytes()[:5000]], ids=["garbage", "truncated"])
def test_corrupt_pdf_raises_reader_error_naming_the_file(data):
    with pytest.raises(ReaderError, match="broken.pdf"):
        pdf.read("broken.pdf", data)


def test_pdfs_read_in_several_threads_at_once_do_not_crash_the_process():
    """pdfium is not thread-safe (a Dask worker parses files in threads): reading in threads must not segfault.
    Run in a child process, which a crash would kill."""
    script = (
        "import sys; from concurrent.futures import ThreadPoolExecutor\n"
        "from extractor.readers import pdf\n"
        "files = [open(p, 'rb').read() for p in sys.argv[1:]] * 10\n"
        "with ThreadPoolExecutor(4) as pool:\n"
        "    print(set(pool.map(lambda data: len(pdf.read('x.pdf', data).tables), files)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(HUAIAN), str(HONGZE)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-500:]


def test_label_one_character_from_the_form_is_a_row_of_its_own_not_the_rest_of_the_one_above() -> None:
    """OCR loses the light "二" of 二、上年结转…: the label under a page break still starts a row (stitched to the
    row above, two rows were read as one); the rest of a label cut by the break ("法提供") does not."""
    assert is_form_label(label_key("、上年结转政府信息公开申请数量"))
    assert not is_form_label(label_key("法提供"))

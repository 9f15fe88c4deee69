"""The HTML reader: real CMS pages and fragments, their encodings, and broken input."""
import random

import pytest

from conftest import FIXTURES, SAMPLES
from extractor.errors import ReaderError
from extractor.readers import html, read_document
from extractor.readers.titles import report_title
from reader_grids import cell_with, find_row, table_under

PAGES = FIXTURES / "html"
SHANGHAI = SAMPLES / "shanghai_szfbgt_2019.html"
PINGTAN_2020 = SAMPLES / "pingtan_2020_gwh.html"
PINGTAN_2022 = SAMPLES / "pingtan_2022_gwh.html"
PINGTAN_2024 = SAMPLES / "pingtan_2024_gwh.html"
GBK_DECLARED = PAGES / "shanghai_2019_gbk.html"
LAYOUT_PAGE = PAGES / "layout_table_page.html"

ACTIVE = "二、主动公开政府信息情况"
REQUESTS = "三、收到和处理政府信息公开申请情况"
APPEALS = "四、政府信息公开行政复议、行政诉讼情况"
HEADINGS = {
    SHANGHAI: (ACTIVE, REQUESTS, APPEALS),
    PINGTAN_2020: (ACTIVE, REQUESTS, APPEALS),
    PINGTAN_2022: (ACTIVE, REQUESTS, "四、政府信息公开行政法复议、行政诉讼情况"),
    PINGTAN_2024: (ACTIVE, REQUESTS, APPEALS),
}
TITLES = {
    SHANGHAI: "2019年上海市人民政府办公厅政府信息公开工作年度报告",
    PINGTAN_2020: "平潭综合实验区2020年度政府信息公开工作年度报告",
    PINGTAN_2022: "平潭综合实验区2022年度政府信息公开工作年度报告",
    PINGTAN_2024: "平潭综合实验区2024年度政府信息公开工作年度报告",
}


def read_file(path, charset=None):
    return html.read(str(path), path.read_bytes(), charset=charset)


def reference_shanghai():
    return read_file(SHANGHAI)


def same_content(a, b) -> bool:
    return a.paragraphs == b.paragraphs and [t.cells for t in a.tables] == [t.cells for t in b.tables]


@pytest.mark.parametrize("path", list(HEADINGS), ids=lambda p: p.stem)
def test_each_table_comes_right_after_its_section_heading(path):
    document = read_file(path)
    before = [document.paragraphs[t.paragraph_index - 1].text for t in document.tables]
    assert before == list(HEADINGS[path])


@pytest.mark.parametrize("path", list(TITLES), ids=lambda p: p.stem)
def test_report_title_opens_the_body(path):
    opening = report_title(read_file(path).paragraphs)
    assert opening.startswith(TITLES[path][:7]) and opening.endswith("政府信息公开工作年度报告")


@pytest.mark.parametrize("path", list(TITLES), ids=lambda p: p.stem)
def test_title_is_the_article_title_or_the_first_heading(path):
    assert read_file(path).title == TITLES[path]


def test_meta_names_of_the_cms_page_are_kept():
    meta = read_file(PINGTAN_2024).meta
    assert (meta["PubDate"], meta["ContentSource"], meta["ColumnName"]) == (
        "2025-03-10 15:35", "平潭综合实验区管委会办公室", "政府信息公开年报")


def test_cms_menus_breadcrumbs_and_footer_stay_out_of_the_body():
    text = read_file(PINGTAN_2024).text
    assert not any(word in text for word in ("首页", "当前位置", "版权所有", "主办单位"))


def test_rowspans_and_colspans_land_on_the_true_grid():
    requests = table_under(read_file(PINGTAN_2024), REQUESTS)
    results = cell_with(requests, "三、本年度办理结果")
    denied = cell_with(requests, "（三）不予公开")
    assert (results.row, results.col, results.rowspan) == (5, 0, 22)
    assert (denied.row, denied.col, denied.rowspan) == (7, 1, 8)
    assert cell_with(requests, "社会公益组织").col == 6
    assert [c.text for c in requests.rows()[3]][-1] == "218"


def test_data_rows_keep_colspans_that_differ_from_the_header():
    active = table_under(read_file(SHANGHAI), ACTIVE)
    header, licensing = active.rows()[5], active.rows()[6]
    assert [(c.text, c.col, c.colspan) for c in header] == [
        ("信息内容", 0, 1), ("上一年项目数量", 1, 1), ("本年增/减", 2, 2), ("处理决定数量", 4, 1)]
    assert [(c.text, c.col, c.colspan) for c in licensing] == [
        ("行政许可", 0, 1), ("0", 1, 2), ("0", 3, 1), ("0", 4, 1)]


def test_unit_inside_a_cell_is_kept_with_its_number():
    active = table_under(read_file(PINGTAN_2020), ACTIVE)
    assert find_row(active, "政府集中采购") == ["395", "73802895.90元"]


def test_number_cut_into_spans_is_joined():
    requests = table_under(read_file(PINGTAN_2020), REQUESTS)
    assert find_row(requests, "一、本年新收政府信息公开申请数量")[-1] == "21"


def test_label_cut_over_paragraphs_and_nbsp_runs_is_joined():
    requests = table_under(read_file(PINGTAN_2024), REQUESTS)
    assert [c.text for c in requests.rows()[2]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


def test_values_padded_with_nbsp_are_bare():
    requests = table_under(read_file(PINGTAN_2022), REQUESTS)
    assert find_row(requests, "一、本年新收政府信息公开申请数量") == ["71", "3", "0", "0", "0", "0", "74"]


def test_gbk_page_declared_in_meta_reads_like_the_utf8_original():
    document = read_file(GBK_DECLARED)
    assert same_content(document, reference_shanghai())


def test_gbk_page_without_any_declaration_is_detected():
    assert same_content(read_file(PAGES / "shanghai_2019_gbk_undeclared.html"), reference_shanghai())


def test_http_charset_outranks_the_meta_declaration():
    data = GBK_DECLARED.read_bytes().replace(b'charset="gbk"', b'charset="iso-8859-1"')
    assert same_content(html.read("page.html", data, charset="GBK"), reference_shanghai())
    assert not same_content(html.read("page.html", data), reference_shanghai())


def test_utf8_byte_order_mark_outranks_the_meta_declaration():
    text = GBK_DECLARED.read_bytes().decode("gbk").replace('charset="gbk"', 'charset="iso-8859-1"')
    assert same_content(html.read("page.html", b"\xef\xbb\xbf" + text.encode("utf-8")), reference_shanghai())
    assert not same_content(html.read("page.html", text.encode("utf-8")), reference_shanghai())


def test_gb2312_label_reads_gbk_only_characters():
    data = '<html><head><meta charset="gb2312"></head><body><p>朱镕基</p></body></html>'.encode("gbk")
    assert html.read("page.html", data).paragraphs[0].text == "朱镕基"


def test_binary_garbage_raises_reader_error():
    garbage = random.Random(7).randbytes(4096)
    with pytest.raises(ReaderError, match="binary data") as error:
        html.read("garbage.html", garbage)
    assert error.value.path == "garbage.html"


def test_page_without_any_text_raises_reader_error():
    with pytest.raises(ReaderError, match="no text"):
        html.read("empty.html", b"<html><body><div>\n  </div><script>var x = 1;</script></body></html>")


def test_page_with_a_title_and_an_empty_body_is_an_empty_report():
    document = html.read("empty.html", "<html><head><title>2024年度报告</title></head><body></body></html>".encode())
    assert (document.title, document.tables) == ("2024年度报告", [])


def test_page_without_tables_reads_its_text():
    document = html.read("narrative.html", "<p>一、总体情况</p><p>本年度无申请。</p>".encode())
    assert ([p.text for p in document.paragraphs], document.tables) == (["一、总体情况", "本年度无申请。"], [])


def test_layout_table_is_read_as_text_around_its_inner_data_table():
    document = read_file(LAYOUT_PAGE)
    assert [p.text for p in document.paragraphs][:2] == ["平潭综合实验区2024年度政府信息公开工作年度报告", APPEALS]
    assert [(t.n_rows, t.n_cols, t.paragraph_index) for t in document.tables] == [(4, 15, 2)]


def test_related_links_hidden_blocks_and_footer_of_a_layout_page_are_left_out():
    text = read_file(LAYOUT_PAGE).text
    assert not any(word in text for word in ("相关链接", "2023年度", "浏览次数", "当前位置", "版权所有", "var menu"))


def test_title_element_loses_the_site_name():
    assert read_file(LAYOUT_PAGE).title == "平潭综合实验区2024年度政府信息公开工作年度报告"


def test_page_served_as_jsp_is_read_as_html():
    assert read_document("report.jsp", PINGTAN_2024.read_bytes()).format == "html"


def test_byte_order_mark_outranks_an_http_charset():
    data = "\ufeff<p>一、总体情况</p>".encode("utf-8")
    assert html.read("page.html", data, charset="koi8-r").paragraphs[0].text == "一、总体情况"


def test_a_stray_byte_does_not_throw_the_declared_encoding_away():
    data = PINGTAN_2024.read_bytes().replace("平潭综合实验区坚持".encode(), b"\xff" + "实验区坚持".encode(), 1)
    assert find_row(table_under(html.read("page.html", data), REQUESTS), "（七）总计")[-1] == "218"


def test_table_without_any_text_is_no_table():
    page = "<p>一、总体情况</p><table><tr><td>&nbsp;</td><td><img src='x.png'></td></tr></table>".encode()
    assert html.read("page.html", page).tables == []

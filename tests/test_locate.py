"""The locator: labels to keys, whatever the layout drift."""
import json

from conftest import SAMPLES, expected_path

from extractor.document import Document, Paragraph, table_from_rows
from extractor.extract import extract_file
from extractor.locate import LocateSettings, align, best_score, locate
from extractor.text import core_label, normalize_label
from extractor.template import REQUEST_ROWS

HEADINGS = ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]


def _variants(key):
    return next(r for r in REQUEST_ROWS if r.key == key).variants


def _requests_doc(rows, heading=HEADINGS[1]):
    return Document("t.txt", "txt", [Paragraph(heading)], [table_from_rows(rows, "table 1", 1)])


def test_normalize_label_unifies_width_brackets_and_spaces():
    assert normalize_label("（二）部分公开 （区分处理的）") == "(二)部分公开(区分处理的)"


def test_core_label_drops_numbering_and_trailing_note():
    assert core_label("（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == "部分公开"
    assert core_label("7.属于行政执法案卷") == "属于行政执法案卷"


def test_label_cut_short_still_matches():
    assert best_score("7.属于行政执法案", _variants("denied.enforcement_files")) >= 90


def test_label_typo_still_matches():
    assert best_score("2.其他法律行政止公开", _variants("denied.law_prohibited")) >= 80


def test_short_label_does_not_capture_a_long_one():
    assert best_score("3.其他", _variants("other.no_correction")) < 40


def test_align_keeps_order_and_skips_weak_pairs():
    scores = [[90, 10, 0], [0, 0, 95], [0, 80, 0]]
    assert align(scores, 70) == [(0, 0), (1, 2)] or align(scores, 70) == [(0, 0), (2, 1)]
    assert align([[50]], 70) == []


def test_align_gives_up_a_strong_pair_for_a_longer_chain():
    scores = [[0, 0, 95], [80, 0, 0], [0, 80, 0]]
    assert align(scores, 70) == [(1, 0), (2, 1)]


def _row(label, n=7, value="1"):
    return [label] + [value] * n


def test_one_row_other_is_key_other():
    rows = [_row("（五）不予处理5.要求行政机关确认或重新出具已获取信息"), _row("（六）其他处理"), _row("（七）总计")]
    located = locate(_requests_doc(rows))
    rows_found = {k.rpartition(".")[0] for k in located.tables["requests"]}
    assert "other" in rows_found and not rows_found & {"other.no_correction", "other.unpaid_fee", "other.other"}


def test_three_row_other_gives_its_sub_keys():
    rows = [["（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"] + ["0"] * 7,
            ["", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"] + ["0"] * 7,
            ["", "3.其他"] + ["2"] * 7]
    cells = locate(_requests_doc(rows)).tables["requests"]
    assert cells["other.other.total"].raw == "2"
    assert "other.total" not in cells


def test_repeated_header_rows_are_not_data():
    rows = [["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
            _row("一、本年新收政府信息公开申请数量", value="3"),
            ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
            _row("二、上年结转政府信息公开申请数量", value="4")]
    cells = locate(_requests_doc(rows)).tables["requests"]
    assert cells["new_received.total"].raw == "3" and cells["carried_over.natural_person"].raw == "4"


def test_table_found_by_labels_without_a_heading():
    rows = [_row("一、本年新收政府信息公开申请数量"), _row("二、上年结转政府信息公开申请数量"),
            _row("（一）予以公开"), _row("（七）总计")]
    located = locate(_requests_doc(rows, heading="附表"))
    assert "granted.total" in located.tables["requests"]


def test_active_header_row_sets_block_columns():
    rows = [["第二十条第（一）项"], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "1", "2", "3"],
            ["第二十条第（八）项"], ["信息内容", "本年收费金额（单位：万元）"], ["行政事业性收费", "0.5"]]
    doc = Document("t.txt", "txt", [Paragraph(HEADINGS[0])], [table_from_rows(rows, "table 1", 1)])
    located = locate(doc)
    assert located.template == "2021"
    cells = located.tables["active"]
    assert cells["regulations.in_force"].raw == "3"
    assert cells["fees.amount"].printed_unit == "万元"


def test_appeals_row_of_fifteen_values():
    rows = [["行政复议", "行政诉讼"], ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
            [str(i) for i in range(15)]]
    doc = Document("t.txt", "txt", [Paragraph(HEADINGS[2])], [table_from_rows(rows, "table 1", 1)])
    cells = locate(doc).tables["appeals"]
    assert cells["review.upheld"].raw == "0" and cells["litigation_after_review.total"].raw == "14"


def test_settings_reject_a_score_out_of_range():
    import pytest
    with pytest.raises(ValueError, match="row_score"):
        LocateSettings(row_score=150)


def test_table_after_a_continuation_note_continues_the_section():
    first = table_from_rows([["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "1", "2", "3"]], "table 1", 1)
    second = table_from_rows([["信息内容", "本年处理决定数量"], ["行政许可", "4529"]], "table 2", 2)
    doc = Document("t.txt", "txt", [Paragraph(HEADINGS[0]), Paragraph("续表")], [first, second])
    assert locate(doc).tables["active"]["licensing.decisions"].raw == "4529"


def test_table_under_a_garbled_heading_goes_by_its_labels(tmp_path):
    """OCR read the seed's "三、收到和处理政府信息公开申请情况" as below: no heading, yet the table after it
    prints the requests table's labels, so it does not continue the active table before it."""
    seed = (SAMPLES / "ganyu-kjj-2024.txt").read_text(encoding="utf-8")
    garbled = tmp_path / "garbled.txt"
    garbled.write_text(seed.replace("三、收到和处理政府信息公开申请情况", "、收到相处理政府信息公开中谓用优"), encoding="utf-8")
    expected = json.loads(expected_path(SAMPLES / "ganyu-kjj-2024.txt").read_text(encoding="utf-8"))
    assert extract_file(garbled).tables["requests"] == expected["tables"]["requests"]


def test_table_under_another_numbered_heading_is_not_standard():
    table = table_from_rows([["规章", "1", "2", "3"]], "table 1", 2)
    doc = Document("t.txt", "txt", [Paragraph(HEADINGS[0]), Paragraph("五、存在的主要问题及改进情况")], [table])
    assert "active" not in locate(doc).tables


def test_label_with_a_dropped_bracket_still_matches():
    assert best_score("（二）部分公开区分处理的，只计这一情形，不计其他情形）", _variants("partially_granted")) >= 90


def test_row_whose_label_is_garbled_takes_the_one_form_row_between_its_neighbours():
    """OCR reads "5.属于三类内部事务信息" as "lta": between rows 4. and 6. it can only be row 5."""
    rows = [_row("4.保护第三方合法权益"), _row("lta", value="5"), _row("6.属于四类过程性信息")]
    cells = locate(_requests_doc(rows)).tables["requests"]
    assert cells["denied.internal_affairs.total"].raw == "5"


def test_garbled_row_is_not_placed_where_the_form_has_more_than_one_row_between_its_neighbours():
    rows = [_row("4.保护第三方合法权益"), _row("lta", value="5"), _row("7.属于行政执法案卷")]
    cells = locate(_requests_doc(rows)).tables["requests"]
    assert not {key for key, cell in cells.items() if cell.raw == "5"}


def test_header_naming_only_some_columns_does_not_shift_the_values():
    """OCR misreads the amount's header: the one header left must not take the last value of the row."""
    rows = [["第二十条第（九）项"], ["信息内容", "采购项目数量", "“采购总金额〈单位;万元)"], ["政府集中采购", "", "4529.78"]]
    doc = Document("t.txt", "txt", [Paragraph(HEADINGS[0])], [table_from_rows(rows, "table 1", 1)])
    cells = locate(doc).tables["active"]
    assert (cells["procurement.projects"].raw, cells["procurement.amount"].raw) == ("", "4529.78")

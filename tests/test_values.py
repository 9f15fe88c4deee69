"""How a cell's printed text becomes a value."""
import pytest

from extractor.text import compact
from extractor.values import looks_like_value, parse_value, unit_in


def test_blank_cell_is_null_not_zero():
    assert parse_value("\u3000 ").value is None


@pytest.mark.parametrize("raw", ["—", "-", "/", "无", "——", "－"])
def test_zero_marks_read_as_zero_and_say_so(raw):
    parsed = parse_value(raw)
    assert parsed.value == 0
    assert "read as 0" in parsed.note


def test_full_width_digits_and_thousands_separators():
    assert parse_value("１，２３４").value == 1234


def test_negative_change_is_kept():
    assert parse_value("-18").value == -18


def test_money_in_yuan_inside_the_cell_becomes_wan_yuan():
    parsed = parse_value("251000元", unit="万元")
    assert parsed.value == pytest.approx(25.1)
    assert "元" in parsed.note


def test_money_under_a_yuan_header_becomes_wan_yuan():
    assert parse_value("73802895.90", unit="万元", printed_unit="元").value == pytest.approx(7380.28959)


def test_money_keeps_its_decimals():
    assert parse_value("0.012345", unit="万元").value == pytest.approx(0.012345)


def test_text_that_is_not_a_number_is_unreadable():
    parsed = parse_value("见附件")
    assert parsed.value is None and parsed.unreadable


@pytest.mark.parametrize("raw,expected", [("0", True), ("", True), ("12件", True), ("自然人", False),
                                          ("34≠4", True), ("t≠/", True), ("申请≠人", False)])
def test_looks_like_value(raw, expected):
    assert looks_like_value(raw) is expected


@pytest.mark.parametrize("label,unit", [("本年收费金额（单位：万元）", "万元"), ("采购总金额（元）", "元"), ("采购总金额", None)])
def test_unit_printed_in_a_header(label, unit):
    assert unit_in(label) == unit


def test_compact_text_is_nfkc_without_any_whitespace():
    assert compact("洪泽区　人民政府\n２０２４ 年（一）") == "洪泽区人民政府2024年(一)"


def test_a_cell_ocr_read_two_ways_is_unreadable_not_a_guess():
    parsed = parse_value("34≠4")
    assert parsed.value is None and parsed.unreadable

"""Text clean-up shared by the readers: spacing of Chinese labels, titles."""
import pytest

from extractor.document import Paragraph
from extractor.readers.titles import guess_title, report_title
from extractor.text import clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("社会公益 组织", "社会公益组织"),
        ("\u3000\u3000一、总体情况\xa0\xa0 ", "一、总体情况"),
        ("2. 申请人逾期", "2.申请人逾期"),
        ("73802895.90 元", "73802895.90元"),
        ("Windows  XP\n系统", "Windows XP系统"),
        ("1 234", "1 234"),
        ("结\u200b果", "结果"),
    ],
)
def test_clean_text_drops_layout_spaces_but_keeps_meaningful_ones(raw, clean):
    assert clean_text(raw) == clean


def test_report_title_needs_a_line_naming_the_report():
    assert report_title([Paragraph("一、总体情况"), Paragraph("本年度无申请。")]) is None


def test_report_title_keeps_the_issuer_line_above_it():
    lines = [Paragraph("某某区人民政府"), Paragraph("2024年政府信息公开年报"), Paragraph("一、总体情况")]
    assert report_title(lines) == "某某区人民政府2024年政府信息公开年报"


def test_guess_title_falls_back_to_the_first_heading_like_line():
    lines = [Paragraph("本年度，我区认真贯彻《条例》，现将情况报告如下："), Paragraph("一、总体情况")]
    assert guess_title(lines) == "一、总体情况"

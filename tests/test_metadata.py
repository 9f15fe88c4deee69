"""Body, year and region of a report, read from its title and opening text."""
import json

import pytest

from conftest import expected_path, sample_reports
from extractor.document import Document, Paragraph
from extractor.metadata import describe, parse_title, statistics_year
from extractor.readers import read_document


def _document(*lines: str, title: str | None = None, meta: dict | None = None) -> Document:
    return Document("report.txt", "txt", [Paragraph(line) for line in lines], title=title, meta=meta or {})


@pytest.mark.parametrize("report", sample_reports(), ids=lambda p: p.name)
def test_every_sample_report_gives_its_expected_agency_and_year(report):
    expected = json.loads(expected_path(report).read_text(encoding="utf-8"))
    meta = describe(read_document(report))
    assert (meta.agency, meta.year) == (expected["agency"], expected["year"])


@pytest.mark.parametrize(
    ("title", "parsed"),
    [
        ("平潭综合实验区2024年度政府信息公开工作年度报告", ("平潭综合实验区", 2024)),
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", ("上海市人民政府办公厅", 2019)),
        ("淮安市人民政府2024年政府信息公开工作年度报告", ("淮安市人民政府", 2024)),
        ("洪泽区人民政府 2023 年政府信息公开工作年度报告", ("洪泽区人民政府", 2023)),
        ("某县民政局关于2022年度政府信息公开工作的年度报告", ("某县民政局", 2022)),
        ("2024年度政府信息公开工作年度报告", (None, 2024)),
        ("政府信息公开工作年度报告格式模板", None),
        ("国务院办公厅关于印发2020年政务公开工作要点的通知", None),
    ],
)
def test_title_shapes_give_body_and_year(title, parsed):
    assert parse_title(title) == parsed


def test_a_body_on_the_line_above_the_title_is_the_agency():
    meta = describe(_document("连云港市赣榆区科学技术局", "2024年度政府信息公开工作年度报告", "一、总体情况"))
    assert meta.agency == "连云港市赣榆区科学技术局"


def test_the_cms_title_with_the_site_name_appended_gives_the_body():
    meta = describe(_document(title="平潭综合实验区2022年度政府信息公开工作年度报告_政府信息公开年报_平潭综合实验区党工委管委会"))
    assert (meta.agency, meta.title_year) == ("平潭综合实验区", 2022)


def test_the_statistics_period_outranks_the_title_year():
    meta = describe(_document("淮安市人民政府2023年政府信息公开工作年度报告",
                              "报告所列统计期限自2024年1月1日至2024年12月31日。"))
    assert (meta.year, meta.title_year) == (2024, 2023)


def test_the_publication_date_is_not_the_year():
    text = "发布日期：2020-01-31本年度报告中所列数据统计期限从2019年1月1日到12月31日止。"
    assert statistics_year(text) == 2019


def test_the_reporting_sentence_gives_body_and_year_when_there_is_no_heading():
    meta = describe(_document("依据《条例》，现对连云港市赣榆区科学技术局2024年政府信息公开工作形成如下报告："))
    assert (meta.agency, meta.year) == ("连云港市赣榆区科学技术局", 2024)


def test_the_blank_form_has_no_body_and_no_year():
    meta = describe(_document("政府信息公开工作年度报告格式模板", "一、总体情况", "（文字描述）"))
    assert (meta.agency, meta.year, meta.region["adcode"]) == (None, None, None)


def test_the_region_follows_the_agency():
    meta = describe(_document("洪泽区人民政府", "2023 年政府信息公开工作年度报告"))
    assert meta.region == {"province": "江苏省", "city": "淮安市", "county": "洪泽区", "adcode": "320813"}

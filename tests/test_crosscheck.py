"""Checks across reports fire on prepared cases and stay quiet on clean ones.

The reports are the hand-verified records of real reports (``fixtures/samples``),
some with one thing changed the way it happens in the wild: a body's next-year
report, another body's copy, a renamed body.
"""
from __future__ import annotations

import copy
from dataclasses import replace

import pytest
from conftest import SAMPLES
from dataset_support import DATASET_FIXTURES, expected_record

from extractor.build import Source
from extractor.crosscheck import CrossSettings, crosscheck, normalize_agency
from extractor.dataset import Missing, StoredReport

PINGTAN_ADCODE = "350128"
#: The running text of a real report (a county bureau's), and the name it carries.
NARRATIVE = (SAMPLES / "ganyu-kjj-2024.txt").read_text(encoding="utf-8")
GANYU = "连云港市赣榆区科学技术局"


def _stored(name: str, report_id: str | None = None, **changes: object) -> StoredReport:
    record = expected_record(Source(str(SAMPLES / name)))
    region = {"province": None, "city": None, "county": None, "adcode": None}
    report = StoredReport(report_id or name, record.agency, region, record.year, record.template,
                          copy.deepcopy(record.tables))
    return replace(report, **changes)


def _next_year(report: StoredReport, report_id: str, **changes: object) -> StoredReport:
    """The same body's report a year later, carrying over what it carried forward, regulations unchanged."""
    tables = copy.deepcopy(report.tables)
    requests = tables["requests"]
    for key in [k for k in requests if k.startswith("carried_forward.")]:
        requests["carried_over." + key.split(".", 1)[1]] = requests[key]
    active = tables["active"]
    for row in ("regulations", "normative_docs"):
        active[f"{row}.issued"] = active[f"{row}.repealed"] = 0
    return replace(report, **{"report_id": report_id, "year": report.year + 1, "tables": tables, **changes})


def _codes(reports: list[StoredReport], settings: CrossSettings | None = None) -> list[tuple[str, str, tuple]]:
    return sorted((f.report_id, f.finding.code, f.finding.keys) for f in crosscheck(reports, settings).findings)


def test_clean_consecutive_years_raise_nothing() -> None:
    this = _stored("pingtan_2022_gwh.html")
    assert _codes([this, _next_year(this, "2023")]) == []


def test_carry_over_break_is_carry_mismatch_on_the_later_report() -> None:
    this = _stored("pingtan_2022_gwh.html")
    later = _next_year(this, "2023")
    later.tables["requests"]["carried_over.natural_person"] += 2
    later.tables["requests"]["carried_over.total"] += 2
    assert _codes([this, later]) == [("2023", "CARRY_MISMATCH", ("carried_over.natural_person",)),
                                     ("2023", "CARRY_MISMATCH", ("carried_over.total",))]


def test_carry_mismatch_names_both_numbers() -> None:
    this = _stored("pingtan_2022_gwh.html")
    later = _next_year(this, "2023")
    later.tables["requests"]["carried_over.total"] = 99
    [finding] = crosscheck([this, later]).findings
    assert ("99" in finding.finding.message, finding.other_report_id) == (True, this.report_id)


def test_in_force_not_following_issued_and_repealed_is_drift() -> None:
    this = _stored("pingtan_2022_gwh.html")
    later = _next_year(this, "2023")
    later.tables["active"]["normative_docs.issued"] = 5
    assert _codes([this, later]) == [
        ("2023", "IN_FORCE_DRIFT", ("normative_docs.in_force", "normative_docs.issued", "normative_docs.repealed"))]


def test_years_apart_are_not_compared() -> None:
    this = _stored("pingtan_2022_gwh.html")
    later = _next_year(this, "2024", year=2024)
    later.tables["requests"]["carried_over.total"] = 99
    assert _codes([this, later]) == []


def test_other_bodys_copy_is_duplicate_report_on_both() -> None:
    original = _stored("huaian_szf_2024.pdf")
    copied = replace(original, report_id="copy", agency="宿迁市人民政府")
    assert _codes([original, copied]) == [("copy", "DUPLICATE_REPORT", ()),
                                          ("huaian_szf_2024.pdf", "DUPLICATE_REPORT", ())]


def test_copy_with_the_same_text_under_another_name_is_duplicate_report() -> None:
    original = _stored("huaian_szf_2024.pdf", text=NARRATIVE.replace(GANYU, "淮安市人民政府"))
    copied = replace(original, report_id="copy", agency="宿迁市人民政府",
                     text=NARRATIVE.replace(GANYU, "宿迁市人民政府"))
    [finding, _] = crosscheck([original, copied]).findings
    assert (finding.finding.code, finding.finding.message.endswith("正文相似度100%")) == ("DUPLICATE_REPORT", True)


def test_same_numbers_with_other_text_are_not_a_duplicate() -> None:
    original = _stored("huaian_szf_2024.pdf", text=NARRATIVE)
    other = replace(original, report_id="other", agency="宿迁市人民政府",
                    text=(SAMPLES / "pingtan_2022_gwh.html").read_text(encoding="utf-8"))
    assert _codes([original, other]) == []


def test_same_report_in_two_formats_is_not_a_duplicate() -> None:
    assert _codes([_stored("huaian_szf_2024.pdf"), _stored("huaian_szf_2024_form.docx")]) == []


def _page_and_its_pdf() -> tuple[StoredReport, StoredReport]:
    """A crawled page holding 淮安's 2024 tables, and the PDF copy it links, which prints another name."""
    url = "http://www.huaian.gov.cn/art/2025/1/20/art_1234_1.html"
    page = _stored("huaian_szf_2024.pdf", report_id="page", url=url)
    return page, replace(page, report_id="pdf", agency="淮安市人民政府办公室", url=None, parent_url=url)


def test_page_with_tables_and_its_attachment_copy_is_not_a_duplicate_report() -> None:
    assert _codes(list(_page_and_its_pdf())) == []


def test_attachment_copy_belongs_to_its_pages_body() -> None:
    page, pdf = _page_and_its_pdf()
    bodies = crosscheck([page, pdf]).bodies
    assert bodies["pdf"] == bodies["page"]


def test_two_attachments_of_one_page_are_not_duplicate_reports() -> None:
    _, pdf = _page_and_its_pdf()
    docx = replace(pdf, report_id="docx", agency="淮安市人民政府")
    assert _codes([pdf, docx]) == []


def test_blank_form_copies_are_not_duplicates() -> None:
    blank = _stored("official_template_2021.docx", agency="甲局", year=2024)
    assert _codes([blank, replace(blank, report_id="b", agency="乙局")]) == []


def test_bodies_list_reports_missing_year() -> None:
    reports = [_stored("pingtan_2022_gwh.html"), _stored("pingtan_2024_gwh.html"), _stored("huaian_szf_2024.pdf")]
    missing = crosscheck(reports, CrossSettings(bodies_csv=str(DATASET_FIXTURES / "bodies.csv"),
                                                years=(2022, 2023, 2024))).missing
    assert [(m.agency, m.year, m.basis) for m in missing] == [
        ("平潭综合实验区", 2023, "listed"), ("洪泽区人民政府", 2022, "listed"), ("洪泽区人民政府", 2023, "listed"),
        ("洪泽区人民政府", 2024, "listed"), ("淮安市人民政府", 2022, "listed"), ("淮安市人民政府", 2023, "listed")]


def test_missing_year_is_inferred_from_earlier_years() -> None:
    reports = [_stored("pingtan_2020_gwh.html"), _stored("pingtan_2022_gwh.html"), _stored("pingtan_2024_gwh.html")]
    assert crosscheck(reports).missing == [Missing("平潭综合实验区", "平潭综合实验区", "", 2021, "inferred"),
                                           Missing("平潭综合实验区", "平潭综合实验区", "", 2023, "inferred")]


def test_body_with_every_year_is_not_missing() -> None:
    this = _stored("pingtan_2022_gwh.html")
    assert crosscheck([this, _next_year(this, "2023")]).missing == []


def test_same_name_in_another_region_is_another_body() -> None:
    this = _stored("pingtan_2022_gwh.html", region={"province": None, "city": None, "county": None,
                                                    "adcode": PINGTAN_ADCODE})
    elsewhere = _next_year(this, "2023", region={"province": "江苏省", "city": None, "county": None, "adcode": None})
    elsewhere.tables["requests"]["carried_over.total"] = 99
    assert _codes([this, elsewhere]) == []


def test_mapping_joins_a_renamed_body() -> None:
    this = _stored("pingtan_2022_gwh.html")
    renamed = _next_year(this, "2023", agency="平潭综合实验区管理委员会")
    renamed.tables["requests"]["carried_over.total"] = 99
    settings = CrossSettings(mapping_csv=str(DATASET_FIXTURES / "mapping.csv"))
    assert (_codes([this, renamed]), _codes([this, renamed], settings)) == (
        [], [("2023", "CARRY_MISMATCH", ("carried_over.total",))])


@pytest.mark.parametrize("printed", ["平潭综合实验区 ", "平潭综合　实验区", "平潭综合实验区。"])
def test_agency_names_match_across_spacing_and_punctuation(printed: str) -> None:
    assert normalize_agency(printed) == normalize_agency("平潭综合实验区")

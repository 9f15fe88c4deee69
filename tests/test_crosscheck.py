"""Checks across reports fire on prepared cases and stay quiet on clean ones.

The reports are the hand-verified records of real reports (``fixtures/samples``),
some with one thing changed the way it happens in the wild: a body's next-year
report, another body's copy, a renamed body. They are written into a real
dataset, and the checks read them back from it as a build does.
"""
from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SAMPLES
from dataset_support import DATASET_FIXTURES, expected_record

from extractor.text import normalize_agency
from extractor.build import Source
from extractor.crosscheck import CrossSettings, crosscheck, remember_options
from extractor.dataset import CrawlInfo, CrossResult, Dataset, Entry, report_id_of
from extractor.record import Record

PINGTAN = {"province": "福建省", "city": "福州市", "county": "平潭县", "adcode": "350128"}
#: The running text of a real report (a county bureau's), and the name it carries.
NARRATIVE = (SAMPLES / "ganyu-kjj-2024.txt").read_text(encoding="utf-8")
GANYU = "连云港市赣榆区科学技术局"


def _entry(name: str, path: str | None = None, *, text: str | None = None, url: str | None = None,
           parent_url: str | None = None, **changes: object) -> Entry:
    """The expected record of a sample report as a file at ``path`` (any name), with changes."""
    record = expected_record(Source(str(SAMPLES / name)))
    record = replace(record, tables=copy.deepcopy(record.tables), **changes)
    return Entry(path or name, "0" * 64, "1", record, text=text, url=url, parent_url=parent_url)


def _next_year(entry: Entry, path: str, **changes: object) -> Entry:
    """The same body's report a year later, carrying over what it carried forward, regulations unchanged."""
    record: Record = entry.record  # type: ignore[assignment]
    tables = copy.deepcopy(record.tables)
    requests = tables["requests"]
    for key in [k for k in requests if k.startswith("carried_forward.")]:
        requests["carried_over." + key.split(".", 1)[1]] = requests[key]
    active = tables["active"]
    for row in ("regulations", "normative_docs"):
        active[f"{row}.issued"] = active[f"{row}.repealed"] = 0
    later = replace(record, **{"year": record.year + 1, "tables": tables, **changes})
    return replace(entry, path=path, record=later)


@pytest.fixture
def check(tmp_path: Path):
    """Write entries into a fresh dataset and run the checks across reports on it."""
    def run(entries: list[Entry], settings: CrossSettings | None = None) -> CrossResult:
        with Dataset(tmp_path / f"x{len(list(tmp_path.iterdir()))}.duckdb") as dataset:
            dataset.write_entries(entries)
            remember_options(dataset, settings or CrossSettings())
            return crosscheck(dataset, settings)
    return run


def _codes(result: CrossResult, entries: list[Entry]) -> list[tuple[str, str, tuple[str, ...]]]:
    paths = {report_id_of(e.path): e.path for e in entries}
    return sorted((paths[f.report_id], f.finding.code, f.finding.keys) for f in result.findings)


def _codes_of(check, entries: list[Entry], settings: CrossSettings | None = None) -> list[tuple]:
    return _codes(check(entries, settings), entries)


def _body(result: CrossResult, path: str) -> str | None:
    return next(a.body for a in result.assignments if a.report_id == report_id_of(path))


# --- Year to year ---------------------------------------------------------------------

def test_clean_consecutive_years_raise_nothing(check) -> None:
    this = _entry("pingtan_2022_gwh.html")
    assert _codes_of(check, [this, _next_year(this, "2023")]) == []


def test_carry_over_break_is_carry_mismatch_on_the_later_report(check) -> None:
    this = _entry("pingtan_2022_gwh.html")
    later = _next_year(this, "2023")
    later.record.tables["requests"]["carried_over.natural_person"] += 2
    later.record.tables["requests"]["carried_over.total"] += 2
    assert _codes_of(check, [this, later]) == [("2023", "CARRY_MISMATCH", ("carried_over.natural_person",)),
                                               ("2023", "CARRY_MISMATCH", ("carried_over.total",))]


def test_carry_mismatch_names_both_numbers(check) -> None:
    this = _entry("pingtan_2022_gwh.html")
    later = _next_year(this, "2023")
    later.record.tables["requests"]["carried_over.total"] = 99
    [finding] = check([this, later]).findings
    assert ("99" in finding.finding.message, finding.other_report_id) == (True, report_id_of(this.path))


def test_in_force_not_following_issued_and_repealed_is_drift(check) -> None:
    this = _entry("pingtan_2022_gwh.html")
    later = _next_year(this, "2023")
    later.record.tables["active"]["normative_docs.issued"] = 5
    assert _codes_of(check, [this, later]) == [
        ("2023", "IN_FORCE_DRIFT", ("normative_docs.in_force", "normative_docs.issued", "normative_docs.repealed"))]


def test_years_apart_are_not_compared(check) -> None:
    this = _entry("pingtan_2022_gwh.html")
    later = _next_year(this, "2024", year=2024)
    later.record.tables["requests"]["carried_over.total"] = 99
    assert _codes_of(check, [this, later]) == []


# --- Bodies ----------------------------------------------------------------------------

def test_renamed_body_with_its_citys_name_is_one_body_and_its_carry_over_is_checked(check) -> None:
    hongze = {"province": "江苏省", "city": "淮安市", "county": "洪泽区", "adcode": "320813"}
    this = _entry("hongze_qzf_2023.pdf", region=hongze)
    later = _next_year(this, "2024", agency="淮安市洪泽区人民政府")
    later.record.tables["requests"]["carried_over.total"] = 99
    result = check([this, later])
    assert (_body(result, this.path), _body(result, "2024"), _codes(result, [this, later])) == (
        "洪泽区人民政府|320813", "洪泽区人民政府|320813", [("2024", "CARRY_MISMATCH", ("carried_over.total",))])


def test_bodies_table_shows_every_name_a_body_printed_and_how_it_was_matched(check) -> None:
    this = _entry("pingtan_2022_gwh.html", region=PINGTAN)
    renamed = _next_year(this, "2023", agency="福建省平潭综合实验区")
    [body] = check([this, renamed]).bodies
    assert (body.body, body.names, body.matched_by, body.reports) == (
        "平潭综合实验区|350128", ("平潭综合实验区", "福建省平潭综合实验区"), "adcode", 2)


def test_same_name_in_another_region_is_another_body(check) -> None:
    this = _entry("pingtan_2022_gwh.html", region=PINGTAN)
    elsewhere = _next_year(this, "2023", region={"province": "江苏省", "city": None, "county": None, "adcode": None})
    elsewhere.record.tables["requests"]["carried_over.total"] = 99
    assert _codes_of(check, [this, elsewhere]) == []


def test_mapping_joins_a_renamed_body(check) -> None:
    this = _entry("pingtan_2022_gwh.html")
    renamed = _next_year(this, "2023", agency="平潭综合实验区管理委员会")
    renamed.record.tables["requests"]["carried_over.total"] = 99
    settings = CrossSettings(mapping_csv=str(DATASET_FIXTURES / "mapping.csv"))
    assert (_codes_of(check, [this, renamed]), _codes_of(check, [this, renamed], settings)) == (
        [], [("2023", "CARRY_MISMATCH", ("carried_over.total",))])


@pytest.mark.parametrize("printed", ["平潭综合实验区 ", "平潭综合　实验区", "平潭综合实验区。"])
def test_agency_names_match_across_spacing_and_punctuation(printed: str) -> None:
    assert normalize_agency(printed) == normalize_agency("平潭综合实验区")


# --- Copies of one report -----------------------------------------------------------------

def test_same_report_in_two_formats_is_one_primary_and_one_copy(check) -> None:
    pdf, docx = _entry("huaian_szf_2024.pdf"), _entry("huaian_szf_2024_form.docx")
    result = check([pdf, docx])
    primary = {a.report_id: (a.is_primary, a.copy_of) for a in result.assignments}
    assert (primary[report_id_of(pdf.path)], primary[report_id_of(docx.path)], result.findings) == (
        (True, None), (False, report_id_of(pdf.path)), [])


def test_copies_that_disagree_raise_copy_conflict_on_the_primary_naming_the_cells(check) -> None:
    pdf, docx = _entry("huaian_szf_2024.pdf"), _entry("huaian_szf_2024_form.docx")
    docx.record.tables["requests"]["granted.total"] += 1
    [finding] = check([pdf, docx]).findings
    assert (finding.report_id, finding.other_report_id, finding.finding.code, finding.finding.keys) == (
        report_id_of(pdf.path), report_id_of(docx.path), "COPY_CONFLICT", ("granted.total",))


def test_primary_is_the_copy_most_others_agree_with(check) -> None:
    copies = [_entry("huaian_szf_2024.pdf", f"{name}.pdf") for name in ("a", "b", "c")]
    copies[0].record.tables["requests"]["granted.total"] += 1
    primaries = [a.report_id for a in check(copies).assignments if a.is_primary]
    assert primaries == [report_id_of("b.pdf")]


def test_primary_is_the_more_complete_copy(check) -> None:
    partial = _entry("huaian_szf_2024.pdf", "a.pdf")
    del partial.record.tables["appeals"]
    whole = _entry("huaian_szf_2024.pdf", "b.pdf")
    primaries = [a.report_id for a in check([partial, whole]).assignments if a.is_primary]
    assert primaries == [report_id_of("b.pdf")]


def test_text_layer_copy_is_primary_over_an_ocr_copy(check) -> None:
    scan = _entry("huaian_szf_2024.pdf", "a.png")
    scan.record.source["format"] = "image"
    text = _entry("huaian_szf_2024.pdf", "b.pdf")
    del text.record.tables["appeals"]
    primaries = [a.report_id for a in check([scan, text]).assignments if a.is_primary]
    assert primaries == [report_id_of("b.pdf")]


def _page_and_its_pdf() -> tuple[Entry, Entry]:
    """A crawled page holding 淮安's 2024 tables, and the PDF copy it links, which prints another name."""
    url = "http://www.huaian.gov.cn/art/2025/1/20/art_1234_1.html"
    page = _entry("huaian_szf_2024.pdf", "page", url=url)
    return page, _entry("huaian_szf_2024.pdf", "pdf", agency="淮安市人民政府办公室", parent_url=url)


def test_page_with_tables_and_its_attachment_copy_is_not_a_duplicate_report(check) -> None:
    page, pdf = _page_and_its_pdf()
    assert _codes_of(check, [page, pdf]) == []


def test_attachment_copy_belongs_to_its_pages_body(check) -> None:
    page, pdf = _page_and_its_pdf()
    result = check([page, pdf])
    assert _body(result, "pdf") == _body(result, "page")


# --- Copies between bodies ----------------------------------------------------------------

def test_other_bodys_copy_is_duplicate_report_on_both(check) -> None:
    original = _entry("huaian_szf_2024.pdf")
    copied = _entry("huaian_szf_2024.pdf", "copy", agency="宿迁市人民政府")
    assert _codes_of(check, [original, copied]) == [("copy", "DUPLICATE_REPORT", ()),
                                                    ("huaian_szf_2024.pdf", "DUPLICATE_REPORT", ())]


def test_copy_with_the_same_text_under_another_name_is_duplicate_report(check) -> None:
    original = _entry("huaian_szf_2024.pdf", text=NARRATIVE.replace(GANYU, "淮安市人民政府"))
    copied = _entry("huaian_szf_2024.pdf", "copy", agency="宿迁市人民政府",
                    text=NARRATIVE.replace(GANYU, "宿迁市人民政府"))
    [finding, _] = check([original, copied]).findings
    assert (finding.finding.code, finding.finding.message.endswith("正文相似度100%")) == ("DUPLICATE_REPORT", True)


def test_same_numbers_with_other_text_are_not_a_duplicate(check) -> None:
    original = _entry("huaian_szf_2024.pdf", text=NARRATIVE)
    other = _entry("huaian_szf_2024.pdf", "other", agency="宿迁市人民政府",
                   text=(SAMPLES / "pingtan_2022_gwh.html").read_text(encoding="utf-8"))
    assert _codes_of(check, [original, other]) == []


def test_blank_form_copies_are_not_duplicates(check) -> None:
    blank = _entry("official_template_2021.docx", agency="甲局", year=2024)
    assert _codes_of(check, [blank, _entry("official_template_2021.docx", "b", agency="乙局", year=2024)]) == []


def test_many_bodies_sharing_one_report_each_get_one_finding_naming_one_other(check) -> None:
    copies = [_entry("huaian_szf_2024.pdf", f"{i}", agency=f"第{i}局", text=NARRATIVE.replace(GANYU, f"第{i}局"))
              for i in range(30)]
    findings = check(copies).findings
    assert (len(findings), {f.finding.code for f in findings}, "另有28份" in findings[0].finding.message) == (
        30, {"DUPLICATE_REPORT"}, True)


# --- Coverage ---------------------------------------------------------------------------------

def _coverage(result: CrossResult) -> list[tuple[str | None, int, str, str]]:
    return [(c.agency, c.year, c.status, c.basis) for c in result.coverage if c.status != "present"]


def test_bodies_list_without_regions_reports_only_the_years_really_missing(check) -> None:
    entries = [_entry("pingtan_2022_gwh.html", region=PINGTAN), _entry("pingtan_2024_gwh.html", region=PINGTAN),
               _entry("huaian_szf_2024.pdf")]
    result = check(entries, CrossSettings(bodies_csv=str(DATASET_FIXTURES / "bodies.csv"), years=(2022, 2023, 2024)))
    assert _coverage(result) == [
        ("平潭综合实验区", 2023, "not_published", "listed"), ("洪泽区人民政府", 2022, "not_published", "listed"),
        ("洪泽区人民政府", 2023, "not_published", "listed"), ("洪泽区人民政府", 2024, "not_published", "listed"),
        ("淮安市人民政府", 2022, "not_published", "listed"), ("淮安市人民政府", 2023, "not_published", "listed")]


def test_missing_year_is_inferred_from_earlier_years(check) -> None:
    entries = [_entry(f"pingtan_{year}_gwh.html", region=PINGTAN) for year in (2020, 2022, 2024)]
    assert _coverage(check(entries)) == [("平潭综合实验区", 2021, "not_published", "inferred"),
                                         ("平潭综合实验区", 2023, "not_published", "inferred")]


def test_body_with_every_year_is_not_missing(check) -> None:
    this = _entry("pingtan_2022_gwh.html")
    assert _coverage(check([this, _next_year(this, "2023")])) == []


def test_file_that_failed_to_parse_is_a_failed_year_of_its_crawl_seeds_body(check) -> None:
    present = _entry("pingtan_2022_gwh.html", region=PINGTAN)
    broken = Entry("broken.pdf", "1" * 64, "1", None, error="not a PDF",
                   crawl=CrawlInfo("平潭综合实验区", "350128", "平潭综合实验区2023年政府信息公开工作年度报告"))
    [gap] = [c for c in check([present, broken], CrossSettings(years=(2022, 2023))).coverage if c.status != "present"]
    assert (gap.year, gap.status, "not a PDF" in (gap.detail or "")) == (2023, "failed", True)


def test_bodies_list_with_region_names_matches_reports_known_by_adcode(check, tmp_path: Path) -> None:
    bodies = tmp_path / "bodies.csv"
    bodies.write_text("agency,region\n平潭综合实验区,福建省福州市平潭县\n", encoding="utf-8")
    entries = [_entry("pingtan_2022_gwh.html", region=PINGTAN)]
    result = check(entries, CrossSettings(bodies_csv=str(bodies), years=(2022,)))
    assert [(c.body, c.status, c.basis) for c in result.coverage] == [("平潭综合实验区|350128", "present", "listed")]

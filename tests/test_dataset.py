"""The DuckDB dataset: what a write stores, what it replaces, and the queries the README documents."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES, ROOT, SAMPLES, sample_reports
from dataset_support import DATASET_FIXTURES, expected_record, parse_expected

from extractor.build import BuildSettings, Source, build
from extractor.crosscheck import crosscheck
from extractor.dataset import (
    Assignment,
    CrossFinding,
    CrossResult,
    Dataset,
    Entry,
    report_id_of,
    value_columns,
    wide_column,
)
from extractor.errors import DatasetError
from extractor.extract import extract_file
from extractor.record import Finding

SHANGHAI = SAMPLES / "shanghai_szfbgt_2019.html"
#: A crawled detail page holding only the title of 洪泽区's 2023 report and a link to its PDF.
HONGZE_PAGE = FIXTURES / "site" / "www" / "hongze" / "xxgk" / "nb" / "202402" / "t20240201_1.html"
HONGZE_PDF = SAMPLES / "hongze_qzf_2023.pdf"
PAGE_URL = "http://www.hongze.gov.cn/hongze/xxgk/nb/202402/t20240201_1.html"


def _entry(path: Path, **changes: object) -> Entry:
    return Entry(**{"path": str(path), "sha256": "0" * 64, "extractor_version": "1",
                    "record": expected_record(Source(str(path))), **changes})


def _page_and_attachment() -> tuple[Entry, Entry]:
    """The page, parsed for real (no tables, three TABLE_MISSING), and the PDF it links."""
    page = Entry(str(HONGZE_PAGE), "1" * 64, "1", extract_file(HONGZE_PAGE), url=PAGE_URL,
                 publish_date="2024-02-01", text="洪泽区人民政府2023年政府信息公开工作年度报告")
    pdf = _entry(HONGZE_PDF, url=PAGE_URL.replace("t20240201_1.html", "P020240201_hongze.pdf"),
                 publish_date="2024-02-01", parent_url=PAGE_URL)
    return page, pdf


def _rows_of(dataset: Dataset, path: str) -> dict[str, int]:
    """How many rows the dataset holds for one file in each table that describes reports."""
    return {table: int(dataset.frame(f"SELECT count(*) AS n FROM {table} JOIN reports USING (report_id) "
                                     "WHERE path = ?", [path])["n"][0])
            for table in ("findings", "report_texts", "report_values")}


@pytest.fixture
def dataset(tmp_path: Path):
    with Dataset(tmp_path / "x.duckdb") as opened:
        yield opened


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("built") / "x.duckdb"
    build([SAMPLES], db, settings=BuildSettings(jobs=2), parse=parse_expected)
    return db


def test_wide_view_has_one_column_per_key() -> None:
    with Dataset(":memory:") as dataset:
        columns = list(dataset.table("reports_wide").columns)
    assert [c for c in columns if "." in c] == [wide_column(t, k) for t, k in value_columns()]


def test_blank_cell_stays_null_and_zero_stays_zero(dataset: Dataset) -> None:
    dataset.write_entry(_entry(SHANGHAI))
    record = expected_record(Source(str(SHANGHAI)))
    wide = dataset.table("reports_wide").iloc[0]
    assert all((pd.isna(wide[f"requests.{k}"]) if v is None else wide[f"requests.{k}"] == v)
               for k, v in record.tables["requests"].items())


def test_money_keeps_its_decimals(dataset: Dataset) -> None:
    dataset.write_entry(_entry(SAMPLES / "pingtan_2022_gwh.html"))
    assert dataset.table("reports_wide")["active.fees.amount"][0] == 9116.36


def test_writing_a_file_again_replaces_its_rows(dataset: Dataset) -> None:
    dataset.write_entry(_entry(SHANGHAI))
    dataset.write_entry(_entry(SHANGHAI))
    values = sum(map(len, expected_record(Source(str(SHANGHAI))).tables.values()))
    assert (dataset.counts()["reports"], dataset.counts()["report_values"]) == (1, values)


def test_failed_file_is_a_report_row_with_its_reason_and_no_values(dataset: Dataset) -> None:
    dataset.write_entry(_entry(SHANGHAI, record=None, error="empty file"))
    reports = dataset.table("reports")
    assert (list(reports["status"]), list(reports["error"]), dataset.counts()["report_values"]) == (
        ["failed"], ["empty file"], 0)


def test_crosscheck_results_replace_the_previous_ones(dataset: Dataset) -> None:
    entry = _entry(SHANGHAI)
    dataset.write_entry(entry)
    report_id = dataset.table("reports")["report_id"][0]
    finding = CrossFinding(report_id, Finding("DUPLICATE_REPORT", None, (), "x"), None)
    dataset.write_crosscheck(CrossResult([Assignment(report_id, "a", True)], [], [finding, finding], []))
    dataset.write_crosscheck(CrossResult([Assignment(report_id, "b", True)], [], [finding], []))
    findings = dataset.frame("SELECT code FROM findings WHERE origin = 'dataset'")
    assert (len(findings), dataset.table("reports")["body"][0]) == (1, "b")


def test_a_file_that_is_not_a_dataset_is_a_dataset_error() -> None:
    with pytest.raises(DatasetError, match="garbage.pdf: cannot open dataset"):
        Dataset(DATASET_FIXTURES / "garbage.pdf", read_only=True)


def _documented_queries() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Build a dataset", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.DOTALL)


def test_readme_documents_the_four_queries() -> None:
    assert len(_documented_queries()) == 4


@pytest.mark.parametrize("query", _documented_queries(), ids=lambda q: q.splitlines()[0])
def test_documented_query_answers_on_a_built_dataset(built: Path, query: str) -> None:
    with Dataset(built, read_only=True) as dataset:
        assert len(dataset.frame(query)) > 0


def test_documented_failing_query_lists_the_inconsistent_reports(built: Path) -> None:
    failing = next(q for q in _documented_queries() if "勾稽" in q)
    with Dataset(built, read_only=True) as dataset:
        found = {(a, y, c) for a, y, c in dataset.frame(failing)[["agency", "year", "code"]].itertuples(index=False)}
    expected = {(r.agency, r.year, code) for p in sample_reports()
                for r in [expected_record(Source(str(p)))] for code in r.error_codes}
    assert found == expected


@pytest.mark.parametrize("page_first", [True, False], ids=["page-first", "attachment-first"])
def test_page_only_row_is_not_a_report(dataset: Dataset, page_first: bool) -> None:
    page, pdf = _page_and_attachment()
    for entry in (page, pdf) if page_first else (pdf, page):
        dataset.write_entry(entry)
    status = dict(dataset.frame("SELECT path, status FROM reports").itertuples(index=False))
    assert (status[page.path], status[pdf.path]) == ("page", "ok")


def test_page_only_row_keeps_no_findings_text_or_values(dataset: Dataset) -> None:
    page, pdf = _page_and_attachment()
    dataset.write_entry(page)
    dataset.write_entry(pdf)
    assert _rows_of(dataset, page.path) == {"findings": 0, "report_texts": 0, "report_values": 0}


def test_attachment_names_its_page_and_keeps_its_publish_date(dataset: Dataset) -> None:
    page, pdf = _page_and_attachment()
    dataset.write_entry(page)
    dataset.write_entry(pdf)
    row = dataset.table("reports_wide").iloc[0]
    assert (row["path"], row["parent_url"], row["publish_date"]) == (pdf.path, PAGE_URL, "2024-02-01")


def test_wide_view_and_checks_across_reports_leave_out_pages(dataset: Dataset) -> None:
    page, pdf = _page_and_attachment()
    dataset.write_entry(page)
    dataset.write_entry(pdf)
    assert (list(dataset.table("reports_wide")["path"]), [a.report_id for a in crosscheck(dataset).assignments]) == (
        [pdf.path], [report_id_of(pdf.path)])


def test_page_holding_the_tables_stays_a_report_beside_its_attachment(dataset: Dataset) -> None:
    dataset.write_entry(_entry(SHANGHAI, url=PAGE_URL))
    dataset.write_entry(_entry(HONGZE_PDF, parent_url=PAGE_URL))
    assert dataset.status_counts() == {"ok": 2, "failed": 0, "page": 0, "not_a_report": 0}


def test_page_without_a_fetched_attachment_stays_a_report(dataset: Dataset) -> None:
    page, _ = _page_and_attachment()
    dataset.write_entry(page)
    assert (dataset.status_counts()["ok"], _rows_of(dataset, page.path)["findings"]) == (1, 3)

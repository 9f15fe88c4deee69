"""The DuckDB dataset: what a write stores, what it replaces, and the queries the README documents."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SAMPLES, sample_reports
from dataset_support import DATASET_FIXTURES, expected_record, parse_expected

from extractor.build import BuildSettings, Source, build
from extractor.dataset import CrossFinding, Dataset, Entry, value_columns, wide_column
from extractor.errors import DatasetError
from extractor.record import Finding

SHANGHAI = SAMPLES / "shanghai_szfbgt_2019.html"


def _entry(path: Path, **changes: object) -> Entry:
    return Entry(**{"path": str(path), "sha256": "0" * 64, "extractor_version": "1",
                    "record": expected_record(Source(str(path))), **changes})


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
    dataset.write_crosscheck({report_id: "a"}, [finding, finding], [])
    dataset.write_crosscheck({report_id: "b"}, [finding], [])
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

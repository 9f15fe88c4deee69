"""What a built dataset answers, tried as a new user would: each body-year once, true coverage,
no file counted as a report that is none, options remembered, nothing recomputed for nothing."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES
from dataset_support import DATASET_FIXTURES, parse_expected

from extractor.build import BuildSettings, build
from extractor.crosscheck import CrossSettings
from extractor.dataset import Dataset

FAST = BuildSettings(jobs=2, timeout=120)
HONGZE_2024 = DATASET_FIXTURES / "hongze_2024_generated.html"


def _query(db: Path, sql: str) -> list[tuple]:
    with Dataset(db, read_only=True) as dataset:
        return [tuple(row) for row in dataset.frame(sql).itertuples(index=False)]


def _readme_query(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return next(q for q in re.findall(r"```sql\n(.*?)```", readme, re.DOTALL) if title in q)


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("samples") / "x.duckdb"
    build([SAMPLES], db, settings=FAST, parse=parse_expected,
          checks=CrossSettings(bodies_csv=str(DATASET_FIXTURES / "bodies.csv")))
    return db


def test_readme_query_counts_a_report_published_twice_once(samples_db: Path) -> None:
    """淮安 2024 is bundled as PDF and as DOCX: the README's first query sums it once (3119, not 6238)."""
    rows = {agency: requests for _, agency, requests in _query(samples_db, _readme_query("most new requests"))}
    assert rows["淮安市人民政府"] == 3119


def test_wide_view_holds_one_row_per_body_year_and_files_wide_every_file(samples_db: Path) -> None:
    reports = _query(samples_db, "SELECT count(*), count(DISTINCT (coalesce(body, report_id), year)) "
                                "FROM reports_wide")
    files = _query(samples_db, "SELECT count(*) FROM files_wide")
    assert (reports, files) == ([(8, 8)], [(9,)])


def test_bodies_listed_without_region_are_not_missing_where_they_reported(samples_db: Path) -> None:
    false_gaps = _query(samples_db, "SELECT m.body, m.year FROM missing_reports m JOIN reports_wide r "
                                    "ON r.body = m.body AND r.year = m.year")
    assert false_gaps == []


def test_a_listed_body_is_expected_once_per_year(samples_db: Path) -> None:
    assert _query(samples_db, "SELECT body, year, count(*) FROM coverage GROUP BY ALL HAVING count(*) > 1") == []


def test_renamed_body_is_one_body_with_no_gap_and_its_carry_over_checked(tmp_path: Path) -> None:
    """洪泽 prints 洪泽区人民政府 in 2023 and 淮安市洪泽区人民政府 in 2024 (parsed for real)."""
    db = tmp_path / "x.duckdb"
    build([SAMPLES / "hongze_qzf_2023.pdf", HONGZE_2024], db, settings=FAST)
    bodies = [(body, list(names)) for body, names in _query(db, "SELECT body, names FROM bodies")]
    coverage = _query(db, "SELECT year, status FROM coverage ORDER BY year")
    carry = _query(db, "SELECT DISTINCT r.year FROM findings f JOIN reports r USING (report_id) "
                       "WHERE f.code = 'CARRY_MISMATCH'")
    assert (bodies, coverage, carry) == ([("洪泽区人民政府|320813", ["洪泽区人民政府", "淮安市洪泽区人民政府"])],
                                         [(2023, "present"), (2024, "present")], [(2024,)])


def test_readme_and_a_notice_in_a_source_folder_are_not_reports(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ROOT / "README.md", folder / "README.md")
    (folder / "notice.txt").write_text("关于报送2024年度政府信息公开工作年度报告的通知\n各单位：请于1月31日前报送。\n",
                                       encoding="utf-8")
    shutil.copy(SAMPLES / "pingtan_2022_gwh.html", folder)
    db = tmp_path / "x.duckdb"
    build([folder], db, settings=FAST)
    statuses = dict(_query(db, "SELECT regexp_extract(path, '[^/]+$'), status FROM reports"))
    assert (statuses, _query(db, "SELECT count(*) FROM findings WHERE code = 'TABLE_MISSING'")) == (
        {"README.md": "not_a_report", "notice.txt": "not_a_report", "pingtan_2022_gwh.html": "ok"}, [(0,)])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_noise_named_doc_is_not_a_report(tmp_path: Path) -> None:
    noise = tmp_path / "noise.doc"
    noise.write_bytes(bytes(range(256)) * 40)
    db = tmp_path / "x.duckdb"
    build([noise], db, settings=FAST)
    assert _query(db, "SELECT status FROM reports") in ([("not_a_report",)], [("failed",)])


def test_options_given_once_hold_for_later_builds(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    build([SAMPLES / "pingtan_2022_gwh.html"], db, settings=FAST, parse=parse_expected,
          checks=CrossSettings(bodies_csv=str(DATASET_FIXTURES / "bodies.csv"), years=(2022, 2023)))
    build([SAMPLES / "pingtan_2024_gwh.html"], db, settings=FAST, parse=parse_expected)
    assert _query(db, "SELECT DISTINCT year, basis FROM coverage ORDER BY year") == [(2022, "listed"), (2023, "listed")]


def test_forgetting_the_options_goes_back_to_the_years_seen(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    build([SAMPLES / "pingtan_2022_gwh.html"], db, settings=FAST, parse=parse_expected,
          checks=CrossSettings(bodies_csv=str(DATASET_FIXTURES / "bodies.csv"), years=(2020, 2021)))
    build([SAMPLES / "pingtan_2022_gwh.html"], db, settings=FAST, parse=parse_expected,
          checks=CrossSettings(forget=True))
    assert _query(db, "SELECT body, year, status, basis FROM coverage") == [
        ("平潭综合实验区", 2022, "present", "inferred")]


def test_build_that_parses_nothing_does_no_cross_report_work(tmp_path: Path) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    for i in range(40):
        shutil.copy(SAMPLES / "pingtan_2022_gwh.html", folder / f"copy{i:02d}.html")
        shutil.copy(SAMPLES / "pingtan_2022_gwh.expected.json", folder / f"copy{i:02d}.expected.json")
    db = tmp_path / "x.duckdb"
    build([folder], db, settings=FAST, parse=parse_expected)
    with Dataset(db) as dataset:
        current_after_build = dataset.crosscheck_is_current()
    again = build([folder], db, settings=FAST, parse=parse_expected)
    primaries = _query(db, "SELECT count(*) FILTER (WHERE is_primary), count(*) FROM reports")
    assert (current_after_build, again.parsed, primaries) == (True, 0, [(1, 40)])

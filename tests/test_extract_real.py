"""Every bundled real report gives its hand-verified record, cell by cell.

A value must match exactly, a blank cell (null) is not 0, no key may be
invented, and the error codes are the ones the published report deserves.
"""
import json
import math
from pathlib import Path

import pytest

from conftest import SAMPLES, SHARED_CORPUS, expected_path, sample_reports
from extractor.extract import extract_file

REPORTS = sample_reports()


@pytest.fixture(scope="module")
def records():
    return {}


def _record(records, report: Path):
    if report not in records:
        records[report] = extract_file(report)
    return records[report]


def _expected(report: Path) -> dict:
    return json.loads(expected_path(report).read_text(encoding="utf-8"))


def _same(got, want) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return math.isclose(float(got), float(want), abs_tol=1e-6)


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_every_value_matches_the_expected_record(records, report):
    record, expected = _record(records, report), _expected(report)
    wrong = [f"{table}.{key}: got {record.tables.get(table, {}).get(key, 'MISSING')!r} want {want!r}"
             for table, values in expected["tables"].items() for key, want in values.items()
             if key not in record.tables.get(table, {}) or not _same(record.tables[table][key], want)]
    assert wrong == []


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_no_key_is_invented(records, report):
    record, expected = _record(records, report), _expected(report)
    spurious = [f"{t}.{k}" for t, values in record.tables.items() for k in values
                if k not in expected["tables"].get(t, {})]
    assert spurious == []


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_error_codes_are_those_the_report_deserves(records, report):
    assert sorted(_record(records, report).error_codes) == sorted(set(_expected(report)["error_codes"]))


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_agency_year_and_template(records, report):
    record, expected = _record(records, report), _expected(report)
    assert (record.agency, record.year, record.template) == (expected["agency"], expected["year"], expected["template"])


def test_seed_is_2021_all_zero_without_errors(records):
    record = _record(records, SAMPLES / "ganyu-kjj-2024.txt")
    assert record.template == "2021" and record.agency == "连云港市赣榆区科学技术局" and record.year == 2024
    assert {v for values in record.tables.values() for v in values.values()} == {0}
    assert record.error_codes == set()


@pytest.mark.skipif(not SHARED_CORPUS.exists(), reason="../shared/corpus is not beside this checkout")
@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_samples_are_the_shared_corpus(report):
    for path in (report, expected_path(report)):
        shared = next(SHARED_CORPUS.glob(f"*/{path.name}"))
        assert shared.read_bytes() == path.read_bytes()

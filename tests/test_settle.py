"""Cells OCR read two ways ("218≠213"), settled by the sums they are in (extractor/settle.py).

A real report (平潭 2024, HTML) with its 申请 total printed as the reader
gives a cell whose two readings disagree: the form's sums decide, or the
cell stays unreadable.
"""
import json

from conftest import SAMPLES, expected_path

from extractor.extract import extract_file

REPORT = SAMPLES / "pingtan_2024_gwh.html"
EXPECTED = json.loads(expected_path(REPORT).read_text(encoding="utf-8"))["tables"]["requests"]
#: The cell made unsure: 本年新收 总计, printed 218 (its first "218" in the page).
KEY = "new_received.total"


def _read_as(tmp_path, readings: str):
    """The report with its first 218 printed as two readings."""
    page = REPORT.read_text(encoding="utf-8").replace(">218<", f">{readings}<", 1)
    path = tmp_path / REPORT.name
    path.write_text(page, encoding="utf-8")
    return extract_file(path)


def _codes(record, key: str) -> set[str]:
    return {f.code for f in record.findings if key in f.keys}


def test_the_one_reading_the_sums_hold_with_is_kept(tmp_path) -> None:
    record = _read_as(tmp_path, "213≠218")
    assert record.tables["requests"] == EXPECTED


def test_a_settled_cell_is_reported_with_both_readings(tmp_path) -> None:
    record = _read_as(tmp_path, "213≠218")
    settled = [f for f in record.findings if f.code == "OCR_SETTLED"]
    assert [(f.table, f.keys, f.severity) for f in settled] == [("requests", (KEY,), "info")]
    assert "213≠218" in settled[0].message and record.provenance["requests"][KEY].raw == "213≠218"


def test_readings_no_sum_holds_with_leave_the_cell_unreadable(tmp_path) -> None:
    record = _read_as(tmp_path, "213≠216")
    assert record.tables["requests"][KEY] is None
    assert _codes(record, KEY) >= {"CELL_UNREADABLE"} and "OCR_SETTLED" not in _codes(record, KEY)

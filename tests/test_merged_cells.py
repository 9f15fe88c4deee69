"""A value cell merged down over several rows is read for every row it spans, and says so.

The fixtures (``fixtures/merged``) are real reports changed only in （六）其他处理:
its value cells merged down over its three rows, as a real 2023 report prints them.
"""
import json

import pytest

from conftest import FIXTURES, SAMPLES
from extractor.document import Table, place_cells
from extractor.extract import extract_file
from extractor.locate import merged_values, rows_with_merged_values

MERGED = FIXTURES / "merged"
OTHER_ROWS = ("other.no_correction", "other.unpaid_fee", "other.other")
COLUMNS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")


def _expected(name):
    return json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def html_record():
    return extract_file(MERGED / "pingtan_2024_other_merged.html")


@pytest.fixture(scope="module")
def docx_record():
    return extract_file(MERGED / "huaian_szf_2024_form_other_merged.docx")


def test_rows_printing_only_their_labels_take_the_merged_zero(html_record):
    requests = html_record.tables["requests"]
    assert {requests[f"{row}.{col}"] for row in OTHER_ROWS for col in COLUMNS} == {0}
    assert "ROW_MISSING" not in html_record.error_codes


def test_merged_value_notes_how_many_rows_it_spans(html_record):
    provenance = html_record.provenance["requests"]
    assert {provenance[f"{row}.total"].note for row in OTHER_ROWS} == {"merged over 3 rows"}
    assert {provenance[f"{row}.total"].where for row in OTHER_ROWS} == {"table 2 row 24 col 10"}


def test_merged_zero_raises_no_merged_finding(html_record):
    assert not [f for f in html_record.findings if f.code == "CELL_MERGED"]


def test_only_the_merged_rows_differ_from_the_source_report(html_record):
    source = _expected("pingtan_2024_gwh")["tables"]
    differ = {f"{t}.{k}" for t, values in source.items() for k, v in values.items() if html_record.tables[t][k] != v}
    assert differ and {key.rpartition(".")[0] for key in differ} <= {f"requests.{row}" for row in OTHER_ROWS}


def test_word_vmerge_value_is_read_for_each_row(docx_record):
    requests = docx_record.tables["requests"]
    assert [requests[f"{row}.total"] for row in OTHER_ROWS] == [71, 71, 71]


def test_non_zero_merged_value_is_flagged_once_per_printed_cell(docx_record):
    merged = [f for f in docx_record.findings if f.code == "CELL_MERGED"]
    assert [f.keys for f in merged] == [tuple(f"{row}.{col}" for row in OTHER_ROWS) for col in
                                        ("natural_person", "commercial", "legal_service", "total")]
    assert {f.severity for f in merged} == {"info"}
    assert "67" in merged[0].message and "table 2 row 24 col 4" in merged[0].message


def test_ruled_pdf_reads_the_merged_value_for_the_rows_it_spans_on_its_page():
    record = extract_file(MERGED / "huaian_szf_2024_form_other_merged.pdf")
    requests, provenance = record.tables["requests"], record.provenance["requests"]
    assert (requests["other.no_correction.total"], requests["other.unpaid_fee.total"]) == (71, 71)
    assert provenance["other.unpaid_fee.total"].note == "merged over 2 rows"


def test_blank_corner_merged_over_header_rows_is_not_a_value_of_theirs():
    rows = [[("", 2, 1), ("自然人", 1, 1), ("总计", 1, 1)], [("商业企业", 1, 1), ("其他", 1, 1)]]
    table = Table(place_cells(rows), "table 1")
    assert [cell.text for cell in rows_with_merged_values(table, merged_values(table))[1]] == ["商业企业", "其他"]


def test_merged_value_stands_in_each_row_at_its_column():
    rows = [[("1.申请人无正当理由逾期不补正", 1, 1), ("0", 2, 1), ("5", 1, 1)], [("3.其他", 1, 1), ("2", 1, 1)]]
    table = Table(place_cells(rows), "table 1")
    below = rows_with_merged_values(table, merged_values(table))[1]
    assert [(cell.text, cell.col) for cell in below] == [("3.其他", 0), ("0", 1), ("2", 2)]
